#include "common/api/validation.h"

#include <absl/strings/ascii.h>
#include <absl/strings/str_cat.h>
#include <absl/strings/str_format.h>

#include "common/api/status.h"
#include "common/api/strings.h"

namespace nml::common {

size_t Utf8SequenceLength(std::string_view text) {
  if (text.empty()) return 0;
  const auto byte = [&](size_t i) {
    return static_cast<unsigned char>(text[i]);
  };
  const unsigned char lead = byte(0);
  size_t length = 0;
  unsigned int min = 0;
  unsigned int code = 0;
  if (lead < 0x80) return 1;
  if ((lead & 0xE0) == 0xC0) {
    length = 2, min = 0x80, code = lead & 0x1F;
  } else if ((lead & 0xF0) == 0xE0) {
    length = 3, min = 0x800, code = lead & 0x0F;
  } else if ((lead & 0xF8) == 0xF0) {
    length = 4, min = 0x10000, code = lead & 0x07;
  } else {
    return 0;
  }
  if (text.size() < length) return 0;
  for (size_t i = 1; i < length; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return 0;
    code = (code << 6) | (byte(i) & 0x3F);
  }
  // Overlong forms, surrogates and code points past U+10FFFF are not UTF-8
  // (and protobuf refuses to serialise them).
  const bool surrogate = code >= 0xD800 && code <= 0xDFFF;
  if (code < min || code > 0x10FFFF || surrogate) return 0;
  return length;
}

bool IsValidUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const size_t length = Utf8SequenceLength(text.substr(i));
    if (length == 0) return false;
    i += length;
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
  if (date.day() > 28) {
    // The days of the month: 2022-02-30 is no day, whatever the fields
    // allow one by one.
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30,
                                    31, 31, 30, 31, 30, 31};
    const int y = date.year();
    const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    const int days = kDays[date.month() - 1] + (date.month() == 2 && leap);
    if (date.day() > days) {
      return FieldError(field, absl::StrFormat("is not a valid date: %04d-%02d "
                                               "has %d days",
                                               y, date.month(), days));
    }
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

std::string DateText(const nml::type::v1::Date& d) {
  if (d.year() == 0) return "";
  if (d.month() == 0) return absl::StrFormat("%04d", d.year());
  if (d.day() == 0) return absl::StrFormat("%04d-%02d", d.year(), d.month());
  return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
}

}  // namespace nml::common
