#include "tests/support/raw_http.h"

#include <absl/strings/ascii.h>
#include <absl/strings/match.h>
#include <absl/strings/numbers.h>
#include <absl/strings/str_split.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace nml::testing {

int ConnectLoopback(int port) {
  const int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    close(fd);
    return -1;
  }
  const int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

RawHttpResponse RawHttp(int port, const std::string& request,
                        std::chrono::milliseconds timeout) {
  RawHttpResponse response;
  const int fd = ConnectLoopback(port);
  if (fd < 0) return response;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  // The server may answer (413, 431) and close before it has read it all.
  size_t sent = 0;
  while (sent < request.size()) {
    const ssize_t n =
        send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<size_t>(n);
  }
  std::string data;
  char buffer[65536];
  while (std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLIN, 0};
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (poll(&p, 1, static_cast<int>(std::max<int64_t>(left.count(), 1))) <=
        0) {
      break;
    }
    const ssize_t n = recv(fd, buffer, sizeof buffer, 0);
    if (n <= 0) break;
    data.append(buffer, static_cast<size_t>(n));
    const size_t end = data.find("\r\n\r\n");
    if (end == std::string::npos) continue;
    size_t length = 0;
    for (absl::string_view line :
         absl::StrSplit(absl::string_view(data.data(), end), "\r\n")) {
      if (absl::StartsWithIgnoreCase(line, "content-length:")) {
        (void)absl::SimpleAtoi(absl::StripAsciiWhitespace(line.substr(15)),
                               &length);
      }
    }
    if (data.size() >= end + 4 + length) {
      response.headers = data.substr(0, end);
      response.body = data.substr(end + 4, length);
      (void)absl::SimpleAtoi(absl::string_view(response.headers).substr(9, 3),
                             &response.status);
      break;
    }
  }
  close(fd);
  return response;
}

}  // namespace nml::testing
