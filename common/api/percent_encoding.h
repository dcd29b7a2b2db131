#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace nml::common {

// Decodes %XX escapes (RFC 3986). With `plus_is_space`, '+' is a space, as
// in a query string (application/x-www-form-urlencoded). nullopt for a
// truncated or non-hex escape. The result may hold any byte, NUL and invalid
// UTF-8 included: callers check what they accept.
std::optional<std::string> PercentDecode(std::string_view text,
                                         bool plus_is_space = false);

// `text` made safe to echo in an error message: invalid UTF-8 and control
// characters become \xNN, and anything past `max_bytes` is cut with "...".
// Error messages stay bounded and always serialise, whatever a caller sent.
std::string EchoInput(std::string_view text, size_t max_bytes = 120);

}  // namespace nml::common
