// nml-listings as users meet it: a real PostgreSQL, the real binary, the
// shared data loaded through `nmlctl import`, calls through generated stubs.
#include <absl/strings/match.h>
#include <absl/strings/str_cat.h>
#include <absl/strings/str_replace.h>
#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/security/credentials.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <future>
#include <map>
#include <pqxx/pqxx>
#include <sstream>
#include <thread>

#include "common/api/status.h"
#include "nml/listings/v1/listings_service.grpc.pb.h"
#include "tests/support/health.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_database.h"

namespace nml::listings {
namespace {

using namespace std::chrono_literals;
using nml::testing::RunProcess;
using nml::testing::Subprocess;
using nml::testing::TestDatabase;

class Server {
 public:
  explicit Server(const std::string& db_url,
                  std::map<std::string, std::string> env = {})
      : process_(NML_LISTINGS_BIN, {}, [&] {
          env["NML_DATABASE_URL"] = db_url;
          env["NML_LISTEN"] = "127.0.0.1:0";
          return env;
        }()) {
    port_ = process_.WaitForListeningPort(30s);
    EXPECT_GT(port_, 0) << process_.Stderr();
    address_ = absl::StrCat("127.0.0.1:", port_);
    stub_ = v1::ListingsService::NewStub(
        grpc::CreateChannel(address_, grpc::InsecureChannelCredentials()));
  }
  const std::string& address() const { return address_; }
  v1::ListingsService::Stub& stub() { return *stub_; }
  std::string log() const { return process_.Stderr(); }

 private:
  Subprocess process_;
  int port_ = 0;
  std::string address_;
  std::unique_ptr<v1::ListingsService::Stub> stub_;
};

std::unique_ptr<grpc::ClientContext> Context() {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + 10s);
  return context;
}

nml::testing::RunResult Nmlctl(const std::string& address,
                               std::vector<std::string> args) {
  args.insert(args.begin(), {"--addr", address});
  return RunProcess(NML_NMLCTL_BIN, args, {}, 120s);
}

class SharedData : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = std::make_unique<Server>(db_.url());
    const auto imported =
        Nmlctl(server_->address(), {"import", NML_SOURCE_DIR "/data"});
    ASSERT_EQ(imported.exit_status, 0) << imported.err << imported.out;
  }

  v1::ScreenResult Screen(const std::string& input, int year = 0,
                          bool rollup = false) {
    v1::ScreenDomainsRequest request;
    auto* item = request.add_items();
    item->set_input(input);
    item->mutable_options()->set_review_year(year);
    item->mutable_options()->set_operator_rollup(rollup);
    v1::ScreenDomainsResponse response;
    const grpc::Status status =
        server_->stub().ScreenDomains(Context().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.results_size() == 1 ? response.results(0)
                                        : v1::ScreenResult();
  }

  TestDatabase db_;
  std::unique_ptr<Server> server_;
};

TEST_F(SharedData, The2021ReviewHasAll42OnlineListingsAndStaysDraft) {
  v1::GetReviewStatsRequest request;
  request.set_name("reviews/2021");
  v1::GetReviewStatsResponse stats;
  ASSERT_TRUE(
      server_->stub().GetReviewStats(Context().get(), request, &stats).ok());
  const v1::Review& review = stats.review();
  EXPECT_EQ(review.online_count(), 42);
  EXPECT_EQ(review.declared_online_count(), 42);
  EXPECT_EQ(review.missing_online_count(), 0);
  EXPECT_EQ(review.physical_count(), 12);
  EXPECT_EQ(review.declared_physical_count(), 35);
  EXPECT_EQ(review.missing_physical_count(), 23);
  EXPECT_FALSE(review.complete());
  EXPECT_EQ(review.state(), v1::REVIEW_STATE_DRAFT);
  EXPECT_GT(stats.data_version(), 0);
  bool china_nine = false;
  for (const auto& c : stats.by_country()) {
    if (c.key() == "CN") china_nine = c.count() >= 9;
  }
  EXPECT_TRUE(china_nine) << "nine Chinese markets are recorded for 2021";

  v1::ListListingsRequest list;
  list.set_parent("reviews/2021");
  list.set_filter("market_kind = MARKET_KIND_ONLINE");
  v1::ListListingsResponse online;
  ASSERT_TRUE(
      server_->stub().ListListings(Context().get(), list, &online).ok());
  EXPECT_EQ(online.total_size(), 42);
}

TEST_F(SharedData, DiffAgainst2020AddsAliExpressAndWeChatAndRemovesAmazon) {
  v1::DiffReviewsRequest request;
  request.set_base_year(2020);
  request.set_target_year(2021);
  v1::DiffReviewsResponse diff;
  ASSERT_TRUE(
      server_->stub().DiffReviews(Context().get(), request, &diff).ok());
  std::map<std::string, v1::ChangeType> change;
  for (const auto& c : diff.changes()) change[c.market()] = c.change();
  EXPECT_EQ(change["markets/aliexpress"], v1::CHANGE_TYPE_ADDED);
  EXPECT_EQ(change["markets/wechat-weixin-e-commerce-ecosystem"],
            v1::CHANGE_TYPE_ADDED);
  EXPECT_EQ(change["markets/amazons-foreign-domains"], v1::CHANGE_TYPE_REMOVED);
  EXPECT_EQ(change["markets/taobao"], v1::CHANGE_TYPE_RETAINED);
  // 2020's online list is 38 of 39: AliExpress and WeChat are added on
  // their sources' first year, Amazon's foreign domains removed because
  // 2021's online list is whole; the physical markets only in 2021's rows
  // are NOT_LOADED (2020's physical list is 14 of 34).
  EXPECT_EQ(diff.added_count() + diff.removed_count() + diff.retained_count() +
                diff.relisted_count() + diff.not_loaded_count(),
            diff.changes_size());
  EXPECT_GT(diff.not_loaded_count(), 0);
  EXPECT_TRUE(diff.incomplete_data());

  v1::GetListingRequest get;
  get.set_name("reviews/2021/listings/aliexpress");
  v1::GetListingResponse aliexpress;
  ASSERT_TRUE(
      server_->stub().GetListing(Context().get(), get, &aliexpress).ok());
  EXPECT_TRUE(aliexpress.listing().first_time());
  EXPECT_EQ(aliexpress.listing().consecutive_years(), 1);
}

TEST_F(SharedData, KidderporeIsOneMarketWithAFourYearHistory) {
  v1::GetMarketHistoryRequest request;
  request.set_market("markets/kidderpore");
  v1::GetMarketHistoryResponse history;
  ASSERT_TRUE(server_->stub()
                  .GetMarketHistory(Context().get(), request, &history)
                  .ok());
  // The newest source (2022) spells it "Kidderpore"; 2021's "Kidderpore
  // (Fancy Market)" reconciled by its qualifier and stays an alias.
  EXPECT_EQ(history.market().display_name(), "Kidderpore");
  EXPECT_EQ(std::vector<int>(history.years_listed().begin(),
                             history.years_listed().end()),
            (std::vector<int>{2019, 2020, 2021, 2022}));
  ASSERT_EQ(history.periods_size(), 1);
  EXPECT_EQ(history.first_year(), 2019);
  EXPECT_EQ(history.last_year(), 2022);

  v1::SearchMarketsRequest search;
  search.set_query("Kiderpore");  // a typo
  v1::SearchMarketsResponse hits;
  ASSERT_TRUE(
      server_->stub().SearchMarkets(Context().get(), search, &hits).ok());
  ASSERT_GT(hits.hits_size(), 0);
  EXPECT_EQ(hits.hits(0).market().name(), "markets/kidderpore");
}

TEST_F(SharedData, ScreeningMatchesByScopeAndYear) {
  // 2025, the latest review, has only 8 of its 37 online listings loaded:
  // AliExpress is screened against 2021.
  const auto ali = Screen("https://WWW.AliExpress.com:443/item/1.html", 2021);
  ASSERT_EQ(ali.matches_size(), 1);
  EXPECT_EQ(ali.review_year(), 2021);
  EXPECT_EQ(ali.matches(0).listing(), "reviews/2021/listings/aliexpress");
  EXPECT_EQ(ali.matches(0).rule(), v1::MATCH_RULE_HOST_AND_SUBDOMAINS);
  EXPECT_EQ(ali.matches(0).pattern(), "aliexpress.com");
  EXPECT_EQ(ali.host(), "www.aliexpress.com");

  const auto pan = Screen("pan.baidu.com/s/x");
  ASSERT_EQ(pan.matches_size(), 1);
  EXPECT_EQ(pan.matches(0).market(), "markets/baidu-wangpan");
  EXPECT_EQ(Screen("www.baidu.com").matches_size(), 0);

  EXPECT_EQ(Screen("amazon.de", 2020).matches_size(), 1);
  EXPECT_EQ(Screen("https://www.amazon.de/dp/1", 2021).matches_size(), 0);
  EXPECT_EQ(Screen("amazon.com", 2020).matches_size(), 0);
  EXPECT_EQ(Screen("amazon.com").matches_size(), 0);

  EXPECT_EQ(Screen("http://bücher.de./").host(), "xn--bcher-kva.de");
  EXPECT_EQ(Screen("https://ALIEXPRESS.COM./x", 2021).matches_size(), 1);
}

TEST_F(SharedData, GarbageGetsAPerItemErrorNotAFailedBatch) {
  v1::ScreenDomainsRequest request;
  for (const char* input : {"taobao.com", "ht!tp://", "", "dhgate.com"}) {
    request.add_items()->set_input(input);
  }
  v1::ScreenDomainsResponse response;
  ASSERT_TRUE(
      server_->stub().ScreenDomains(Context().get(), request, &response).ok());
  ASSERT_EQ(response.results_size(), 4);
  EXPECT_EQ(response.results(0).matches_size(), 1);
  EXPECT_EQ(response.results(1).error().code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(response.results(2).error().code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(response.results(3).matches_size(), 1);

  v1::ScreenDomainsRequest empty;
  const grpc::Status status =
      server_->stub().ScreenDomains(Context().get(), empty, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "items: must not be empty");
}

TEST_F(SharedData, ANulInAnyStringIsRefusedNamingTheField) {
  v1::CreateMarketRequest create;
  create.mutable_market()->set_display_name(std::string("Night\0Market", 12));
  create.mutable_market()->set_kind(v1::MARKET_KIND_PHYSICAL);
  create.mutable_market()->set_country_code("TH");
  v1::CreateMarketResponse created;
  grpc::Status status =
      server_->stub().CreateMarket(Context().get(), create, &created);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(),
            "market.display_name: must not contain NUL characters");

  // A NUL would have cut the value: this matched aliexpress before.
  v1::ListListingsRequest list;
  list.set_parent("reviews/2021");
  list.set_filter(std::string("market = \"markets/aliexpress\0zzz\"", 33));
  v1::ListListingsResponse listed;
  status = server_->stub().ListListings(Context().get(), list, &listed);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(), "filter: must not contain NUL characters");

  v1::ScreenDomainsRequest screen;
  screen.add_items()->set_input("taobao.com");
  screen.add_items()->set_input(std::string("dhgate.com\0.evil", 16));
  v1::ScreenDomainsResponse screened;
  status = server_->stub().ScreenDomains(Context().get(), screen, &screened);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(status.error_message(),
            "items[1].input: must not contain NUL characters");
}

TEST_F(SharedData, InvalidUtf8IsAnInvalidArgumentNamingTheField) {
  // protobuf refuses a string field holding invalid UTF-8 before any
  // handler runs; the answer says which field, and the channel goes on.
  grpc::GenericStub stub(grpc::CreateChannel(
      server_->address(), grpc::InsecureChannelCredentials()));
  auto call = [&](const std::string& method, const std::string& bytes) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + 5s);
    grpc::Slice slice(bytes);
    grpc::ByteBuffer request(&slice, 1);
    grpc::ByteBuffer response;
    std::promise<grpc::Status> done;
    stub.UnaryCall(&context, "/nml.listings.v1.ListingsService/" + method,
                   grpc::StubOptions(), &request, &response,
                   [&done](grpc::Status s) { done.set_value(std::move(s)); });
    return done.get_future().get();
  };
  // GetReviewRequest{name: "\xFF"}: field 1, length 1.
  grpc::Status status = call("GetReview", std::string("\x0a\x01\xff", 3));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StartsWith(status.error_message(),
                               "nml.listings.v1.GetReviewRequest.name: is not "
                               "valid UTF-8"))
      << status.error_message();
  // CreateMarketRequest{market: {display_name: "Caf\xC3"}}: nested.
  status =
      call("CreateMarket", std::string("\x12\x06\x12\x04\x43\x61\x66\xc3", 8));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StartsWith(status.error_message(),
                               "nml.listings.v1.Market.display_name: "))
      << status.error_message();
  // Bytes that are not protobuf at all.
  status = call("GetReview", std::string("\xff\xff\xff", 3));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << status.error_message();
  // The same channel answers the next call.
  EXPECT_TRUE(call("GetReview", std::string("\x0a\x0creviews/2021", 14)).ok());
}

TEST_F(SharedData, LoadingTheSameFilesAgainChangesNothing) {
  v1::GetDataStatusResponse before;
  ASSERT_TRUE(server_->stub().GetDataStatus(Context().get(), {}, &before).ok());
  const auto again =
      Nmlctl(server_->address(), {"import", NML_SOURCE_DIR "/data"});
  ASSERT_EQ(again.exit_status, 0) << again.err;
  EXPECT_TRUE(absl::StrContains(again.out, "(already loaded)")) << again.out;
  v1::GetDataStatusResponse after;
  ASSERT_TRUE(server_->stub().GetDataStatus(Context().get(), {}, &after).ok());
  EXPECT_EQ(after.data_version(), before.data_version());
  EXPECT_EQ(after.listing_count(), 277);
}

TEST_F(SharedData, PagesCoverEveryListingOnceAndTokensAreChecked) {
  v1::ListListingsRequest request;
  request.set_parent("reviews/-");
  request.set_page_size(25);
  request.set_order_by("year desc, name");
  std::set<std::string> seen;
  int pages = 0;
  for (;;) {
    v1::ListListingsResponse page;
    ASSERT_TRUE(
        server_->stub().ListListings(Context().get(), request, &page).ok());
    for (const auto& l : page.listings())
      EXPECT_TRUE(seen.insert(l.name()).second);
    ++pages;
    if (page.next_page_token().empty()) break;
    request.set_page_token(page.next_page_token());
  }
  EXPECT_EQ(seen.size(), 277u);
  EXPECT_EQ(pages, 12);

  request.set_page_token("forged");
  v1::ListListingsResponse page;
  auto status = server_->stub().ListListings(Context().get(), request, &page);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StartsWith(status.error_message(), "page_token:"));

  request.clear_page_token();
  request.set_filter("infringement_types:PIRACY");
  status = server_->stub().ListListings(Context().get(), request, &page);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(status.error_message(), "position 20"))
      << status.error_message();

  request.set_filter("");
  request.set_order_by("summary; DROP TABLE listings");
  status = server_->stub().ListListings(Context().get(), request, &page);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(SharedData, AStaleEtagIsRefusedAndAFreshOneAccepted) {
  v1::GetMarketRequest get;
  get.set_name("markets/aliexpress");
  v1::GetMarketResponse current;
  ASSERT_TRUE(server_->stub().GetMarket(Context().get(), get, &current).ok());

  v1::UpdateMarketRequest update;
  *update.mutable_market() = current.market();
  update.mutable_market()->set_city("Hangzhou");
  update.mutable_update_mask()->add_paths("city");
  v1::UpdateMarketResponse updated;
  ASSERT_TRUE(
      server_->stub().UpdateMarket(Context().get(), update, &updated).ok());
  EXPECT_EQ(updated.market().city(), "Hangzhou");
  EXPECT_NE(updated.market().etag(), current.market().etag());

  // The same request again carries the old etag now.
  const grpc::Status stale =
      server_->stub().UpdateMarket(Context().get(), update, &updated);
  EXPECT_EQ(stale.error_code(), grpc::StatusCode::ABORTED);
  EXPECT_EQ(common::ErrorInfoReasons(stale),
            std::vector<std::string>{common::kEtagMismatchReason});

  v1::GetMarketResponse missing;
  get.set_name("markets/no-such-market");
  EXPECT_EQ(
      server_->stub().GetMarket(Context().get(), get, &missing).error_code(),
      grpc::StatusCode::NOT_FOUND);
  get.set_name("markets/Bad Name");
  const auto bad = server_->stub().GetMarket(Context().get(), get, &missing);
  EXPECT_EQ(bad.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StartsWith(bad.error_message(), "name:"));
}

TEST_F(SharedData, ARequestIdIsBoundToItsRequest) {
  v1::CreateOperatorRequest request;
  request.set_request_id("op-1");
  request.mutable_operator_()->set_display_name("Shopee Ltd");
  v1::CreateOperatorResponse first;
  ASSERT_TRUE(
      server_->stub().CreateOperator(Context().get(), request, &first).ok());
  v1::CreateOperatorResponse second;
  ASSERT_TRUE(
      server_->stub().CreateOperator(Context().get(), request, &second).ok());
  EXPECT_EQ(second.operator_().name(), first.operator_().name());
  EXPECT_EQ(second.operator_().etag(), first.operator_().etag());

  request.mutable_operator_()->set_display_name("Someone Else");
  const auto reused =
      server_->stub().CreateOperator(Context().get(), request, &second);
  EXPECT_EQ(reused.error_code(), grpc::StatusCode::ALREADY_EXISTS);
}

// ------------------------------------------------------------ imports

TEST(Import, OneBadRowWritesNothingAndNamesTheRowAndField) {
  TestDatabase db;
  Server server(db.url());
  const std::string dir =
      absl::StrCat(std::filesystem::temp_directory_path().string(),
                   "/nml-bad-import-", getpid());
  std::filesystem::create_directories(dir);
  std::filesystem::copy_file(NML_SOURCE_DIR "/data/review_counts.csv",
                             dir + "/review_counts.csv",
                             std::filesystem::copy_options::overwrite_existing);
  {
    std::ifstream in(NML_SOURCE_DIR "/data/markets.csv");
    std::ofstream out(dir + "/markets.csv");
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
      // Line 60 gets a country no one has heard of.
      if (++n == 60) {
        line =
            "2020,Atlantis Bazaar,physical,Atlantis,,,counterfeiting,,,"
            "https://example.org/x,high";
      }
      out << line << "\n";
    }
  }
  const auto result = Nmlctl(server.address(), {"import", dir});
  std::filesystem::remove_all(dir);
  EXPECT_EQ(result.exit_status, 1);
  EXPECT_TRUE(absl::StrContains(result.err,
                                "markets.csv:60: country 'Atlantis': "
                                "'Atlantis' is not a known country"))
      << result.err;

  v1::GetDataStatusResponse status;
  ASSERT_TRUE(server.stub().GetDataStatus(Context().get(), {}, &status).ok());
  EXPECT_EQ(status.reviews_size(), 0);
  EXPECT_EQ(status.listing_count(), 0);
  EXPECT_EQ(status.data_version(), 0);
}

// Writes one review's files: `rows` markets, named by `name(i)`.
std::string WriteReview(const std::string& tag, int year, int rows,
                        const std::function<std::string(int)>& name) {
  const std::string dir =
      absl::StrCat(std::filesystem::temp_directory_path().string(), "/nml-",
                   tag, "-", getpid());
  std::filesystem::create_directories(dir);
  std::ofstream markets(dir + "/markets.csv");
  markets << "year,name,kind,country,city,operator,infringement,"
             "first_listed_year,domains,source_url,confidence\n";
  for (int i = 0; i < rows; ++i) {
    markets << year << "," << name(i) << ",online,China,,,piracy,,market-" << i
            << ".example,https://example.org/" << year << ",high\n";
  }
  std::ofstream counts(dir + "/review_counts.csv");
  counts << "year,online_count,physical_count,published_date,source_url\n"
         << year << "," << rows << ",0,,https://example.org/" << year << "\n";
  return dir;
}

TEST(Import, ThousandsOfRowsInOneReviewAndTheNextYearReconciled) {
  // More than the 5,000 rows a review was once capped at; the next year
  // spells every name in capitals and still names the same markets.
  TestDatabase db;
  Server server(db.url());
  const std::string first = WriteReview(
      "big-2030", 2030, 6000, [](int i) { return absl::StrCat("Market ", i); });
  const std::string second = WriteReview(
      "big-2031", 2031, 6000, [](int i) { return absl::StrCat("MARKET ", i); });
  const auto loaded = Nmlctl(server.address(), {"import", first});
  const auto again = Nmlctl(server.address(), {"import", second});
  std::filesystem::remove_all(first);
  std::filesystem::remove_all(second);
  ASSERT_EQ(loaded.exit_status, 0) << loaded.err;
  ASSERT_EQ(again.exit_status, 0) << again.err;
  EXPECT_TRUE(absl::StrContains(again.out, "0 markets new")) << again.out;

  v1::GetDataStatusResponse status;
  ASSERT_TRUE(server.stub().GetDataStatus(Context().get(), {}, &status).ok());
  EXPECT_EQ(status.market_count(), 6000);
  EXPECT_EQ(status.listing_count(), 12000);
  // The newer spelling names the market; the older one is kept as an alias.
  v1::GetMarketRequest get;
  get.set_name("markets/market-42");
  v1::GetMarketResponse market;
  ASSERT_TRUE(server.stub().GetMarket(Context().get(), get, &market).ok());
  EXPECT_EQ(market.market().display_name(), "MARKET 42");
}

TEST(Import, OneBadRowInAOneReviewFileWritesNothing) {
  TestDatabase db;
  Server server(db.url());
  const std::string dir = WriteReview("bad-one", 2030, 10, [](int i) {
    return i == 7 ? std::string("   ") : absl::StrCat("Market ", i);
  });
  const auto result = Nmlctl(server.address(), {"import", dir});
  std::filesystem::remove_all(dir);
  EXPECT_EQ(result.exit_status, 1);
  EXPECT_TRUE(absl::StrContains(result.err, "1 problems; nothing written"))
      << result.err;
  EXPECT_TRUE(absl::StrContains(result.err, "markets.csv:9: name '   ': "))
      << result.err;
  v1::GetDataStatusResponse status;
  ASSERT_TRUE(server.stub().GetDataStatus(Context().get(), {}, &status).ok());
  EXPECT_EQ(status.data_version(), 0);
}

TEST(Import, AReviewLargerThanOneMessageIsStreamedInParts) {
  // 12,000 rows are about 0.9 MB, over this server's 512 KiB messages.
  TestDatabase db;
  Server server(db.url(), {{"NML_MAX_MESSAGE_BYTES", "524288"}});
  const std::string dir = WriteReview("streamed", 2030, 12000, [](int i) {
    return absl::StrCat("Market ", i);
  });
  const auto loaded = Nmlctl(server.address(), {"import", dir});
  const auto again = Nmlctl(server.address(), {"import", dir});
  std::filesystem::remove_all(dir);
  ASSERT_EQ(loaded.exit_status, 0) << loaded.err;
  EXPECT_TRUE(absl::StrContains(loaded.err, "sent 12000 of 12000 rows"))
      << loaded.err;
  EXPECT_TRUE(absl::StrContains(loaded.err, "reconciliations were left out"))
      << loaded.err;
  EXPECT_TRUE(absl::StrContains(loaded.out, "12000 new markets")) << loaded.out;
  ASSERT_EQ(again.exit_status, 0) << again.err;
  EXPECT_TRUE(absl::StrContains(again.out, "(already loaded)")) << again.out;

  v1::GetDataStatusResponse status;
  ASSERT_TRUE(server.stub().GetDataStatus(Context().get(), {}, &status).ok());
  EXPECT_EQ(status.listing_count(), 12000);
}

TEST(Import, AReportTooLargeForOneMessageSaysWhatItLeftOut) {
  // 12,000 rows with a bad country each: their problems are more than this
  // server's 512 KiB answer holds.
  TestDatabase db;
  Server server(db.url(), {{"NML_MAX_MESSAGE_BYTES", "524288"}});
  const std::string dir = WriteReview("bad-many", 2030, 12000, [](int i) {
    return absl::StrCat("Market ", i);
  });
  {
    std::ifstream in(dir + "/markets.csv");
    std::stringstream text;
    text << in.rdbuf();
    std::string csv = text.str();
    absl::StrReplaceAll({{",online,China,", ",online,Atlantis,"}}, &csv);
    std::ofstream(dir + "/markets.csv") << csv;
  }
  const auto result = Nmlctl(server.address(), {"import", dir});
  std::filesystem::remove_all(dir);
  EXPECT_EQ(result.exit_status, 1);
  EXPECT_TRUE(absl::StrContains(result.err,
                                "country 'Atlantis': 'Atlantis' is not a "
                                "known country"))
      << result.err.substr(0, 2000);
  EXPECT_TRUE(
      absl::StrContains(result.err, "more problems left out of this answer"))
      << result.err.substr(result.err.size() > 2000 ? result.err.size() - 2000
                                                    : 0);
  v1::GetDataStatusResponse status;
  ASSERT_TRUE(server.stub().GetDataStatus(Context().get(), {}, &status).ok());
  EXPECT_EQ(status.listing_count(), 0);
}

TEST(ChangeFeed, AFollowerBehindTheKeptLogIsToldToResync) {
  TestDatabase db;
  Server server(db.url(), {{"NML_CHANGES_RETAINED_VERSIONS", "2"}});
  for (int year : {2030, 2031, 2032}) {
    const std::string dir =
        WriteReview(absl::StrCat("feed-", year), year, 3,
                    [year](int i) { return absl::StrCat("M", year, "-", i); });
    ASSERT_EQ(Nmlctl(server.address(), {"import", dir}).exit_status, 0);
    std::filesystem::remove_all(dir);
  }
  v1::ListChangesRequest request;
  request.set_since_data_version(0);
  v1::ListChangesResponse response;
  const grpc::Status status =
      server.stub().ListChanges(Context().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::OUT_OF_RANGE);
  EXPECT_TRUE(absl::StrContains(status.error_message(),
                                "resync (read everything again"))
      << status.error_message();
  // From the versions it keeps: the last two imports, each listing once.
  v1::GetDataStatusResponse data;
  ASSERT_TRUE(server.stub().GetDataStatus(Context().get(), {}, &data).ok());
  request.set_since_data_version(data.data_version() - 2);
  response.Clear();
  ASSERT_TRUE(
      server.stub().ListChanges(Context().get(), request, &response).ok());
  std::set<std::string> listings;
  for (const auto& c : response.changes()) {
    EXPECT_GT(c.data_version(), data.data_version() - 2);
    if (c.has_listing()) {
      EXPECT_TRUE(listings.insert(c.name()).second);
    }
  }
  EXPECT_EQ(listings.size(), 6u) << response.DebugString();

  // A screening pinned to an earlier version is rebuilt from the log: not
  // once the log no longer starts at the beginning.
  v1::ScreenDomainsRequest screen;
  screen.add_items()->set_input("m2030-1.example");
  screen.set_data_version(data.data_version() - 1);
  v1::ScreenDomainsResponse screened;
  const grpc::Status pinned =
      server.stub().ScreenDomains(Context().get(), screen, &screened);
  EXPECT_EQ(pinned.error_code(), grpc::StatusCode::OUT_OF_RANGE);
  EXPECT_TRUE(
      absl::StrContains(pinned.error_message(), "can no longer be reproduced"))
      << pinned.error_message();
  // The current version itself is always there.
  screen.set_data_version(data.data_version());
  EXPECT_TRUE(
      server.stub().ScreenDomains(Context().get(), screen, &screened).ok());
  EXPECT_EQ(screened.data_version(), data.data_version());
}

TEST(Import, AStreamedImportRefusesAReviewInALaterPartAndWritesNothing) {
  TestDatabase db;
  Server server(db.url());
  auto context = Context();
  v1::ImportReviewStreamResponse answer;
  auto stream = server.stub().ImportReviewStream(context.get(), &answer);
  v1::ImportReviewStreamRequest part;
  v1::ImportReviewRequest& import = *part.mutable_import();
  import.mutable_review()->set_year(2030);
  import.set_request_id("streamed-bad");
  v1::ImportedListing& listing = *import.add_listings();
  listing.set_market_display_name("Market 1");
  listing.set_kind(v1::MARKET_KIND_ONLINE);
  listing.set_country("CN");
  ASSERT_TRUE(stream->Write(part));
  // A second part may carry listings only.
  import.clear_request_id();
  stream->Write(part);
  stream->WritesDone();
  const grpc::Status status = stream->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(status.error_message(), "part 2"))
      << status.error_message();

  v1::GetDataStatusResponse data;
  ASSERT_TRUE(server.stub().GetDataStatus(Context().get(), {}, &data).ok());
  EXPECT_EQ(data.data_version(), 0) << "nothing was written";
}

// ------------------------------------------------------------ freshness

TEST(Snapshot, AWriteIsVisibleEverywhereWithinOneSecond) {
  TestDatabase db;
  Server writer(db.url());
  Server reader(db.url());  // another instance on the same database

  v1::CreateMarketRequest create;
  create.mutable_market()->set_display_name("Test Bazaar");
  create.mutable_market()->set_kind(v1::MARKET_KIND_PHYSICAL);
  create.mutable_market()->set_country_code("TH");
  v1::CreateMarketResponse created;
  ASSERT_TRUE(
      writer.stub().CreateMarket(Context().get(), create, &created).ok());
  EXPECT_EQ(created.market().name(), "markets/test-bazaar");

  // The writer reads its own write at once.
  v1::GetMarketRequest get;
  get.set_name("markets/test-bazaar");
  v1::GetMarketResponse got;
  EXPECT_TRUE(writer.stub().GetMarket(Context().get(), get, &got).ok());

  auto visible_on = [&](Server& server, auto check) {
    const auto start = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - start < 5s) {
      if (check(server)) return std::chrono::steady_clock::now() - start;
      std::this_thread::sleep_for(10ms);
    }
    return std::chrono::steady_clock::duration::max();
  };
  const auto on_reader = visible_on(reader, [&](Server& s) {
    v1::GetMarketResponse r;
    return s.stub().GetMarket(Context().get(), get, &r).ok();
  });
  EXPECT_LT(on_reader, 1s);

  // Even a change made behind the services' back, in SQL, arrives.
  {
    pqxx::connection connection(db.url());
    pqxx::work tx(connection);
    tx.exec("UPDATE markets SET city = 'Bangkok' WHERE id = 'test-bazaar'");
    tx.commit();
  }
  const auto sql_change = visible_on(reader, [&](Server& s) {
    v1::GetMarketResponse r;
    return s.stub().GetMarket(Context().get(), get, &r).ok() &&
           r.market().city() == "Bangkok";
  });
  EXPECT_LT(sql_change, 1s);
}

}  // namespace
}  // namespace nml::listings
