#include "common/pg/database_url.h"

#include <re2/re2.h>

namespace nml::common {

std::string RedactDatabaseUrl(std::string_view url) {
  static const RE2 kUriPassword(R"(^([a-zA-Z]+://[^:/@]*):[^@]*@)");
  static const RE2 kKeywordPassword(R"((password\s*=\s*)('[^']*'|\S+))");
  std::string text(url);
  RE2::Replace(&text, kUriPassword, "\\1:***@");
  RE2::GlobalReplace(&text, kKeywordPassword, "\\1***");
  return text;
}

}  // namespace nml::common
