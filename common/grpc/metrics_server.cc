#include "common/grpc/metrics_server.h"

#include <absl/strings/numbers.h>
#include <absl/strings/str_cat.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <memory>

#include "common/grpc/acceptor.h"

namespace nml::common {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct MetricsServer::State {
  asio::io_context io;
  tcp::acceptor acceptor{io};
};

namespace {

// One connection: one request read, one answer written, closed. Every step
// has a time limit, so a client that connects and says (or reads) nothing
// costs a socket for 5 s, not the listener.
class Session final : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, const std::function<std::string()>& render)
      : stream_(std::move(socket)), render_(render) {}

  void Start() {
    parser_.body_limit(64 << 10);  // a scrape has no body
    stream_.expires_after(kLimit);
    http::async_read(
        stream_, buffer_, parser_,
        [self = shared_from_this()](beast::error_code error, size_t) {
          if (!error) self->Answer();
        });
  }

 private:
  static constexpr auto kLimit = std::chrono::seconds(5);

  void Answer() {
    const auto& request = parser_.get();
    response_.version(request.version());
    response_.keep_alive(false);
    if (request.method() != http::verb::get &&
        request.method() != http::verb::head) {
      response_.result(http::status::method_not_allowed);
      response_.set(http::field::allow, "GET, HEAD");
      response_.set(http::field::content_type, "text/plain");
      response_.body() = "method not allowed\n";
    } else if (request.target() != "/metrics") {
      response_.result(http::status::not_found);
      response_.set(http::field::content_type, "text/plain");
      response_.body() = "not found: GET /metrics\n";
    } else {
      response_.result(http::status::ok);
      response_.set(http::field::content_type,
                    "text/plain; version=0.0.4; charset=utf-8");
      response_.body() = render_();
    }
    response_.prepare_payload();
    if (request.method() == http::verb::head) response_.body().clear();
    stream_.expires_after(kLimit);
    http::async_write(stream_, response_,
                      [self = shared_from_this()](beast::error_code, size_t) {
                        beast::error_code ignored;
                        self->stream_.socket().shutdown(
                            tcp::socket::shutdown_both, ignored);
                      });
  }

  beast::tcp_stream stream_;
  const std::function<std::string()>& render_;
  beast::flat_buffer buffer_;
  http::request_parser<http::string_body> parser_;
  http::response<http::string_body> response_;
};

void Accept(tcp::acceptor& acceptor,
            const std::function<std::string()>& render) {
  acceptor.async_accept(
      [&acceptor, &render](beast::error_code error, tcp::socket socket) {
        if (!acceptor.is_open()) return;
        if (!error)
          std::make_shared<Session>(std::move(socket), render)->Start();
        Accept(acceptor, render);
      });
}

}  // namespace

MetricsServer::MetricsServer(std::function<std::string()> render)
    : render_(std::move(render)), state_(std::make_unique<State>()) {}

MetricsServer::~MetricsServer() { Stop(); }

absl::StatusOr<int> MetricsServer::Start(const std::string& listen) {
  const auto parsed = ParseHostPort(listen);
  if (!parsed.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("metrics listen address: ", parsed.status().message()));
  }
  const auto endpoint = ListenEndpoint(*parsed, "--metrics-listen");
  if (!endpoint.ok()) return endpoint.status();
  auto& acceptor = state_->acceptor;
  if (const auto ec = OpenAcceptor(acceptor, *endpoint); ec) {
    return absl::UnavailableError(absl::StrCat("cannot listen for metrics on ",
                                               listen, ": ", ec.message()));
  }
  const int bound = acceptor.local_endpoint().port();
  Accept(acceptor, render_);
  thread_ = std::thread([this] { state_->io.run(); });
  spdlog::info("metrics on {}:{}/metrics", endpoint->address().to_string(),
               bound);
  return bound;
}

void MetricsServer::Stop() {
  if (!thread_.joinable()) return;
  asio::post(state_->io, [this] {
    beast::error_code ignored;
    state_->acceptor.close(ignored);
  });
  state_->io.stop();
  thread_.join();
}

}  // namespace nml::common
