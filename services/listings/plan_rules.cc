#include "services/listings/plan_rules.h"

#include <absl/strings/ascii.h>
#include <absl/strings/str_join.h>
#include <google/protobuf/util/time_util.h>

#include "common/api/status.h"
#include "common/api/strings.h"
#include "services/listings/country.h"
#include "services/listings/domain.h"

namespace nml::listings {

using common::Absl;
using common::FieldError;
using common::Std;
using google::protobuf::util::TimeUtil;

google::protobuf::Timestamp ToProto(absl::Time t) {
  return TimeUtil::MicrosecondsToTimestamp(absl::ToUnixMicros(t));
}

// etag = the row's revision number.
int64_t Revision(const std::string& etag) {
  int64_t revision = 0;
  for (const char c : etag) {
    if (!absl::ascii_isdigit(c)) return 0;
    revision = revision * 10 + (c - '0');
  }
  return revision;
}

absl::Status CheckCountryCode(const std::string& code, std::string_view field) {
  if (code.empty()) return absl::OkStatus();
  if (auto st = common::CheckCountryCodeFormat(code, field); !st.ok())
    return st;
  if (CountryCode(code) != code) {
    return FieldError(field, "must be an ISO 3166-1 alpha-2 code such as CN");
  }
  return absl::OkStatus();
}

absl::Status CheckNames(
    const google::protobuf::RepeatedPtrField<std::string>& names,
    std::string_view field) {
  if (names.size() > kMaxAliases) {
    return FieldError(field, absl::StrCat("at most ", kMaxAliases));
  }
  for (int i = 0; i < names.size(); ++i) {
    if (auto st =
            CheckText(names[i], absl::StrCat(std::string(field), "[", i, "]"),
                      kMaxNameLength, true);
        !st.ok()) {
      return st;
    }
  }
  return absl::OkStatus();
}

absl::Status CheckDomains(
    const google::protobuf::RepeatedPtrField<v1::DomainRule>& rules,
    std::string_view field) {
  if (rules.size() > kMaxDomains) {
    return FieldError(field, absl::StrCat("at most ", kMaxDomains));
  }
  std::set<std::string> seen;
  for (int i = 0; i < rules.size(); ++i) {
    const std::string path = absl::StrCat(std::string(field), "[", i, "]");
    if (auto st = ValidateDomainPattern(rules[i].pattern()); !st.ok()) {
      return FieldError(path + ".pattern", Std(st.message()));
    }
    if (!v1::MatchScope_IsValid(rules[i].scope()) ||
        rules[i].scope() == v1::MATCH_SCOPE_UNSPECIFIED) {
      return FieldError(path + ".scope", "is required");
    }
    if (rules[i].scope() == v1::MATCH_SCOPE_REGISTRABLE_DOMAIN &&
        RegistrableDomain(rules[i].pattern()) != rules[i].pattern()) {
      return FieldError(
          path + ".pattern",
          "is not a registrable domain (REGISTRABLE_DOMAIN scope)");
    }
    if (!seen.insert(rules[i].pattern()).second) {
      return FieldError(path + ".pattern", "is listed twice");
    }
  }
  return absl::OkStatus();
}

absl::Status CheckInfringementTypes(
    const google::protobuf::RepeatedField<int>& types, std::string_view field) {
  std::set<int> seen;
  for (int i = 0; i < types.size(); ++i) {
    if (!v1::InfringementType_IsValid(types[i]) ||
        types[i] == v1::INFRINGEMENT_TYPE_UNSPECIFIED) {
      return FieldError(absl::StrCat(std::string(field), "[", i, "]"),
                        "must be COUNTERFEITING or PIRACY");
    }
    if (!seen.insert(types[i]).second) {
      return FieldError(absl::StrCat(std::string(field), "[", i, "]"),
                        "is listed twice");
    }
  }
  return absl::OkStatus();
}

// Who holds a domain pattern now: market id, or "".
std::string DomainOwner(const SnapshotData& data, const std::string& pattern) {
  for (const v1::Market& m : data.markets) {
    for (const v1::DomainRule& rule : m.domains()) {
      if (rule.pattern() == pattern) return *ParseMarketName(m.name());
    }
  }
  return "";
}

std::set<std::string> TakenMarketIds(const SnapshotData& data) {
  std::set<std::string> taken;
  for (const v1::Market& m : data.markets) {
    taken.insert(*ParseMarketName(m.name()));
    for (const std::string& merged : m.merged_markets()) {
      taken.insert(*ParseMarketName(merged));
    }
  }
  return taken;
}

const v1::Market* MergedInto(const SnapshotData& data,
                             const std::string& market_name) {
  for (const v1::Market& m : data.markets) {
    for (const std::string& merged : m.merged_markets()) {
      if (merged == market_name) return &m;
    }
  }
  return nullptr;
}

const v1::Review* FindReview(const SnapshotData& data, int year) {
  for (const v1::Review& r : data.reviews) {
    if (r.year() == year) return &r;
  }
  return nullptr;
}

// The post-write view, for answers with their output-only fields.
std::shared_ptr<const Snapshot> After(const SnapshotData& current,
                                      const ChangeSet& changes) {
  SnapshotData data = current;
  ApplyChanges(changes, data);
  return Snapshot::Build(std::move(data), absl::Now());
}

std::string LowerTrim(std::string_view text) {
  return absl::AsciiStrToLower(absl::StripAsciiWhitespace(Absl(text)));
}

void AddAlias(v1::Market& market, const std::string& alias) {
  const std::string lower = LowerTrim(alias);
  if (lower.empty() || LowerTrim(market.display_name()) == lower) return;
  for (const auto& a : market.aliases()) {
    if (LowerTrim(a) == lower) return;
  }
  market.add_aliases(std::string(absl::StripAsciiWhitespace(alias)));
}

absl::Status ValidateReviewFields(const v1::Review& review,
                                  const std::string& field) {
  if (auto st = CheckText(review.title(), field + ".title", 500, false);
      !st.ok()) {
    return st;
  }
  if (review.has_published_on()) {
    if (auto st = CheckDate(review.published_on(), field + ".published_on");
        !st.ok()) {
      return st;
    }
    if (review.published_on().day() == 0) {
      return FieldError(field + ".published_on", "must be a full date");
    }
  }
  if (review.declared_online_count() < 0) {
    return FieldError(field + ".declared_online_count", "must be >= 0");
  }
  if (review.declared_physical_count() < 0) {
    return FieldError(field + ".declared_physical_count", "must be >= 0");
  }
  if (!v1::ReviewState_IsValid(review.state())) {
    return FieldError(field + ".state", "is not a review state");
  }
  for (const auto& [url, name] :
       {std::pair{&review.source_url(), ".source_url"},
        std::pair{&review.online_complete_source_url(),
                  ".online_complete_source_url"},
        std::pair{&review.physical_complete_source_url(),
                  ".physical_complete_source_url"}}) {
    if (auto st = CheckUrl(*url, field + name, false); !st.ok()) return st;
  }
  return CheckText(review.comment_docket_id(), field + ".comment_docket_id",
                   100, false);
}

std::string PublicationBlocker(const v1::Review& review) {
  if (review.declared_online_count() == 0 ||
      review.declared_physical_count() == 0) {
    return "declared totals unknown: set declared_online_count and "
           "declared_physical_count";
  }
  std::vector<std::string> parts;
  auto describe = [&](const char* kind, int recorded, int declared) {
    if (recorded < declared) {
      parts.push_back(absl::StrCat(declared - recorded, " ", kind,
                                   " listings missing (", recorded, " of ",
                                   declared, ")"));
    } else if (recorded > declared) {
      parts.push_back(absl::StrCat(recorded - declared, " ", kind,
                                   " listings more than declared (", recorded,
                                   " of ", declared, ")"));
    }
  };
  describe("online", review.online_count(), review.declared_online_count());
  describe("physical", review.physical_count(),
           review.declared_physical_count());
  return absl::StrJoin(parts, "; ");
}

absl::StatusOr<Settled> SettleState(const SnapshotData& current,
                                    ChangeSet& changes, int year,
                                    v1::ReviewState wanted, bool refuse) {
  Settled settled;
  settled.after = After(current, changes);
  const v1::Review* review = settled.after->FindReview(year);
  if (review == nullptr) return settled;
  const bool publish = wanted == v1::REVIEW_STATE_PUBLISHED;
  settled.blocker = review->complete() ? "" : PublicationBlocker(*review);
  if (publish && !review->complete() && refuse) {
    return absl::FailedPreconditionError(
        absl::StrCat("review.state: ", ReviewName(year),
                     " cannot be PUBLISHED: ", settled.blocker));
  }
  const v1::ReviewState state = publish && review->complete()
                                    ? v1::REVIEW_STATE_PUBLISHED
                                    : v1::REVIEW_STATE_DRAFT;
  auto changed =
      std::find_if(changes.upsert_reviews.begin(), changes.upsert_reviews.end(),
                   [&](const v1::Review& r) { return r.year() == year; });
  if (changed != changes.upsert_reviews.end()) {
    changed->set_state(state);
  } else if (review->state() != state) {
    const v1::Review* stored = FindReview(current, year);
    v1::Review updated = *stored;
    updated.set_state(state);
    Stamp(updated, stored, absl::Now());
    changes.upsert_reviews.push_back(updated);
    changed = changes.upsert_reviews.end() - 1;
  }
  // The counts and completeness do not depend on what settling changed.
  settled.review = *review;
  if (changed != changes.upsert_reviews.end()) {
    settled.review.set_state(changed->state());
    settled.review.set_etag(changed->etag());
    *settled.review.mutable_update_time() = changed->update_time();
  }
  return settled;
}

v1::Review StoredReviewFields(const v1::Review& review) {
  v1::Review stored;
  stored.set_name(review.name());
  stored.set_year(review.year());
  stored.set_title(review.title());
  if (review.has_published_on())
    *stored.mutable_published_on() = review.published_on();
  stored.set_declared_online_count(review.declared_online_count());
  stored.set_declared_physical_count(review.declared_physical_count());
  stored.set_state(review.state());
  stored.set_source_url(review.source_url());
  stored.set_comment_docket_id(review.comment_docket_id());
  stored.set_online_complete_source_url(review.online_complete_source_url());
  stored.set_physical_complete_source_url(
      review.physical_complete_source_url());
  return stored;
}

}  // namespace nml::listings
