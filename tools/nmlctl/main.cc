// nmlctl: the command line for nml, on the generated gRPC stubs.
//
// Exit status: 0 success, 1 the server answered with an error (or the
// input was refused), 2 bad usage, 3 the server could not be reached.
#include <absl/strings/str_cat.h>
#include <absl/strings/str_format.h>
#include <absl/strings/str_join.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>
#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/security/credentials.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <future>
#include <string>

#include "common/config.h"
#include "common/tls.h"
#include "nml/gateway/v1/gateway_service.grpc.pb.h"
#include "nml/listings/v1/listings_service.grpc.pb.h"
#include "nml/responses/v1/responses_service.grpc.pb.h"
#include "tools/nmlctl/csv.h"
#include "tools/nmlctl/import.h"
#include "tools/nmlctl/responses_import.h"

namespace {

namespace v1 = nml::listings::v1;

constexpr int kServerError = 1;
constexpr int kUnreachable = 3;

namespace rv1 = nml::responses::v1;

struct GlobalOptions {
  std::string addr = "127.0.0.1:50051";
  std::string responses_addr = "127.0.0.1:50052";
  std::string gateway_addr = "127.0.0.1:50050";
  std::string token;
  nml::common::ClientTlsOptions tls;
  int timeout_ms = 10000;
  bool json = false;
};

// A channel to `address`, with TLS when --tls-ca is given.
std::shared_ptr<grpc::Channel> Channel(const GlobalOptions& options,
                                       const std::string& address) {
  auto credentials = nml::common::MakeChannelCredentials(options.tls);
  if (!credentials.ok()) {
    std::fprintf(stderr, "nmlctl: %s\n",
                 std::string(credentials.status().message()).c_str());
    std::exit(2);
  }
  return grpc::CreateChannel(address, *credentials);
}

// A context for one call: the deadline and the API key.
std::unique_ptr<grpc::ClientContext> NewContext(const GlobalOptions& options) {
  auto context = std::make_unique<grpc::ClientContext>();
  context->set_deadline(std::chrono::system_clock::now() +
                        std::chrono::milliseconds(options.timeout_ms));
  if (!options.token.empty()) {
    context->AddMetadata("authorization", "Bearer " + options.token);
  }
  return context;
}

int ExitCodeFor(const grpc::Status& status) {
  if (status.ok()) return 0;
  return status.error_code() == grpc::StatusCode::UNAVAILABLE ||
                 status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED
             ? kUnreachable
             : kServerError;
}

int ReportError(const GlobalOptions& options, const grpc::Status& status) {
  std::fprintf(stderr, "nmlctl: %s: %s (%d)\n", options.addr.c_str(),
               status.error_message().c_str(), status.error_code());
  return ExitCodeFor(status);
}

void PrintJson(const google::protobuf::Message& message) {
  std::string out;
  google::protobuf::util::JsonPrintOptions print;
  print.add_whitespace = true;
  print.always_print_primitive_fields = true;
  (void)google::protobuf::util::MessageToJsonString(message, &out, print);
  std::fputs(out.c_str(), stdout);
}

class Client {
 public:
  explicit Client(const GlobalOptions& options)
      : options_(options),
        stub_(v1::ListingsService::NewStub(Channel(options, options.addr))) {}

  // Calls `method` with a deadline; prints errors; returns the exit code.
  template <typename Request, typename Response>
  int Call(grpc::Status (v1::ListingsService::Stub::*method)(
               grpc::ClientContext*, const Request&, Response*),
           const Request& request, Response* response) {
    auto context = NewContext(options_);
    const grpc::Status status =
        ((*stub_).*method)(context.get(), request, response);
    if (!status.ok()) return ReportError(options_, status);
    return 0;
  }

  const GlobalOptions& options() const { return options_; }

 private:
  const GlobalOptions& options_;
  std::unique_ptr<v1::ListingsService::Stub> stub_;
};

std::string KindName(v1::MarketKind kind) {
  return kind == v1::MARKET_KIND_ONLINE     ? "online"
         : kind == v1::MARKET_KIND_PHYSICAL ? "physical"
                                            : "-";
}

std::string StateName(v1::ReviewState state) {
  return state == v1::REVIEW_STATE_PUBLISHED ? "PUBLISHED" : "DRAFT";
}

void PrintReviewLine(const v1::Review& r) {
  std::printf("%-6d %-10s online %3d/%-3d physical %3d/%-3d %s\n", r.year(),
              StateName(r.state()).c_str(), r.online_count(),
              r.declared_online_count(), r.physical_count(),
              r.declared_physical_count(),
              r.complete() ? "complete" : "incomplete");
}

// ------------------------------------------------------------ commands

int Status(Client& client) {
  v1::GetDataStatusResponse response;
  if (int rc = client.Call(&v1::ListingsService::Stub::GetDataStatus,
                           v1::GetDataStatusRequest(), &response)) {
    return rc;
  }
  if (client.options().json) {
    PrintJson(response);
    return 0;
  }
  using google::protobuf::util::TimeUtil;
  std::printf("data version  %lld\n",
              static_cast<long long>(response.data_version()));
  std::printf("snapshot      %s\n",
              TimeUtil::ToString(response.snapshot_time()).c_str());
  std::printf("last import   %s\n",
              response.has_last_import_time()
                  ? TimeUtil::ToString(response.last_import_time()).c_str()
                  : "never");
  std::printf("markets %d, operators %d, listings %d\n",
              response.market_count(), response.operator_count(),
              response.listing_count());
  for (const v1::Review& r : response.reviews()) PrintReviewLine(r);
  return 0;
}

int Import(Client& client, const std::string& markets_path,
           const std::string& counts_path) {
  auto markets = nml::cli::ReadFile(markets_path);
  if (!markets.ok()) {
    std::fprintf(stderr, "nmlctl: %s\n",
                 std::string(markets.status().message()).c_str());
    return kServerError;
  }
  auto counts = nml::cli::ReadFile(counts_path);
  if (!counts.ok()) {
    std::fprintf(stderr, "nmlctl: %s\n",
                 std::string(counts.status().message()).c_str());
    return kServerError;
  }
  auto imports = nml::cli::BuildReviewImports(markets_path, *markets,
                                              counts_path, *counts);
  if (!imports.ok()) {
    std::fprintf(stderr, "nmlctl: %s\n",
                 std::string(imports.status().message()).c_str());
    return kServerError;
  }
  // Everything is checked before anything is written: one bad row anywhere
  // and nothing is imported.
  for (const auto& import : *imports) {
    v1::ImportReviewRequest check = import.request;
    check.set_validate_only(true);
    v1::ImportReviewResponse response;
    auto context = NewContext(client.options());
    auto stub = v1::ListingsService::NewStub(
        Channel(client.options(), client.options().addr));
    const grpc::Status status =
        stub->ImportReview(context.get(), check, &response);
    if (status.error_code() == grpc::StatusCode::INVALID_ARGUMENT ||
        status.error_code() == grpc::StatusCode::FAILED_PRECONDITION) {
      std::fprintf(stderr, "nmlctl: import refused, nothing written: %s\n",
                   nml::cli::LocateImportError(status.error_message(), import,
                                               markets_path)
                       .c_str());
      return kServerError;
    }
    if (!status.ok()) return ReportError(client.options(), status);
  }
  int listings = 0, created = 0, replayed = 0;
  for (const auto& import : *imports) {
    v1::ImportReviewResponse response;
    if (int rc = client.Call(&v1::ListingsService::Stub::ImportReview,
                             import.request, &response)) {
      return rc;
    }
    const v1::Review& r = response.review();
    listings += r.online_count() + r.physical_count();
    created += response.markets_created();
    replayed += response.replayed() ? 1 : 0;
    std::printf(
        "reviews/%d %-10s %2d online, %2d physical; %d markets new, %d "
        "updated%s%s%s\n",
        r.year(), StateName(r.state()).c_str(), r.online_count(),
        r.physical_count(), response.markets_created(),
        response.markets_updated(), response.replayed() ? " (unchanged)" : "",
        response.publication_blocker().empty() ? "" : "; ",
        response.publication_blocker().c_str());
    if (client.options().json) PrintJson(response);
  }
  std::printf(
      "imported %zu reviews, %d listings, %d new markets%s\n", imports->size(),
      listings, created,
      replayed == static_cast<int>(imports->size()) ? " (already loaded)" : "");
  return 0;
}

int ListListings(Client& client, int year, const std::string& filter) {
  v1::ListListingsRequest request;
  request.set_parent(year == 0 ? "reviews/-" : absl::StrCat("reviews/", year));
  request.set_filter(filter);
  request.set_page_size(1000);
  for (;;) {
    v1::ListListingsResponse response;
    if (int rc = client.Call(&v1::ListingsService::Stub::ListListings, request,
                             &response)) {
      return rc;
    }
    if (client.options().json) {
      PrintJson(response);
    } else {
      for (const v1::Listing& l : response.listings()) {
        std::printf("%-45s %-9s %s%s\n", l.name().c_str(),
                    KindName(l.market_kind()).c_str(),
                    l.market_display_name().c_str(),
                    l.first_time() ? "  [first time]" : "");
      }
    }
    if (response.next_page_token().empty()) break;
    request.set_page_token(response.next_page_token());
  }
  return 0;
}

int History(Client& client, const std::string& market) {
  v1::GetMarketHistoryRequest request;
  request.set_market(market.starts_with("markets/") ? market
                                                    : "markets/" + market);
  v1::GetMarketHistoryResponse response;
  if (int rc = client.Call(&v1::ListingsService::Stub::GetMarketHistory,
                           request, &response)) {
    return rc;
  }
  if (client.options().json) {
    PrintJson(response);
    return 0;
  }
  std::printf("%s (%s)\n", response.market().display_name().c_str(),
              response.market().name().c_str());
  std::vector<std::string> periods;
  for (const auto& p : response.periods()) {
    periods.push_back(p.first_year() == p.last_year()
                          ? absl::StrCat(p.first_year())
                          : absl::StrCat(p.first_year(), "-", p.last_year()));
  }
  std::printf("listed: %s\n",
              periods.empty() ? "never" : absl::StrJoin(periods, ", ").c_str());
  return 0;
}

int Diff(Client& client, int base, int target) {
  v1::DiffReviewsRequest request;
  request.set_base_year(base);
  request.set_target_year(target);
  v1::DiffReviewsResponse response;
  if (int rc = client.Call(&v1::ListingsService::Stub::DiffReviews, request,
                           &response)) {
    return rc;
  }
  if (client.options().json) {
    PrintJson(response);
    return 0;
  }
  for (const auto& c : response.changes()) {
    std::printf("%-9s %-9s %s\n",
                v1::ChangeType_Name(c.change()).substr(12).c_str(),
                KindName(c.kind()).c_str(), c.market_display_name().c_str());
  }
  std::printf("added %d, removed %d, retained %d, relisted %d%s\n",
              response.added_count(), response.removed_count(),
              response.retained_count(), response.relisted_count(),
              response.incomplete_data() ? " (incomplete data)" : "");
  return 0;
}

int Stats(Client& client, int year) {
  v1::GetReviewStatsRequest request;
  request.set_name(absl::StrCat("reviews/", year));
  v1::GetReviewStatsResponse response;
  if (int rc = client.Call(&v1::ListingsService::Stub::GetReviewStats, request,
                           &response)) {
    return rc;
  }
  if (client.options().json) {
    PrintJson(response);
    return 0;
  }
  PrintReviewLine(response.review());
  auto print = [](const char* title, const auto& counts) {
    std::printf("%s:", title);
    for (const auto& c : counts) {
      std::printf(
          " %s=%d",
          (c.label().empty() ? (c.key().empty() ? "?" : c.key()) : c.label())
              .c_str(),
          c.count());
    }
    std::printf("\n");
  };
  print("by country", response.by_country());
  print("by operator", response.by_operator());
  print("by infringement", response.by_infringement_type());
  std::printf("first time %d, relisted %d\n", response.first_time_count(),
              response.relisted_count());
  return 0;
}

int Screen(Client& client, const std::vector<std::string>& inputs, int year,
           bool rollup) {
  v1::ScreenDomainsRequest request;
  request.mutable_options()->set_review_year(year);
  request.mutable_options()->set_operator_rollup(rollup);
  for (const auto& input : inputs) request.add_items()->set_input(input);
  v1::ScreenDomainsResponse response;
  if (int rc = client.Call(&v1::ListingsService::Stub::ScreenDomains, request,
                           &response)) {
    return rc;
  }
  if (client.options().json) {
    PrintJson(response);
    return 0;
  }
  for (const auto& r : response.results()) {
    if (r.has_error()) {
      std::printf("%s: error: %s\n", r.input().c_str(),
                  r.error().message().c_str());
    } else if (r.matches().empty()) {
      std::printf("%s: not listed in %d (host %s)\n", r.input().c_str(),
                  r.review_year(), r.host().c_str());
    } else {
      for (const auto& m : r.matches()) {
        std::printf("%s: LISTED %s (%s via %s)\n", r.input().c_str(),
                    m.listing().c_str(), v1::MatchRule_Name(m.rule()).c_str(),
                    m.pattern().c_str());
      }
    }
  }
  return 0;
}

int Search(Client& client, const std::string& query) {
  v1::SearchMarketsRequest request;
  request.set_query(query);
  v1::SearchMarketsResponse response;
  if (int rc = client.Call(&v1::ListingsService::Stub::SearchMarkets, request,
                           &response)) {
    return rc;
  }
  if (client.options().json) {
    PrintJson(response);
    return 0;
  }
  for (const auto& hit : response.hits()) {
    std::printf("%.2f  %-30s %s\n", hit.score(), hit.market().name().c_str(),
                hit.market().display_name().c_str());
  }
  return 0;
}

// ------------------------------------------------------------ responses

class ResponsesClient {
 public:
  explicit ResponsesClient(const GlobalOptions& options)
      : options_(options),
        stub_(rv1::ResponsesService::NewStub(
            Channel(options, options.responses_addr))) {}

  template <typename Request, typename Response>
  int Call(grpc::Status (rv1::ResponsesService::Stub::*method)(
               grpc::ClientContext*, const Request&, Response*),
           const Request& request, Response* response) {
    auto context = NewContext(options_);
    const grpc::Status status =
        ((*stub_).*method)(context.get(), request, response);
    if (!status.ok()) {
      GlobalOptions shown = options_;
      shown.addr = options_.responses_addr;
      return ReportError(shown, status);
    }
    return 0;
  }
  const GlobalOptions& options() const { return options_; }

 private:
  const GlobalOptions& options_;
  std::unique_ptr<rv1::ResponsesService::Stub> stub_;
};

std::string Date(const nml::type::v1::Date& d) {
  if (d.year() == 0) return "?";
  if (d.month() == 0) return absl::StrCat(d.year());
  if (d.day() == 0) return absl::StrFormat("%04d-%02d", d.year(), d.month());
  return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
}

void PrintResponse(const rv1::Response& r) {
  std::printf("%-10s %-28s %-45.45s %s\n", Date(r.stated_on()).c_str(),
              rv1::Stance_Name(r.stance()).substr(7).c_str(),
              r.stakeholder_display_name().c_str(),
              absl::StrJoin(r.targets(), ", ").c_str());
}

int ImportResponses(ResponsesClient& client, const std::string& path) {
  auto text = nml::cli::ReadFile(path);
  if (!text.ok()) {
    std::fprintf(stderr, "nmlctl: %s\n",
                 std::string(text.status().message()).c_str());
    return kServerError;
  }
  auto request = nml::cli::BuildResponsesImport(path, *text);
  if (!request.ok()) {
    std::fprintf(stderr, "nmlctl: %s\n",
                 std::string(request.status().message()).c_str());
    return kServerError;
  }
  rv1::ImportResponsesResponse response;
  if (int rc = client.Call(&rv1::ResponsesService::Stub::ImportResponses,
                           request->request, &response)) {
    return rc;
  }
  if (client.options().json) {
    PrintJson(response);
    return 0;
  }
  for (const auto& issue : response.skipped()) {
    std::printf("skipped %s:%d: %s: %s\n", path.c_str(),
                request->lines[static_cast<size_t>(issue.row())],
                issue.field().c_str(), issue.message().c_str());
  }
  std::printf("imported %d responses, %d new stakeholders, %d rows skipped%s\n",
              response.responses_size(), response.stakeholders_created(),
              response.skipped_size(),
              response.replayed() ? " (already loaded)" : "");
  return 0;
}

int ListResponses(ResponsesClient& client, const std::string& filter) {
  rv1::ListResponsesRequest request;
  request.set_filter(filter);
  request.set_page_size(1000);
  for (;;) {
    rv1::ListResponsesResponse response;
    if (int rc = client.Call(&rv1::ResponsesService::Stub::ListResponses,
                             request, &response)) {
      return rc;
    }
    if (client.options().json) {
      PrintJson(response);
    } else {
      for (const auto& r : response.responses()) PrintResponse(r);
    }
    if (response.next_page_token().empty()) return 0;
    request.set_page_token(response.next_page_token());
  }
}

int Stances(ResponsesClient& client, int year, const std::string& target,
            const std::string& stakeholder) {
  rv1::SummarizeStancesRequest request;
  if (year != 0) request.set_review_year(year);
  if (!target.empty()) request.set_target(target);
  if (!stakeholder.empty()) request.set_stakeholder(stakeholder);
  rv1::SummarizeStancesResponse response;
  if (int rc = client.Call(&rv1::ResponsesService::Stub::SummarizeStances,
                           request, &response)) {
    return rc;
  }
  if (client.options().json) {
    PrintJson(response);
    return 0;
  }
  for (const auto& c : response.counts()) {
    std::printf(
        "%-28s %-38s %d\n", rv1::Stance_Name(c.stance()).substr(7).c_str(),
        rv1::StakeholderType_Name(c.stakeholder_type()).substr(17).c_str(),
        c.count());
  }
  std::printf("%d responses from %d stakeholders\n", response.total(),
              response.stakeholder_count());
  return 0;
}

int Timeline(ResponsesClient& client, const std::string& target,
             const std::string& stakeholder) {
  rv1::GetStanceTimelineRequest request;
  if (!target.empty()) request.set_target(target);
  if (!stakeholder.empty()) request.set_stakeholder(stakeholder);
  rv1::GetStanceTimelineResponse response;
  if (int rc = client.Call(&rv1::ResponsesService::Stub::GetStanceTimeline,
                           request, &response)) {
    return rc;
  }
  if (client.options().json) {
    PrintJson(response);
    return 0;
  }
  for (const auto& e : response.entries()) {
    PrintResponse(e.response());
    if (e.stance_changed()) {
      std::printf("           ^ changed from %s\n",
                  rv1::Stance_Name(e.previous_stance()).substr(7).c_str());
    }
  }
  return 0;
}

// ------------------------------------------------------------ gateway, any RPC

std::string AddressFor(const GlobalOptions& options,
                       const std::string& service) {
  if (service == "nml.responses.v1.ResponsesService")
    return options.responses_addr;
  if (service == "nml.gateway.v1.GatewayService") return options.gateway_addr;
  return options.addr;
}

// Calls any RPC of the three services by name with a JSON request (the
// protobuf JSON mapping), printing the JSON answer: every write, merge,
// split, delete and undelete, without a subcommand each.
int CallRpc(const GlobalOptions& options, const std::string& name,
            const std::string& json) {
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  const size_t dot = name.rfind('.');
  const google::protobuf::MethodDescriptor* method = nullptr;
  if (dot != std::string::npos) {
    std::string service = name.substr(0, dot);
    for (const char* package :
         {"", "nml.listings.v1.", "nml.responses.v1.", "nml.gateway.v1."}) {
      const auto* found = pool->FindServiceByName(package + service);
      if (found != nullptr) {
        method = found->FindMethodByName(name.substr(dot + 1));
        break;
      }
    }
  }
  if (method == nullptr) {
    std::fprintf(stderr,
                 "nmlctl: call: no RPC '%s' (write Service.Method, e.g. "
                 "ListingsService.CreateMarket)\n",
                 name.c_str());
    return 2;
  }
  auto* factory = google::protobuf::MessageFactory::generated_factory();
  std::unique_ptr<google::protobuf::Message> request(
      factory->GetPrototype(method->input_type())->New());
  std::unique_ptr<google::protobuf::Message> response(
      factory->GetPrototype(method->output_type())->New());
  google::protobuf::util::JsonParseOptions strict;
  if (auto st = google::protobuf::util::JsonStringToMessage(
          json.empty() ? "{}" : json, request.get(), strict);
      !st.ok()) {
    std::fprintf(stderr, "nmlctl: call: request: %s\n",
                 std::string(st.message()).c_str());
    return 2;
  }
  GlobalOptions shown = options;
  shown.addr = AddressFor(options, method->service()->full_name());
  auto channel = Channel(options, shown.addr);
  grpc::GenericStub stub(channel);
  auto context = NewContext(options);
  std::string bytes;
  request->SerializeToString(&bytes);
  grpc::Slice slice(bytes);
  grpc::ByteBuffer in(&slice, 1);
  grpc::ByteBuffer out;
  std::promise<grpc::Status> done;
  stub.UnaryCall(context.get(),
                 "/" + method->service()->full_name() + "/" + method->name(),
                 grpc::StubOptions(), &in, &out,
                 [&done](grpc::Status s) { done.set_value(std::move(s)); });
  const grpc::Status status = done.get_future().get();
  if (!status.ok()) return ReportError(shown, status);
  std::vector<grpc::Slice> slices;
  (void)out.Dump(&slices);
  std::string answer;
  for (const auto& s : slices)
    answer.append(reinterpret_cast<const char*>(s.begin()), s.size());
  response->ParseFromString(answer);
  PrintJson(*response);
  return 0;
}

int Dossier(const GlobalOptions& options, const std::string& market) {
  auto stub = nml::gateway::v1::GatewayService::NewStub(
      Channel(options, options.gateway_addr));
  nml::gateway::v1::GetMarketDossierRequest request;
  request.set_market(market.starts_with("markets/") ? market
                                                    : "markets/" + market);
  nml::gateway::v1::GetMarketDossierResponse response;
  auto context = NewContext(options);
  const grpc::Status status =
      stub->GetMarketDossier(context.get(), request, &response);
  GlobalOptions shown = options;
  shown.addr = options.gateway_addr;
  if (!status.ok()) return ReportError(shown, status);
  if (options.json) {
    PrintJson(response);
    return 0;
  }
  const auto& h = response.history();
  std::printf("%s (%s)\n", h.market().display_name().c_str(),
              h.market().name().c_str());
  std::vector<std::string> years;
  for (const int y : h.years_listed()) years.push_back(absl::StrCat(y));
  std::printf("listed: %s\n",
              years.empty() ? "never" : absl::StrJoin(years, ", ").c_str());
  for (const auto& r : response.responses().responses()) PrintResponse(r);
  for (const auto& s : response.sections()) {
    if (!s.available())
      std::printf("[%s unavailable: %s]\n", s.section().c_str(),
                  s.message().c_str());
  }
  return 0;
}

int Report(const GlobalOptions& options, int year) {
  auto stub = nml::gateway::v1::GatewayService::NewStub(
      Channel(options, options.gateway_addr));
  nml::gateway::v1::GetReviewReportRequest request;
  request.set_review(absl::StrCat("reviews/", year));
  nml::gateway::v1::GetReviewReportResponse response;
  auto context = NewContext(options);
  const grpc::Status status =
      stub->GetReviewReport(context.get(), request, &response);
  GlobalOptions shown = options;
  shown.addr = options.gateway_addr;
  if (!status.ok()) return ReportError(shown, status);
  if (options.json) {
    PrintJson(response);
    return 0;
  }
  PrintReviewLine(response.review());
  const auto& d = response.diff();
  std::printf("vs %d: added %d, removed %d, retained %d, relisted %d\n",
              d.base_year(), d.added_count(), d.removed_count(),
              d.retained_count(), d.relisted_count());
  for (const auto& c : response.stances().counts()) {
    std::printf(
        "  %-28s %-38s %d\n", rv1::Stance_Name(c.stance()).substr(7).c_str(),
        rv1::StakeholderType_Name(c.stakeholder_type()).substr(17).c_str(),
        c.count());
  }
  for (const auto& s : response.sections()) {
    if (!s.available())
      std::printf("[%s unavailable: %s]\n", s.section().c_str(),
                  s.message().c_str());
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  GlobalOptions options;
  CLI::App app{"nmlctl: query and load the Notorious Markets List", "nmlctl"};
  app.require_subcommand(1);
  app.add_option("--addr", options.addr, "nml-listings address, host:port")
      ->envname("NML_ADDR")
      ->capture_default_str();
  app.add_option("--responses-addr", options.responses_addr,
                 "nml-responses address, host:port")
      ->envname("NML_RESPONSES_ADDR")
      ->capture_default_str();
  app.add_option("--gateway-addr", options.gateway_addr,
                 "nml-gateway gRPC address")
      ->envname("NML_GATEWAY_ADDR")
      ->capture_default_str();
  app.add_option("--token", options.token,
                 "API key, sent as authorization: Bearer")
      ->envname("NML_TOKEN");
  nml::common::AddClientTlsFlags(app, options.tls, "", "the servers");
  app.add_option("--timeout", options.timeout_ms, "Deadline per call, ms")
      ->check(CLI::Range(1, 3600000))
      ->capture_default_str();
  app.add_flag("--json", options.json, "Print protobuf JSON instead of tables");

  auto* status =
      app.add_subcommand("status", "Data version and review completeness");

  std::string data_dir;
  std::string markets_path;
  std::string counts_path;
  auto* import = app.add_subcommand(
      "import",
      "Load reviews and listings from markets.csv and review_counts.csv");
  import->add_option("dir", data_dir,
                     "Directory with markets.csv and review_counts.csv");
  import->add_option("--markets", markets_path, "markets.csv file");
  import->add_option("--review-counts", counts_path, "review_counts.csv file");

  int year = 0;
  std::string filter;
  auto* listings = app.add_subcommand("listings", "The listings of a review");
  listings->add_option("year", year, "Review year (all years when omitted)");
  listings->add_option("--filter", filter, "AIP-160 filter");

  std::string market;
  auto* history = app.add_subcommand("history", "A market's listing history");
  history->add_option("market", market, "Market id or markets/{id}")
      ->required();

  int base = 0, target = 0;
  auto* diff = app.add_subcommand("diff", "What changed between two reviews");
  diff->add_option("base", base, "Earlier review year")->required();
  diff->add_option("target", target, "Later review year")->required();

  auto* stats = app.add_subcommand("stats", "Counts of one review");
  stats->add_option("year", year, "Review year")->required();

  std::vector<std::string> inputs;
  bool rollup = false;
  auto* screen =
      app.add_subcommand("screen", "Screen URLs or hosts against the list");
  screen->add_option("inputs", inputs, "URLs or host names")->required();
  screen->add_option("--year", year, "Review year (default: latest)");
  screen->add_flag("--operator-rollup", rollup,
                   "Match any market of a listed operator");

  std::string query;
  auto* search =
      app.add_subcommand("search", "Find markets by name, typos allowed");
  search->add_option("query", query, "Name or alias")->required();

  std::string responses_file;
  auto* import_responses = app.add_subcommand(
      "import-responses",
      "Load stakeholder responses from a responses.csv file");
  import_responses->add_option("file", responses_file, "responses.csv")
      ->required();

  std::string response_filter;
  auto* responses =
      app.add_subcommand("responses", "List stakeholder responses");
  responses->add_option(
      "--filter", response_filter,
      "AIP-160 filter, e.g. 'targets:\"markets/aliexpress\"'");

  std::string scope_target;
  std::string scope_stakeholder;
  int scope_year = 0;
  auto* stances =
      app.add_subcommand("stances", "Stance x stakeholder type counts");
  stances->add_option("--year", scope_year, "Review year");
  stances->add_option("--target", scope_target, "Target resource name");
  stances->add_option("--stakeholder", scope_stakeholder,
                      "Stakeholder resource name");

  auto* timeline = app.add_subcommand("timeline", "Responses in time order");
  timeline->add_option("--target", scope_target, "Target resource name");
  timeline->add_option("--stakeholder", scope_stakeholder,
                       "Stakeholder resource name");

  std::string rpc_name;
  std::string rpc_json;
  auto* call = app.add_subcommand(
      "call",
      "Call any RPC with a JSON request, e.g. call "
      "ListingsService.CreateMarket "
      "'{\"market\":{\"displayName\":\"X\",\"kind\":\"MARKET_KIND_ONLINE\"}}'");
  call->add_option("rpc", rpc_name, "Service.Method")->required();
  call->add_option("json", rpc_json, "Request as protobuf JSON (default {})");

  auto* dossier = app.add_subcommand(
      "dossier", "A market's history and responses (gateway)");
  dossier->add_option("market", market, "Market id or markets/{id}")
      ->required();
  auto* report = app.add_subcommand(
      "report", "A review with stats, diff, stances (gateway)");
  report->add_option("year", year, "Review year")->required();

  nml::common::ParseOrExit(app, argc, argv);
  if (*call) return CallRpc(options, rpc_name, rpc_json);
  if (*dossier) return Dossier(options, market);
  if (*report) return Report(options, year);
  Client client(options);
  ResponsesClient responses_client(options);
  if (*import_responses)
    return ImportResponses(responses_client, responses_file);
  if (*responses) return ListResponses(responses_client, response_filter);
  if (*stances)
    return Stances(responses_client, scope_year, scope_target,
                   scope_stakeholder);
  if (*timeline)
    return Timeline(responses_client, scope_target, scope_stakeholder);
  if (*status) return Status(client);
  if (*import) {
    if (!data_dir.empty()) {
      while (data_dir.size() > 1 && data_dir.back() == '/') data_dir.pop_back();
      if (markets_path.empty()) markets_path = data_dir + "/markets.csv";
      if (counts_path.empty()) counts_path = data_dir + "/review_counts.csv";
    }
    if (markets_path.empty() || counts_path.empty()) {
      std::fprintf(stderr,
                   "nmlctl: import: give a directory or --markets and "
                   "--review-counts\n");
      return 2;
    }
    return Import(client, markets_path, counts_path);
  }
  if (*listings) return ListListings(client, year, filter);
  if (*history) return History(client, market);
  if (*diff) return Diff(client, base, target);
  if (*stats) return Stats(client, year);
  if (*screen) return Screen(client, inputs, year, rollup);
  if (*search) return Search(client, query);
  return 2;
}
