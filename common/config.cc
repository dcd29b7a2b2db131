#include "common/config.h"

#include <absl/strings/ascii.h>
#include <absl/strings/str_cat.h>
#include <absl/strings/str_replace.h>
#include <spdlog/spdlog.h>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/api/page_token.h"

namespace nml::common {

std::string HostPort::ToString() const {
  if (host.find(':') != std::string::npos) {
    return absl::StrCat("[", host, "]:", port);
  }
  return absl::StrCat(host, ":", port);
}

absl::StatusOr<HostPort> ParseHostPort(std::string_view text) {
  const auto colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", std::string(text), "' is not host:port"));
  }
  std::string_view host = text.substr(0, colon);
  const std::string_view port_text = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrCat(
        "'", std::string(text), "': write IPv6 hosts as [addr]:port"));
  }
  int port = -1;
  const auto [end, ec] = std::from_chars(
      port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() ||
      end != port_text.data() + port_text.size() || port < 0 || port > 65535) {
    return absl::InvalidArgumentError(absl::StrCat(
        "'", std::string(port_text), "' is not a port number (0..65535) in '",
        std::string(text), "'"));
  }
  return HostPort{host.empty() ? "0.0.0.0" : std::string(host), port};
}

namespace {

// CLI11 validator that accepts what ParseHostPort accepts.
const CLI::Validator kHostPort(
    [](std::string& value) -> std::string {
      auto parsed = ParseHostPort(value);
      if (!parsed.ok()) return std::string(parsed.status().message());
      return {};
    },
    "HOST:PORT");

}  // namespace

void AddLogFlags(CLI::App& app, LogOptions& options) {
  app.add_option("--log-format", options.format,
                 "Log line format: text or json")
      ->envname("NML_LOG_FORMAT")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  app.add_option("--log-level", options.level, "Minimum level to log")
      ->envname("NML_LOG_LEVEL")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}))
      ->capture_default_str();
}

void AddServerFlags(CLI::App& app, ServerOptions& options,
                    std::string default_listen) {
  options.listen = std::move(default_listen);
  app.add_option("--listen", options.listen,
                 "gRPC listen address, host:port (port 0 picks a free port)")
      ->envname("NML_LISTEN")
      ->check(kHostPort)
      ->capture_default_str();
  app.add_option("--metrics-listen", options.metrics_listen,
                 "Serve Prometheus metrics at http://host:port/metrics "
                 "(empty: not served)")
      ->envname("NML_METRICS_LISTEN")
      ->check(kHostPort);
  app.add_option("--shutdown-grace-ms", options.shutdown_grace_ms,
                 "On SIGTERM, how long in-flight calls may take to finish")
      ->envname("NML_SHUTDOWN_GRACE_MS")
      ->check(CLI::Range(0, 600000))
      ->capture_default_str();
  app.add_option("--max-message-bytes", options.max_message_bytes,
                 "Largest request or response message accepted")
      ->envname("NML_MAX_MESSAGE_BYTES")
      ->check(CLI::Range(1024, 256 * 1024 * 1024))
      ->capture_default_str();
  app.add_option("--workers", options.workers,
                 "Worker threads that run RPCs (database work)")
      ->envname("NML_WORKERS")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  app.add_option("--queue-limit", options.queue_limit,
                 "RPCs that may wait for a worker; beyond it RPCs fail with "
                 "RESOURCE_EXHAUSTED")
      ->envname("NML_QUEUE_LIMIT")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  app.add_option("--max-concurrent-streams", options.max_concurrent_streams,
                 "Calls one client connection may have open at once; more "
                 "wait in the client")
      ->envname("NML_MAX_CONCURRENT_STREAMS")
      ->check(CLI::Range(1, 100000))
      ->capture_default_str();
  app.add_option("--health-timeout-ms", options.health_timeout_ms,
                 "A health check that has not answered by then fails (a "
                 "database that hangs)")
      ->envname("NML_HEALTH_TIMEOUT_MS")
      ->check(CLI::Range(50, 60000))
      ->capture_default_str();
  app.add_option("--health-interval-ms", options.health_interval_ms,
                 "How often readiness (the database) is probed")
      ->envname("NML_HEALTH_INTERVAL_MS")
      ->check(CLI::Range(50, 60000))
      ->capture_default_str();
  AddServerTlsFlags(app, options.tls);
  app.add_option("--inject-delay-ms", options.inject_delay_ms,
                 "Testing only: delay every RPC by this long")
      ->envname("NML_INJECT_DELAY_MS")
      ->check(CLI::Range(0, 600000))
      ->capture_default_str();
}

void AddPageTokenFlags(CLI::App& app, std::string& secret) {
  app.add_option("--page-token-key", secret,
                 "Secret that signs page tokens; give every replica of a "
                 "service the same one (unset: random, tokens hold only in "
                 "this process)")
      ->envname("NML_PAGE_TOKEN_KEY");
}

void ConfigurePageTokens(const std::string& secret) {
  if (secret.empty()) {
    spdlog::warn(
        "no page token key (NML_PAGE_TOKEN_KEY, --page-token-key): page "
        "tokens are signed with a random key and hold only in this process; "
        "give every replica the same key");
    return;
  }
  SetPageTokenKey(secret);
}

void AddDatabaseFlags(CLI::App& app, DatabaseOptions& options) {
  app.add_option("--database-url", options.url,
                 "PostgreSQL connection URI, e.g. "
                 "postgresql://nml_listings@127.0.0.1:5432/nml_listings")
      ->envname("NML_DATABASE_URL")
      ->required();
  app.add_option("--db-pool-size", options.pool_size,
                 "Database connections kept by the pool")
      ->envname("NML_DB_POOL_SIZE")
      ->check(CLI::Range(1, 200))
      ->capture_default_str();
  app.add_option("--db-statement-timeout-ms", options.statement_timeout_ms,
                 "Per-statement timeout set on every connection")
      ->envname("NML_DB_STATEMENT_TIMEOUT_MS")
      ->check(CLI::Range(1, 3600000))
      ->capture_default_str();
  app.add_option("--db-connect-timeout-s", options.connect_timeout_s,
                 "Timeout of one connection attempt")
      ->envname("NML_DB_CONNECT_TIMEOUT_S")
      ->check(CLI::Range(1, 600))
      ->capture_default_str();
  app.add_option("--db-startup-wait-s", options.startup_wait_s,
                 "How long start-up waits for the database to accept "
                 "connections")
      ->envname("NML_DB_STARTUP_WAIT_S")
      ->check(CLI::Range(0, 3600))
      ->capture_default_str();
}

void AddAuthFlags(CLI::App& app, AuthOptions& options) {
  app.add_option(
         "--api-keys", options.api_keys,
         "API keys as 'role sha256-hex [name]' entries separated by ';' "
         "(the SHA-256 of each key, never the key)")
      ->envname("NML_API_KEYS");
  app.add_option("--api-keys-file", options.api_keys_file,
                 "File of API key entries, one a line")
      ->envname("NML_API_KEYS_FILE")
      ->check(CLI::ExistingFile);
  app.add_option("--anonymous-reads", options.anonymous_reads,
                 "Allow reads without an API key")
      ->envname("NML_ANONYMOUS_READS")
      ->capture_default_str();
}

namespace {

std::string EnvName(const std::string& prefix, const std::string& name) {
  std::string env = "NML_" + prefix + name;
  for (char& c : env) c = c == '-' ? '_' : absl::ascii_toupper(c);
  return env;
}

}  // namespace

void AddServerTlsFlags(CLI::App& app, ServerTlsOptions& options,
                       const std::string& prefix) {
  app.add_option("--" + prefix + "tls-cert", options.cert,
                 "PEM certificate chain: serve TLS on this listener")
      ->envname(EnvName(prefix, "tls-cert"))
      ->check(CLI::ExistingFile);
  app.add_option("--" + prefix + "tls-key", options.key,
                 "PEM private key of the certificate")
      ->envname(EnvName(prefix, "tls-key"))
      ->check(CLI::ExistingFile);
  app.add_option("--" + prefix + "tls-client-ca", options.client_ca,
                 "PEM CA: require client certificates it signed (mTLS)")
      ->envname(EnvName(prefix, "tls-client-ca"))
      ->check(CLI::ExistingFile);
}

void AddClientTlsFlags(CLI::App& app, ClientTlsOptions& options,
                       const std::string& prefix, const std::string& what) {
  app.add_option(
         "--" + prefix + "tls-ca", options.ca,
         "PEM CA that signed " + what + "'s certificate: connect with TLS")
      ->envname(EnvName(prefix, "tls-ca"))
      ->check(CLI::ExistingFile);
  app.add_option("--" + prefix + "tls-cert", options.cert,
                 "PEM client certificate for " + what + " (mTLS)")
      ->envname(EnvName(prefix, "tls-cert"))
      ->check(CLI::ExistingFile);
  app.add_option("--" + prefix + "tls-key", options.key,
                 "PEM key of the client certificate for " + what)
      ->envname(EnvName(prefix, "tls-key"))
      ->check(CLI::ExistingFile);
}

absl::StatusOr<std::string> ReadPem(const std::string& path,
                                    std::string_view flag) {
  std::ifstream in(path);
  std::stringstream content;
  content << in.rdbuf();
  if (!in || content.str().find("-----BEGIN") == std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat(
        std::string(flag), ": ", path, " is not a readable PEM file"));
  }
  return content.str();
}

void ParseOrExit(CLI::App& app, int argc, char** argv) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    std::exit(app.exit(e));
  } catch (const CLI::CallForAllHelp& e) {
    std::exit(app.exit(e));
  } catch (const CLI::ParseError& e) {
    const std::string program =
        std::filesystem::path(argc > 0 ? argv[0] : "nml").filename();
    std::string message = e.what();
    // CLI11 names only the flag; say where else the value may come from.
    if (dynamic_cast<const CLI::RequiredError*>(&e) != nullptr) {
      for (const CLI::Option* option : app.get_options()) {
        if (option->get_required() && option->count() == 0 &&
            !option->get_envname().empty()) {
          message += " (flag " + option->get_name() + " or environment " +
                     option->get_envname() + ")";
          break;
        }
      }
    }
    std::fprintf(stderr, "%s: configuration error: %s (see --help)\n",
                 program.c_str(), message.c_str());
    std::exit(2);
  }
}

void ExitWithError(const std::string& program, const absl::Status& status,
                   int code) {
  std::string message(status.message());
  absl::StrReplaceAll({{"\n", " "}}, &message);
  std::fprintf(stderr, "%s: %s\n", program.c_str(), message.c_str());
  std::fflush(stderr);
  std::exit(code);
}

}  // namespace nml::common
