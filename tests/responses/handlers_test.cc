// The responses handlers on fakes: every RPC's refusals, in process, with
// no database and no listings service.
#include <absl/strings/match.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <set>

#include "services/responses/responses_handlers.h"
#include "tests/fakes/responses_fakes.h"

namespace nml::responses {
namespace {

using testing::FakeTargetChecker;
using ::testing::HasSubstr;
using testing::MemoryResponsesStore;

constexpr size_t kMaxAnswerBytes = 4 << 20;

constexpr char kAliExpress[] = "markets/aliexpress";

class ResponsesHandlersTest : public ::testing::Test {
 protected:
  ResponsesHandlersTest() : handlers_(store_, targets_, kMaxAnswerBytes) {
    targets_.known = {kAliExpress, "reviews/2021"};
    targets_.markets = {{"AliExpress", kAliExpress}};
  }

  v1::Stakeholder CreateStakeholder(const std::string& display_name) {
    v1::CreateStakeholderRequest request;
    request.mutable_stakeholder()->set_display_name(display_name);
    request.mutable_stakeholder()->set_type(v1::STAKEHOLDER_TYPE_GOVERNMENT);
    v1::CreateStakeholderResponse response;
    EXPECT_TRUE(handlers_.CreateStakeholder(request, response, call_).ok());
    return response.stakeholder();
  }

  static v1::Response ValidResponse(const std::string& stakeholder) {
    v1::Response r;
    r.set_stakeholder(stakeholder);
    r.set_review_year(2021);
    r.add_targets(kAliExpress);
    r.set_stance(v1::STANCE_DISAGREES);
    r.set_summary("Rejected the listing.");
    r.set_source_url("https://example.org/statement");
    return r;
  }

  v1::Response CreateResponse(const std::string& stakeholder) {
    v1::CreateResponseRequest request;
    *request.mutable_response() = ValidResponse(stakeholder);
    v1::CreateResponseResponse response;
    EXPECT_TRUE(handlers_.CreateResponse(request, response, call_).ok());
    return response.response();
  }

  MemoryResponsesStore store_;
  FakeTargetChecker targets_;
  ResponsesHandlers handlers_;
  common::CallInfo call_;
};

// INVALID_ARGUMENT whose message names `field`.
MATCHER_P(IsFieldError, field, "") {
  *result_listener << "status " << arg;
  return arg.code() == absl::StatusCode::kInvalidArgument &&
         absl::StrContains(arg.message(), field);
}

// ------------------------------------------------------------ stakeholders

TEST_F(ResponsesHandlersTest, GetStakeholderRefusesBadNamesAndReportsMissing) {
  v1::GetStakeholderRequest request;
  v1::GetStakeholderResponse response;
  request.set_name("mofcom");
  EXPECT_THAT(handlers_.GetStakeholder(request, response, call_),
              IsFieldError("name"));
  request.set_name("stakeholders/mofcom");
  const absl::Status missing =
      handlers_.GetStakeholder(request, response, call_);
  EXPECT_EQ(missing.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(missing.message()), HasSubstr("stakeholders/mofcom"));
  EXPECT_EQ(store_.calls(), 1) << "a malformed name never reaches the store";
}

TEST_F(ResponsesHandlersTest, CreateStakeholderValidatesEveryField) {
  v1::CreateStakeholderRequest request;
  v1::CreateStakeholderResponse response;
  EXPECT_THAT(handlers_.CreateStakeholder(request, response, call_),
              IsFieldError("stakeholder.display_name"));
  request.mutable_stakeholder()->set_display_name("Ministry of Commerce");
  EXPECT_THAT(handlers_.CreateStakeholder(request, response, call_),
              IsFieldError("stakeholder.type"));
  request.mutable_stakeholder()->set_type(v1::STAKEHOLDER_TYPE_GOVERNMENT);
  request.set_stakeholder_id("Not An Id");
  EXPECT_THAT(handlers_.CreateStakeholder(request, response, call_),
              IsFieldError("stakeholder_id"));
  request.clear_stakeholder_id();
  request.set_request_id(std::string(129, 'x'));
  EXPECT_THAT(handlers_.CreateStakeholder(request, response, call_),
              IsFieldError("request_id"));
  EXPECT_EQ(store_.calls(), 0);

  request.clear_request_id();
  ASSERT_TRUE(handlers_.CreateStakeholder(request, response, call_).ok());
  EXPECT_EQ(response.stakeholder().name(), "stakeholders/ministry-of-commerce");
  EXPECT_EQ(handlers_.CreateStakeholder(request, response, call_).code(),
            absl::StatusCode::kAlreadyExists);
}

TEST_F(ResponsesHandlersTest, ADatabaseOutageIsPassedOnAsUnavailable) {
  store_.outage = absl::UnavailableError("database unreachable");
  v1::ListStakeholdersRequest request;
  v1::ListStakeholdersResponse response;
  EXPECT_EQ(handlers_.ListStakeholders(request, response, call_).code(),
            absl::StatusCode::kUnavailable);
}

TEST_F(ResponsesHandlersTest, ListStakeholdersPagesAndRefusesForeignTokens) {
  for (const char* name : {"Alibaba", "Tencent", "MOFCOM"}) {
    CreateStakeholder(name);
  }
  v1::ListStakeholdersRequest request;
  request.set_page_size(2);
  request.set_order_by("display_name desc");
  v1::ListStakeholdersResponse first;
  ASSERT_TRUE(handlers_.ListStakeholders(request, first, call_).ok());
  ASSERT_EQ(first.stakeholders_size(), 2);
  EXPECT_EQ(first.stakeholders(0).display_name(), "Tencent");
  ASSERT_FALSE(first.next_page_token().empty());

  request.set_page_token(first.next_page_token());
  v1::ListStakeholdersResponse second;
  ASSERT_TRUE(handlers_.ListStakeholders(request, second, call_).ok());
  ASSERT_EQ(second.stakeholders_size(), 1);
  EXPECT_EQ(second.stakeholders(0).display_name(), "Alibaba");
  EXPECT_TRUE(second.next_page_token().empty());

  request.set_filter("type = STAKEHOLDER_TYPE_GOVERNMENT");
  EXPECT_THAT(handlers_.ListStakeholders(request, second, call_),
              IsFieldError("page_token"));
  request.clear_page_token();
  request.set_filter("colour = \"red\"");
  EXPECT_THAT(handlers_.ListStakeholders(request, second, call_),
              IsFieldError("colour"));
  request.clear_filter();
  request.set_order_by("country_code");
  EXPECT_THAT(handlers_.ListStakeholders(request, second, call_),
              IsFieldError("order_by"));
  request.clear_order_by();
  request.set_page_size(-1);
  EXPECT_THAT(handlers_.ListStakeholders(request, second, call_),
              IsFieldError("page_size"));
}

TEST_F(ResponsesHandlersTest, UpdateStakeholderChecksEtagMaskAndResult) {
  const v1::Stakeholder created = CreateStakeholder("Tencent");
  v1::UpdateStakeholderRequest request;
  v1::UpdateStakeholderResponse response;
  *request.mutable_stakeholder() = created;
  request.mutable_stakeholder()->set_country_code("CN");

  EXPECT_THAT(handlers_.UpdateStakeholder(request, response, call_),
              IsFieldError("update_mask"));
  request.mutable_update_mask()->add_paths("etag");
  EXPECT_THAT(handlers_.UpdateStakeholder(request, response, call_),
              IsFieldError("'etag' cannot be updated"));
  request.mutable_update_mask()->set_paths(0, "country_code");
  request.mutable_stakeholder()->set_etag("99");
  EXPECT_EQ(handlers_.UpdateStakeholder(request, response, call_).code(),
            absl::StatusCode::kAborted);

  request.mutable_stakeholder()->set_etag(created.etag());
  ASSERT_TRUE(handlers_.UpdateStakeholder(request, response, call_).ok());
  EXPECT_EQ(response.stakeholder().country_code(), "CN");
  EXPECT_EQ(response.stakeholder().display_name(), "Tencent");
  EXPECT_NE(response.stakeholder().etag(), created.etag());

  // A mask that would leave an invalid stakeholder changes nothing.
  request.mutable_stakeholder()->set_etag(response.stakeholder().etag());
  request.mutable_stakeholder()->clear_display_name();
  request.mutable_update_mask()->set_paths(0, "display_name");
  EXPECT_THAT(handlers_.UpdateStakeholder(request, response, call_),
              IsFieldError("display_name"));
  v1::GetStakeholderRequest get;
  get.set_name(created.name());
  v1::GetStakeholderResponse got;
  ASSERT_TRUE(handlers_.GetStakeholder(get, got, call_).ok());
  EXPECT_EQ(got.stakeholder().display_name(), "Tencent");
}

TEST_F(ResponsesHandlersTest, AStakeholderWithLiveResponsesIsNotDeleted) {
  const v1::Stakeholder s = CreateStakeholder("MOFCOM");
  CreateResponse(s.name());
  v1::DeleteStakeholderRequest request;
  request.set_name(s.name());
  v1::DeleteStakeholderResponse response;
  EXPECT_EQ(handlers_.DeleteStakeholder(request, response, call_).code(),
            absl::StatusCode::kFailedPrecondition);
}

// ------------------------------------------------------------ responses

TEST_F(ResponsesHandlersTest, CreateResponseValidatesBeforeAnyCall) {
  const v1::Stakeholder s = CreateStakeholder("MOFCOM");
  const int store_calls = store_.calls();
  v1::CreateResponseRequest request;
  v1::CreateResponseResponse response;
  *request.mutable_response() = ValidResponse(s.name());
  request.mutable_response()->clear_targets();
  EXPECT_THAT(handlers_.CreateResponse(request, response, call_),
              IsFieldError("response.targets"));
  *request.mutable_response() = ValidResponse(s.name());
  request.mutable_response()->set_review_year(1999);
  EXPECT_THAT(handlers_.CreateResponse(request, response, call_),
              IsFieldError("response.review_year"));
  *request.mutable_response() = ValidResponse(s.name());
  request.mutable_response()->set_source_url("not a url");
  EXPECT_THAT(handlers_.CreateResponse(request, response, call_),
              IsFieldError("response.source_url"));
  *request.mutable_response() = ValidResponse("mofcom");
  EXPECT_THAT(handlers_.CreateResponse(request, response, call_),
              IsFieldError("response.stakeholder"));
  EXPECT_EQ(targets_.calls, 0);
  EXPECT_EQ(store_.calls(), store_calls);
}

TEST_F(ResponsesHandlersTest, CreateResponseChecksTargetsWithListings) {
  const v1::Stakeholder s = CreateStakeholder("MOFCOM");
  v1::CreateResponseRequest request;
  v1::CreateResponseResponse response;
  *request.mutable_response() = ValidResponse(s.name());
  request.mutable_response()->add_targets("markets/nowhere");
  const absl::Status unknown =
      handlers_.CreateResponse(request, response, call_);
  EXPECT_EQ(unknown.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(std::string(unknown.message()), HasSubstr("markets/nowhere"));

  targets_.outage = absl::UnavailableError("listings unreachable");
  *request.mutable_response() = ValidResponse(s.name());
  EXPECT_EQ(handlers_.CreateResponse(request, response, call_).code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(store_.live_responses(), 0u) << "nothing written";
}

TEST_F(ResponsesHandlersTest, ARetriedCreateReplaysItsFirstAnswer) {
  const v1::Stakeholder s = CreateStakeholder("Alibaba");
  v1::CreateResponseRequest request;
  *request.mutable_response() = ValidResponse(s.name());
  request.set_request_id("create-1");
  v1::CreateResponseResponse first, second;
  ASSERT_TRUE(handlers_.CreateResponse(request, first, call_).ok());
  ASSERT_TRUE(handlers_.CreateResponse(request, second, call_).ok());
  EXPECT_EQ(first.response().name(), second.response().name());
  EXPECT_EQ(store_.live_responses(), 1u);

  request.mutable_response()->set_summary("Something else.");
  EXPECT_EQ(handlers_.CreateResponse(request, second, call_).code(),
            absl::StatusCode::kAlreadyExists);
}

TEST_F(ResponsesHandlersTest, UpdateResponseAsksListingsOnlyWhenTargetsChange) {
  const v1::Stakeholder s = CreateStakeholder("Alibaba");
  const v1::Response created = CreateResponse(s.name());
  targets_.calls = 0;
  targets_.outage = absl::UnavailableError("listings unreachable");

  v1::UpdateResponseRequest request;
  v1::UpdateResponseResponse response;
  *request.mutable_response() = created;
  request.mutable_response()->set_summary(
      "Will keep working with governments.");
  request.mutable_update_mask()->add_paths("summary");
  ASSERT_TRUE(handlers_.UpdateResponse(request, response, call_).ok());
  EXPECT_EQ(targets_.calls, 0);
  EXPECT_EQ(response.response().summary(),
            "Will keep working with governments.");

  request.mutable_response()->set_etag(response.response().etag());
  request.mutable_update_mask()->set_paths(0, "targets");
  EXPECT_EQ(handlers_.UpdateResponse(request, response, call_).code(),
            absl::StatusCode::kUnavailable);

  targets_.outage = absl::OkStatus();
  request.mutable_response()->set_etag("1");
  request.mutable_update_mask()->set_paths(0, "summary");
  EXPECT_EQ(handlers_.UpdateResponse(request, response, call_).code(),
            absl::StatusCode::kAborted)
      << "a stale etag";
  request.mutable_response()->set_name("responses/");
  EXPECT_THAT(handlers_.UpdateResponse(request, response, call_),
              IsFieldError("response.name"));
}

TEST_F(ResponsesHandlersTest, DeleteAndUndeleteRefuseARepeat) {
  const v1::Stakeholder s = CreateStakeholder("Alibaba");
  const v1::Response created = CreateResponse(s.name());
  v1::DeleteResponseRequest del;
  del.set_name(created.name());
  v1::DeleteResponseResponse deleted;
  ASSERT_TRUE(handlers_.DeleteResponse(del, deleted, call_).ok());
  EXPECT_TRUE(deleted.response().has_delete_time());
  EXPECT_EQ(handlers_.DeleteResponse(del, deleted, call_).code(),
            absl::StatusCode::kFailedPrecondition);

  v1::UndeleteResponseRequest undel;
  undel.set_name(created.name());
  v1::UndeleteResponseResponse undeleted;
  ASSERT_TRUE(handlers_.UndeleteResponse(undel, undeleted, call_).ok());
  EXPECT_FALSE(undeleted.response().has_delete_time());
  EXPECT_EQ(handlers_.UndeleteResponse(undel, undeleted, call_).code(),
            absl::StatusCode::kFailedPrecondition);
  undel.set_name("responses/missing");
  EXPECT_EQ(handlers_.UndeleteResponse(undel, undeleted, call_).code(),
            absl::StatusCode::kNotFound);
}

TEST_F(ResponsesHandlersTest, ListResponsesFiltersPagesAndRefusesBadInput) {
  const v1::Stakeholder s = CreateStakeholder("MOFCOM");
  for (int i = 0; i < 3; ++i) CreateResponse(s.name());
  v1::ListResponsesRequest request;
  request.set_filter("targets:\"markets/aliexpress\"");
  request.set_order_by("create_time");
  request.set_page_size(2);
  v1::ListResponsesResponse page;
  ASSERT_TRUE(handlers_.ListResponses(request, page, call_).ok());
  EXPECT_EQ(page.responses_size(), 2);
  ASSERT_FALSE(page.next_page_token().empty());
  request.set_page_token(page.next_page_token());
  page.Clear();
  ASSERT_TRUE(handlers_.ListResponses(request, page, call_).ok());
  EXPECT_EQ(page.responses_size(), 1);

  request.set_order_by("stance");
  EXPECT_THAT(handlers_.ListResponses(request, page, call_),
              IsFieldError("order_by"));
  request.set_order_by("stated_on, review_year");
  EXPECT_THAT(handlers_.ListResponses(request, page, call_),
              IsFieldError("orders by one field"));
  request.set_order_by("create_time");
  request.set_filter("stance = MAYBE");
  EXPECT_THAT(handlers_.ListResponses(request, page, call_),
              IsFieldError("'stance' takes one of"));
  request.clear_filter();
  EXPECT_THAT(handlers_.ListResponses(request, page, call_),
              IsFieldError("page_token"));
}

// ------------------------------------------------------------ import

v1::ImportedResponse ImportedRow(const std::string& target_text,
                                 const std::string& stance_text) {
  v1::ImportedResponse row;
  row.set_review_year(2021);
  row.set_stakeholder_display_name("Alibaba Group");
  row.set_stakeholder_type("company");
  row.set_target_text(target_text);
  row.set_stance_text(stance_text);
  row.set_summary("Will keep working with governments.");
  row.set_source_url("https://example.org/alibaba");
  return row;
}

TEST_F(ResponsesHandlersTest,
       ATargetCountsWhatIsFiledInsideItAndItsOtherNames) {
  const v1::Stakeholder s = CreateStakeholder("MOFCOM");
  const std::string listing = "reviews/2021/listings/aliexpress";
  const std::string merged = "markets/ali-express";
  targets_.known.insert({listing, merged});
  targets_.merged = {{kAliExpress, {merged}}};
  std::map<std::string, std::string> name_of;  // target -> response
  for (const std::string& target :
       {std::string(kAliExpress), listing, merged}) {
    v1::CreateResponseRequest request;
    *request.mutable_response() = ValidResponse(s.name());
    request.mutable_response()->set_targets(0, target);
    v1::CreateResponseResponse response;
    ASSERT_TRUE(handlers_.CreateResponse(request, response, call_).ok());
    name_of[target] = response.response().name();
  }
  const auto list = [&](bool exact) {
    v1::ListResponsesRequest request;
    request.set_filter("targets:\"markets/aliexpress\"");
    request.set_exact_targets(exact);
    v1::ListResponsesResponse page;
    EXPECT_TRUE(handlers_.ListResponses(request, page, call_).ok());
    std::set<std::string> names;
    for (const auto& r : page.responses()) names.insert(r.name());
    return names;
  };
  EXPECT_EQ(list(false).size(), 3u) << "the market, its listing, its old name";
  EXPECT_EQ(list(true), std::set<std::string>{name_of[kAliExpress]});

  v1::SummarizeStancesRequest summary_request;
  summary_request.set_target(kAliExpress);
  v1::SummarizeStancesResponse summary;
  ASSERT_TRUE(handlers_.SummarizeStances(summary_request, summary, call_).ok());
  EXPECT_EQ(summary.total(), 3);
  summary_request.set_target("reviews/2021");
  ASSERT_TRUE(handlers_.SummarizeStances(summary_request, summary, call_).ok());
  EXPECT_EQ(summary.total(), 1) << "the listing counts for its review";

  // Listings down: what was filed on the market and inside it still
  // answers.
  targets_.outage = absl::UnavailableError("listings unreachable");
  EXPECT_EQ(list(false).size(), 2u);

  // Other names the caller already has (the gateway's dossier) are used as
  // given: with listings still down, the roll-up is whole again.
  v1::ListResponsesRequest given;
  given.set_filter("targets:\"markets/aliexpress\"");
  given.mutable_target_aliases()->add_names(merged);
  v1::ListResponsesResponse page;
  ASSERT_TRUE(handlers_.ListResponses(given, page, call_).ok());
  EXPECT_EQ(page.responses_size(), 3);
  summary_request.set_target(kAliExpress);
  *summary_request.mutable_target_aliases() = given.target_aliases();
  ASSERT_TRUE(handlers_.SummarizeStances(summary_request, summary, call_).ok());
  EXPECT_EQ(summary.total(), 3);
  given.mutable_target_aliases()->add_names("reviews/2021");
  EXPECT_THAT(handlers_.ListResponses(given, page, call_),
              IsFieldError("target_aliases.names[1]"));
}

TEST_F(ResponsesHandlersTest, ImportRefusesWhatCannotBeRetried) {
  v1::ImportResponsesRequest request;
  v1::ImportResponsesResponse response;
  *request.add_rows() = ImportedRow("AliExpress", "commits to cooperate");
  EXPECT_THAT(handlers_.ImportResponses(request, response, call_),
              IsFieldError("request_id"));
  EXPECT_EQ(store_.calls(), 0);
}

TEST_F(ResponsesHandlersTest, ImportSkipsUnclearRowsAndWritesTheRest) {
  v1::ImportResponsesRequest request;
  request.set_request_id("import-2");
  *request.add_rows() = ImportedRow("AliExpress", "commits to cooperate");
  *request.add_rows() = ImportedRow("AliExpress", "partly disputes");
  *request.add_rows() = ImportedRow("Nowhere Market", "welcomes");
  v1::ImportResponsesResponse response;
  request.set_validate_only(true);
  ASSERT_TRUE(handlers_.ImportResponses(request, response, call_).ok());
  EXPECT_EQ(store_.calls(), 0) << "validate_only writes nothing";
  EXPECT_EQ(response.responses_size(), 1);

  request.set_validate_only(false);
  response.Clear();
  ASSERT_TRUE(handlers_.ImportResponses(request, response, call_).ok());
  ASSERT_EQ(response.responses_size(), 1);
  EXPECT_THAT(response.responses(0).targets(),
              ::testing::ElementsAre(kAliExpress));
  ASSERT_EQ(response.skipped_size(), 2);
  EXPECT_EQ(response.skipped(0).row(), 1);
  EXPECT_EQ(response.skipped(0).field(), "stance_text");
  EXPECT_EQ(response.skipped(1).row(), 2);
  EXPECT_THAT(response.skipped(1).message(), HasSubstr("Nowhere Market"));
  EXPECT_EQ(response.stakeholders_created(), 1);
}

TEST_F(ResponsesHandlersTest, ImportWithListingsDownWritesNothing) {
  targets_.outage = absl::UnavailableError("listings unreachable");
  v1::ImportResponsesRequest request;
  request.set_request_id("import-3");
  *request.add_rows() = ImportedRow("AliExpress", "welcomes");
  v1::ImportResponsesResponse response;
  EXPECT_EQ(handlers_.ImportResponses(request, response, call_).code(),
            absl::StatusCode::kUnavailable);
  EXPECT_EQ(store_.live_responses(), 0u);
}

// ------------------------------------------------------------ analysis

TEST_F(ResponsesHandlersTest, SummariesNeedExactlyOneValidScope) {
  v1::SummarizeStancesRequest request;
  v1::SummarizeStancesResponse response;
  EXPECT_THAT(handlers_.SummarizeStances(request, response, call_),
              IsFieldError("scope"));
  request.set_review_year(1800);
  EXPECT_THAT(handlers_.SummarizeStances(request, response, call_),
              IsFieldError("review_year"));
  request.set_stakeholder("mofcom");
  EXPECT_THAT(handlers_.SummarizeStances(request, response, call_),
              IsFieldError("stakeholder"));

  const v1::Stakeholder s = CreateStakeholder("MOFCOM");
  CreateResponse(s.name());
  request.set_review_year(2021);
  ASSERT_TRUE(handlers_.SummarizeStances(request, response, call_).ok());
  EXPECT_EQ(response.total(), 1);
  EXPECT_EQ(response.stakeholder_count(), 1);
}

TEST_F(ResponsesHandlersTest, TheTimelineMarksAChangeOfStance) {
  const v1::Stakeholder s = CreateStakeholder("Tencent");
  v1::CreateResponseRequest create;
  v1::CreateResponseResponse created;
  *create.mutable_response() = ValidResponse(s.name());
  create.mutable_response()->mutable_stated_on()->set_year(2021);
  ASSERT_TRUE(handlers_.CreateResponse(create, created, call_).ok());
  create.mutable_response()->set_stance(v1::STANCE_COMMITS_TO_COOPERATE);
  create.mutable_response()->mutable_stated_on()->set_year(2022);
  ASSERT_TRUE(handlers_.CreateResponse(create, created, call_).ok());

  v1::GetStanceTimelineRequest request;
  v1::GetStanceTimelineResponse response;
  EXPECT_THAT(handlers_.GetStanceTimeline(request, response, call_),
              IsFieldError("scope"));
  request.set_target(kAliExpress);
  ASSERT_TRUE(handlers_.GetStanceTimeline(request, response, call_).ok());
  ASSERT_EQ(response.entries_size(), 2);
  EXPECT_FALSE(response.entries(0).stance_changed());
  EXPECT_TRUE(response.entries(1).stance_changed());
  EXPECT_EQ(response.entries(1).previous_stance(), v1::STANCE_DISAGREES);
}

}  // namespace
}  // namespace nml::responses
