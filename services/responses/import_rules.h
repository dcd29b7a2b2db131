#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "nml/responses/v1/resources.pb.h"

namespace nml::responses {

// How free-text columns of responses.csv become typed fields. Only what is
// clear is mapped; the rest is reported by the import, not guessed.

struct MappedStance {
  v1::Stance stance;
  // Undertakings named by the text ("commits to enforcement" ->
  // "enforcement").
  std::vector<std::string> commitments;
};

// The first clause ("disagrees; commits to cooperate" -> DISAGREES) decides
// the stance. Hedged or unknown wording ("partly disputes", "dismisses") is
// nullopt. Enum value names are accepted as they are.
std::optional<MappedStance> MapStance(std::string_view text);

// "government" -> GOVERNMENT, "company" (in the data: the listed platforms)
// and "market association" -> MARKET_OPERATOR, "industry association" ->
// INDUSTRY_ASSOCIATION, ...; unknown wording is OTHER.
v1::StakeholderType MapStakeholderType(std::string_view text);

// "Ministry of Commerce of the People's Republic of China (MOFCOM)" ->
// display name "Ministry of Commerce of the People's Republic of China",
// aliases {"MOFCOM", the full text}. A parenthetical names who spoke or an
// acronym; the organisation is what remains.
struct StakeholderName {
  std::string display_name;
  std::vector<std::string> aliases;
};
StakeholderName SplitStakeholderName(std::string_view text);

// The parts of a target text: "Chinese markets incl. AliExpress, WeChat
// e-commerce ecosystem" -> "Chinese markets" (general), "AliExpress",
// "WeChat e-commerce ecosystem". A general part ("list overall", "online
// platforms (submission)") means the review as a whole. `text` is the name
// outside parentheses ("Palika Bazaar (New Delhi)" -> "Palika Bazaar");
// `inside` holds the names in them, split at commas and without "e.g." or
// "such as" ("stream-ripping sites (e.g., Ssyoutube)" -> "Ssyoutube"), to
// try when `text` names no market.
struct TargetPart {
  std::string text;
  std::vector<std::string> inside;
  bool general = false;
};
std::vector<TargetPart> SplitTargets(std::string_view text);

}  // namespace nml::responses
