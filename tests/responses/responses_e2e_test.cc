// nml-responses with a real nml-listings behind it, both on real
// PostgreSQL databases, the shared data loaded through nmlctl.
#include <absl/strings/match.h>
#include <absl/strings/str_cat.h>
#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>
#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <future>
#include <pqxx/pqxx>
#include <thread>

#include "common/api/status.h"
#include "nml/responses/v1/responses_service.grpc.pb.h"
#include "tests/support/subprocess.h"
#include "tests/support/test_database.h"

namespace nml::responses {
namespace {

using namespace std::chrono_literals;
using nml::testing::RunProcess;
using nml::testing::Subprocess;
using nml::testing::TestDatabase;

std::unique_ptr<Subprocess> StartListings(const std::string& db, int port = 0) {
  auto process = std::make_unique<Subprocess>(
      NML_LISTINGS_BIN, std::vector<std::string>{},
      std::map<std::string, std::string>{
          {"NML_DATABASE_URL", db},
          {"NML_LISTEN", absl::StrCat("127.0.0.1:", port)}});
  return process;
}

std::unique_ptr<grpc::ClientContext> Context(
    std::chrono::milliseconds timeout = 10s) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() + timeout);
  return context;
}

class Responses : public ::testing::Test {
 protected:
  void SetUp() override {
    listings_ = StartListings(listings_db_.url());
    listings_port_ = listings_->WaitForListeningPort(30s);
    ASSERT_GT(listings_port_, 0) << listings_->Stderr();
    StartResponses();
    const auto listings =
        RunProcess(NML_NMLCTL_BIN,
                   {"--addr", absl::StrCat("127.0.0.1:", listings_port_),
                    "import", NML_SOURCE_DIR "/data"},
                   {}, 120s);
    ASSERT_EQ(listings.exit_status, 0) << listings.err;
  }

  // (Re)starts nml-responses with the fixture's settings and `extra`.
  void StartResponses(std::map<std::string, std::string> extra = {}) {
    responses_.reset();
    extra.merge(std::map<std::string, std::string>{
        {"NML_DATABASE_URL", responses_db_.url()},
        {"NML_LISTEN", "127.0.0.1:0"},
        {"NML_WORKERS", "8"},
        {"NML_LISTINGS_ADDR", absl::StrCat("127.0.0.1:", listings_port_)}});
    responses_ = std::make_unique<Subprocess>(
        NML_RESPONSES_BIN, std::vector<std::string>{}, extra);
    const int port = responses_->WaitForListeningPort(30s);
    ASSERT_GT(port, 0) << responses_->Stderr();
    responses_addr_ = absl::StrCat("127.0.0.1:", port);
    stub_ = v1::ResponsesService::NewStub(grpc::CreateChannel(
        responses_addr_, grpc::InsecureChannelCredentials()));
  }

  nml::testing::RunResult ImportResponses(
      const std::string& path = NML_SOURCE_DIR "/data/responses.csv") {
    return RunProcess(
        NML_NMLCTL_BIN,
        {"--responses-addr", responses_addr_, "import-responses", path}, {},
        120s);
  }

  int64_t CountRows() {
    pqxx::connection connection(responses_db_.url());
    pqxx::nontransaction tx(connection);
    return tx.exec1("SELECT count(*) FROM responses")[0].as<int64_t>();
  }

  std::vector<v1::Response> List(const std::string& filter) {
    v1::ListResponsesRequest request;
    request.set_filter(filter);
    request.set_page_size(1000);
    v1::ListResponsesResponse response;
    const grpc::Status status =
        stub_->ListResponses(Context().get(), request, &response);
    EXPECT_TRUE(status.ok()) << filter << ": " << status.error_message();
    return {response.responses().begin(), response.responses().end()};
  }

  v1::CreateResponseRequest NewResponse(const std::string& request_id,
                                        const std::string& stakeholder) {
    v1::CreateResponseRequest request;
    request.set_request_id(request_id);
    v1::Response* r = request.mutable_response();
    r->set_stakeholder(stakeholder);
    r->set_review_year(2021);
    r->add_targets("markets/aliexpress");
    r->set_stance(v1::STANCE_WELCOMES);
    r->set_summary("Welcomed the listing of AliExpress.");
    r->set_source_url("https://example.org/statement");
    return request;
  }

  std::string CreateStakeholder(const std::string& name) {
    v1::CreateStakeholderRequest request;
    request.mutable_stakeholder()->set_display_name(name);
    request.mutable_stakeholder()->set_type(v1::STAKEHOLDER_TYPE_RIGHTS_HOLDER);
    v1::CreateStakeholderResponse response;
    const grpc::Status status =
        stub_->CreateStakeholder(Context().get(), request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response.stakeholder().name();
  }

  TestDatabase listings_db_;
  TestDatabase responses_db_;
  std::unique_ptr<Subprocess> listings_;
  int listings_port_ = 0;
  std::unique_ptr<Subprocess> responses_;
  std::string responses_addr_;
  std::unique_ptr<v1::ResponsesService::Stub> stub_;
};

TEST_F(Responses, The2021SummaryCountsWhatTheCsvSays) {
  const auto imported = ImportResponses();
  ASSERT_EQ(imported.exit_status, 0) << imported.err;
  // 31 rows; four stances map to none clearly ("concerned", "defends
  // efforts", "dismisses", "partly disputes") and one target names no
  // listed market ("illicit online pharmacies"): reported, not guessed.
  EXPECT_TRUE(absl::StrContains(imported.out, "imported 26 responses"))
      << imported.out;
  for (const char* line :
       {"responses.csv:3: target_text", "responses.csv:12: stance_text",
        "responses.csv:27: stance_text"}) {
    EXPECT_TRUE(absl::StrContains(imported.out, line)) << imported.out;
  }

  v1::SummarizeStancesRequest request;
  request.set_review_year(2021);
  v1::SummarizeStancesResponse summary;
  ASSERT_TRUE(stub_->SummarizeStances(Context().get(), request, &summary).ok());
  std::map<std::pair<v1::Stance, v1::StakeholderType>, int> counts;
  for (const auto& c : summary.counts()) {
    counts[{c.stance(), c.stakeholder_type()}] = c.count();
  }
  // The CSV's thirteen 2021 rows: MOFCOM and the foreign ministry oppose
  // (government), the Palika Bazaar association opposes (market), Tencent
  // twice and IndiaMART disagree, Alibaba, Bukalapak and Tokopedia commit,
  // Thailand's IP department, the RIAA and AAFA welcome; India
  // "dismisses".
  using T = v1::StakeholderType;
  EXPECT_EQ((counts[{v1::STANCE_OPPOSES, T::STAKEHOLDER_TYPE_GOVERNMENT}]), 2);
  EXPECT_EQ((counts[{v1::STANCE_OPPOSES, T::STAKEHOLDER_TYPE_MARKET_OPERATOR}]),
            1);
  EXPECT_EQ(
      (counts[{v1::STANCE_DISAGREES, T::STAKEHOLDER_TYPE_MARKET_OPERATOR}]), 3);
  EXPECT_EQ((counts[{v1::STANCE_COMMITS_TO_COOPERATE,
                     T::STAKEHOLDER_TYPE_MARKET_OPERATOR}]),
            3);
  EXPECT_EQ((counts[{v1::STANCE_WELCOMES, T::STAKEHOLDER_TYPE_GOVERNMENT}]), 1);
  EXPECT_EQ(
      (counts[{v1::STANCE_WELCOMES, T::STAKEHOLDER_TYPE_INDUSTRY_ASSOCIATION}]),
      2);
  EXPECT_EQ(summary.total(), 12);

  // Loading the file again adds nothing.
  const auto again = ImportResponses();
  EXPECT_TRUE(absl::StrContains(again.out, "(already loaded)")) << again.out;
  EXPECT_EQ(CountRows(), 26);
}

TEST_F(Responses, EachResponseOfTheStoryIsFoundByTargetOrStakeholder) {
  ASSERT_EQ(ImportResponses().exit_status, 0);
  std::set<std::string> on_aliexpress;
  for (const auto& r :
       List("targets:\"markets/aliexpress\" AND review_year = 2021")) {
    on_aliexpress.insert(r.stakeholder_display_name());
  }
  EXPECT_TRUE(on_aliexpress.contains(
      "Ministry of Commerce of the People's Republic of China"));
  EXPECT_TRUE(on_aliexpress.contains("Alibaba Group"));

  const auto tencent = List("stakeholder = \"stakeholders/tencent\"");
  ASSERT_EQ(tencent.size(), 2u);
  EXPECT_EQ(tencent[0].targets(0),
            "markets/wechat-weixin-e-commerce-ecosystem");
  EXPECT_EQ(tencent[0].stance(), v1::STANCE_DISAGREES);

  // The footwear and film associations: the data set has their 2019 and
  // 2020 statements (none dated 2021), found by stakeholder.
  EXPECT_FALSE(List("stakeholder = "
                    "\"stakeholders/american-apparel-footwear-association\"")
                   .empty());
  const auto mpa =
      List("stakeholder = \"stakeholders/motion-picture-association\"");
  ASSERT_FALSE(mpa.empty());
  EXPECT_EQ(mpa[0].stance(), v1::STANCE_WELCOMES);

  v1::GetStanceTimelineRequest timeline;
  timeline.set_stakeholder(
      "stakeholders/american-apparel-footwear-association");
  v1::GetStanceTimelineResponse entries;
  ASSERT_TRUE(
      stub_->GetStanceTimeline(Context().get(), timeline, &entries).ok());
  ASSERT_GE(entries.entries_size(), 3);
  EXPECT_FALSE(entries.entries(0).stance_changed());
  bool changed = false;
  for (const auto& e : entries.entries()) changed |= e.stance_changed();
  EXPECT_TRUE(changed)
      << "AAFA went from supporting the process to welcoming the list";
}

TEST_F(Responses, AnUnknownTargetIsNamedAndNothingIsWritten) {
  const std::string riaa =
      CreateStakeholder("Recording Industry Association of America");
  auto request = NewResponse("unknown-target", riaa);
  request.mutable_response()->add_targets("markets/no-such-market");
  v1::CreateResponseResponse response;
  const grpc::Status status =
      stub_->CreateResponse(Context().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_TRUE(absl::StrContains(status.error_message(),
                                "response.targets[1] (markets/no-such-market)"))
      << status.error_message();
  request.mutable_response()->set_targets(1,
                                          "reviews/2021/listings/aliexpress");
  EXPECT_TRUE(stub_->CreateResponse(Context().get(), request, &response).ok());
  request.mutable_response()->set_targets(1, "not a name");
  request.set_request_id("malformed-target");
  EXPECT_EQ(
      stub_->CreateResponse(Context().get(), request, &response).error_code(),
      grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(CountRows(), 1);
}

TEST_F(Responses, ListingsDownIsUnavailableAndTheRetryAfterwardsWritesOnce) {
  const std::string stakeholder = CreateStakeholder("Footwear Distributors");
  listings_->Signal(SIGTERM);
  ASSERT_TRUE(listings_->Wait(15s).has_value());

  const auto request = NewResponse("while-listings-down", stakeholder);
  v1::CreateResponseResponse response;
  const auto started = std::chrono::steady_clock::now();
  const grpc::Status down =
      stub_->CreateResponse(Context(3s).get(), request, &response);
  const auto took = std::chrono::steady_clock::now() - started;
  EXPECT_EQ(down.error_code(), grpc::StatusCode::UNAVAILABLE)
      << down.error_message();
  EXPECT_LT(took, 3500ms);
  EXPECT_EQ(CountRows(), 0);

  listings_ = StartListings(listings_db_.url(), listings_port_);
  ASSERT_EQ(listings_->WaitForListeningPort(30s), listings_port_)
      << listings_->Stderr();
  grpc::Status up;
  for (int attempt = 0; attempt < 50; ++attempt) {
    up = stub_->CreateResponse(Context().get(), request, &response);
    if (up.error_code() != grpc::StatusCode::UNAVAILABLE) break;
    std::this_thread::sleep_for(100ms);
  }
  ASSERT_TRUE(up.ok()) << up.error_message();
  v1::CreateResponseResponse again;
  ASSERT_TRUE(stub_->CreateResponse(Context().get(), request, &again).ok());
  EXPECT_EQ(again.response().name(), response.response().name());
  EXPECT_EQ(CountRows(), 1);
}

TEST_F(Responses, ARetryOfACommittedWriteReplaysWhileListingsIsDown) {
  ASSERT_EQ(ImportResponses().exit_status, 0);
  const std::string stakeholder = CreateStakeholder("Footwear Distributors");
  const auto request = NewResponse("committed-before-outage", stakeholder);
  v1::CreateResponseResponse first;
  ASSERT_TRUE(stub_->CreateResponse(Context().get(), request, &first).ok());
  const int64_t rows = CountRows();

  listings_->Signal(SIGKILL);
  ASSERT_TRUE(listings_->Wait(15s).has_value());
  // The answer is stored: a retry gets it without asking listings (AIP-155).
  v1::CreateResponseResponse again;
  const grpc::Status retried =
      stub_->CreateResponse(Context(3s).get(), request, &again);
  ASSERT_TRUE(retried.ok()) << retried.error_message();
  EXPECT_EQ(again.response().name(), first.response().name());
  EXPECT_EQ(again.response().etag(), first.response().etag());
  // So does a retried import, and the same id with another request is
  // still refused.
  EXPECT_TRUE(absl::StrContains(ImportResponses().out, "(already loaded)"));
  auto other = request;
  other.mutable_response()->set_summary("Another statement.");
  v1::CreateResponseResponse refused;
  EXPECT_EQ(
      stub_->CreateResponse(Context(3s).get(), other, &refused).error_code(),
      grpc::StatusCode::ALREADY_EXISTS);
  // A new write needs listings, and says so.
  v1::CreateResponseResponse down;
  EXPECT_EQ(
      stub_
          ->CreateResponse(Context(3s).get(),
                           NewResponse("new-during-outage", stakeholder), &down)
          .error_code(),
      grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(CountRows(), rows);
}

TEST_F(Responses, FiftyConcurrentRetriesWriteOneRow) {
  const std::string stakeholder =
      CreateStakeholder("Anti-Counterfeiting Group");
  const auto request = NewResponse("one-request", stakeholder);
  std::vector<std::future<std::pair<grpc::Status, std::string>>> calls;
  for (int i = 0; i < 50; ++i) {
    calls.push_back(std::async(std::launch::async, [&] {
      v1::CreateResponseResponse response;
      const grpc::Status status =
          stub_->CreateResponse(Context(30s).get(), request, &response);
      return std::make_pair(status, response.response().name());
    }));
  }
  std::set<std::string> names;
  for (auto& call : calls) {
    const auto [status, name] = call.get();
    EXPECT_TRUE(status.ok()) << status.error_message();
    names.insert(name);
  }
  EXPECT_EQ(names.size(), 1u);
  EXPECT_EQ(CountRows(), 1);

  // The same id with another body is refused.
  auto other = request;
  other.mutable_response()->set_summary("Something else entirely.");
  v1::CreateResponseResponse response;
  EXPECT_EQ(
      stub_->CreateResponse(Context().get(), other, &response).error_code(),
      grpc::StatusCode::ALREADY_EXISTS);
}

TEST_F(Responses, BadFiltersAndTokensAreInvalidArgumentsNeverServerErrors) {
  ASSERT_EQ(ImportResponses().exit_status, 0);
  for (const std::string filter :
       {"stance = ", "stance = HAPPY", "review_year = \"2021\"",
        "targets = \"x\"", "stakeholder = \"tencent\"",
        "stated_on >= \"Feb 2022\"", "review_year = 2021; DROP TABLE responses",
        "((((review_year = 1"}) {
    v1::ListResponsesRequest request;
    request.set_filter(filter);
    v1::ListResponsesResponse response;
    const grpc::Status status =
        stub_->ListResponses(Context().get(), request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << filter << ": " << status.error_message();
  }
  for (const std::string& token :
       std::vector<std::string>{"garbage", "AAAA", std::string(2000, 'x')}) {
    v1::ListResponsesRequest request;
    request.set_page_token(token);
    v1::ListResponsesResponse response;
    EXPECT_EQ(
        stub_->ListResponses(Context().get(), request, &response).error_code(),
        grpc::StatusCode::INVALID_ARGUMENT);
  }
  v1::ListResponsesRequest order;
  order.set_order_by("summary");
  v1::ListResponsesResponse response;
  EXPECT_EQ(
      stub_->ListResponses(Context().get(), order, &response).error_code(),
      grpc::StatusCode::INVALID_ARGUMENT);
}

TEST_F(Responses, KeysetPagesVisitEveryResponseOnceInEveryOrder) {
  ASSERT_EQ(ImportResponses().exit_status, 0);
  for (const std::string order : {"", "stated_on desc", "review_year",
                                  "review_year desc", "create_time"}) {
    v1::ListResponsesRequest request;
    request.set_page_size(3);
    request.set_order_by(order);
    std::vector<std::string> seen;
    for (;;) {
      v1::ListResponsesResponse page;
      ASSERT_TRUE(stub_->ListResponses(Context().get(), request, &page).ok())
          << order;
      for (const auto& r : page.responses()) seen.push_back(r.name());
      if (page.next_page_token().empty()) break;
      request.set_page_token(page.next_page_token());
    }
    EXPECT_EQ(seen.size(), 26u) << order;
    EXPECT_EQ(std::set<std::string>(seen.begin(), seen.end()).size(), 26u)
        << order;
  }
}

TEST_F(Responses, HostileStringsAreStoredExactlyOrRefusedWithTheField) {
  const std::string stakeholder =
      CreateStakeholder("O'Brien \"Quotes\"; DROP TABLE x;--");
  v1::GetStakeholderRequest get;
  get.set_name(stakeholder);
  v1::GetStakeholderResponse got;
  ASSERT_TRUE(stub_->GetStakeholder(Context().get(), get, &got).ok());
  EXPECT_EQ(got.stakeholder().display_name(),
            "O'Brien \"Quotes\"; DROP TABLE x;--");

  const std::string hostile =
      "'); DROP TABLE responses; -- \" \\ % _ \u00e9\u4e2d\U0001F600";
  auto request = NewResponse("hostile-ok", stakeholder);
  v1::Response* r = request.mutable_response();
  r->set_summary(hostile);
  r->set_quote(hostile.substr(0, 30));
  r->add_commitments(hostile);
  r->set_source_url("https://example.org/a?b='c'&d=\"e\"");
  v1::CreateResponseResponse created;
  ASSERT_TRUE(stub_->CreateResponse(Context().get(), request, &created).ok());
  v1::GetResponseRequest get_response;
  get_response.set_name(created.response().name());
  v1::GetResponseResponse stored;
  ASSERT_TRUE(stub_->GetResponse(Context().get(), get_response, &stored).ok());
  EXPECT_EQ(stored.response().summary(), hostile);
  EXPECT_EQ(stored.response().commitments(0), hostile);
  EXPECT_EQ(stored.response().source_url(),
            "https://example.org/a?b='c'&d=\"e\"");

  struct Case {
    std::string field;
    std::function<void(v1::Response&)> spoil;
  };
  const std::string nul("a\0b", 3);
  const std::string mib(1 << 20, 'x');
  const std::vector<Case> cases = {
      {"response.summary", [&](v1::Response& x) { x.set_summary(nul); }},
      {"response.summary", [&](v1::Response& x) { x.set_summary(mib); }},
      {"response.quote", [&](v1::Response& x) { x.set_quote(mib); }},
      {"response.quote", [&](v1::Response& x) { x.set_quote(nul); }},
      {"response.commitments[0]",
       [&](v1::Response& x) { x.add_commitments(nul); }},
      {"response.commitments[0]",
       [&](v1::Response& x) { x.add_commitments(mib); }},
      {"response.source_url", [&](v1::Response& x) { x.set_source_url(mib); }},
      {"response.source_url",
       [&](v1::Response& x) { x.set_source_url("javascript:1"); }},
      {"response.targets[0]", [&](v1::Response& x) { x.set_targets(0, nul); }},
      {"response.targets[0]", [&](v1::Response& x) { x.set_targets(0, mib); }},
      {"response.stakeholder",
       [&](v1::Response& x) { x.set_stakeholder(nul); }},
      {"response.stakeholder",
       [&](v1::Response& x) { x.set_stakeholder("'; DROP"); }},
  };
  const int64_t rows = CountRows();
  for (size_t i = 0; i < cases.size(); ++i) {
    auto bad = NewResponse(absl::StrCat("hostile-", i), stakeholder);
    cases[i].spoil(*bad.mutable_response());
    v1::CreateResponseResponse response;
    const grpc::Status status =
        stub_->CreateResponse(Context().get(), bad, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << i;
    EXPECT_TRUE(absl::StartsWith(status.error_message(), cases[i].field + ":"))
        << i << ": " << status.error_message();
  }
  EXPECT_EQ(CountRows(), rows);

  v1::CreateStakeholderRequest bad_stakeholder;
  bad_stakeholder.mutable_stakeholder()->set_display_name(nul);
  bad_stakeholder.mutable_stakeholder()->set_type(v1::STAKEHOLDER_TYPE_OTHER);
  v1::CreateStakeholderResponse ignored;
  const auto status =
      stub_->CreateStakeholder(Context().get(), bad_stakeholder, &ignored);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(
      absl::StartsWith(status.error_message(), "stakeholder.display_name:"));
}

TEST_F(Responses, AFileLargerThanOneMessageIsStreamedInParts) {
  // 6,000 rows are about 1 MB, over this server's 512 KiB messages, and so
  // is the answer listing every response recorded.
  StartResponses({{"NML_MAX_MESSAGE_BYTES", "524288"}});
  const std::string path = ::testing::TempDir() + "/streamed-responses.csv";
  {
    std::ofstream csv(path);
    csv << "year,stakeholder,stakeholder_type,target_market,stance,"
           "paraphrase,date,source_url\n";
    for (int i = 0; i < 6000; ++i) {
      csv << "2021,Association " << i % 50
          << ",industry association,AliExpress,welcomes,Statement " << i
          << " welcoming the listing of AliExpress and asking for "
             "enforcement.,2022-02,https://example.org/statements/"
          << i << "\n";
    }
    // A row whose stance does not map is skipped and reported by its line.
    csv << "2021,Association 1,industry association,AliExpress,ponders,"
           "Undecided.,2022-02,https://example.org/undecided\n";
  }
  const auto loaded = ImportResponses(path);
  const auto again = ImportResponses(path);
  std::filesystem::remove(path);
  ASSERT_EQ(loaded.exit_status, 0) << loaded.err;
  EXPECT_TRUE(absl::StrContains(loaded.err, "sent 6001 of 6001 rows"))
      << loaded.err;
  EXPECT_TRUE(absl::StrContains(loaded.err, "were left out of the answer"))
      << loaded.err;
  EXPECT_TRUE(
      absl::StrContains(loaded.out,
                        "imported 6000 responses, 50 new stakeholders, 1 rows "
                        "skipped"))
      << loaded.out;
  EXPECT_TRUE(absl::StrContains(loaded.out,
                                "streamed-responses.csv:6002: "
                                "stance_text"))
      << loaded.out;
  ASSERT_EQ(again.exit_status, 0) << again.err;
  EXPECT_TRUE(absl::StrContains(again.out, "(already loaded)")) << again.out;
  EXPECT_EQ(CountRows(), 6000);
  EXPECT_EQ(List("stakeholder = \"stakeholders/association-7\"").size(), 120u);
}

// One row of an import that the fixture's data resolves.
void AddRow(v1::ImportResponsesRequest& import) {
  v1::ImportedResponse& row = *import.add_rows();
  row.set_review_year(2021);
  row.set_stakeholder_display_name("Alibaba Group");
  row.set_target_text("AliExpress");
  row.set_stance_text("welcomes");
  row.set_summary("A statement.");
  row.set_source_url("https://example.org/a");
}

TEST_F(Responses, AStreamedImportRefusesOptionsInALaterPartAndWritesNothing) {
  auto context = Context();
  v1::ImportResponsesStreamResponse answer;
  auto stream = stub_->ImportResponsesStream(context.get(), &answer);
  v1::ImportResponsesStreamRequest part;
  v1::ImportResponsesRequest& import = *part.mutable_import();
  import.set_request_id("streamed-bad");
  AddRow(import);
  ASSERT_TRUE(stream->Write(part));
  // A second part may carry rows only.
  import.set_validate_only(true);
  stream->Write(part);
  stream->WritesDone();
  const grpc::Status status = stream->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_TRUE(absl::StrContains(status.error_message(), "part 2"))
      << status.error_message();
  EXPECT_EQ(CountRows(), 0) << "nothing was written";
}

TEST_F(Responses, AStreamThatEndsWithoutItsLastPartWritesNothing) {
  // A part that does not decode ends the stream as a client's close does;
  // only a stream whose final part says last_part is written.
  for (const bool marked : {false, true}) {
    auto context = Context();
    v1::ImportResponsesStreamResponse answer;
    auto stream = stub_->ImportResponsesStream(context.get(), &answer);
    v1::ImportResponsesStreamRequest part;
    v1::ImportResponsesRequest& import = *part.mutable_import();
    import.set_request_id(marked ? "streamed-marked" : "streamed-unmarked");
    AddRow(import);
    part.set_last_part(marked);
    ASSERT_TRUE(stream->Write(part));
    stream->WritesDone();
    const grpc::Status status = stream->Finish();
    if (marked) {
      EXPECT_TRUE(status.ok()) << status.error_message();
      EXPECT_EQ(CountRows(), 1);
    } else {
      EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
      EXPECT_TRUE(absl::StrContains(status.error_message(), "last_part"))
          << status.error_message();
      EXPECT_EQ(CountRows(), 0);
    }
  }
}

TEST_F(Responses, SoftDeleteHidesAndUndeleteRestores) {
  ASSERT_EQ(ImportResponses().exit_status, 0);
  const auto before = List("stakeholder = \"stakeholders/alibaba-group\"");
  ASSERT_EQ(before.size(), 1u);
  v1::DeleteResponseRequest del;
  del.set_name(before[0].name());
  del.set_etag("stale");
  v1::DeleteResponseResponse deleted;
  const grpc::Status stale =
      stub_->DeleteResponse(Context().get(), del, &deleted);
  EXPECT_EQ(stale.error_code(), grpc::StatusCode::ABORTED);
  EXPECT_EQ(common::ErrorInfoReasons(stale),
            std::vector<std::string>{common::kEtagMismatchReason});
  del.set_etag(before[0].etag());
  ASSERT_TRUE(stub_->DeleteResponse(Context().get(), del, &deleted).ok());
  EXPECT_TRUE(deleted.response().has_delete_time());
  EXPECT_TRUE(List("stakeholder = \"stakeholders/alibaba-group\"").empty());

  v1::UndeleteResponseRequest undelete;
  undelete.set_name(before[0].name());
  v1::UndeleteResponseResponse restored;
  ASSERT_TRUE(
      stub_->UndeleteResponse(Context().get(), undelete, &restored).ok());
  EXPECT_FALSE(restored.response().has_delete_time());
  EXPECT_EQ(List("stakeholder = \"stakeholders/alibaba-group\"").size(), 1u);
}

}  // namespace
}  // namespace nml::responses
