#include "common/text/text_fold.h"

#include <absl/strings/ascii.h>
#include <unicode/translit.h>
#include <unicode/unistr.h>

#include <map>
#include <memory>
#include <stdexcept>

namespace nml::common {

namespace {

bool IsAscii(std::string_view text) {
  for (const char c : text) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

// One transliterator per thread and rule set: creating one parses its rules
// (tens of microseconds), and ICU does not promise that one instance may be
// used by several threads at once.
const icu::Transliterator& Transliterator(const char* rules) {
  thread_local std::map<const char*, std::unique_ptr<icu::Transliterator>>
      cache;
  auto& slot = cache[rules];
  if (slot == nullptr) {
    UErrorCode status = U_ZERO_ERROR;
    slot.reset(icu::Transliterator::createInstance(
        icu::UnicodeString::fromUTF8(rules), UTRANS_FORWARD, status));
    if (U_FAILURE(status) || slot == nullptr) {
      // The rules are fixed and ICU's data is part of the package: this is
      // an installation fault, not an input one.
      throw std::runtime_error(std::string("ICU transliterator '") + rules +
                               "': " + u_errorName(status));
    }
  }
  return *slot;
}

std::string Apply(const char* rules, std::string_view utf8) {
  icu::UnicodeString text = icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  Transliterator(rules).transliterate(text);
  std::string out;
  text.toUTF8String(out);
  return out;
}

}  // namespace

std::string FoldForMatching(std::string_view utf8) {
  if (IsAscii(utf8)) return absl::AsciiStrToLower(std::string(utf8));
  return Apply("NFKD; [:Nonspacing Mark:] Remove; Latin-ASCII; Lower; NFC",
               utf8);
}

std::string TransliterateToAscii(std::string_view utf8) {
  if (IsAscii(utf8)) return std::string(utf8);
  const std::string latin = Apply(
      "Any-Latin; NFKD; [:Nonspacing Mark:] Remove; Latin-ASCII; NFC", utf8);
  std::string out;
  for (const char c : latin) {
    if (static_cast<unsigned char>(c) < 0x80) out.push_back(c);
  }
  return out;
}

std::u32string CodePoints(std::string_view utf8) {
  const icu::UnicodeString text = icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  std::u32string out(static_cast<size_t>(text.countChar32()), U'\0');
  UErrorCode status = U_ZERO_ERROR;
  text.toUTF32(reinterpret_cast<UChar32*>(out.data()),
               static_cast<int32_t>(out.size()), status);
  return out;
}

}  // namespace nml::common
