#pragma once

#include <absl/status/statusor.h>

#include <CLI/CLI.hpp>
#include <string>
#include <string_view>

namespace nml::common {

// A host and port to listen on or connect to.
struct HostPort {
  std::string host;
  int port = 0;
  std::string ToString() const;
};

// Parses "host:port", "[v6]:port" or ":port" (all interfaces). Port 0 asks
// the kernel for a free port (tests).
absl::StatusOr<HostPort> ParseHostPort(std::string_view text);

struct LogOptions {
  std::string format = "text";  // text | json
  std::string level = "info";   // trace | debug | info | warn | error
};

// TLS for a listener: a certificate and key; with a client CA, clients must
// present a certificate it signed (mTLS). All PEM files; empty = plaintext.
struct ServerTlsOptions {
  std::string cert;
  std::string key;
  std::string client_ca;
  bool enabled() const { return !cert.empty(); }
};

// TLS for a client: the CA that signed the server, and for mTLS the client's
// own certificate and key. Empty CA = plaintext.
struct ClientTlsOptions {
  std::string ca;
  std::string cert;
  std::string key;
  bool enabled() const { return !ca.empty(); }
};

struct ServerOptions {
  std::string listen;  // host:port of the gRPC listener
  // host:port of the Prometheus /metrics listener; empty: none.
  std::string metrics_listen;
  ServerTlsOptions tls;
  int shutdown_grace_ms = 10000;
  int max_message_bytes = 4 * 1024 * 1024;
  int workers = 4;
  int queue_limit = 256;
  // HTTP/2 streams (calls) one client connection may have open at once.
  // Overload stays with the client, where its deadline ends a call at no
  // cost to the server: a call gRPC has taken in costs about as much to
  // refuse as a snapshot read costs to answer (bench/README.md, overload).
  int max_concurrent_streams = 128;
  int health_interval_ms = 250;
  // A health check (the database's SELECT 1) that has not answered by then
  // counts as failed: a hung database is NOT_SERVING within this.
  int health_timeout_ms = 400;
  // Fault drills: every service call is held this long before its handler
  // runs (common/grpc/fault_drill.h). Never set in production.
  int inject_delay_ms = 0;
};

struct DatabaseOptions {
  std::string url;  // libpq URI or key=value string; required
  int pool_size = 4;
  int statement_timeout_ms = 5000;
  int connect_timeout_s = 2;
  int acquire_timeout_ms = 2000;
  // How long start-up waits for the database before giving up.
  int startup_wait_s = 10;
};

struct AuthOptions {
  std::string api_keys;       // inline entries, "role sha256 [name]; ..."
  std::string api_keys_file;  // or a file of them, one a line
  bool anonymous_reads = true;
};

// Flags and their NML_* environment twins. A flag on the command line wins
// over the environment.
void AddLogFlags(CLI::App& app, LogOptions& options);
void AddServerFlags(CLI::App& app, ServerOptions& options,
                    std::string default_listen);
void AddDatabaseFlags(CLI::App& app, DatabaseOptions& options);
// --page-token-key: the secret page tokens are signed with
// (common/api/page_token.h), for the services that page.
void AddPageTokenFlags(CLI::App& app, std::string& secret);
// Sets the page token key from `secret`, or warns that tokens will hold only
// in this process when it is empty.
void ConfigurePageTokens(const std::string& secret);
void AddAuthFlags(CLI::App& app, AuthOptions& options);
// --<prefix>tls-cert etc. with NML_<PREFIX>TLS_CERT etc.
void AddServerTlsFlags(CLI::App& app, ServerTlsOptions& options,
                       const std::string& prefix = "");
void AddClientTlsFlags(CLI::App& app, ClientTlsOptions& options,
                       const std::string& prefix, const std::string& what);

// Reads a PEM file; the error names the flag.
absl::StatusOr<std::string> ReadPem(const std::string& path,
                                    std::string_view flag);

// Parses the command line. On bad input prints one line naming the flag (or
// variable) and what is wrong, and exits with status 2; `--help` prints the
// help and exits 0.
void ParseOrExit(CLI::App& app, int argc, char** argv);

// Prints "<program>: <message>" as one line on stderr and exits with `code`:
// how a program stops at start-up on what it cannot run with.
[[noreturn]] void ExitWithError(const std::string& program,
                                const absl::Status& status, int code = 1);

}  // namespace nml::common
