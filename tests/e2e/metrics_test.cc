// Every service's Prometheus metrics, scraped over HTTP as Prometheus would
// and checked with Prometheus's own promtool (Debian's `prometheus`).
#include <absl/strings/match.h>
#include <absl/strings/str_cat.h>
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <re2/re2.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"
#include "tests/support/topology.h"

namespace nml {
namespace {

using namespace std::chrono_literals;
using nml::testing::RunProcess;
using nml::testing::Subprocess;
using nml::testing::TempDir;

// The --metrics-listen port a service logged.
int MetricsPort(Subprocess& process) { return process.WaitForMetricsPort(5s); }

class Metrics : public ::testing::Test {
 protected:
  void SetUp() override {
    nml::testing::TopologyOptions options;
    options.listings_env = {{"NML_METRICS_LISTEN", "127.0.0.1:0"}};
    options.responses_env = {{"NML_METRICS_LISTEN", "127.0.0.1:0"}};
    ASSERT_NO_FATAL_FAILURE(system_.Start(options));
    // Traffic for the RPC series: imports, target checks, reads.
    ASSERT_NO_FATAL_FAILURE(system_.LoadData());
  }

  // GET /metrics on `port`; checks status and content type.
  std::string Scrape(int port) {
    httplib::Client client("127.0.0.1", port);
    auto result = client.Get("/metrics");
    EXPECT_TRUE(result) << "port " << port;
    if (!result) return "";
    EXPECT_EQ(result->status, 200);
    EXPECT_TRUE(absl::StartsWith(result->get_header_value("Content-Type"),
                                 "text/plain; version=0.0.4"))
        << result->get_header_value("Content-Type");
    return result->body;
  }

  // promtool's verdict on an exposition: "" when it passes.
  std::string Promtool(const std::string& exposition) {
    const std::string file = dir_.File("metrics.txt");
    std::ofstream(file) << exposition;
    const auto result = RunProcess(
        "/bin/sh", {"-c", absl::StrCat("promtool check metrics < ", file)}, {},
        30s);
    return result.exit_status == 0 ? ""
                                   : absl::StrCat("exit ", result.exit_status,
                                                  ": ", result.out, result.err);
  }

  nml::testing::Topology system_;
  TempDir dir_{"nml-metrics"};
};

TEST_F(Metrics, EveryServiceServesValidPrometheusMetrics) {
  const int listings = MetricsPort(system_.listings());
  const int responses = MetricsPort(system_.responses());
  ASSERT_GT(listings, 0) << system_.listings().Stderr();
  ASSERT_GT(responses, 0) << system_.responses().Stderr();

  const std::string l = Scrape(listings);
  const std::string r = Scrape(responses);
  const std::string g = Scrape(system_.http_port());
  EXPECT_EQ(Promtool(l), "");
  EXPECT_EQ(Promtool(r), "");
  EXPECT_EQ(Promtool(g), "");

  // RPC counts and latency by method and code, on each backend.
  EXPECT_TRUE(absl::StrContains(
      l,
      "nml_rpc_requests_total{method=\"/nml.listings.v1.ListingsService/"
      "ImportReview\",code=\"0\"}"))
      << l;
  EXPECT_TRUE(absl::StrContains(
      r,
      "nml_rpc_latency_seconds_bucket{method=\"/nml.responses.v1."
      "ResponsesService/ImportResponses\",code=\"0\",le=\"+Inf\"} 1"))
      << r;
  // The pool, the queue and shed calls, on both.
  for (const std::string* body : {&l, &r}) {
    for (const char* series :
         {"nml_db_pool_size 4", "nml_db_pool_in_use ", "nml_db_pool_waiting 0",
          "nml_db_pool_acquire_wait_seconds_total ", "nml_executor_queued 0",
          "nml_executor_shed_total 0", "nml_serving 1"}) {
      EXPECT_TRUE(absl::StrContains(*body, series)) << series;
    }
  }
  // The snapshot: its age, size and rebuild time.
  EXPECT_TRUE(absl::StrContains(l, "nml_snapshot_listings 277")) << l;
  EXPECT_TRUE(absl::StrContains(l, "nml_snapshot_reload_seconds ")) << l;
  EXPECT_TRUE(absl::StrContains(l, "nml_snapshot_age_seconds ")) << l;

  // Every series the Grafana dashboard plots exists, with the labels it
  // groups by.
  std::ifstream file(NML_SOURCE_DIR "/deploy/grafana/nml.json");
  const auto dashboard = nlohmann::json::parse(file);
  const std::string all = l + r + g;
  int exprs = 0;
  for (const auto& panel : dashboard["panels"]) {
    for (const auto& target : panel["targets"]) {
      const std::string expr = target["expr"];
      ++exprs;
      re2::StringPiece input(expr);
      std::string series;
      while (RE2::FindAndConsume(&input, R"((nml_[a-z_]+))", &series)) {
        EXPECT_TRUE(absl::StrContains(all, series + "{") ||
                    absl::StrContains(all, series + " "))
            << panel["title"] << ": " << series << " is not served";
      }
      for (const char* label : {"route", "service"}) {
        EXPECT_FALSE(absl::StrContains(expr, absl::StrCat("by (", label)))
            << expr << ": no series has the label " << label;
      }
    }
  }
  EXPECT_GE(exprs, 10);

  // Only GET /metrics.
  httplib::Client client("127.0.0.1", listings);
  auto other = client.Get("/");
  ASSERT_TRUE(other);
  EXPECT_EQ(other->status, 404);
  auto post = client.Post("/metrics", "", "text/plain");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 405);
}

TEST_F(Metrics, AClientThatSaysNothingDoesNotStopScrapes) {
  const int listings = MetricsPort(system_.listings());
  ASSERT_GT(listings, 0);
  // Connects and sends nothing: the listener gives up on it after 5 s.
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(listings));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof(address)),
            0);
  const auto started = std::chrono::steady_clock::now();
  httplib::Client client("127.0.0.1", listings);
  client.set_read_timeout(15, 0);
  auto scraped = client.Get("/metrics");
  close(fd);
  ASSERT_TRUE(scraped);
  EXPECT_EQ(scraped->status, 200);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 10s);
}

TEST(MetricsFlag, AnAddressThatCannotBeBoundEndsStartUp) {
  nml::testing::TestDatabase db;
  const auto result = RunProcess(
      NML_LISTINGS_BIN, {},
      {{"NML_DATABASE_URL", db.url()},
       {"NML_LISTEN", "127.0.0.1:0"},
       {"NML_METRICS_LISTEN", "192.0.2.1:9101"}},  // not this machine's
      30s);
  EXPECT_NE(result.exit_status, 0);
  EXPECT_TRUE(absl::StrContains(result.err,
                                "cannot listen for metrics on "
                                "192.0.2.1:9101"))
      << result.err;
}

}  // namespace
}  // namespace nml
