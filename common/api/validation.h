#pragma once

#include <absl/status/status.h>

#include <string>
#include <string_view>

#include "nml/type/v1/date.pb.h"

namespace nml::common {

// Field checks shared by the services. Each error is INVALID_ARGUMENT naming
// `field`.

// Valid UTF-8 without NUL (PostgreSQL text cannot hold NUL), at most
// `max_bytes`; `required` also refuses blank text.
absl::Status CheckText(std::string_view value, std::string_view field,
                       size_t max_bytes, bool required);
// An http or https URL of at most 2048 bytes.
absl::Status CheckUrl(std::string_view url, std::string_view field,
                      bool required);
// A review year, 2006..2100.
absl::Status CheckReviewYear(int year, std::string_view field);
// A Date whose month and day may be 0 (unknown).
absl::Status CheckDate(const nml::type::v1::Date& date, std::string_view field);
// "2022-02-17", "2022-02" or "2022" as far as the date is known; "" for an
// unset one (year 0). The one way nml writes a Date as text.
std::string DateText(const nml::type::v1::Date& date);
// Empty, or two upper-case letters.
absl::Status CheckCountryCodeFormat(std::string_view code,
                                    std::string_view field);
// Strict UTF-8 (RFC 3629): no overlong forms, surrogates or code points
// past U+10FFFF.
bool IsValidUtf8(std::string_view text);
// The length of the UTF-8 sequence `text` starts with, or 0 if it is not
// one.
size_t Utf8SequenceLength(std::string_view text);

}  // namespace nml::common
