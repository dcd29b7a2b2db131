#pragma once

#include <absl/status/statusor.h>
#include <absl/strings/str_cat.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/system/error_code.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/config.h"

namespace nml::common {

// The endpoint a listener binds for `listen` (ParseHostPort's result:
// brackets gone, an empty host already 0.0.0.0); "localhost" is loopback.
// INVALID_ARGUMENT naming `flag` when the host is not an IP address.
inline absl::StatusOr<boost::asio::ip::tcp::endpoint> ListenEndpoint(
    const HostPort& listen, std::string_view flag) {
  boost::system::error_code ec;
  const auto address = boost::asio::ip::make_address(
      listen.host == "localhost" ? "127.0.0.1" : listen.host, ec);
  if (ec) {
    return absl::InvalidArgumentError(absl::StrCat(
        std::string(flag), ": '", listen.host, "' is not an IP address"));
  }
  return boost::asio::ip::tcp::endpoint(address,
                                        static_cast<uint16_t>(listen.port));
}

// Opens, binds and listens `acceptor` on `endpoint`, as every listener here
// does (SO_REUSEADDR, so a restart rebinds at once; never SO_REUSEPORT, so a
// second instance fails instead of sharing the port); the first error.
inline boost::system::error_code OpenAcceptor(
    boost::asio::ip::tcp::acceptor& acceptor,
    const boost::asio::ip::tcp::endpoint& endpoint) {
  boost::system::error_code ec;
  acceptor.open(endpoint.protocol(), ec);
  if (!ec) {
    acceptor.set_option(boost::asio::socket_base::reuse_address(true), ec);
  }
  if (!ec) acceptor.bind(endpoint, ec);
  if (!ec)
    acceptor.listen(boost::asio::socket_base::max_listen_connections, ec);
  return ec;
}

}  // namespace nml::common
