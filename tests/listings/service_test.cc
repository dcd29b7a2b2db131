// ListingsServiceImpl over gRPC on an in-memory store: what each RPC
// refuses and how, with no database. (The planners themselves are tested
// in planner_test.cc; the process with PostgreSQL in listings_e2e_test.cc.)
#include <absl/strings/match.h>
#include <absl/strings/str_cat.h>
#include <gmock/gmock.h>
#include <grpcpp/create_channel.h>
#include <gtest/gtest.h>

#include <optional>
#include <thread>

#include "common/api/status.h"
#include "services/listings/listings_service.h"
#include "services/listings/snapshot.h"
#include "tests/fakes/memory_listings_store.h"
#include "tests/support/loopback_server.h"

namespace nml::listings {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

class ListingsServiceTest : public ::testing::Test {
 protected:
  explicit ListingsServiceTest(
      size_t max_answer_bytes = 4 << 20,
      std::chrono::milliseconds watch_heartbeat = std::chrono::seconds(15))
      : executor_(2, 16),
        service_(store_, holder_, executor_, max_answer_bytes, watch_heartbeat),
        server_(&service_),
        stub_(v1::ListingsService::NewStub(server_.Channel())) {}
  ~ListingsServiceTest() override {
    server_.Shutdown();
    executor_.Shutdown();
  }

  // Without a refresher the service does not see its writes: the test
  // publishes the store's data as the snapshot, as the refresher would.
  void Refresh() {
    auto data = store_.LoadAll();
    ASSERT_TRUE(data.ok());
    holder_.SetIfNewer(Snapshot::Build(*std::move(data), absl::Now()));
  }

  template <typename Request, typename Response>
  grpc::Status Call(grpc::Status (v1::ListingsService::Stub::*method)(
                        grpc::ClientContext*, const Request&, Response*),
                    const Request& request, Response* response) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + 5s);
    return ((*stub_).*method)(&context, request, response);
  }

  v1::CreateMarketRequest MarketRequest(const std::string& display_name) {
    v1::CreateMarketRequest request;
    request.mutable_market()->set_display_name(display_name);
    request.mutable_market()->set_kind(v1::MARKET_KIND_ONLINE);
    request.mutable_market()->set_country_code("CN");
    return request;
  }

  MemoryListingsStore store_;
  SnapshotHolder holder_;
  common::Executor executor_;
  ListingsServiceImpl service_;
  nml::testing::LoopbackServer server_;
  std::unique_ptr<v1::ListingsService::Stub> stub_;
};

using Stub = v1::ListingsService::Stub;

MATCHER_P2(HasCode, code, text, "") {
  *result_listener << "status " << arg.error_code() << " "
                   << arg.error_message();
  return arg.error_code() == code &&
         absl::StrContains(arg.error_message(), text);
}

TEST_F(ListingsServiceTest, ReadsBeforeTheFirstSnapshotAreUnavailable) {
  v1::GetDataStatusResponse response;
  EXPECT_THAT(Call(&Stub::GetDataStatus, v1::GetDataStatusRequest(), &response),
              HasCode(grpc::StatusCode::UNAVAILABLE, "not loaded"));
}

TEST_F(ListingsServiceTest, ReadsRefuseMalformedNamesAndReportMissingOnes) {
  Refresh();
  v1::GetReviewRequest review;
  v1::GetReviewResponse review_response;
  review.set_name("2021");
  EXPECT_THAT(Call(&Stub::GetReview, review, &review_response),
              HasCode(grpc::StatusCode::INVALID_ARGUMENT, "name"));
  review.set_name("reviews/2021");
  EXPECT_THAT(Call(&Stub::GetReview, review, &review_response),
              HasCode(grpc::StatusCode::NOT_FOUND, "reviews/2021"));

  v1::GetMarketRequest market;
  v1::GetMarketResponse market_response;
  market.set_name("markets/Not An Id");
  EXPECT_THAT(Call(&Stub::GetMarket, market, &market_response),
              HasCode(grpc::StatusCode::INVALID_ARGUMENT, "name"));

  v1::GetListingRequest listing;
  v1::GetListingResponse listing_response;
  listing.set_name("reviews/2021/markets/taobao");
  EXPECT_THAT(Call(&Stub::GetListing, listing, &listing_response),
              HasCode(grpc::StatusCode::INVALID_ARGUMENT, "name"));

  v1::ListListingsRequest list;
  v1::ListListingsResponse list_response;
  list.set_parent("reviews/21");
  EXPECT_THAT(Call(&Stub::ListListings, list, &list_response),
              HasCode(grpc::StatusCode::INVALID_ARGUMENT, "parent"));

  v1::DiffReviewsRequest diff;
  v1::DiffReviewsResponse diff_response;
  diff.set_base_year(2020);
  diff.set_target_year(3000);
  EXPECT_THAT(Call(&Stub::DiffReviews, diff, &diff_response),
              HasCode(grpc::StatusCode::INVALID_ARGUMENT, "target_year"));

  v1::GetMarketHistoryRequest history;
  v1::GetMarketHistoryResponse history_response;
  history.set_market("markets/taobao");
  EXPECT_THAT(Call(&Stub::GetMarketHistory, history, &history_response),
              HasCode(grpc::StatusCode::NOT_FOUND, "markets/taobao"));

  v1::ScreenDomainsRequest screen;
  v1::ScreenDomainsResponse screen_response;
  EXPECT_THAT(Call(&Stub::ScreenDomains, screen, &screen_response),
              HasCode(grpc::StatusCode::INVALID_ARGUMENT, "items"));

  v1::SearchMarketsRequest search;
  v1::SearchMarketsResponse search_response;
  EXPECT_THAT(Call(&Stub::SearchMarkets, search, &search_response),
              HasCode(grpc::StatusCode::INVALID_ARGUMENT, "query"));
}

TEST_F(ListingsServiceTest, ARetriedCreateIsReplayedAndAReusedIdRefused) {
  Refresh();
  v1::CreateMarketRequest request = MarketRequest("Taobao");
  request.set_request_id("create-taobao");
  v1::CreateMarketResponse first, second;
  ASSERT_TRUE(Call(&Stub::CreateMarket, request, &first).ok());
  ASSERT_TRUE(Call(&Stub::CreateMarket, request, &second).ok());
  EXPECT_EQ(second.market().name(), first.market().name());
  EXPECT_EQ(second.data_version(), first.data_version()) << "not written twice";
  EXPECT_EQ(store_.LoadAll()->markets.size(), 1u);

  request.mutable_market()->set_display_name("Pinduoduo");
  EXPECT_THAT(Call(&Stub::CreateMarket, request, &second),
              HasCode(grpc::StatusCode::ALREADY_EXISTS, "request_id"));
  request.set_request_id(std::string(129, 'r'));
  EXPECT_THAT(Call(&Stub::CreateMarket, request, &second),
              HasCode(grpc::StatusCode::INVALID_ARGUMENT, "request_id"));
}

TEST_F(ListingsServiceTest, AStaleEtagIsAbortedWithItsReasonAndWritesNothing) {
  Refresh();
  v1::CreateMarketResponse created;
  ASSERT_TRUE(
      Call(&Stub::CreateMarket, MarketRequest("DHgate"), &created).ok());
  const int64_t version = created.data_version();

  v1::UpdateMarketRequest update;
  *update.mutable_market() = created.market();
  update.mutable_market()->set_city("Shenzhen");
  update.mutable_market()->set_etag("41");
  update.mutable_update_mask()->add_paths("city");
  v1::UpdateMarketResponse updated;
  const grpc::Status stale = Call(&Stub::UpdateMarket, update, &updated);
  EXPECT_EQ(stale.error_code(), grpc::StatusCode::ABORTED);
  EXPECT_EQ(common::ErrorInfoReasons(stale),
            std::vector<std::string>{common::kEtagMismatchReason});

  update.mutable_market()->set_etag(created.market().etag());
  update.mutable_update_mask()->set_paths(0, "create_time");
  EXPECT_THAT(Call(&Stub::UpdateMarket, update, &updated),
              HasCode(grpc::StatusCode::INVALID_ARGUMENT, "update_mask"));
  EXPECT_EQ(store_.LoadAll()->version, version) << "nothing was written";

  update.mutable_update_mask()->set_paths(0, "city");
  ASSERT_TRUE(Call(&Stub::UpdateMarket, update, &updated).ok());
  EXPECT_EQ(updated.market().city(), "Shenzhen");
  EXPECT_GT(updated.data_version(), version);
}

TEST_F(ListingsServiceTest, AnImportNeedsARequestIdEvenToBeValidated) {
  Refresh();
  v1::ImportReviewRequest request;
  request.mutable_review()->set_name("reviews/2021");
  v1::ImportReviewResponse response;
  for (const bool validate_only : {true, false}) {
    request.set_validate_only(validate_only);
    EXPECT_THAT(Call(&Stub::ImportReview, request, &response),
                HasCode(grpc::StatusCode::INVALID_ARGUMENT, "request_id"))
        << "validate_only " << validate_only;
  }
}

// A server that sends answers of at most 2,000 bytes.
class SmallAnswersTest : public ListingsServiceTest {
 protected:
  SmallAnswersTest() : ListingsServiceTest(2000) {}
};

TEST_F(SmallAnswersTest, AnImportWhoseAnswerWouldNotFitWritesNothing) {
  Refresh();
  v1::ImportReviewRequest request;
  request.set_request_id("import-big");
  request.mutable_review()->set_name("reviews/2021");
  for (int i = 0; i < 50; ++i) {
    v1::ImportedListing* row = request.add_listings();
    row->set_market_display_name(absl::StrCat("Market ", i));
    row->set_kind(v1::MARKET_KIND_ONLINE);
    row->set_source_url("https://example.org/2021");
  }
  v1::ImportReviewResponse response;
  EXPECT_THAT(Call(&Stub::ImportReview, request, &response),
              HasCode(grpc::StatusCode::INVALID_ARGUMENT,
                      "listings: the answer would be "));
  EXPECT_TRUE(store_.LoadAll()->markets.empty());
  // Ten rows fit.
  request.mutable_listings()->DeleteSubrange(10, 40);
  EXPECT_TRUE(Call(&Stub::ImportReview, request, &response).ok());
  EXPECT_EQ(store_.LoadAll()->markets.size(), 10u);
}

TEST_F(ListingsServiceTest, ABatchGetIsAllOrNothingInTheOrderAsked) {
  Refresh();
  for (const char* name : {"Taobao", "DHgate"}) {
    v1::CreateMarketResponse created;
    ASSERT_TRUE(Call(&Stub::CreateMarket, MarketRequest(name), &created).ok());
  }
  Refresh();
  v1::BatchGetMarketsRequest request;
  request.add_names("markets/taobao");
  request.add_names("markets/dhgate");
  v1::BatchGetMarketsResponse response;
  ASSERT_TRUE(Call(&Stub::BatchGetMarkets, request, &response).ok());
  ASSERT_EQ(response.markets_size(), 2);
  EXPECT_EQ(response.markets(1).display_name(), "DHgate");

  request.add_names("markets/nowhere");
  EXPECT_THAT(Call(&Stub::BatchGetMarkets, request, &response),
              HasCode(grpc::StatusCode::NOT_FOUND,
                      "names[2]: markets/nowhere not found"));
  request.set_names(2, "taobao");
  EXPECT_THAT(Call(&Stub::BatchGetMarkets, request, &response),
              HasCode(grpc::StatusCode::INVALID_ARGUMENT, "names[2]"));
  request.clear_names();
  EXPECT_THAT(Call(&Stub::BatchGetMarkets, request, &response),
              HasCode(grpc::StatusCode::INVALID_ARGUMENT, "names"));

  v1::BatchGetListingsRequest listings;
  listings.set_parent("reviews/2021");
  listings.add_names("reviews/2020/listings/taobao");
  v1::BatchGetListingsResponse listings_response;
  EXPECT_THAT(Call(&Stub::BatchGetListings, listings, &listings_response),
              HasCode(grpc::StatusCode::INVALID_ARGUMENT, "under parent"));
}

TEST_F(ListingsServiceTest, DeletingWhatIsNotThereIsNotFound) {
  Refresh();
  v1::DeleteMarketRequest request;
  request.set_name("markets/nowhere");
  v1::DeleteMarketResponse response;
  EXPECT_THAT(Call(&Stub::DeleteMarket, request, &response),
              HasCode(grpc::StatusCode::NOT_FOUND, "markets/nowhere"));
  request.set_name("nowhere");
  EXPECT_THAT(Call(&Stub::DeleteMarket, request, &response),
              HasCode(grpc::StatusCode::INVALID_ARGUMENT, "name"));
}

// WatchChanges with heartbeats every 100 ms.
class WatchTest : public ListingsServiceTest {
 protected:
  WatchTest() : ListingsServiceTest(4 << 20, 100ms) {}

  std::unique_ptr<grpc::ClientReader<v1::WatchChangesResponse>> Watch(
      grpc::ClientContext& context, std::optional<int64_t> since) {
    context.set_deadline(std::chrono::system_clock::now() + 10s);
    v1::WatchChangesRequest request;
    if (since.has_value()) request.set_since_data_version(*since);
    return stub_->WatchChanges(&context, request);
  }
};

TEST_F(WatchTest, AWatcherGetsTheBacklogThenEachWriteThenHeartbeats) {
  Refresh();
  v1::CreateMarketResponse created;
  ASSERT_TRUE(
      Call(&Stub::CreateMarket, MarketRequest("Taobao"), &created).ok());

  grpc::ClientContext context;
  auto stream = Watch(context, 0);
  v1::WatchChangesResponse message;
  ASSERT_TRUE(stream->Read(&message));
  ASSERT_EQ(message.changes_size(), 1) << message.DebugString();
  EXPECT_EQ(message.changes(0).name(), "markets/taobao");
  EXPECT_EQ(message.changes(0).market().display_name(), "Taobao");
  EXPECT_TRUE(message.caught_up());
  EXPECT_EQ(message.data_version(), created.data_version());

  // A write is sent as it is served, not at the next heartbeat.
  const auto written = std::chrono::steady_clock::now();
  ASSERT_TRUE(
      Call(&Stub::CreateMarket, MarketRequest("Pinduoduo"), &created).ok());
  do {
    ASSERT_TRUE(stream->Read(&message));
  } while (message.changes_size() == 0);
  EXPECT_LT(std::chrono::steady_clock::now() - written, 2s);
  ASSERT_EQ(message.changes_size(), 1);
  EXPECT_EQ(message.changes(0).name(), "markets/pinduoduo");
  EXPECT_EQ(message.changes(0).kind(), v1::CHANGE_KIND_WRITTEN);
  EXPECT_EQ(message.data_version(), created.data_version());

  // Nothing new: a heartbeat, caught up at the same version.
  ASSERT_TRUE(stream->Read(&message));
  EXPECT_EQ(message.changes_size(), 0);
  EXPECT_TRUE(message.caught_up());
  EXPECT_EQ(message.data_version(), created.data_version());
  EXPECT_EQ(service_.watches().watchers(), 1u);

  // The server shutting down ends the stream, telling the client to resume.
  service_.StopWatches();
  while (stream->Read(&message)) {
  }
  EXPECT_THAT(stream->Finish(),
              HasCode(grpc::StatusCode::UNAVAILABLE, "resume"));
}

TEST_F(WatchTest, FromNowSendsOnlyNewChanges) {
  Refresh();
  v1::CreateMarketResponse created;
  ASSERT_TRUE(
      Call(&Stub::CreateMarket, MarketRequest("Taobao"), &created).ok());
  grpc::ClientContext context;
  auto stream = Watch(context, std::nullopt);
  v1::WatchChangesResponse message;
  ASSERT_TRUE(stream->Read(&message));
  EXPECT_EQ(message.changes_size(), 0) << "nothing from before";
  EXPECT_EQ(message.data_version(), created.data_version());
  ASSERT_TRUE(
      Call(&Stub::CreateMarket, MarketRequest("DHgate"), &created).ok());
  do {
    ASSERT_TRUE(stream->Read(&message));
  } while (message.changes_size() == 0);
  EXPECT_EQ(message.changes(0).name(), "markets/dhgate");
  context.TryCancel();
}

TEST_F(WatchTest, AVersionTheDataHasNotReachedIsOutOfRange) {
  Refresh();
  grpc::ClientContext context;
  auto stream = Watch(context, 999);
  v1::WatchChangesResponse message;
  EXPECT_FALSE(stream->Read(&message));
  EXPECT_THAT(stream->Finish(),
              HasCode(grpc::StatusCode::OUT_OF_RANGE, "since_data_version"));

  grpc::ClientContext negative_context;
  auto negative = Watch(negative_context, -1);
  EXPECT_FALSE(negative->Read(&message));
  EXPECT_THAT(negative->Finish(), HasCode(grpc::StatusCode::INVALID_ARGUMENT,
                                          "since_data_version: must be >= 0"));
}

TEST_F(WatchTest, AClientThatGoesAwayIsForgotten) {
  Refresh();
  {
    grpc::ClientContext context;
    auto stream = Watch(context, 0);
    v1::WatchChangesResponse message;
    ASSERT_TRUE(stream->Read(&message));
    EXPECT_EQ(service_.watches().watchers(), 1u);
    context.TryCancel();
    while (stream->Read(&message)) {
    }
    (void)stream->Finish();
  }
  for (int i = 0; i < 100 && service_.watches().watchers() > 0; ++i) {
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_EQ(service_.watches().watchers(), 0u);
}

}  // namespace
}  // namespace nml::listings
