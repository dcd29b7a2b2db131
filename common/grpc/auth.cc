#include "common/grpc/auth.h"

#include <absl/strings/ascii.h>
#include <absl/strings/escaping.h>
#include <absl/strings/match.h>
#include <absl/strings/str_cat.h>
#include <absl/strings/str_split.h>
#include <openssl/crypto.h>
#include <openssl/sha.h>
#include <spdlog/spdlog.h>

#include <fstream>
#include <sstream>

#include "common/api/status.h"
#include "common/api/strings.h"
#include "nml/api/v1/auth.pb.h"

namespace nml::common {

namespace {

// The interceptor writes its decision into the call's metadata under this
// key, after removing any the client sent.
constexpr char kDecisionKey[] = "nml-internal-auth-decision";

std::string Sha256(std::string_view data) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(),
         digest);
  return std::string(reinterpret_cast<const char*>(digest), sizeof(digest));
}

std::string_view RoleName(Role role) {
  switch (role) {
    case Role::kReader:
      return "reader";
    case Role::kEditor:
      return "editor";
    case Role::kAdmin:
      return "admin";
    default:
      return "none";
  }
}

}  // namespace

std::string ApiKeys::Sha256Hex(std::string_view data) {
  return absl::BytesToHexString(Absl(Sha256(data)));
}

absl::StatusOr<ApiKeys> ApiKeys::Parse(std::string_view text) {
  ApiKeys keys;
  int line_number = 0;
  for (absl::string_view line :
       absl::StrSplit(Absl(text), absl::ByAnyChar("\n;"))) {
    ++line_number;
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line.front() == '#') continue;
    std::vector<std::string> words =
        absl::StrSplit(line, ' ', absl::SkipWhitespace());
    if (words.size() < 2) {
      return absl::InvalidArgumentError(
          absl::StrCat("api keys, entry ", line_number,
                       ": expected 'role sha256-hex [name]'"));
    }
    Entry entry;
    if (words[0] == "reader") {
      entry.role = Role::kReader;
    } else if (words[0] == "editor") {
      entry.role = Role::kEditor;
    } else if (words[0] == "admin") {
      entry.role = Role::kAdmin;
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("api keys, entry ", line_number,
                       ": role must be reader, editor or admin"));
    }
    const std::string hex = absl::AsciiStrToLower(words[1]);
    if (hex.size() != 64 ||
        hex.find_first_not_of("0123456789abcdef") != std::string::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("api keys, entry ", line_number,
                       ": the key must be given as its SHA-256, 64 hex digits "
                       "(never the key itself)"));
    }
    entry.hash = absl::HexStringToBytes(hex);
    entry.name =
        words.size() > 2 ? words[2] : absl::StrCat("key-", line_number);
    keys.entries_.push_back(std::move(entry));
  }
  return keys;
}

Role ApiKeys::RoleOf(std::string_view key) const {
  const std::string hash = Sha256(key);
  Role found = Role::kNone;
  for (const Entry& entry : entries_) {
    const bool same =
        CRYPTO_memcmp(hash.data(), entry.hash.data(), hash.size()) == 0;
    if (same && entry.role > found) found = entry.role;
  }
  return found;
}

namespace {

Role FromDeclared(const google::protobuf::MethodDescriptor& method) {
  switch (method.options().GetExtension(api::v1::required_role)) {
    case api::v1::ROLE_READER:
      return Role::kReader;
    case api::v1::ROLE_EDITOR:
      return Role::kEditor;
    case api::v1::ROLE_ADMIN:
      return Role::kAdmin;
    default:
      return Role::kNone;
  }
}

}  // namespace

Role AuthPolicy::RequiredRole(std::string_view method) {
  // "/nml.listings.v1.ListingsService/CreateMarket" ->
  // "nml.listings.v1.ListingsService.CreateMarket"
  if (!method.starts_with('/')) return Role::kNone;
  std::string full_name(method.substr(1));
  const size_t slash = full_name.find('/');
  if (slash == std::string::npos) return Role::kNone;
  full_name[slash] = '.';
  const auto* descriptor =
      google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(
          full_name);
  return descriptor == nullptr ? Role::kNone : FromDeclared(*descriptor);
}

absl::Status CheckRolesDeclared(
    const google::protobuf::ServiceDescriptor* service) {
  if (service == nullptr) {
    return absl::FailedPreconditionError(
        "the service is not in the descriptor pool: its methods' roles "
        "cannot be read");
  }
  for (int i = 0; i < service->method_count(); ++i) {
    if (FromDeclared(*service->method(i)) == Role::kNone) {
      return absl::FailedPreconditionError(absl::StrCat(
          service->method(i)->full_name(),
          " declares no role (option (nml.api.v1.required_role)); a "
          "method without one would be open to every key, so the server "
          "does not start"));
    }
  }
  return absl::OkStatus();
}

absl::Status AuthPolicy::Decide(std::string_view method,
                                std::string_view authorization) const {
  // No keys configured: development mode, open to every caller (the
  // service says so loudly at start).
  if (keys_.empty()) return absl::OkStatus();
  const Role required = RequiredRole(method);
  if (required == Role::kNone) {
    return absl::PermissionDeniedError("this method declares no role");
  }
  Role role = Role::kNone;
  if (!authorization.empty()) {
    std::string_view key = authorization;
    if (!absl::StartsWithIgnoreCase(Absl(key), "bearer ")) {
      return absl::UnauthenticatedError(
          "authorization: expected 'Bearer <api key>'");
    }
    key.remove_prefix(7);
    role = keys_.RoleOf(key);
    if (role == Role::kNone)
      return absl::UnauthenticatedError("authorization: unknown API key");
  }
  if (role == Role::kNone) {
    if (required == Role::kReader && anonymous_reads_) return absl::OkStatus();
    return absl::UnauthenticatedError(absl::StrCat(
        "this call needs an API key with the ", std::string(RoleName(required)),
        " role (authorization: Bearer <key>)"));
  }
  if (role < required) {
    return absl::PermissionDeniedError(
        absl::StrCat("this call needs the ", std::string(RoleName(required)),
                     " role; the key has ", std::string(RoleName(role))));
  }
  return absl::OkStatus();
}

namespace {

class AuthInterceptor final : public grpc::experimental::Interceptor {
 public:
  AuthInterceptor(grpc::experimental::ServerRpcInfo* info,
                  std::shared_ptr<const AuthPolicy> policy)
      : method_(info->method() != nullptr ? info->method() : ""),
        policy_(std::move(policy)) {}

  void Intercept(
      grpc::experimental::InterceptorBatchMethods* methods) override {
    if (methods->QueryInterceptionHookPoint(
            grpc::experimental::InterceptionHookPoints::
                POST_RECV_INITIAL_METADATA)) {
      auto* metadata = methods->GetRecvInitialMetadata();
      if (metadata != nullptr) {
        metadata->erase(kDecisionKey);
        std::string authorization;
        const auto it = metadata->find("authorization");
        if (it != metadata->end())
          authorization.assign(it->second.data(), it->second.size());
        const bool exempt = method_.starts_with("/grpc.health.") ||
                            method_.starts_with("/grpc.reflection.");
        if (!exempt) {
          const absl::Status status = policy_->Decide(method_, authorization);
          decision_ = status.ok()
                          ? "0"
                          : absl::StrCat(static_cast<int>(status.code()), ":",
                                         std::string(status.message()));
          metadata->emplace(grpc::string_ref(kDecisionKey),
                            grpc::string_ref(decision_));
        }
      }
    }
    methods->Proceed();
  }

 private:
  std::string method_;
  std::shared_ptr<const AuthPolicy> policy_;
  std::string decision_;  // lives as long as the call, like the metadata
};

class AuthInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit AuthInterceptorFactory(std::shared_ptr<const AuthPolicy> policy)
      : policy_(std::move(policy)) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new AuthInterceptor(info, policy_);
  }

 private:
  std::shared_ptr<const AuthPolicy> policy_;
};

}  // namespace

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
MakeAuthInterceptorFactory(std::shared_ptr<const AuthPolicy> policy) {
  if (policy->open()) {
    spdlog::warn(
        "no API keys configured (NML_API_KEYS, --api-keys-file): every caller "
        "may read and "
        "write. Configure keys for anything but local development.");
  }
  return std::make_unique<AuthInterceptorFactory>(std::move(policy));
}

absl::StatusOr<std::shared_ptr<const AuthPolicy>> LoadAuthPolicy(
    const AuthOptions& options) {
  std::string text = options.api_keys;
  if (!options.api_keys_file.empty()) {
    std::ifstream in(options.api_keys_file);
    if (!in) {
      return absl::InvalidArgumentError(
          absl::StrCat("--api-keys-file: cannot read ", options.api_keys_file));
    }
    std::stringstream content;
    content << in.rdbuf();
    absl::StrAppend(&text, "\n", content.str());
  }
  auto keys = ApiKeys::Parse(text);
  if (!keys.ok()) return keys.status();
  return std::make_shared<const AuthPolicy>(std::move(*keys),
                                            options.anonymous_reads);
}

std::shared_ptr<const AuthPolicy> LoadAuthPolicyOrExit(
    const std::string& program, const AuthOptions& options) {
  auto policy = LoadAuthPolicy(options);
  if (!policy.ok()) {
    ExitWithError(program,
                  absl::InvalidArgumentError(absl::StrCat(
                      "configuration error: ", policy.status().message())),
                  2);
  }
  return *policy;
}

absl::Status AuthDecision(const grpc::ServerContextBase& context) {
  const auto& metadata = context.client_metadata();
  const auto it = metadata.find(kDecisionKey);
  if (it == metadata.end()) return absl::OkStatus();
  const std::string decision(it->second.data(), it->second.size());
  if (decision == "0") return absl::OkStatus();
  const size_t colon = decision.find(':');
  int code = static_cast<int>(absl::StatusCode::kUnauthenticated);
  if (colon != std::string::npos)
    code = std::atoi(decision.substr(0, colon).c_str());
  return absl::Status(
      static_cast<absl::StatusCode>(code),
      colon == std::string::npos ? decision : decision.substr(colon + 1));
}

}  // namespace nml::common
