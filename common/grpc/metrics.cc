#include "common/grpc/metrics.h"

#include <absl/strings/str_cat.h>
#include <absl/strings/str_format.h>

namespace nml::common {

void RpcMetrics::Record(const std::string& method, int code, double seconds) {
  absl::MutexLock lock(&mu_);
  Series& s = series_[{method, code}];
  ++s.count;
  s.sum += seconds;
  for (size_t i = 0; i < kBucketsSeconds.size(); ++i) {
    if (seconds <= kBucketsSeconds[i]) ++s.buckets[i];
  }
}

void RpcMetrics::AddGauge(std::string name, std::string help,
                          std::function<double()> read) {
  absl::MutexLock lock(&mu_);
  gauges_.push_back(
      {std::move(name), std::move(help), std::move(read), "gauge"});
}

void RpcMetrics::AddCounter(std::string name, std::string help,
                            std::function<double()> read) {
  absl::MutexLock lock(&mu_);
  gauges_.push_back(
      {std::move(name), std::move(help), std::move(read), "counter"});
}

std::string RpcMetrics::RenderPrometheus() const {
  absl::MutexLock lock(&mu_);
  std::string out;
  const std::string requests = prefix_ + "_requests_total";
  const std::string latency = prefix_ + "_latency_seconds";
  absl::StrAppend(&out, "# HELP ", requests,
                  " Requests handled, by method and status code.\n# TYPE ",
                  requests, " counter\n");
  for (const auto& [key, s] : series_) {
    absl::StrAppend(&out, requests, "{method=\"", key.first, "\",code=\"",
                    key.second, "\"} ", s.count, "\n");
  }
  absl::StrAppend(&out, "# HELP ", latency,
                  " Request latency, by method and status code.\n# TYPE ",
                  latency, " histogram\n");
  for (const auto& [key, s] : series_) {
    const std::string labels =
        absl::StrCat("method=\"", key.first, "\",code=\"", key.second, "\"");
    for (size_t i = 0; i < kBucketsSeconds.size(); ++i) {
      absl::StrAppend(&out, latency, "_bucket{", labels, ",le=\"",
                      kBucketsSeconds[i], "\"} ", s.buckets[i], "\n");
    }
    absl::StrAppend(&out, latency, "_bucket{", labels, ",le=\"+Inf\"} ",
                    s.count, "\n");
    absl::StrAppend(&out, latency, "_sum{", labels, "} ",
                    absl::StrFormat("%.6f", s.sum), "\n");
    absl::StrAppend(&out, latency, "_count{", labels, "} ", s.count, "\n");
  }
  for (const Gauge& g : gauges_) {
    absl::StrAppend(&out, "# HELP ", g.name, " ", g.help, "\n# TYPE ", g.name,
                    " ", g.type, "\n", g.name, " ", g.read(), "\n");
  }
  return out;
}

}  // namespace nml::common
