#include "common/grpc/server_tls.h"

#include <absl/strings/str_cat.h>

#include <boost/asio/ssl/context.hpp>

namespace nml::common {

absl::Status ConfigureServerTls(const ServerTlsOptions& options,
                                std::string_view flag,
                                boost::asio::ssl::context& context) {
  namespace ssl = boost::asio::ssl;
  const std::string prefix(flag);
  auto cert = ReadPem(options.cert, prefix + "-cert");
  if (!cert.ok()) return cert.status();
  auto key = ReadPem(options.key, prefix + "-key");
  if (!key.ok()) return key.status();
  context.set_options(ssl::context::default_workarounds |
                      ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                      ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1);
  boost::system::error_code ec;
  context.use_certificate_chain(boost::asio::buffer(*cert), ec);
  if (ec) {
    return absl::InvalidArgumentError(
        absl::StrCat(prefix, "-cert: not a PEM certificate chain"));
  }
  context.use_private_key(boost::asio::buffer(*key), ssl::context::pem, ec);
  if (ec) {
    return absl::InvalidArgumentError(absl::StrCat(
        prefix, "-key: not a PEM private key of ", prefix, "-cert"));
  }
  if (!options.client_ca.empty()) {
    auto ca = ReadPem(options.client_ca, prefix + "-client-ca");
    if (!ca.ok()) return ca.status();
    context.add_certificate_authority(boost::asio::buffer(*ca), ec);
    if (ec) {
      return absl::InvalidArgumentError(
          absl::StrCat(prefix, "-client-ca: not a PEM certificate"));
    }
    context.set_verify_mode(ssl::verify_peer |
                            ssl::verify_fail_if_no_peer_cert);
  }
  return absl::OkStatus();
}

}  // namespace nml::common
