#pragma once

#include <absl/status/status.h>
#include <absl/status/statusor.h>
#include <google/protobuf/descriptor.h>
#include <grpcpp/server_context.h>
#include <grpcpp/support/server_interceptor.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/config.h"

namespace nml::common {

enum class Role { kNone = 0, kReader = 1, kEditor = 2, kAdmin = 3 };

// API keys as configured: only the SHA-256 of each key is kept.
//
// The configuration is one key a line, "role sha256-hex [name]", e.g.
//   editor 5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8 ci
// from NML_API_KEYS or the file named by --api-keys-file;
// `printf %s "$KEY" | sha256sum` gives the hash.
class ApiKeys final {
 public:
  static absl::StatusOr<ApiKeys> Parse(std::string_view text);
  // The role of `key`, kNone when unknown. Compares every configured hash
  // in constant time, so timing does not tell how close a guess was.
  Role RoleOf(std::string_view key) const;
  bool empty() const { return entries_.empty(); }

  static std::string Sha256Hex(std::string_view data);

 private:
  struct Entry {
    std::string hash;  // 32 bytes, binary
    Role role;
    std::string name;
  };
  std::vector<Entry> entries_;
};

// Who may call what: the role each RPC declares in the contract
// (`option (nml.api.v1.required_role)`, proto/nml/api/v1/auth.proto):
// reads `reader` (or nothing, with anonymous reads on), creates and updates
// `editor`, imports, merges, splits and deletes `admin`. A method that
// declares none is refused to every key (and its server does not start:
// CheckRolesDeclared). With no keys configured at all, everything is
// allowed (local development; the service warns at start).
class AuthPolicy final {
 public:
  AuthPolicy(ApiKeys keys, bool anonymous_reads)
      : keys_(std::move(keys)), anonymous_reads_(anonymous_reads) {}

  // The role `method` ("/nml.listings.v1.ListingsService/GetReview")
  // declares; kNone for a method that declares none or is unknown.
  static Role RequiredRole(std::string_view method);
  // No keys configured: every call is allowed.
  bool open() const { return keys_.empty(); }
  // OK, UNAUTHENTICATED (no or unknown key where one is needed) or
  // PERMISSION_DENIED (a key whose role is too low). `authorization` is the
  // header value ("Bearer <key>").
  absl::Status Decide(std::string_view method,
                      std::string_view authorization) const;

 private:
  ApiKeys keys_;
  bool anonymous_reads_;
};

// OK when every method of `service` declares its role; FAILED_PRECONDITION
// naming the first that does not (or a service that is not known).
absl::Status CheckRolesDeclared(
    const google::protobuf::ServiceDescriptor* service);

// The policy the options describe; INVALID_ARGUMENT names a bad entry.
absl::StatusOr<std::shared_ptr<const AuthPolicy>> LoadAuthPolicy(
    const AuthOptions& options);

// LoadAuthPolicy, or one line naming the problem and exit status 2.
std::shared_ptr<const AuthPolicy> LoadAuthPolicyOrExit(
    const std::string& program, const AuthOptions& options);

// Decides every call with `policy` in a server interceptor and leaves the
// decision for the handler, which enforces it (a gRPC 1.51 server
// interceptor cannot end a call itself). Health checks and reflection are
// not subject to it.
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
MakeAuthInterceptorFactory(std::shared_ptr<const AuthPolicy> policy);

// The interceptor's decision for this call: OK when no policy is installed.
absl::Status AuthDecision(const grpc::ServerContextBase& context);

}  // namespace nml::common
