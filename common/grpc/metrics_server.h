#pragma once

#include <absl/status/statusor.h>

#include <functional>
#include <memory>
#include <string>
#include <thread>

namespace nml::common {

// A small HTTP/1.1 listener for Prometheus to scrape: GET /metrics answers
// `render()` as the text exposition format; any other path is 404 and any
// other method 405. One connection at a time, each closed after its answer
// (a scrape is one request every few seconds), on a thread of its own so a
// busy gRPC server still answers scrapes. Kept off the gRPC port so an
// operator can expose it to the cluster's monitoring only.
class MetricsServer final {
 public:
  explicit MetricsServer(std::function<std::string()> render);
  ~MetricsServer();
  MetricsServer(const MetricsServer&) = delete;
  MetricsServer& operator=(const MetricsServer&) = delete;

  // Binds `listen` (host:port; port 0 picks one) and starts serving; the
  // bound port, or UNAVAILABLE when it cannot be bound.
  absl::StatusOr<int> Start(const std::string& listen);
  // Stops accepting and joins the thread. Idempotent.
  void Stop();

 private:
  struct State;
  std::function<std::string()> render_;
  std::unique_ptr<State> state_;
  std::thread thread_;
};

}  // namespace nml::common
