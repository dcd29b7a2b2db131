#include "common/validation.h"

#include <absl/strings/ascii.h>
#include <absl/strings/str_cat.h>

#include "common/status.h"
#include "common/strings.h"

namespace nml::common {

bool IsValidUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    size_t extra = 0;
    if (c < 0x80) {
      extra = 0;
    } else if ((c >> 5) == 0x6) {
      extra = 1;
    } else if ((c >> 4) == 0xE) {
      extra = 2;
    } else if ((c >> 3) == 0x1E) {
      extra = 3;
    } else {
      return false;
    }
    if (i + extra >= text.size()) return false;
    for (size_t k = 1; k <= extra; ++k) {
      if ((static_cast<unsigned char>(text[i + k]) >> 6) != 0x2) return false;
    }
    i += extra + 1;
  }
  return true;
}

absl::Status CheckText(std::string_view value, std::string_view field,
                       size_t max_bytes, bool required) {
  if (required && absl::StripAsciiWhitespace(Absl(value)).empty()) {
    return FieldError(field, "is required");
  }
  if (value.size() > max_bytes) {
    return FieldError(field, absl::StrCat("at most ", max_bytes, " bytes"));
  }
  if (value.find('\0') != std::string_view::npos) {
    return FieldError(field, "must not contain NUL characters");
  }
  if (!IsValidUtf8(value)) return FieldError(field, "is not valid UTF-8");
  return absl::OkStatus();
}

absl::Status CheckUrl(std::string_view url, std::string_view field,
                      bool required) {
  if (url.empty()) {
    return required ? FieldError(field, "is required") : absl::OkStatus();
  }
  if (auto st = CheckText(url, field, 2048, false); !st.ok()) return st;
  if (!url.starts_with("http://") && !url.starts_with("https://")) {
    return FieldError(field, "must be an http or https URL");
  }
  for (const char c : url) {
    if (static_cast<unsigned char>(c) <= 0x20) {
      return FieldError(field, "must not contain spaces or control characters");
    }
  }
  return absl::OkStatus();
}

absl::Status CheckReviewYear(int year, std::string_view field) {
  if (year < 2006 || year > 2100) {
    return FieldError(field, "must be a review year between 2006 and 2100");
  }
  return absl::OkStatus();
}

absl::Status CheckDate(const nml::type::v1::Date& date,
                       std::string_view field) {
  if (date.year() < 1 || date.year() > 9999 || date.month() < 0 ||
      date.month() > 12 || date.day() < 0 || date.day() > 31 ||
      (date.month() == 0 && date.day() != 0)) {
    return FieldError(field, "is not a valid date");
  }
  return absl::OkStatus();
}

absl::Status CheckCountryCodeFormat(std::string_view code,
                                    std::string_view field) {
  if (code.empty()) return absl::OkStatus();
  if (code.size() != 2 || !absl::ascii_isupper(code[0]) ||
      !absl::ascii_isupper(code[1])) {
    return FieldError(field, "must be an ISO 3166-1 alpha-2 code such as CN");
  }
  return absl::OkStatus();
}

}  // namespace nml::common
