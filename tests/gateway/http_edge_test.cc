// The HTTP edge of nml-gateway under hostile input, slow clients, stopped
// backends and caller timeouts, spoken to over raw sockets so that nothing
// a client library would refuse to send goes untested.
#include <absl/strings/ascii.h>
#include <absl/strings/match.h>
#include <absl/strings/str_cat.h>
#include <absl/strings/str_split.h>
#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <re2/re2.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <map>
#include <nlohmann/json.hpp>
#include <thread>

#include "common/grpc/logging.h"
#include "nml/gateway/v1/gateway_service.grpc.pb.h"
#include "tests/support/raw_http.h"
#include "tests/support/subprocess.h"
#include "tests/support/topology.h"

namespace nml::gateway {
namespace {

using namespace std::chrono_literals;
using nlohmann::json;
using nml::testing::RawHttp;
using nml::testing::RawHttpResponse;
using nml::testing::Subprocess;

bool ContainsIgnoringCase(const std::string& text, const std::string& part) {
  return absl::StrContains(absl::AsciiStrToLower(text),
                           absl::AsciiStrToLower(part));
}

std::string Get(const std::string& target, const std::string& headers = "") {
  return absl::StrCat("GET ", target, " HTTP/1.1\r\nHost: t\r\n", headers,
                      "Connection: close\r\n\r\n");
}

std::string Post(const std::string& target, const std::string& body,
                 const std::string& headers = "") {
  return absl::StrCat("POST ", target, " HTTP/1.1\r\nHost: t\r\n", headers,
                      "Content-Type: application/json\r\nContent-Length: ",
                      body.size(), "\r\nConnection: close\r\n\r\n", body);
}

// nml-listings on its own database (optionally slowed down) behind
// nml-gateway; nml-responses is left out, its address refuses connections.
class HttpEdge : public ::testing::Test {
 protected:
  void Start(std::map<std::string, std::string> gateway_env = {},
             const std::string& listings_delay_ms = "0") {
    nml::testing::TopologyOptions options;
    options.with_responses = false;
    options.listings_env = {{"NML_INJECT_DELAY_MS", listings_delay_ms}};
    options.gateway_env = {{"NML_BACKEND_TIMEOUT_MS", "3000"}};
    for (auto& [key, value] : gateway_env) options.gateway_env[key] = value;
    ASSERT_NO_FATAL_FAILURE(system_.Start(options));
    port_ = system_.http_port();
  }
  Subprocess& gateway() { return system_.gateway(); }

  nml::testing::Topology system_;
  int port_ = 0;
};

// Every refusal is a JSON body shaped like google.rpc.Status.
void ExpectErrorShape(const RawHttpResponse& r, const std::string& what) {
  const json body = json::parse(r.body, nullptr, false);
  ASSERT_TRUE(body.is_object()) << what << ": " << r.body;
  ASSERT_TRUE(body.contains("error")) << what << ": " << r.body;
  EXPECT_EQ(body["error"]["code"], r.status) << what;
  EXPECT_TRUE(body["error"]["status"].is_string()) << what;
  EXPECT_TRUE(body["error"]["message"].is_string()) << what;
  EXPECT_TRUE(body["error"]["details"].is_array()) << what;
  EXPECT_LE(r.body.size(), 2048u) << what << ": echoed input is bounded";
  EXPECT_FALSE(ContainsIgnoringCase(r.headers, "exception")) << what;
  EXPECT_TRUE(ContainsIgnoringCase(r.headers, "x-request-id:")) << what;
}

std::vector<std::string> HostileCorpus() {
  std::vector<std::string> corpus;
  const std::vector<std::string> bad_bytes = {
      "%FF",          "%C3", "%C3%28", "%ED%A0%80", "%C0%AF",
      "%F8%88%80%80", "%00", "%E2%82", "%80",       "%FE%FF",
      "%F4%90%80%80", "%0A", "%",      "%G1",       "%1"};
  for (const auto& b : bad_bytes) {
    corpus.push_back(Get(absl::StrCat("/v1/", b)));
    corpus.push_back(Get(absl::StrCat("/v1/reviews/", b)));
    corpus.push_back(Get(absl::StrCat("/v1/markets/", b, ":dossier")));
    corpus.push_back(Get(absl::StrCat("/v1/markets?filter=", b)));
    corpus.push_back(Get(absl::StrCat("/v1/markets?", b, "=1")));
    corpus.push_back(
        Get(absl::StrCat("/v1/reviews/2021/listings?orderBy=", b)));
    corpus.push_back(
        Post("/v1/domains:screen",
             absl::StrCat(R"({"items":[{"input":"x)", b, R"("}]})")));
  }
  const std::vector<std::string> raw_bytes = {"\xFF", "\xC3", "\xED\xA0\x80",
                                              "\xC0\xAF", std::string(1, '\0')};
  for (const auto& b : raw_bytes) {
    corpus.push_back(
        Post("/v1/domains:screen",
             absl::StrCat(R"({"items":[{"input":")", b, R"("}]})")));
    corpus.push_back(
        Post("/v1/domains:screen", absl::StrCat(R"({")", b, R"(":1})")));
    corpus.push_back(
        Post(absl::StrCat("/v1/reviews?reviewId=2031&requestId=", b),
             R"({"title":"x"})"));
  }
  const std::vector<std::string> header_values = {"a\tb",
                                                  "\xC3\xA9",
                                                  "\x01",
                                                  "\x7F",
                                                  "\xF0\x9F\x98\x80",
                                                  "a\x80",
                                                  "\xFF\xFE",
                                                  std::string(200, 'x'),
                                                  "bearer \xC3\xA9",
                                                  " "};
  for (const auto& v : header_values) {
    for (const char* h : {"x-request-id", "authorization", "grpc-timeout",
                          "x-server-timeout", "if-match", "origin"}) {
      corpus.push_back(
          Get("/v1/reviews/2021", absl::StrCat(h, ": ", v, "\r\n")));
    }
  }
  const std::vector<std::string> bodies = {
      R"({"items":[[[]]]})",
      R"({"items":{"input":"x"}})",
      R"({"items":[{"input":1}]})",
      R"({"items":[{"input":["x"]}]})",
      R"({"items":[{"options":{"reviewYear":"soon"}}]})",
      R"({"items":[{"options":{"reviewYear":{}}}]})",
      R"({"items":[{"options":{"operatorRollup":"yes"}}]})",
      R"({"items":[null]})",
      R"({"items":"x.com"})",
      R"([])",
      R"("x")",
      R"(123)",
      R"(null)",
      R"({"items":[{"input":"x"}],"colour":"red"})",
      R"({"items":[{"input":"x","extra":{"deep":[1,2]}}]})",
      R"({"items":[{"input":"x"})",
      R"({)",
      R"({"items":[{"input":"\ud800"}]})",
      std::string(100000, '['),
      std::string(3000, '{'),
      R"({"items":[{"options":{"reviewYear":1e400}}]})",
      R"({"items":[{"options":{"reviewYear":99999999999999999999}}]})"};
  for (const auto& body : bodies) {
    corpus.push_back(Post("/v1/domains:screen", body));
    corpus.push_back(Post("/v1/reviews?reviewId=2032", body));
  }
  const std::vector<std::string> patch_bodies = {
      R"({"title":5})",
      R"({"publishedOn":"2022-02-17"})",
      R"({"publishedOn":{"year":"x"}})",
      R"({"state":{"a":1}})",
      R"({"declaredOnlineCount":[1]})",
      R"({"name":"reviews/9999"})"};
  for (const auto& body : patch_bodies) {
    corpus.push_back(absl::StrCat(
        "PATCH /v1/reviews/2021 HTTP/1.1\r\nHost: t\r\nContent-Length: ",
        body.size(), "\r\nConnection: close\r\n\r\n", body));
  }
  corpus.push_back(
      Get(absl::StrCat("/v1/reviews?x=", std::string(20000, 'a'))));
  corpus.push_back(Get(
      "/v1/reviews", absl::StrCat("X-Big: ", std::string(20000, 'a'), "\r\n")));
  std::string many_headers;
  for (int i = 0; i < 2000; ++i)
    absl::StrAppend(&many_headers, "X-", i, ": v\r\n");
  corpus.push_back(Get("/v1/reviews", many_headers));
  corpus.push_back(
      Post("/v1/domains:screen", std::string(5 * 1024 * 1024, ' ')));
  corpus.push_back(
      "POST /v1/domains:screen HTTP/1.1\r\nHost: t\r\nContent-Length: "
      "99999999999\r\n\r\n");
  corpus.push_back(
      "POST /v1/domains:screen HTTP/1.1\r\nHost: t\r\nContent-Length: 5\r\n"
      "Content-Length: 6\r\n\r\nhello!");
  corpus.push_back(
      "POST /v1/domains:screen HTTP/1.1\r\nHost: t\r\nTransfer-Encoding: "
      "chunked\r\n\r\nZZ\r\nxx\r\n0\r\n\r\n");
  for (const char* method : {"BREW", "PROPFIND", "PUT", "TRACE", "CONNECT",
                             "HEAD", "OPTIONS", "G\x01T", "GET\xC3\xA9"}) {
    corpus.push_back(absl::StrCat(method,
                                  " /v1/reviews HTTP/1.1\r\nHost: t\r\n"
                                  "Connection: close\r\n\r\n"));
  }
  for (const char* junk :
       {"\r\n\r\n", "GARBAGE\r\n\r\n", "GET\r\n\r\n", "GET / HTTP/9.9\r\n\r\n",
        "GET /v1/reviews HTTP/1.1\r\nNo colon here\r\n\r\n",
        "GET http://evil.example/v1/reviews HTTP/1.1\r\nHost: t\r\n\r\n",
        "GET * HTTP/1.1\r\nHost: t\r\n\r\n",
        "GET /v1/reviews HTTP/1.1\r\nHost: t\r\nX: a\rb\r\n\r\n",
        "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03"}) {
    corpus.push_back(junk);
  }
  corpus.push_back(Get("/v1/reviews/2021:report?baseYear=x"));
  corpus.push_back(
      Get("/v1/reviews:diff?baseYear=2020&baseYear=2021&targetYear=2021"));
  corpus.push_back(Get("/v1/reviews?pageSize=99999999999999"));
  corpus.push_back(Get("/v1/reviews?pageToken=%FF%FE"));
  corpus.push_back(Get("/v1/markets/../../etc/passwd"));
  corpus.push_back(Get("/v1//reviews//2021"));
  return corpus;
}

TEST_F(HttpEdge, AHostileCorpusGetsClearRefusalsAndTheGatewayLives) {
  Start();
  const auto corpus = HostileCorpus();
  ASSERT_GE(corpus.size(), 200u);
  int answered = 0;
  for (size_t i = 0; i < corpus.size(); ++i) {
    const RawHttpResponse r = RawHttp(port_, corpus[i], 15s);
    const std::string what =
        absl::StrCat("request ", i, ": ", corpus[i].substr(0, 80));
    ASSERT_TRUE(gateway().Running()) << what << "\n" << gateway().Stderr();
    if (r.status == 0) continue;  // a TLS hello or junk may just be closed
    ++answered;
    EXPECT_TRUE(r.status < 500 || r.status == 503 || r.status == 504)
        << what << " -> " << r.status << " " << r.body;
    if (r.status >= 400) ExpectErrorShape(r, what);
  }
  EXPECT_GE(answered, static_cast<int>(corpus.size()) - 5);
  // The crash inputs of the issue, by name.
  const auto bad_path = RawHttp(port_, Get("/v1/%FF"));
  EXPECT_EQ(bad_path.status, 400) << bad_path.body;
  // An unsafe request id is replaced by one the gateway makes (issue 27).
  const auto tab =
      RawHttp(port_, Get("/v1/reviews/2021", "x-request-id: a\tb\r\n"));
  EXPECT_NE(tab.status, 400) << tab.body;
  EXPECT_FALSE(absl::StrContains(tab.headers, "X-Request-Id: a\tb"));
  // A control character Beast's parser refuses names its header too.
  const auto control =
      RawHttp(port_, Get("/v1/reviews/2021", "x-trace: a\x01b\r\n"));
  EXPECT_EQ(control.status, 400);
  EXPECT_TRUE(absl::StrContains(control.body, "header 'x-trace'"))
      << control.body;
  const auto nested =
      RawHttp(port_, Post("/v1/domains:screen", R"({"items":[[[]]]})"));
  EXPECT_EQ(nested.status, 400);
  EXPECT_TRUE(absl::StrContains(nested.body, "items[0]")) << nested.body;
  EXPECT_EQ(RawHttp(port_, Get(absl::StrCat("/v1/reviews?x=",
                                            std::string(20000, 'a'))))
                .status,
            414);
  EXPECT_EQ(RawHttp(port_, Get("/v1/reviews",
                               absl::StrCat("X-Big: ", std::string(20000, 'a'),
                                            "\r\n")))
                .status,
            431);
  EXPECT_EQ(RawHttp(port_, Post("/v1/domains:screen",
                                std::string(5 * 1024 * 1024, ' ')))
                .status,
            413);
  const auto utf8_filter = RawHttp(port_, Get("/v1/markets?filter=%C3%A9"));
  EXPECT_EQ(utf8_filter.status, 400) << utf8_filter.body;
  EXPECT_FALSE(ContainsIgnoringCase(utf8_filter.headers, "EXCEPTION"));
  EXPECT_EQ(RawHttp(port_, Get("/healthz")).status, 200);
  ASSERT_TRUE(gateway().Running()) << gateway().Stderr();
}

// Holds `count` connections that send a header line every `every`, never
// finishing it; counts those the server closes.
class Slowloris {
 public:
  Slowloris(int port, int count, std::chrono::milliseconds every)
      : thread_([this, port, count, every] {
          std::vector<int> fds;
          for (int i = 0; i < count; ++i) {
            const int fd = nml::testing::ConnectLoopback(port);
            if (fd >= 0) {
              const std::string start =
                  "GET /v1/reviews HTTP/1.1\r\nHost: t\r\n";
              send(fd, start.data(), start.size(), MSG_NOSIGNAL);
              fds.push_back(fd);
            }
          }
          opened_ = static_cast<int>(fds.size());
          std::vector<bool> closed(fds.size(), false);
          while (!stop_) {
            for (size_t i = 0; i < fds.size(); ++i) {
              if (closed[i]) continue;
              char byte;
              pollfd p{fds[i], POLLIN, 0};
              if (poll(&p, 1, 0) > 0 &&
                  recv(fds[i], &byte, 1, MSG_DONTWAIT) <= 0) {
                closed[i] = true;
                ++closed_by_server_;
                continue;
              }
              const std::string line = "X-Slow: 1\r\n";
              if (send(fds[i], line.data(), line.size(), MSG_NOSIGNAL) < 0) {
                closed[i] = true;
                ++closed_by_server_;
              }
            }
            std::this_thread::sleep_for(every);
          }
          for (int fd : fds) close(fd);
        }) {}
  ~Slowloris() {
    stop_ = true;
    thread_.join();
  }
  int opened() const { return opened_; }
  int closed_by_server() const { return closed_by_server_; }

 private:
  std::atomic<bool> stop_{false};
  std::atomic<int> opened_{0};
  std::atomic<int> closed_by_server_{0};
  std::thread thread_;
};

TEST_F(HttpEdge, SlowClientsAndAStoppedBackendDoNotStarveHealthz) {
  Start({{"NML_HTTP_HEADER_TIMEOUT_MS", "1500"}});
  // The backend is gone: REST calls fail, and must fail fast.
  system_.listings().Signal(SIGKILL);
  system_.listings().Wait(5s);
  for (const int slow : {8, 64}) {
    Slowloris attack(port_, slow, 300ms);
    std::atomic<bool> stop{false};
    std::atomic<int> rest_503{0};
    std::vector<std::thread> callers;
    for (int i = 0; i < 8; ++i) {
      callers.emplace_back([&] {
        for (int n = 0; n < 200 && !stop; ++n) {
          if (RawHttp(port_, Get("/v1/reviews/2021"), 5s).status == 503)
            ++rest_503;
        }
      });
    }
    std::this_thread::sleep_for(200ms);
    std::vector<double> latencies_ms;
    for (int i = 0; i < 100; ++i) {
      const auto started = std::chrono::steady_clock::now();
      const auto r = RawHttp(port_, Get("/healthz"), 5s);
      latencies_ms.push_back(std::chrono::duration<double, std::milli>(
                                 std::chrono::steady_clock::now() - started)
                                 .count());
      EXPECT_EQ(r.status, 200);
      std::this_thread::sleep_for(10ms);
    }
    // Past the header timeout every slow connection is closed by the server.
    const auto until = std::chrono::steady_clock::now() + 5s;
    while (attack.closed_by_server() < attack.opened() &&
           std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(100ms);
    }
    stop = true;
    for (auto& t : callers) t.join();
    std::sort(latencies_ms.begin(), latencies_ms.end());
    const double p99 = latencies_ms[98];
    EXPECT_LT(p99, 50.0) << slow << " slow connections: /healthz p99 " << p99
                         << " ms";
    EXPECT_EQ(attack.opened(), slow);
    EXPECT_EQ(attack.closed_by_server(), attack.opened())
        << "slow connections the server closed";
    EXPECT_GT(rest_503.load(), 0) << "REST calls to the stopped backend: 503";
  }
  ASSERT_TRUE(gateway().Running());
}

TEST_F(HttpEdge, ACallersTimeoutHeaderBoundsTheBackendCall) {
  Start({}, /*listings_delay_ms=*/"2000");
  for (const std::string header :
       {"grpc-timeout: 300m\r\n", "X-Server-Timeout: 0.3\r\n"}) {
    const auto started = std::chrono::steady_clock::now();
    const auto r = RawHttp(port_, Get("/v1/reviews/2021", header), 10s);
    const auto took = std::chrono::steady_clock::now() - started;
    EXPECT_EQ(r.status, 504) << header << r.body;
    ExpectErrorShape(r, header);
    EXPECT_GE(took, 290ms) << header;
    EXPECT_LT(took, 350ms)
        << header << ": answered in "
        << std::chrono::duration_cast<std::chrono::milliseconds>(took).count()
        << " ms";
  }
  // Without the header the configured default (3 s) lets the call finish.
  const auto slow = RawHttp(port_, Get("/v1/reviews/2021"), 10s);
  EXPECT_EQ(slow.status, 404) << slow.body;  // answered by the backend
}

TEST_F(HttpEdge, RestConventionsEtagsMasksLocationAllowCorsAndRequestIds) {
  Start({{"NML_HTTP_CORS_ORIGINS", "https://analyst.example"}});
  const auto created = RawHttp(
      port_, Post("/v1/reviews?reviewId=2021&requestId=r-1",
                  R"({"title":"2021 Review","declaredOnlineCount":42})"));
  ASSERT_EQ(created.status, 200) << created.body;
  EXPECT_TRUE(
      ContainsIgnoringCase(created.headers, "location: /v1/reviews/2021"))
      << created.headers;
  const json review = json::parse(created.body)["review"];
  const std::string etag = review["etag"];

  const auto read = RawHttp(port_, Get("/v1/reviews/2021"));
  EXPECT_TRUE(
      absl::StrContains(read.headers, absl::StrCat("ETag: \"", etag, "\"")))
      << read.headers;
  const auto unchanged =
      RawHttp(port_, Get("/v1/reviews/2021",
                         absl::StrCat("If-None-Match: \"", etag, "\"\r\n")));
  EXPECT_EQ(unchanged.status, 304);

  // PATCH without a mask updates what the body names, and nothing else.
  const std::string patch = R"({"title":"Renamed"})";
  const auto patched = RawHttp(
      port_,
      absl::StrCat("PATCH /v1/reviews/2021 HTTP/1.1\r\nHost: t\r\n",
                   "If-Match: \"", etag, "\"\r\nContent-Length: ", patch.size(),
                   "\r\nConnection: close\r\n\r\n", patch));
  ASSERT_EQ(patched.status, 200) << patched.body;
  const json after = json::parse(patched.body)["review"];
  EXPECT_EQ(after["title"], "Renamed");
  EXPECT_EQ(after["declaredOnlineCount"], 42);
  // The same If-Match again is stale now.
  const auto stale = RawHttp(
      port_,
      absl::StrCat("PATCH /v1/reviews/2021 HTTP/1.1\r\nHost: t\r\n",
                   "If-Match: \"", etag, "\"\r\nContent-Length: ", patch.size(),
                   "\r\nConnection: close\r\n\r\n", patch));
  EXPECT_TRUE(stale.status == 412 || stale.status == 409)
      << stale.status << stale.body;
  ExpectErrorShape(stale, "stale If-Match");
  // The service's ErrorInfo says why, so the gateway answers HTTP's own 412
  // and passes the detail on.
  EXPECT_EQ(stale.status, 412) << stale.body;
  const json stale_body = json::parse(stale.body, nullptr, false);
  ASSERT_TRUE(stale_body.is_object()) << stale.body;
  EXPECT_EQ(stale_body["error"]["details"][0]["reason"], "ETAG_MISMATCH")
      << stale.body;
  EXPECT_EQ(stale_body["error"]["details"][0]["@type"],
            "type.googleapis.com/google.rpc.ErrorInfo");
  // updateMask in protobuf-JSON camelCase.
  const std::string masked = R"({"title":"Ignored","declaredOnlineCount":41})";
  const auto with_mask = RawHttp(
      port_,
      absl::StrCat("PATCH /v1/reviews/2021?updateMask=declaredOnlineCount "
                   "HTTP/1.1\r\nHost: t\r\nContent-Length: ",
                   masked.size(), "\r\nConnection: close\r\n\r\n", masked));
  ASSERT_EQ(with_mask.status, 200) << with_mask.body;
  EXPECT_EQ(json::parse(with_mask.body)["review"]["title"], "Renamed");
  EXPECT_EQ(json::parse(with_mask.body)["review"]["declaredOnlineCount"], 41);

  const auto not_allowed = RawHttp(port_,
                                   "DELETE /v1/reviews:diff HTTP/1.1\r\nHost: "
                                   "t\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(not_allowed.status, 405);
  EXPECT_TRUE(absl::StrContains(not_allowed.headers, "Allow: GET"))
      << not_allowed.headers;

  const auto preflight = RawHttp(
      port_,
      "OPTIONS /v1/reviews/2021 HTTP/1.1\r\nHost: t\r\nOrigin: "
      "https://analyst.example\r\nAccess-Control-Request-Method: PATCH\r\n"
      "Connection: close\r\n\r\n");
  EXPECT_EQ(preflight.status, 204);
  EXPECT_TRUE(absl::StrContains(
      preflight.headers,
      "Access-Control-Allow-Origin: https://analyst.example"));
  EXPECT_TRUE(absl::StrContains(preflight.headers, "PATCH"))
      << preflight.headers;
  const auto foreign = RawHttp(
      port_, Get("/v1/reviews/2021", "Origin: https://evil.example\r\n"));
  EXPECT_FALSE(
      absl::StrContains(foreign.headers, "Access-Control-Allow-Origin"));

  const auto error =
      RawHttp(port_, Get("/v1/reviews/1999", "x-request-id: trace-7\r\n"));
  EXPECT_EQ(error.status, 404);
  EXPECT_TRUE(absl::StrContains(error.headers, "X-Request-Id: trace-7"))
      << error.headers;
}

TEST_F(HttpEdge, KeepAliveAndPipelinedRequestsAreAnsweredInOrder) {
  Start();
  const int fd = nml::testing::ConnectLoopback(port_);
  ASSERT_GE(fd, 0);
  const std::string two =
      "GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n"
      "GET /v1/reviews/1999 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";
  ASSERT_EQ(send(fd, two.data(), two.size(), MSG_NOSIGNAL),
            static_cast<ssize_t>(two.size()));
  std::string all;
  char buffer[4096];
  for (ssize_t n; (n = recv(fd, buffer, sizeof buffer, 0)) > 0;)
    all.append(buffer, static_cast<size_t>(n));
  close(fd);
  const size_t first = all.find("HTTP/1.1 200");
  const size_t second = all.find("HTTP/1.1 404");
  EXPECT_NE(first, std::string::npos) << all;
  EXPECT_NE(second, std::string::npos) << all;
  EXPECT_LT(first, second);
}

// Everything `fd` receives until the peer closes or `timeout` passes.
std::string ReadUntilClosed(int fd, std::chrono::milliseconds timeout) {
  std::string received;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  char buffer[4096];
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 100};
    if (poll(&p, 1, 100) <= 0) continue;
    const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    received.append(buffer, static_cast<size_t>(n));
  }
  return received;
}

// Issue 27: a framing Beast would read as "no body" must not let the body
// through as a second request (request smuggling), and the Host header is
// required once.
TEST_F(HttpEdge, AmbiguousFramingIs400AndCloseWithNoSecondAnswer) {
  Start();
  const std::string smuggled =
      "GET /v1/reviews/2019 HTTP/1.1\r\nHost: t\r\n\r\n";
  for (const std::string encoding :
       {"gzip", "identity", "xchunked", "chunked, identity", "chunked, gzip"}) {
    const int fd = nml::testing::ConnectLoopback(port_);
    ASSERT_GE(fd, 0);
    const std::string request = absl::StrCat(
        "POST /v1/domains:screen HTTP/1.1\r\nHost: t\r\n"
        "Content-Type: application/json\r\nTransfer-Encoding: ",
        encoding, "\r\n\r\n", smuggled);
    ASSERT_EQ(send(fd, request.data(), request.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(request.size()));
    const std::string all = ReadUntilClosed(fd, 5s);
    close(fd);
    EXPECT_TRUE(absl::StartsWith(all, "HTTP/1.1 400")) << encoding << all;
    EXPECT_TRUE(absl::StrContains(all,
                                  "Transfer-Encoding must be exactly "
                                  "'chunked'"))
        << all;
    // One answer, then the connection is closed: no 200 for the body.
    EXPECT_EQ(all.find("HTTP/1.1", 1), std::string::npos) << encoding << all;
  }
  const auto both = RawHttp(port_, Post("/v1/domains:screen", "0\r\n\r\n",
                                        "Transfer-Encoding: chunked\r\n"));
  EXPECT_EQ(both.status, 400) << both.body;
  EXPECT_TRUE(absl::StrContains(both.body, "Content-Length")) << both.body;
  const auto no_host =
      RawHttp(port_, "GET /healthz HTTP/1.1\r\nConnection: close\r\n\r\n");
  EXPECT_EQ(no_host.status, 400);
  EXPECT_TRUE(absl::StrContains(no_host.body, "Host")) << no_host.body;
  const auto two_hosts = RawHttp(port_, Get("/healthz", "Host: u\r\n"));
  EXPECT_EQ(two_hosts.status, 400);
  EXPECT_TRUE(absl::StrContains(two_hosts.body, "more than one Host"))
      << two_hosts.body;
  // Chunked alone is read as before, and HTTP/1.0 may leave Host out.
  const auto chunked =
      RawHttp(port_,
              "POST /v1/domains:screen HTTP/1.1\r\nHost: t\r\nContent-Type: "
              "application/json\r\nTransfer-Encoding: chunked\r\nConnection: "
              "close\r\n\r\n"
              "21\r\n{\"items\":[{\"input\":\"x.example\"}]}\r\n0\r\n\r\n");
  EXPECT_EQ(chunked.status, 200) << chunked.body;
  EXPECT_EQ(RawHttp(port_, "GET /healthz HTTP/1.0\r\n\r\n").status, 200);
}

// Issue 27: a request id that would forge log fields is replaced, and
// every text log field that holds input is quoted.
TEST_F(HttpEdge, AForgedRequestIdNeverBecomesALogField) {
  Start();
  const std::string forged = "abc code=INTERNAL peer=ipv4:10.6.6.6:1";
  const auto answer = RawHttp(
      port_,
      Get("/v1/reviews/1999", absl::StrCat("x-request-id: ", forged, "\r\n")));
  EXPECT_EQ(answer.status, 404) << answer.body;
  EXPECT_FALSE(absl::StrContains(answer.headers, forged)) << answer.headers;
  EXPECT_TRUE(absl::StrContains(answer.headers, "X-Request-Id: "))
      << answer.headers;
  // A safe one is kept, end to end.
  EXPECT_TRUE(absl::StrContains(
      RawHttp(port_, Get("/v1/reviews/1999", "x-request-id: trace-9.a:b\r\n"))
          .headers,
      "X-Request-Id: trace-9.a:b"));
  // Neither the gateway's nor nml-listings' log holds the forged fields.
  std::this_thread::sleep_for(200ms);
  for (const std::string& log :
       {gateway().Stderr(), system_.listings().Stderr()}) {
    EXPECT_FALSE(absl::StrContains(log, "code=INTERNAL peer=ipv4:10.6.6.6"))
        << log;
  }
  // Over the gateway's gRPC port the id its log line holds is the one its
  // legs carry: one id follows a call into nml-listings' log.
  auto stub = nml::gateway::v1::GatewayService::NewStub(grpc::CreateChannel(
      system_.gateway_address(), grpc::InsecureChannelCredentials()));
  int calls = 0;
  for (const std::string& given : {std::string("grpc-trace-7"), forged}) {
    grpc::ClientContext context;
    context.AddMetadata("x-request-id", given);
    nml::gateway::v1::GetReviewReportRequest request;
    request.set_review("reviews/1999");
    nml::gateway::v1::GetReviewReportResponse response;
    stub->GetReviewReport(&context, request, &response);
    // The id of this call's GetReviewReport line, which the gateway writes
    // once the call is over (after the client has its answer): polled.
    std::string log;
    std::string id;
    for (int tries = 0; tries < 100; ++tries) {
      log = gateway().Stderr();
      re2::StringPiece rest(log);
      int lines = 0;
      for (std::string found; RE2::FindAndConsume(
               &rest,
               R"(method=/nml.gateway.v1.GatewayService/GetReviewReport .*)"
               R"(request_id=(\S+))",
               &found);) {
        id = found;
        ++lines;
      }
      if (lines == calls + 1) break;
      id.clear();
      std::this_thread::sleep_for(20ms);
    }
    ++calls;
    ASSERT_FALSE(id.empty()) << log;
    if (given != forged) {
      EXPECT_EQ(id, given);
    }
    const std::string leg = absl::StrCat("request_id=", id, " ");
    for (int tries = 0;
         tries < 100 && !absl::StrContains(system_.listings().Stderr(), leg);
         ++tries) {
      std::this_thread::sleep_for(20ms);
    }
    EXPECT_TRUE(absl::StrContains(system_.listings().Stderr(), leg))
        << id << "\n"
        << system_.listings().Stderr();
  }
  EXPECT_FALSE(absl::StrContains(system_.listings().Stderr(),
                                 "code=INTERNAL peer=ipv4:10.6.6.6"));
  EXPECT_EQ(common::LogField("abc code=X"), "\"abc code=X\"");
  EXPECT_EQ(common::LogField("a\"b\n"), "\"a\\\"b\\x0a\"");
  EXPECT_EQ(common::LogField("/nml.listings.v1.ListingsService/GetReview"),
            "/nml.listings.v1.ListingsService/GetReview");
}

// Issue 27: with the in-flight cap full, the probes and the scraper are
// still answered, every shed request is counted, and /readyz names each
// backend with a word for its state, never an address or error text.
TEST_F(HttpEdge, AFullInFlightCapShedsCountsAndLeavesTheOpsEndpoints) {
  Start({{"NML_HTTP_MAX_IN_FLIGHT", "1"}}, /*listings_delay_ms=*/"1500");
  std::thread slow([&] { RawHttp(port_, Get("/v1/reviews/2021"), 10s); });
  std::this_thread::sleep_for(300ms);  // the one slot is taken
  const auto shed = RawHttp(port_, Get("/v1/reviews/2020"));
  EXPECT_EQ(shed.status, 503) << shed.body;
  EXPECT_TRUE(absl::StrContains(shed.body, "too many requests in flight"));
  EXPECT_EQ(RawHttp(port_, Get("/healthz")).status, 200);
  const auto metrics = RawHttp(port_, Get("/metrics"));
  EXPECT_EQ(metrics.status, 200);
  EXPECT_TRUE(RE2::PartialMatch(
      metrics.body, R"(nml_http_requests_total\{[^}]*"shed"[^}]*\} 1)"))
      << metrics.body;
  // nml-responses is not running: /readyz says which backend, not where.
  const auto ready = RawHttp(port_, Get("/readyz"));
  EXPECT_EQ(ready.status, 503) << ready.body;
  slow.join();
  const json body = json::parse(ready.body, nullptr, false);
  ASSERT_TRUE(body.is_object()) << ready.body;
  std::map<std::string, std::string> status;
  for (const json& b : body["backends"]) status[b["name"]] = b["status"];
  EXPECT_EQ(status["nml.listings.v1.ListingsService"], "SERVING");
  EXPECT_EQ(status["nml.responses.v1.ResponsesService"], "UNREACHABLE");
  EXPECT_FALSE(absl::StrContains(ready.body, "127.0.0.1")) << ready.body;
  EXPECT_FALSE(absl::StrContains(ready.body, "ipv4")) << ready.body;
}

TEST_F(HttpEdge, HeadGetsTheHeadOfGetAndNoBodyOnAKeptConnection) {
  ASSERT_NO_FATAL_FAILURE(Start());
  const int fd = nml::testing::ConnectLoopback(port_);
  ASSERT_GE(fd, 0);
  const std::string requests =
      "HEAD /reviews/2021 HTTP/1.1\r\nHost: t\r\n\r\n"
      "HEAD /v1/healthz-nope HTTP/1.1\r\nHost: t\r\n\r\n"
      "GET /healthz HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";
  ASSERT_EQ(send(fd, requests.data(), requests.size(), MSG_NOSIGNAL),
            static_cast<ssize_t>(requests.size()));
  const std::string received = ReadUntilClosed(fd, 10s);
  close(fd);
  // Three answers in a row: the page's head (its length, no body), a 404's
  // head, then /healthz with its body. A body after a HEAD answer would be
  // read as the next answer's status line.
  const std::vector<std::string> answers =
      absl::StrSplit(received, "HTTP/1.1 ", absl::SkipEmpty());
  ASSERT_EQ(answers.size(), 3u) << received;
  EXPECT_TRUE(absl::StartsWith(answers[0], "200 OK\r\n")) << answers[0];
  EXPECT_TRUE(ContainsIgnoringCase(answers[0], "content-type: text/html"));
  EXPECT_TRUE(ContainsIgnoringCase(answers[0], "content-length: "));
  EXPECT_FALSE(ContainsIgnoringCase(answers[0], "content-length: 0\r\n"));
  EXPECT_TRUE(absl::EndsWith(answers[0], "\r\n\r\n")) << answers[0];
  EXPECT_TRUE(absl::StartsWith(answers[1], "404 Not Found\r\n"));
  EXPECT_TRUE(absl::EndsWith(answers[1], "\r\n\r\n")) << answers[1];
  EXPECT_TRUE(absl::StartsWith(answers[2], "200 OK\r\n"));
  EXPECT_TRUE(absl::EndsWith(answers[2], R"({"status":"ok"})"));
}

TEST_F(HttpEdge, AnUnreachableBackendIs503WithoutItsAddress) {
  ASSERT_NO_FATAL_FAILURE(Start());  // nml-responses is not running
  const auto r = RawHttp(port_, Get("/v1/responses"));
  EXPECT_EQ(r.status, 503) << r.body;
  ExpectErrorShape(r, "unreachable backend");
  EXPECT_TRUE(absl::StrContains(
      r.body, "a backend service is unreachable; retry shortly"))
      << r.body;
  EXPECT_FALSE(absl::StrContains(r.body, "127.0.0.1")) << r.body;
  EXPECT_FALSE(absl::StrContains(r.body, "ipv4")) << r.body;
  // The operator still learns where: the gateway's log has gRPC's text.
  EXPECT_TRUE(absl::StrContains(gateway().Stderr(), "backend unreachable"));
}

}  // namespace
}  // namespace nml::gateway
