#pragma once

#include <string>
#include <string_view>

namespace nml::common {

// The URL with any password replaced by "***", safe to log.
std::string RedactDatabaseUrl(std::string_view url);

}  // namespace nml::common
