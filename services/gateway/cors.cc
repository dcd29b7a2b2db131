#include "services/gateway/cors.h"

namespace nml::gateway {

Cors::Cors(std::vector<std::string> allowed_origins)
    : allowed_(std::move(allowed_origins)) {}

bool Cors::Allows(std::string_view origin) const {
  if (origin.empty()) return false;
  for (const auto& allowed : allowed_) {
    if (allowed == "*" || allowed == origin) return true;
  }
  return false;
}

void Cors::AddAnswerHeaders(std::string_view origin, RestReply& reply) const {
  if (!Allows(origin)) return;
  reply.headers.emplace_back("Access-Control-Allow-Origin",
                             std::string(origin));
  reply.headers.emplace_back("Vary", "Origin");
  reply.headers.emplace_back("Access-Control-Expose-Headers",
                             "ETag, Location, Retry-After, X-Request-Id, "
                             "Content-Disposition, X-Data-Version");
}

void Cors::AddPreflightHeaders(std::string_view origin,
                               const std::string& methods,
                               RestReply& reply) const {
  if (!Allows(origin)) return;
  reply.headers.emplace_back("Access-Control-Allow-Methods", methods);
  reply.headers.emplace_back(
      "Access-Control-Allow-Headers",
      "authorization, content-type, if-match, if-none-match, "
      "x-request-id, grpc-timeout, x-server-timeout, "
      "x-nml-min-data-version, x-nml-min-responses-data-version");
  reply.headers.emplace_back("Access-Control-Max-Age", "600");
}

}  // namespace nml::gateway
