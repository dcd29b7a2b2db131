#pragma once

#include <chrono>
#include <string>

namespace nml::testing {

// An HTTP exchange below any client library, for requests no library would
// send (invalid UTF-8, control characters, oversized lines, bad framing).
struct RawHttpResponse {
  int status = 0;  // 0: no answer (connection refused, closed or timed out)
  std::string headers;
  std::string body;
};

// Sends `request` bytes as they are to 127.0.0.1:`port` and reads one answer
// (by Content-Length) within `timeout`.
RawHttpResponse RawHttp(
    int port, const std::string& request,
    std::chrono::milliseconds timeout = std::chrono::seconds(10));

// A connected TCP socket to 127.0.0.1:`port`, or -1.
int ConnectLoopback(int port);

}  // namespace nml::testing
