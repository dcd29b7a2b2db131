#include "services/listings/country.h"

#include <absl/strings/ascii.h>
#include <spdlog/spdlog.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

namespace nml::listings {
namespace {

constexpr char kIsoCodesPath[] = "/usr/share/iso-codes/json/iso_3166-1.json";

const std::map<std::string, std::string>& Index() {
  static const auto* const kIndex = [] {
    auto* index = new std::map<std::string, std::string>();
    std::ifstream in(kIsoCodesPath);
    if (!in) {
      spdlog::warn("{} not found: countries must be given as ISO codes",
                   kIsoCodesPath);
      return index;
    }
    const nlohmann::json json = nlohmann::json::parse(in, nullptr, false);
    if (json.is_discarded() || !json.contains("3166-1")) return index;
    for (const auto& entry : json["3166-1"]) {
      const std::string code = entry.value("alpha_2", "");
      if (code.empty()) continue;
      for (const char* key :
           {"alpha_2", "alpha_3", "name", "official_name", "common_name"}) {
        if (entry.contains(key)) {
          (*index)[absl::AsciiStrToLower(entry[key].get<std::string>())] = code;
        }
      }
    }
    // Names sources use that iso-codes does not list: short forms, and the
    // usual ways of writing territories with their own ISO 3166-1 code
    // (the USTR lists write "China (Hong Kong)"). The table is documented in
    // data/README.md.
    for (const auto& [name, code] : {std::pair{"russia", "RU"},
                                     {"turkey", "TR"},
                                     {"usa", "US"},
                                     {"uk", "GB"},
                                     {"laos", "LA"},
                                     {"syria", "SY"},
                                     {"hong kong", "HK"},
                                     {"hong kong sar", "HK"},
                                     {"hong kong, china", "HK"},
                                     {"china (hong kong)", "HK"},
                                     {"china (hong kong sar)", "HK"},
                                     {"macao", "MO"},
                                     {"macau", "MO"},
                                     {"macao sar", "MO"},
                                     {"macau sar", "MO"},
                                     {"macao, china", "MO"},
                                     {"china (macao)", "MO"},
                                     {"china (macau)", "MO"},
                                     {"taiwan", "TW"},
                                     {"chinese taipei", "TW"}}) {
      index->emplace(name, code);
    }
    return index;
  }();
  return *kIndex;
}

}  // namespace

std::optional<std::string> CountryCode(std::string_view text) {
  const std::string key = absl::AsciiStrToLower(
      absl::StripAsciiWhitespace(absl::string_view(text.data(), text.size())));
  const auto& index = Index();
  const auto it = index.find(key);
  if (it != index.end()) return it->second;
  if (index.empty() && key.size() == 2 && absl::ascii_isalpha(key[0]) &&
      absl::ascii_isalpha(key[1])) {
    return absl::AsciiStrToUpper(key);
  }
  return std::nullopt;
}

}  // namespace nml::listings
