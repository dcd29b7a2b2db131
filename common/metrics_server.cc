#include "common/metrics_server.h"

#include <absl/strings/numbers.h>
#include <absl/strings/str_cat.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <chrono>

namespace nml::common {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct MetricsServer::State {
  asio::io_context io;
  tcp::acceptor acceptor{io};
  tcp::endpoint bound;
  std::atomic<bool> stopping{false};
};

MetricsServer::MetricsServer(std::function<std::string()> render)
    : render_(std::move(render)), state_(std::make_unique<State>()) {}

MetricsServer::~MetricsServer() { Stop(); }

absl::StatusOr<int> MetricsServer::Start(const std::string& listen) {
  const size_t colon = listen.rfind(':');
  int port = 0;
  if (colon == std::string::npos ||
      !absl::SimpleAtoi(listen.substr(colon + 1), &port)) {
    return absl::InvalidArgumentError(
        absl::StrCat("metrics listen address '", listen, "' is not host:port"));
  }
  std::string host = listen.substr(0, colon);
  if (host.size() > 1 && host.front() == '[')
    host = host.substr(1, host.size() - 2);
  beast::error_code ec;
  const auto address =
      asio::ip::make_address(host.empty() ? "0.0.0.0" : host, ec);
  if (ec) {
    return absl::InvalidArgumentError(
        absl::StrCat("metrics listen address '", listen, "': ", ec.message()));
  }
  const tcp::endpoint endpoint(address, static_cast<uint16_t>(port));
  auto& acceptor = state_->acceptor;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec) acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return absl::UnavailableError(absl::StrCat("cannot listen for metrics on ",
                                               listen, ": ", ec.message()));
  }
  state_->bound = acceptor.local_endpoint();
  const int bound = state_->bound.port();
  thread_ = std::thread([this] {
    for (;;) {
      beast::error_code error;
      tcp::socket socket(state_->io);
      state_->acceptor.accept(socket, error);
      if (state_->stopping) return;
      if (error) continue;
      beast::flat_buffer buffer;
      http::request<http::string_body> request;
      // A scraper that connects and says nothing must not hold the thread.
      beast::tcp_stream stream(std::move(socket));
      stream.expires_after(std::chrono::seconds(5));
      http::read(stream, buffer, request, error);
      if (error) continue;
      http::response<http::string_body> response;
      response.version(request.version());
      response.keep_alive(false);
      if (request.method() != http::verb::get &&
          request.method() != http::verb::head) {
        response.result(http::status::method_not_allowed);
        response.set(http::field::allow, "GET, HEAD");
        response.set(http::field::content_type, "text/plain");
        response.body() = "method not allowed\n";
      } else if (request.target() != "/metrics") {
        response.result(http::status::not_found);
        response.set(http::field::content_type, "text/plain");
        response.body() = "not found: GET /metrics\n";
      } else {
        response.result(http::status::ok);
        response.set(http::field::content_type,
                     "text/plain; version=0.0.4; charset=utf-8");
        response.body() = render_();
      }
      response.prepare_payload();
      if (request.method() == http::verb::head) response.body().clear();
      http::write(stream, response, error);
      stream.socket().shutdown(tcp::socket::shutdown_both, error);
    }
  });
  spdlog::info("metrics on {}:{}/metrics", address.to_string(), bound);
  return bound;
}

void MetricsServer::Stop() {
  if (!thread_.joinable()) return;
  state_->stopping = true;
  // A blocking accept is not woken by closing the acceptor from another
  // thread: one connection wakes it, and it sees `stopping`.
  tcp::endpoint wake = state_->bound;
  if (wake.address().is_unspecified()) {
    wake.address(wake.address().is_v6()
                     ? asio::ip::address(asio::ip::address_v6::loopback())
                     : asio::ip::address(asio::ip::address_v4::loopback()));
  }
  asio::io_context io;
  tcp::socket socket(io);
  beast::error_code ec;
  socket.connect(wake, ec);
  thread_.join();
  state_->acceptor.close(ec);
}

}  // namespace nml::common
