#pragma once

#include <absl/status/status.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "common/config.h"
#include "services/gateway/rest_handler.h"

namespace nml::gateway {

// The HTTP/1.1 transport of the REST side, on Boost.Beast: event-driven (a
// few I/O threads serve every connection; no thread waits on a client or a
// backend), bounded and timed. It parses, enforces the caps and timeouts and
// answers what it refuses itself (413, 414, 431, 400 for malformed HTTP,
// 503 over capacity); everything else goes to the RestHandler.
class HttpServer final {
 public:
  struct Options {
    std::string listen = "0.0.0.0:8080";
    int io_threads = 2;
    // Open connections; one more is answered 503 and closed.
    int max_connections = 10000;
    // Requests waiting on a backend; one more is answered 503 at once.
    int max_in_flight = 1024;
    // A request's header must arrive within this time of its first byte, and
    // its body within `body_timeout`: a slow client is dropped.
    std::chrono::milliseconds header_timeout{10000};
    std::chrono::milliseconds body_timeout{30000};
    // A keep-alive connection may wait this long for its next request.
    std::chrono::milliseconds idle_timeout{60000};
    size_t max_request_line = 8 * 1024;   // method, target and version
    size_t max_header_bytes = 16 * 1024;  // request line and headers
    size_t max_body_bytes = 4 * 1024 * 1024;
    common::ServerTlsOptions tls;  // HTTPS (and client certificates) when set
  };

  HttpServer(Options options, RestHandler* handler);
  ~HttpServer();

  // Binds (port 0 picks one) and serves in the background.
  absl::Status Start();
  int port() const { return port_; }
  // Stops accepting, lets in-flight calls answer within `grace`, cancels
  // the rest, and closes every connection.
  void Stop(std::chrono::milliseconds grace = std::chrono::seconds(5));

  int open_connections() const { return connections_.load(); }

 private:
  struct Impl;
  template <class Stream>
  friend class Session;

  const Options options_;
  RestHandler* handler_;
  std::unique_ptr<Impl> impl_;
  std::vector<std::thread> threads_;
  std::atomic<int> connections_{0};
  std::atomic<int> requests_in_flight_{0};
  int port_ = 0;
  bool stopped_ = false;
};

}  // namespace nml::gateway
