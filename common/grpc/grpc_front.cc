#include "common/grpc/grpc_front.h"

#include <absl/strings/numbers.h>
#include <absl/strings/str_cat.h>
#include <absl/synchronization/mutex.h>
#include <fcntl.h>
#include <grpcpp/server_posix.h>
#include <openssl/ssl.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <cstring>
#include <optional>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "common/grpc/acceptor.h"
#include "common/grpc/h2_watch.h"
#include "common/grpc/logging.h"
#include "common/grpc/server_tls.h"

namespace nml::common {

namespace asio = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = asio::ip::tcp;
using boost::system::error_code;

namespace {

// A client has this long to finish its TLS handshake and connection preface
// before its socket is given back.
constexpr auto kGreetingLimit = std::chrono::seconds(10);
constexpr size_t kClientPreface = 24;  // "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"
constexpr size_t kReadSize = 64 * 1024;
// How long a condemned client's bytes are read and dropped after GOAWAY.
constexpr auto kLinger = std::chrono::seconds(1);

// gRPC's name for a connection's peer ("fd:N") -> the client's address.
// Fd numbers are unique among open descriptors, and a number's newest entry
// is the connection that holds it now.
class PeerNames {
 public:
  static PeerNames& Get() {
    static PeerNames* names = new PeerNames;
    return *names;
  }
  void Set(int fd, std::string peer) {
    absl::MutexLock lock(&mu_);
    by_fd_[fd] = std::move(peer);
  }
  std::string Find(int fd) {
    absl::MutexLock lock(&mu_);
    const auto it = by_fd_.find(fd);
    return it == by_fd_.end() ? std::string() : it->second;
  }

 private:
  absl::Mutex mu_;
  std::unordered_map<int, std::string> by_fd_ ABSL_GUARDED_BY(mu_);
};

std::string PeerString(const tcp::endpoint& endpoint) {
  const auto address = endpoint.address();
  if (address.is_v4()) {
    return absl::StrCat("ipv4:", address.to_string(), ":", endpoint.port());
  }
  return absl::StrCat("ipv6:[", address.to_string(), "]:", endpoint.port());
}

// gRPC clients over TLS require the "h2" protocol by ALPN.
int SelectH2(SSL*, const unsigned char** out, unsigned char* out_length,
             const unsigned char* in, unsigned int in_length, void*) {
  static const unsigned char kH2[] = {2, 'h', '2'};
  unsigned char* selected = nullptr;
  if (SSL_select_next_proto(&selected, out_length, kH2, sizeof(kH2), in,
                            in_length) != OPENSSL_NPN_NEGOTIATED) {
    return SSL_TLSEXT_ERR_ALERT_FATAL;
  }
  *out = selected;
  return SSL_TLSEXT_ERR_OK;
}

class RelayBase {
 public:
  virtual ~RelayBase() = default;
  virtual void Close() = 0;
};

}  // namespace

struct GrpcFront::State {
  grpc::Server* server;
  size_t max_unanswered;
  // One thread runs it (the hint spares asio some locking).
  asio::io_context io{1};
  tcp::acceptor acceptor{io};
  std::optional<ssl::context> tls;
  std::atomic<uint64_t> abusive{0};
  // Relays alive, touched only on the relay thread.
  std::unordered_set<RelayBase*> relays;
  std::thread thread;
  std::once_flag stopped;
};

namespace {

// One client connection and gRPC's end of it. Client bytes are relayed as
// they arrive; gRPC's are relayed in whole frames, so a GOAWAY can be put
// between two of them at any moment.
template <class Stream>
class Relay final : public RelayBase,
                    public std::enable_shared_from_this<Relay<Stream>> {
 public:
  template <class... Args>
  Relay(GrpcFront::State* front, std::string peer,
        asio::local::stream_protocol::socket grpc, Args&&... client)
      : front_(front),
        peer_(std::move(peer)),
        client_(std::forward<Args>(client)...),
        grpc_(std::move(grpc)),
        timer_(front->io),
        watch_(front->max_unanswered) {
    front_->relays.insert(this);
  }
  ~Relay() override { front_->relays.erase(this); }

  void Start() {
    timer_.expires_after(kGreetingLimit);
    timer_.async_wait([self = this->shared_from_this()](error_code ec) {
      if (!ec && self->from_client_ < kClientPreface) self->Close();
    });
    if constexpr (std::is_same_v<Stream, tcp::socket>) {
      Pump();
    } else {
      client_.async_handshake(ssl::stream_base::server,
                              [self = this->shared_from_this()](error_code ec) {
                                if (ec) return self->Close();
                                self->Pump();
                              });
    }
  }

  void Close() override {
    if (closed_) return;
    closed_ = true;
    timer_.cancel();
    error_code ignored;
    // gRPC reads the end of its socket and cancels the connection's calls.
    grpc_.shutdown(asio::socket_base::shutdown_both, ignored);
    grpc_.close(ignored);
    Lowest().shutdown(asio::socket_base::shutdown_both, ignored);
    Lowest().close(ignored);
  }

 private:
  tcp::socket& Lowest() {
    if constexpr (std::is_same_v<Stream, tcp::socket>) {
      return client_;
    } else {
      return client_.next_layer();
    }
  }

  void Pump() {
    down_.resize(kReadSize);
    ReadClient();
    ReadGrpc();
  }

  void ReadClient() {
    client_.async_read_some(
        asio::buffer(up_),
        [self = this->shared_from_this()](error_code ec, size_t n) {
          if (ec || self->ending_) return self->EndOrClose();
          self->FromClient(n);
        });
  }

  void FromClient(size_t n) {
    from_client_ += n;
    const auto now = RapidResetWatch::Clock::now();
    up_scanner_.Feed(up_.data(), n, [this, now](const H2Frame& frame) {
      watch_.FromClient(frame, now);
    });
    if (!watch_.verdict().empty()) return Condemn();
    asio::async_write(grpc_, asio::buffer(up_.data(), n),
                      [self = this->shared_from_this()](error_code ec, size_t) {
                        if (ec) return self->EndOrClose();
                        self->ReadClient();
                      });
  }

  void ReadGrpc() {
    if (down_filled_ == down_.size()) down_.resize(down_.size() * 2);
    grpc_.async_read_some(
        asio::buffer(down_.data() + down_filled_, down_.size() - down_filled_),
        [self = this->shared_from_this()](error_code ec, size_t n) {
          // gRPC closed its end (the server is gone, after its calls):
          // what it wrote has been relayed; the client gets a FIN.
          if (ec == asio::error::eof && !self->ending_) return self->Finish();
          if (ec) return self->EndOrClose();
          self->FromGrpc(n);
        });
  }

  void FromGrpc(size_t n) {
    down_filled_ += n;
    const size_t whole = H2FrameScanner::WholeFrames(
        down_.data(), down_filled_,
        [this](const H2Frame& frame) { watch_.FromServer(frame); });
    if (whole == 0) return ReadGrpc();
    writing_down_ = true;
    asio::async_write(
        client_, asio::buffer(down_.data(), whole),
        [self = this->shared_from_this(), whole](error_code ec, size_t) {
          self->writing_down_ = false;
          auto& down = self->down_;
          std::memmove(down.data(), down.data() + whole,
                       self->down_filled_ - whole);
          self->down_filled_ -= whole;
          if (ec) return self->Close();
          if (self->ending_) return self->SendGoAway();
          self->ReadGrpc();
        });
  }

  // The client resets streams as fast as it opens them: gRPC's end closes
  // now (its calls are cancelled and freed), the client is told why.
  void Condemn() {
    ending_ = true;
    front_->abusive.fetch_add(1);
    spdlog::warn(
        "grpc: closing the connection of peer={} with GOAWAY "
        "ENHANCE_YOUR_CALM: {}",
        LogField(peer_), watch_.verdict());
    error_code ignored;
    grpc_.shutdown(asio::socket_base::shutdown_both, ignored);
    grpc_.close(ignored);
    if (!writing_down_) SendGoAway();
  }

  void SendGoAway() {
    goaway_ = H2GoAwayFrame(watch_.last_stream(), kH2EnhanceYourCalm,
                            "too many streams reset before an answer");
    asio::async_write(client_, asio::buffer(goaway_),
                      [self = this->shared_from_this()](error_code ec, size_t) {
                        if (ec) return self->Close();
                        self->Linger();
                      });
  }

  // Closing a socket with unread bytes sends RST, and the client may lose
  // the GOAWAY before it reads it: so FIN follows the GOAWAY, and what the
  // client still sends is read and dropped for a moment before the close.
  void Linger() {
    error_code ignored;
    Lowest().shutdown(asio::socket_base::shutdown_send, ignored);
    timer_.expires_after(kLinger);
    timer_.async_wait([self = this->shared_from_this()](error_code ec) {
      if (!ec) self->Close();
    });
    Drain();
  }

  void Drain() {
    Lowest().async_read_some(
        asio::buffer(up_),
        [self = this->shared_from_this()](error_code ec, size_t) {
          if (ec) return self->Close();
          self->Drain();
        });
  }

  // The end of gRPC's side, everything relayed: the client is closed
  // without losing the last answers (a close with its bytes unread would
  // send RST and drop them).
  void Finish() {
    ending_ = true;
    Linger();
  }

  // A read or write ended: while a GOAWAY is on its way that write closes
  // the connection; otherwise both sides close now.
  void EndOrClose() {
    if (ending_) return;
    Close();
  }

  GrpcFront::State* front_;
  const std::string peer_;
  Stream client_;
  asio::local::stream_protocol::socket grpc_;
  // The greeting limit, then the linger after a GOAWAY.
  asio::steady_timer timer_;
  std::array<char, kReadSize> up_;
  std::vector<char> down_;
  size_t down_filled_ = 0;
  size_t from_client_ = 0;
  H2FrameScanner up_scanner_{kClientPreface};
  RapidResetWatch watch_;
  std::string goaway_;
  bool writing_down_ = false;
  bool ending_ = false;
  bool closed_ = false;
};

void Accept(GrpcFront::State* front) {
  front->acceptor.async_accept([front](error_code ec, tcp::socket socket) {
    if (ec == asio::error::operation_aborted || !front->acceptor.is_open()) {
      return;
    }
    if (!ec) {
      error_code ignored;
      socket.set_option(tcp::no_delay(true), ignored);
      const auto remote = socket.remote_endpoint(ignored);
      int pair[2];
      if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0,
                       pair) != 0) {
        spdlog::error("grpc: cannot make a socket pair: {}",
                      std::strerror(errno));
      } else {
        const std::string peer = PeerString(remote);
        PeerNames::Get().Set(pair[1], peer);
        asio::local::stream_protocol::socket ours(front->io);
        ours.assign(asio::local::stream_protocol(), pair[0]);
        // gRPC owns pair[1] from here and closes it with the connection.
        grpc::AddInsecureChannelFromFd(front->server, pair[1]);
        if (front->tls) {
          std::make_shared<Relay<ssl::stream<tcp::socket>>>(
              front, peer, std::move(ours), std::move(socket), *front->tls)
              ->Start();
        } else {
          std::make_shared<Relay<tcp::socket>>(front, peer, std::move(ours),
                                               std::move(socket))
              ->Start();
        }
      }
    } else if (ec == asio::error::no_descriptors) {
      spdlog::warn("grpc: out of file descriptors; a connection waits");
    }
    Accept(front);
  });
}

// Stop's wait: every 20 ms, until no relay is left or `deadline`, when the
// rest are closed.
void CloseWhenDone(GrpcFront::State* front,
                   std::chrono::steady_clock::time_point deadline) {
  if (front->relays.empty()) return;
  if (std::chrono::steady_clock::now() >= deadline) {
    // Close() removes nothing from the set: the relays leave it as their
    // handlers end.
    for (RelayBase* relay : front->relays) relay->Close();
    return;
  }
  auto timer = std::make_shared<asio::steady_timer>(
      front->io, std::chrono::milliseconds(20));
  timer->async_wait(
      [front, deadline, timer](error_code) { CloseWhenDone(front, deadline); });
}

}  // namespace

GrpcFront::GrpcFront(grpc::Server* server, size_t max_unanswered)
    : state_(std::make_unique<State>()) {
  state_->server = server;
  state_->max_unanswered = max_unanswered;
}

GrpcFront::~GrpcFront() { Stop(); }

absl::StatusOr<int> GrpcFront::Start(const HostPort& listen,
                                     const ServerTlsOptions& tls) {
  if (tls.enabled()) {
    state_->tls.emplace(ssl::context::tls_server);
    const absl::Status loaded = ConfigureServerTls(tls, "--tls", *state_->tls);
    if (!loaded.ok()) return loaded;
    SSL_CTX_set_alpn_select_cb(state_->tls->native_handle(), SelectH2, nullptr);
  }
  const auto endpoint = ListenEndpoint(listen, "--listen");
  if (!endpoint.ok()) return endpoint.status();
  auto& acceptor = state_->acceptor;
  if (const error_code ec = OpenAcceptor(acceptor, *endpoint); ec) {
    return absl::UnavailableError(absl::StrCat(
        "cannot listen on ", listen.ToString(), ": ", ec.message()));
  }
  const int port = acceptor.local_endpoint().port();
  Accept(state_.get());
  state_->thread = std::thread([this] { state_->io.run(); });
  return port;
}

void GrpcFront::StopAccepting() {
  asio::post(state_->io, [state = state_.get()] {
    error_code ignored;
    state->acceptor.close(ignored);
  });
}

void GrpcFront::Stop() {
  std::call_once(state_->stopped, [state = state_.get()] {
    // Relays whose gRPC side has ended are finishing (Finish: the last
    // answers out, then FIN and a short linger); the rest are closed once
    // that linger has had its time. Close() only closes sockets: the relays
    // end as their handlers run, and then the thread's work is done.
    asio::post(state->io, [state] {
      error_code ignored;
      state->acceptor.close(ignored);
      CloseWhenDone(state, std::chrono::steady_clock::now() + kLinger +
                               std::chrono::milliseconds(100));
    });
    if (state->thread.joinable()) state->thread.join();
  });
}

uint64_t GrpcFront::abusive_closed() const { return state_->abusive.load(); }

std::string CallPeer(const std::string& grpc_peer) {
  int fd = 0;
  if (grpc_peer.rfind("fd:", 0) != 0 ||
      !absl::SimpleAtoi(grpc_peer.substr(3), &fd)) {
    return grpc_peer;
  }
  std::string peer = PeerNames::Get().Find(fd);
  return peer.empty() ? grpc_peer : peer;
}

}  // namespace nml::common
