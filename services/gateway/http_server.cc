#include "services/gateway/http_server.h"

#include <absl/strings/ascii.h>
#include <absl/strings/str_cat.h>
#include <absl/strings/str_split.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <algorithm>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/strand.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <optional>

#include "common/api/percent_encoding.h"
#include "common/api/strings.h"
#include "common/grpc/acceptor.h"
#include "common/grpc/logging.h"
#include "common/grpc/server_tls.h"

namespace nml::gateway {

namespace beast = boost::beast;
namespace http = boost::beast::http;
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = boost::asio::ip::tcp;

struct HttpServer::Impl {
  net::io_context ioc;
  std::optional<ssl::context> tls;
  tcp::acceptor acceptor{net::make_strand(ioc)};
};

// The headers the REST side reads; the rest are not copied.
constexpr const char* kForwardedHeaders[] = {"authorization",
                                             "x-request-id",
                                             "grpc-timeout",
                                             "x-server-timeout",
                                             "x-nml-min-data-version",
                                             "x-nml-min-responses-data-version",
                                             "if-match",
                                             "if-none-match",
                                             "origin"};

// One connection: requests are read and answered one at a time (pipelined
// requests wait in the buffer), each within its timeouts.
template <class Stream>
class Session final : public std::enable_shared_from_this<Session<Stream>> {
 public:
  template <class... Args>
  Session(HttpServer* server, Args&&... args)
      : server_(server), stream_(std::forward<Args>(args)...) {
    server_->connections_.fetch_add(1);
  }
  ~Session() { server_->connections_.fetch_sub(1); }

  void Run(bool over_capacity) {
    if (over_capacity) {
      keep_alive_ = false;
      RestReply reply = ErrorReply(grpc::StatusCode::UNAVAILABLE,
                                   "too many open connections", 503);
      reply.headers.emplace_back("Retry-After", "1");
      return WriteTransportError(std::move(reply));
    }
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      WaitForRequest();
    } else {
      Lowest().expires_after(server_->options_.header_timeout);
      stream_.async_handshake(
          ssl::stream_base::server,
          [self = this->shared_from_this()](beast::error_code ec) {
            if (ec) return;  // a failed handshake has no one to answer
            self->WaitForRequest();
          });
    }
  }

 private:
  beast::tcp_stream& Lowest() { return beast::get_lowest_layer(stream_); }
  const HttpServer::Options& options() const { return server_->options_; }

  // Idle until the next request's first byte (keep-alive), then the header
  // timer starts: a client that trickles its header is dropped.
  void WaitForRequest() {
    if (buffer_.size() > 0) return ReadHeader();
    Lowest().expires_after(options().idle_timeout);
    stream_.async_read_some(
        buffer_.prepare(4096),
        [self = this->shared_from_this()](beast::error_code ec, size_t n) {
          if (ec) return self->Close();
          self->buffer_.commit(n);
          self->ReadHeader();
        });
  }

  void ReadHeader() {
    parser_.emplace();
    parser_->header_limit(static_cast<uint32_t>(options().max_header_bytes));
    parser_->body_limit(options().max_body_bytes);
    Lowest().expires_after(options().header_timeout);
    http::async_read_header(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](beast::error_code ec, size_t) {
          self->OnHeader(ec);
        });
  }

  // The HTTP answer to a failed read, or nullopt to just close (timeouts,
  // a client that went away).
  std::optional<RestReply> ReadError(beast::error_code ec) {
    if (ec == http::error::header_limit) {
      // Beast consumes the request line once it has parsed it: no target
      // yet means the line itself did not fit.
      if (parser_->get().target().empty()) {
        return ErrorReply(grpc::StatusCode::INVALID_ARGUMENT,
                          "request line too long", 414);
      }
      return ErrorReply(grpc::StatusCode::INVALID_ARGUMENT,
                        "request headers too large", 431);
    }
    if (ec == http::error::body_limit) {
      return ErrorReply(grpc::StatusCode::INVALID_ARGUMENT,
                        absl::StrCat("request body larger than ",
                                     options().max_body_bytes, " bytes"),
                        413);
    }
    // Other parse errors (bad method, target, version, field, chunk) are
    // the client's; socket errors and timeouts leave no one to answer.
    if (ec != http::error::end_of_stream &&
        ec != http::error::partial_message &&
        &ec.category() ==
            &http::make_error_code(http::error::bad_target).category()) {
      return ErrorReply(grpc::StatusCode::INVALID_ARGUMENT,
                        MalformedRequestMessage(ec), 400);
    }
    return std::nullopt;
  }

  // What Beast refused, in words, and for a bad header value the header's
  // name: Beast stops at the first bad byte and leaves the unparsed header
  // lines in the buffer, so the first line holding a byte HTTP does not
  // allow (RFC 9110: controls other than TAB, DEL) is the culprit.
  std::string MalformedRequestMessage(beast::error_code ec) {
    if (ec == http::error::bad_value || ec == http::error::bad_field) {
      const auto data = buffer_.cdata();
      const absl::string_view pending(static_cast<const char*>(data.data()),
                                      data.size());
      for (absl::string_view line : absl::StrSplit(pending, "\r\n")) {
        const bool bad = std::any_of(line.begin(), line.end(), [](char c) {
          const auto byte = static_cast<unsigned char>(c);
          return (byte < 0x20 && c != '\t') || byte == 0x7f;
        });
        const size_t colon = line.find(':');
        if (!bad || colon == absl::string_view::npos) continue;
        return absl::StrCat(
            "malformed HTTP request: header '",
            common::EchoInput(common::Std(line.substr(0, colon))),
            "' holds a control character, which HTTP does not allow");
      }
    }
    return absl::StrCat("malformed HTTP request: ", ec.message());
  }

  // Why a request's framing or host is ambiguous (RFC 9112 sections 3.2 and
  // 6.3), or nullopt. Beast reads a Transfer-Encoding that does not end in
  // "chunked" as "no body" and would then parse the body as the next
  // request (request smuggling); nml takes only "chunked" itself, never
  // with Content-Length, and exactly one Host on HTTP/1.1.
  static std::optional<std::string> FramingProblem(
      const http::request<http::string_body>& request) {
    const size_t encodings = request.count(http::field::transfer_encoding);
    if (encodings > 0) {
      // Beast hands the value over without its surrounding white space.
      if (encodings > 1 ||
          !beast::iequals(request[http::field::transfer_encoding], "chunked")) {
        return "malformed HTTP request: Transfer-Encoding must be exactly "
               "'chunked'";
      }
      if (request.count(http::field::content_length) > 0) {
        return "malformed HTTP request: Content-Length and "
               "Transfer-Encoding together";
      }
    }
    const size_t hosts = request.count(http::field::host);
    if (hosts > 1) {
      return "malformed HTTP request: more than one Host header";
    }
    if (hosts == 0 && request.version() >= 11) {
      return "malformed HTTP request: an HTTP/1.1 request needs a Host "
             "header";
    }
    return std::nullopt;
  }

  // A failed read is answered (and the connection closed after the answer)
  // when the client can still be told why, else just closed.
  void FailRead(beast::error_code ec) {
    auto reply = ReadError(ec);
    if (!reply) return Close();
    keep_alive_ = false;
    WriteTransportError(std::move(*reply));
  }

  void OnHeader(beast::error_code ec) {
    if (ec) return FailRead(ec);
    const auto& request = parser_->get();
    keep_alive_ = request.keep_alive();
    if (request.target().size() > options().max_request_line) {
      keep_alive_ = false;
      return WriteTransportError(ErrorReply(grpc::StatusCode::INVALID_ARGUMENT,
                                            "request line too long", 414));
    }
    if (const auto problem = FramingProblem(request)) {
      // The request's end cannot be known for certain, so whatever follows
      // it must never be read as another request: 400, then close.
      keep_alive_ = false;
      return WriteTransportError(
          ErrorReply(grpc::StatusCode::INVALID_ARGUMENT, *problem, 400));
    }
    if (beast::iequals(request[http::field::expect], "100-continue") &&
        !parser_->is_done()) {
      continue_.emplace(http::status::continue_, request.version());
      return http::async_write(
          stream_, *continue_,
          [self = this->shared_from_this()](beast::error_code ec, size_t) {
            if (ec) return self->Close();
            self->ReadBody();
          });
    }
    ReadBody();
  }

  void ReadBody() {
    Lowest().expires_after(options().body_timeout);
    http::async_read(
        stream_, buffer_, *parser_,
        [self = this->shared_from_this()](beast::error_code ec, size_t) {
          self->OnRequest(ec);
        });
  }

  void OnRequest(beast::error_code ec) {
    if (ec) return FailRead(ec);
    Lowest().expires_never();  // the backend call has its own deadline
    auto message = parser_->release();
    RestRequest request;
    request.method = std::string(message.method_string());
    // HEAD is answered as GET is, without the body (WriteHead).
    head_ = message.method() == http::verb::head;
    if (head_) request.method = "GET";
    request.target = std::string(message.target());
    request.body = std::move(message.body());
    for (const char* name : kForwardedHeaders) {
      const auto it = message.find(name);
      if (it != message.end()) request.headers[name] = std::string(it->value());
    }
    // The probes and the scraper are answered whatever the load: a full
    // cap must not make an orchestrator restart a busy gateway.
    const std::string_view path =
        std::string_view(request.target).substr(0, request.target.find('?'));
    const bool ops =
        path == "/healthz" || path == "/readyz" || path == "/metrics";
    if (server_->requests_in_flight_.fetch_add(1) >= options().max_in_flight &&
        !ops) {
      server_->requests_in_flight_.fetch_sub(1);
      RestReply reply = ErrorReply(grpc::StatusCode::UNAVAILABLE,
                                   "too many requests in flight", 503);
      reply.headers.emplace_back("Retry-After", "1");
      reply.headers.emplace_back("X-Request-Id", common::NewRequestId());
      // Counted like every answer, under a route of its own.
      server_->handler_->http_metrics().Record("shed", reply.status, 0);
      return Write(std::move(reply));
    }
    server_->handler_->Handle(
        std::move(request), [self = this->shared_from_this()](RestReply reply) {
          // Answers come back on gRPC threads: the write happens on the
          // connection's own strand.
          net::post(self->stream_.get_executor(),
                    [self, reply = std::move(reply)]() mutable {
                      self->server_->requests_in_flight_.fetch_sub(1);
                      self->Write(std::move(reply));
                    });
        });
  }

  void WriteTransportError(RestReply reply) {
    reply.headers.emplace_back("X-Request-Id", common::NewRequestId());
    server_->handler_->http_metrics().Record("rejected", reply.status, 0);
    Write(std::move(reply));
  }

  void Write(RestReply reply) {
    if (head_) return WriteHead(std::move(reply));
    if (reply.stream != nullptr) return WriteStreamed(std::move(reply));
    response_.emplace(static_cast<http::status>(reply.status), 11);
    if (!reply.content_type.empty() &&
        (!reply.body.empty() || reply.status != 204)) {
      response_->set(http::field::content_type, reply.content_type);
    }
    for (const auto& [name, value] : reply.headers) response_->set(name, value);
    response_->body() = std::move(reply.body);
    response_->keep_alive(keep_alive_);
    response_->prepare_payload();
    Lowest().expires_after(options().body_timeout);
    http::async_write(stream_, *response_, ThenNextRequest());
  }

  // Completes a whole answer: on to the next request, or closed.
  auto ThenNextRequest() {
    return [self = this->shared_from_this()](beast::error_code ec, size_t) {
      if (ec || !self->keep_alive_) return self->Close();
      self->WaitForRequest();
    };
  }

  // The head of `reply` without a body (for HEAD, and before a stream's
  // chunks): status, content type, headers, keep-alive.
  void EmplaceHead(const RestReply& reply) {
    streamed_head_.emplace(static_cast<http::status>(reply.status), 11);
    if (!reply.content_type.empty()) {
      streamed_head_->set(http::field::content_type, reply.content_type);
    }
    for (const auto& [name, value] : reply.headers) {
      streamed_head_->set(name, value);
    }
    streamed_head_->keep_alive(keep_alive_);
  }

  // The answer to HEAD: the head GET would get (its Content-Length, or
  // chunked for a stream, which is not started), and no body.
  void WriteHead(RestReply reply) {
    head_ = false;
    EmplaceHead(reply);
    if (reply.stream != nullptr) {
      reply.stream->Cancel();
      streamed_head_->chunked(true);
    } else if (reply.status != 204 && reply.status != 304) {
      streamed_head_->content_length(reply.body.size());
    }
    serializer_.emplace(*streamed_head_);
    Lowest().expires_after(options().body_timeout);
    http::async_write_header(stream_, *serializer_, ThenNextRequest());
  }

  // A body that comes in chunks (a file a backend streams): the head, then
  // each chunk as it arrives, asked for only once the last is written, then
  // the last chunk. A stream that fails part way cuts the connection, so
  // the client sees an incomplete body, never a complete-looking one.
  void WriteStreamed(RestReply reply) {
    body_ = std::move(reply.stream);
    EmplaceHead(reply);
    streamed_head_->chunked(true);
    serializer_.emplace(*streamed_head_);
    Lowest().expires_after(options().body_timeout);
    http::async_write_header(
        stream_, *serializer_,
        [self = this->shared_from_this()](beast::error_code ec, size_t) {
          if (ec) return self->AbandonBody();
          self->NextChunk();
        });
  }

  void NextChunk() {
    body_->Next([self = this->shared_from_this()](
                    std::optional<std::string> chunk, bool ok) {
      net::post(self->stream_.get_executor(),
                [self, chunk = std::move(chunk), ok]() mutable {
                  self->WriteChunk(std::move(chunk), ok);
                });
    });
  }

  void WriteChunk(std::optional<std::string> chunk, bool ok) {
    if (!ok) {
      keep_alive_ = false;
      body_.reset();
      return Close();
    }
    Lowest().expires_after(options().body_timeout);
    if (!chunk.has_value()) {
      body_.reset();  // the stream has ended; only its last chunk is left
      return net::async_write(stream_, http::make_chunk_last(),
                              ThenNextRequest());
    }
    if (chunk->empty()) return NextChunk();  // an empty chunk ends a body
    chunk_ = std::move(*chunk);
    net::async_write(
        stream_, http::make_chunk(net::buffer(chunk_)),
        [self = this->shared_from_this()](beast::error_code ec, size_t) {
          if (ec) return self->AbandonBody();
          self->NextChunk();
        });
  }

  // The client is gone (or too slow): stop the backend's stream too.
  void AbandonBody() {
    body_->Cancel();
    body_.reset();
    Close();
  }

  void Close() {
    beast::error_code ignored;
    if constexpr (std::is_same_v<Stream, beast::tcp_stream>) {
      stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    } else {
      Lowest().expires_after(std::chrono::seconds(1));
      stream_.async_shutdown(
          [self = this->shared_from_this()](beast::error_code) {});
    }
  }

  HttpServer* server_;
  Stream stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::empty_body>> continue_;
  std::optional<http::response<http::string_body>> response_;
  // A streamed answer: its head, serializer, body and the chunk being sent.
  std::optional<http::response<http::empty_body>> streamed_head_;
  std::optional<http::response_serializer<http::empty_body>> serializer_;
  std::shared_ptr<BodyStream> body_;
  std::string chunk_;
  bool keep_alive_ = true;
  bool head_ = false;  // the request being answered is HEAD
};

namespace {

// Each connection is a file descriptor: the soft limit is raised to the
// hard one, so the connection cap, not the default 1024, is what binds.
void RaiseFileLimit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 &&
      limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    (void)setrlimit(RLIMIT_NOFILE, &limit);
  }
}

}  // namespace

HttpServer::HttpServer(Options options, RestHandler* handler)
    : options_(std::move(options)),
      handler_(handler),
      impl_(std::make_unique<Impl>()) {
  handler_->http_metrics().AddGauge(
      "nml_http_open_connections", "Open HTTP connections",
      [this] { return static_cast<double>(connections_.load()); });
  handler_->http_metrics().AddGauge(
      "nml_http_requests_in_flight", "HTTP requests waiting on a backend",
      [this] { return static_cast<double>(requests_in_flight_.load()); });
}

HttpServer::~HttpServer() { Stop(std::chrono::milliseconds(0)); }

absl::Status HttpServer::Start() {
  auto listen = common::ParseHostPort(options_.listen);
  if (!listen.ok()) return listen.status();
  RaiseFileLimit();
  if (options_.tls.enabled()) {
    impl_->tls.emplace(ssl::context::tls_server);
    const absl::Status loaded =
        common::ConfigureServerTls(options_.tls, "--http-tls", *impl_->tls);
    if (!loaded.ok()) return loaded;
  }
  const auto endpoint = common::ListenEndpoint(*listen, "--http-listen");
  if (!endpoint.ok()) return endpoint.status();
  auto& acceptor = impl_->acceptor;
  if (common::OpenAcceptor(acceptor, *endpoint)) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", listen->ToString(),
                     " (HTTP; address in use or not available)"));
  }
  port_ = acceptor.local_endpoint().port();

  auto accept = std::make_shared<std::function<void()>>();
  *accept = [this, accept] {
    impl_->acceptor.async_accept(
        net::make_strand(impl_->ioc),
        [this, accept](beast::error_code ec, tcp::socket socket) {
          if (ec == net::error::operation_aborted) return;  // stopping
          if (!ec) {
            socket.set_option(tcp::no_delay(true), ec);
            const bool over = connections_.load() >= options_.max_connections;
            if (impl_->tls) {
              std::make_shared<Session<beast::ssl_stream<beast::tcp_stream>>>(
                  this, std::move(socket), *impl_->tls)
                  ->Run(over);
            } else {
              std::make_shared<Session<beast::tcp_stream>>(this,
                                                           std::move(socket))
                  ->Run(over);
            }
          }
          (*accept)();
        });
  };
  net::post(impl_->acceptor.get_executor(), [accept] { (*accept)(); });
  for (int i = 0; i < std::max(1, options_.io_threads); ++i) {
    threads_.emplace_back([this] { impl_->ioc.run(); });
  }
  spdlog::info("HTTP/JSON listening on {}:{}", listen->host, port_);
  return absl::OkStatus();
}

void HttpServer::Stop(std::chrono::milliseconds grace) {
  if (stopped_ || threads_.empty()) {
    stopped_ = true;
    return;
  }
  stopped_ = true;
  net::post(impl_->acceptor.get_executor(), [this] {
    beast::error_code ignored;
    impl_->acceptor.close(ignored);
  });
  const auto wait_for_calls = [this](std::chrono::milliseconds bound) {
    const auto until = std::chrono::steady_clock::now() + bound;
    while (handler_->in_flight() > 0 &&
           std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  };
  wait_for_calls(grace);
  // Every backend call ends by its deadline at the latest; cancelled, the
  // remote ones end now. No callback may outlive the I/O threads.
  handler_->CancelAll();
  wait_for_calls(std::chrono::minutes(10));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // last writes
  impl_->ioc.stop();
  for (auto& thread : threads_) thread.join();
  threads_.clear();
}

}  // namespace nml::gateway
