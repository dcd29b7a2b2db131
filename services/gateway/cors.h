#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "services/gateway/rest_message.h"

namespace nml::gateway {

// Which browser origins may call the REST API (CORS), and the headers that
// say so. An origin not allowed gets no CORS header at all: the browser
// then keeps the answer from the page.
class Cors final {
 public:
  // "*" allows any origin.
  explicit Cors(std::vector<std::string> allowed_origins);

  bool Allows(std::string_view origin) const;
  // On every answer to an allowed `origin`.
  void AddAnswerHeaders(std::string_view origin, RestReply& reply) const;
  // On a preflight (OPTIONS) from an allowed `origin` for a path whose
  // methods are `methods`.
  void AddPreflightHeaders(std::string_view origin, const std::string& methods,
                           RestReply& reply) const;

 private:
  const std::vector<std::string> allowed_;
};

}  // namespace nml::gateway
