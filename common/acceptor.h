#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/system/error_code.hpp>

namespace nml::common {

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
