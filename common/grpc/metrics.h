#pragma once

#include <absl/base/thread_annotations.h>
#include <absl/synchronization/mutex.h>

#include <array>
#include <atomic>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace nml::common {

// RPC counts and latency histograms by method and code, plus gauges that
// components register, rendered in the Prometheus text format.
class RpcMetrics final {
 public:
  // `prefix` names the series: "nml_rpc" gives nml_rpc_requests_total and
  // nml_rpc_latency_seconds.
  explicit RpcMetrics(std::string prefix = "nml_rpc")
      : prefix_(std::move(prefix)) {}

  static constexpr std::array<double, 12> kBucketsSeconds = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
      0.05,   0.1,   0.25,   0.5,   1.0,  5.0};

  void Record(const std::string& method, int code, double seconds);

  // A gauge whose value is read when metrics are rendered.
  void AddGauge(std::string name, std::string help,
                std::function<double()> read);
  // A counter (a total that only grows; its name ends in _total), read
  // when metrics are rendered.
  void AddCounter(std::string name, std::string help,
                  std::function<double()> read);

  std::string RenderPrometheus() const;

 private:
  struct Series {
    uint64_t count = 0;
    double sum = 0;
    std::array<uint64_t, kBucketsSeconds.size()> buckets{};
  };
  struct Gauge {
    std::string name;
    std::string help;
    std::function<double()> read;
    const char* type;  // "gauge" or "counter"
  };

  const std::string prefix_;
  mutable absl::Mutex mu_;
  // (method, code) -> series
  std::map<std::pair<std::string, int>, Series> series_ ABSL_GUARDED_BY(mu_);
  std::vector<Gauge> gauges_ ABSL_GUARDED_BY(mu_);
};

}  // namespace nml::common
