// A gRPC load driver for overload benchmarks (bench/overload.sh). It sends
// one serialized request to one method over a few channels, either
//  - closed loop (--concurrency K): K calls outstanding at all times, to
//    find the maximum throughput, or
//  - open loop (--rate R): one call every 1/R s whatever the answers do,
//    the way independent clients arrive. Latency is measured from the
//    scheduled send time, so a driver that falls behind does not hide the
//    wait (no coordinated omission).
// Every run is bounded by --seconds and by --max-outstanding (calls the
// driver would have in flight beyond it are counted, not sent).
//
//   load_driver --target 127.0.0.1:50051
//     --method /nml.listings.v1.ListingsService/ScreenDomains --body req.bin
//     --rate 30000 --seconds 5 --deadline-ms 1000
//
// It prints one line of key=value pairs: calls sent, OK, RESOURCE_EXHAUSTED,
// other failures, goodput (OK answers received within the window, per
// second), p50/p99 of the OK and of the refused calls in microseconds, and
// how late the driver itself sent its calls (lag_p99_us: when that is not
// small, the driver could not offer the rate and the run measures it).
#include <grpcpp/create_channel.h>
#include <grpcpp/generic/generic_stub.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <memory>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

namespace {

using Clock = std::chrono::steady_clock;

struct Options {
  std::string target = "127.0.0.1:50051";
  std::string method;
  std::string body_path;
  double rate = 0;       // calls per second; 0 = closed loop
  int concurrency = 64;  // closed loop only
  double seconds = 5;
  int channels = 4;
  int deadline_ms = 1000;
  int max_outstanding = 20000;
};

// One finished call: its outcome and how long it took from its scheduled
// start, in microseconds.
struct Outcome {
  grpc::StatusCode code;
  int64_t micros;
  bool in_window;      // answered before the window ended
  bool steady;         // scheduled after the first second (the transient)
  int64_t lag_micros;  // sent this late after its scheduled time
};

class Driver {
 public:
  explicit Driver(const Options& options, const std::string& body)
      : options_(options) {
    grpc::Slice slice(body);
    request_ = grpc::ByteBuffer(&slice, 1);
    for (int i = 0; i < options.channels; ++i) {
      // A distinct argument per channel so each gets its own connection.
      grpc::ChannelArguments args;
      args.SetInt("nml.bench.channel", i);
      stubs_.push_back(
          std::make_unique<grpc::GenericStub>(grpc::CreateCustomChannel(
              options.target, grpc::InsecureChannelCredentials(), args)));
    }
  }

  void Run() {
    const auto start = start_ = Clock::now();
    end_ = start + std::chrono::duration_cast<Clock::duration>(
                       std::chrono::duration<double>(options_.seconds));
    const auto end = end_;
    if (options_.rate > 0) {
      const double interval_us = 1e6 / options_.rate;
      for (int64_t i = 0;; ++i) {
        const auto at = start + std::chrono::microseconds(static_cast<int64_t>(
                                    static_cast<double>(i) * interval_us));
        if (at >= end) break;
        std::this_thread::sleep_until(at);
        if (outstanding_.load() >= options_.max_outstanding) {
          ++not_sent_;
          continue;
        }
        Send(static_cast<size_t>(i), at);
      }
    } else {
      for (int i = 0; i < options_.concurrency; ++i) Send(i, Clock::now());
      std::this_thread::sleep_until(end);
      stopping_ = true;
    }
    // Wait for every call in flight (each has a deadline, so this ends).
    std::unique_lock lock(mu_);
    idle_.wait(lock, [this] { return outstanding_.load() == 0; });
    window_ = options_.seconds;
  }

  void Report() const {
    std::vector<int64_t> ok, refused, lag, ok_steady;
    int64_t other = 0, good = 0;
    for (const Outcome& o : outcomes_) {
      lag.push_back(o.lag_micros);
      if (o.code == grpc::StatusCode::OK) {
        ok.push_back(o.micros);
        if (o.steady) ok_steady.push_back(o.micros);
        good += o.in_window;
      } else if (o.code == grpc::StatusCode::RESOURCE_EXHAUSTED) {
        refused.push_back(o.micros);
      } else {
        ++other;
      }
    }
    std::sort(ok.begin(), ok.end());
    std::sort(refused.begin(), refused.end());
    std::sort(lag.begin(), lag.end());
    std::sort(ok_steady.begin(), ok_steady.end());
    auto at = [](const std::vector<int64_t>& v, double q) -> int64_t {
      return v.empty() ? 0 : v[static_cast<size_t>(q * (v.size() - 1))];
    };
    std::printf(
        "sent=%zu ok=%zu refused=%zu other=%lld not_sent=%lld "
        "goodput=%.0f ok_p50_us=%lld ok_p99_us=%lld refused_p50_us=%lld "
        "refused_p99_us=%lld lag_p99_us=%lld ok_p99_after_1s_us=%lld\n",
        outcomes_.size(), ok.size(), refused.size(),
        static_cast<long long>(other), static_cast<long long>(not_sent_.load()),
        static_cast<double>(good) / window_,
        static_cast<long long>(at(ok, 0.5)),
        static_cast<long long>(at(ok, 0.99)),
        static_cast<long long>(at(refused, 0.5)),
        static_cast<long long>(at(refused, 0.99)),
        static_cast<long long>(at(lag, 0.99)),
        static_cast<long long>(at(ok_steady, 0.99)));
  }

 private:
  struct Call {
    grpc::ClientContext context;
    grpc::ByteBuffer response;
    Clock::time_point scheduled;
    int64_t lag_micros = 0;
  };

  void Send(size_t n, Clock::time_point scheduled) {
    auto* call = new Call;
    call->scheduled = scheduled;
    call->lag_micros = std::chrono::duration_cast<std::chrono::microseconds>(
                           Clock::now() - scheduled)
                           .count();
    call->context.set_deadline(std::chrono::system_clock::now() +
                               std::chrono::milliseconds(options_.deadline_ms));
    ++outstanding_;
    stubs_[n % stubs_.size()]->UnaryCall(
        &call->context, options_.method, grpc::StubOptions(), &request_,
        &call->response, [this, call, n](grpc::Status status) {
          Done(call, status.error_code(), n);
        });
  }

  void Done(Call* call, grpc::StatusCode code, size_t n) {
    const auto now = Clock::now();
    const int64_t micros =
        std::chrono::duration_cast<std::chrono::microseconds>(now -
                                                              call->scheduled)
            .count();
    const int64_t lag = call->lag_micros;
    const bool steady = call->scheduled >= start_ + std::chrono::seconds(1);
    delete call;
    {
      std::lock_guard lock(mu_);
      outcomes_.push_back({code, micros, now <= end_, steady, lag});
    }
    // Closed loop: the next call replaces this one until the window ends.
    if (options_.rate == 0 && !stopping_) {
      --outstanding_;
      Send(n, now);
      return;
    }
    if (--outstanding_ == 0) {
      std::lock_guard lock(mu_);
      idle_.notify_all();
    }
  }

  const Options options_;
  grpc::ByteBuffer request_;
  std::vector<std::unique_ptr<grpc::GenericStub>> stubs_;
  std::atomic<int> outstanding_{0};
  std::atomic<int64_t> not_sent_{0};
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::condition_variable idle_;
  std::vector<Outcome> outcomes_;
  Clock::time_point start_;
  Clock::time_point end_;
  double window_ = 1;
};

}  // namespace

int main(int argc, char** argv) {
  Options options;
  CLI::App app{"load_driver: open- or closed-loop gRPC load"};
  app.add_option("--target", options.target)->capture_default_str();
  app.add_option("--method", options.method)->required();
  app.add_option("--body", options.body_path, "the serialized request")
      ->required();
  app.add_option("--rate", options.rate, "calls per second (open loop)")
      ->check(CLI::Range(0.0, 1e6));
  app.add_option("--concurrency", options.concurrency, "closed loop")
      ->check(CLI::Range(1, 10000))
      ->capture_default_str();
  app.add_option("--seconds", options.seconds)
      ->check(CLI::Range(0.1, 120.0))
      ->capture_default_str();
  app.add_option("--channels", options.channels)
      ->check(CLI::Range(1, 64))
      ->capture_default_str();
  app.add_option("--deadline-ms", options.deadline_ms)
      ->check(CLI::Range(1, 60000))
      ->capture_default_str();
  app.add_option("--max-outstanding", options.max_outstanding)
      ->check(CLI::Range(1, 1000000))
      ->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  std::ifstream in(options.body_path, std::ios::binary);
  if (!in) {
    std::fprintf(stderr, "load_driver: cannot read %s\n",
                 options.body_path.c_str());
    return 1;
  }
  std::stringstream body;
  body << in.rdbuf();
  Driver driver(options, body.str());
  driver.Run();
  driver.Report();
  return 0;
}
