#include "services/responses/import_rules.h"

#include <absl/strings/ascii.h>
#include <absl/strings/match.h>
#include <absl/strings/str_replace.h>
#include <absl/strings/str_split.h>
#include <absl/strings/strip.h>

#include <map>

#include "common/api/parentheticals.h"

namespace nml::responses {
namespace {

std::string Clean(absl::string_view text) {
  return std::string(absl::StripAsciiWhitespace(text));
}

// Splits on `separators` outside parentheses.
std::vector<std::string> SplitOutsideParentheses(std::string_view text,
                                                 std::string_view separators) {
  std::vector<std::string> parts;
  std::string current;
  int depth = 0;
  for (const char c : text) {
    if (c == '(') ++depth;
    if (c == ')' && depth > 0) --depth;
    if (depth == 0 && separators.find(c) != std::string_view::npos) {
      parts.push_back(Clean(current));
      current.clear();
      continue;
    }
    current.push_back(c);
  }
  parts.push_back(Clean(current));
  return parts;
}

std::string WithoutParentheticals(std::string_view text) {
  return Clean(common::SplitParentheticals(text).outside);
}

}  // namespace

std::optional<MappedStance> MapStance(std::string_view text) {
  const std::vector<std::string> clauses = SplitOutsideParentheses(text, ";");
  if (clauses.empty() || clauses[0].empty()) return std::nullopt;
  const std::string first = absl::AsciiStrToLower(clauses[0]);
  const std::string upper = absl::AsciiStrToUpper(clauses[0]);
  v1::Stance named;
  if (v1::Stance_Parse(upper, &named) && named != v1::STANCE_UNSPECIFIED) {
    return MappedStance{named, {}};
  }
  static const auto* const kClauses = new std::map<std::string, v1::Stance>{
      {"opposes", v1::STANCE_OPPOSES},
      {"rejects", v1::STANCE_OPPOSES},
      {"disagrees", v1::STANCE_DISAGREES},
      {"disputes", v1::STANCE_DISAGREES},
      {"welcomes", v1::STANCE_WELCOMES},
      {"supports", v1::STANCE_SUPPORTS},
      {"supports process", v1::STANCE_SUPPORTS},
      {"nominated", v1::STANCE_SUPPORTS},
      {"nominates markets", v1::STANCE_SUPPORTS},
      {"commits to cooperate", v1::STANCE_COMMITS_TO_COOPERATE},
      {"acknowledges", v1::STANCE_ACKNOWLEDGES},
      {"neutral", v1::STANCE_NEUTRAL},
  };
  MappedStance mapped{v1::STANCE_UNSPECIFIED, {}};
  if (const auto it = kClauses->find(first); it != kClauses->end()) {
    mapped.stance = it->second;
  } else if (absl::StartsWith(first, "commits to ")) {
    // "commits to enforcement": a commitment, and what it is.
    mapped.stance = v1::STANCE_COMMITS_TO_COOPERATE;
  } else {
    return std::nullopt;
  }
  for (const std::string& clause : clauses) {
    absl::string_view rest(clause);
    if (absl::ConsumePrefix(&rest, "commits to ") && rest != "cooperate") {
      mapped.commitments.push_back(Clean(rest));
    }
  }
  return mapped;
}

v1::StakeholderType MapStakeholderType(std::string_view text) {
  const std::string t = absl::AsciiStrToLower(
      absl::StripAsciiWhitespace(absl::string_view(text.data(), text.size())));
  v1::StakeholderType named;
  if (v1::StakeholderType_Parse(absl::AsciiStrToUpper(t), &named) &&
      named != v1::STAKEHOLDER_TYPE_UNSPECIFIED) {
    return named;
  }
  if (t == "government" || t == "ministry" || t == "agency") {
    return v1::STAKEHOLDER_TYPE_GOVERNMENT;
  }
  if (t == "company" || t == "market operator" || t == "market association" ||
      t == "market traders") {
    return v1::STAKEHOLDER_TYPE_MARKET_OPERATOR;
  }
  if (t == "industry association" || t == "trade association") {
    return v1::STAKEHOLDER_TYPE_INDUSTRY_ASSOCIATION;
  }
  if (t == "rights holder") return v1::STAKEHOLDER_TYPE_RIGHTS_HOLDER;
  if (t == "civil society" || t == "ngo")
    return v1::STAKEHOLDER_TYPE_CIVIL_SOCIETY;
  return v1::STAKEHOLDER_TYPE_OTHER;
}

StakeholderName SplitStakeholderName(std::string_view text) {
  StakeholderName name;
  const std::string full = Clean(absl::string_view(text.data(), text.size()));
  name.display_name = WithoutParentheticals(full);
  if (name.display_name.empty()) name.display_name = full;
  if (full != name.display_name) {
    const size_t open = full.find('(');
    const size_t close = full.find(')', open);
    if (open != std::string::npos && close != std::string::npos) {
      const std::string inner = Clean(full.substr(open + 1, close - open - 1));
      // An acronym ("MOFCOM") is another name for the organisation.
      const bool acronym = !inner.empty() && inner.size() <= 12 &&
                           std::all_of(inner.begin(), inner.end(), [](char c) {
                             return absl::ascii_isupper(c);
                           });
      if (acronym) name.aliases.push_back(inner);
    }
    name.aliases.push_back(full);
  }
  return name;
}

std::vector<TargetPart> SplitTargets(std::string_view text) {
  const std::string normalized =
      absl::StrReplaceAll(absl::string_view(text.data(), text.size()),
                          {{" incl. ", ";"}, {" including ", ";"}});
  static const char* const kGeneral[] = {"list overall",
                                         "the list",
                                         "markets nominated",
                                         "online platforms",
                                         "online and physical markets",
                                         "no market listed",
                                         "chinese markets"};
  std::vector<TargetPart> parts;
  for (const std::string& raw : SplitOutsideParentheses(normalized, ";,")) {
    if (raw.empty()) continue;
    TargetPart part;
    const std::string lower = absl::AsciiStrToLower(raw);
    for (const char* general : kGeneral) {
      if (absl::StrContains(lower, general)) part.general = true;
    }
    part.text = WithoutParentheticals(raw);
    if (part.text.empty()) part.text = raw;
    for (const std::string& group : common::SplitParentheticals(raw).inside) {
      for (absl::string_view name : absl::StrSplit(group, ',')) {
        name = absl::StripAsciiWhitespace(name);
        for (const absl::string_view lead :
             {"e.g.", "eg.", "i.e.", "such as", "incl.", "including"}) {
          if (absl::StartsWithIgnoreCase(name, lead)) {
            name = absl::StripAsciiWhitespace(name.substr(lead.size()));
          }
        }
        if (!name.empty()) part.inside.emplace_back(name);
      }
    }
    parts.push_back(std::move(part));
  }
  return parts;
}

}  // namespace nml::responses
