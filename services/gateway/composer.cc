#include "services/gateway/composer.h"

#include <absl/strings/numbers.h>
#include <absl/strings/str_cat.h>
#include <absl/strings/str_split.h>
#include <absl/synchronization/mutex.h>
#include <grpcpp/client_context.h>
#include <spdlog/spdlog.h>

#include <cstdlib>
#include <map>

#include "common/api/names.h"
#include "common/api/other_names.h"
#include "common/api/status.h"

namespace nml::gateway {

namespace {

constexpr auto kAnswerMargin = std::chrono::milliseconds(50);

// The legs of one composed call. Calls `done` once, when the last leg is
// back.
class Fanout final : public std::enable_shared_from_this<Fanout> {
 public:
  Fanout(const LegOptions& options, std::vector<std::string> sections,
         std::function<void(grpc::Status)> done)
      : options_(options), names_(std::move(sections)), done_(std::move(done)) {
    options_.deadline -= kAnswerMargin;
    statuses_.resize(names_.size());
    pending_ = static_cast<int>(names_.size());
  }

  // A client context for a leg: the shared deadline and forwarded metadata
  // (with the minimum data version on a leg to nml-listings).
  grpc::ClientContext* Context(bool to_listings = false) {
    auto context = std::make_unique<grpc::ClientContext>();
    context->set_deadline(options_.deadline);
    for (const auto& [key, value] : options_.metadata)
      context->AddMetadata(key, value);
    const std::string& min_version = to_listings
                                         ? options_.min_listings_version
                                         : options_.min_responses_version;
    if (!min_version.empty()) {
      context->AddMetadata(common::kMinDataVersionMetadata, min_version);
    }
    absl::MutexLock lock(&mu_);
    contexts_.push_back(std::move(context));
    return contexts_.back().get();
  }

  // Called by each leg, once. `clear` drops the section's partial answer.
  std::function<void(grpc::Status)> Done(size_t leg,
                                         std::function<void()> clear,
                                         bool primary) {
    auto self = shared_from_this();
    return [self, leg, clear = std::move(clear), primary](grpc::Status status) {
      self->Finish(leg, status, clear, primary);
    };
  }

  // Fills the answer's `sections`, once every leg is back.
  std::function<void(std::vector<v1::SectionStatus>)> on_complete;

 private:
  void Finish(size_t leg, const grpc::Status& status,
              const std::function<void()>& clear, bool primary) {
    // The last leg back answers, with what it copied under the lock.
    std::optional<grpc::Status> fatal;
    std::vector<v1::SectionStatus> statuses;
    {
      absl::MutexLock lock(&mu_);
      v1::SectionStatus& s = statuses_[leg];
      s.set_section(names_[leg]);
      s.set_available(status.ok());
      s.set_code(status.error_code());
      if (!status.ok()) {
        s.set_message(
            status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED
                ? "deadline exceeded"
                : common::WithoutChannelDetail(status).error_message());
        clear();
        if (primary &&
            (status.error_code() == grpc::StatusCode::NOT_FOUND ||
             status.error_code() == grpc::StatusCode::INVALID_ARGUMENT)) {
          fatal_ = status;
        }
      }
      if (--pending_ != 0) return;
      fatal = fatal_;
      statuses = statuses_;
    }
    if (!fatal->ok()) {
      done_(*fatal);
      return;
    }
    on_complete(std::move(statuses));
    done_(grpc::Status::OK);
  }

  LegOptions options_;
  std::vector<std::string> names_;
  std::function<void(grpc::Status)> done_;
  absl::Mutex mu_;
  std::vector<v1::SectionStatus> statuses_ ABSL_GUARDED_BY(mu_);
  std::vector<std::unique_ptr<grpc::ClientContext>> contexts_
      ABSL_GUARDED_BY(mu_);
  int pending_ ABSL_GUARDED_BY(mu_) = 0;
  grpc::Status fatal_ ABSL_GUARDED_BY(mu_) = grpc::Status::OK;
};

}  // namespace

namespace {

// A typed composed read as a Composer::Read, bound to its method's
// descriptor; the casts hold because the registry is keyed by the method
// whose input and output types are checked here.
template <typename Request, typename Response>
std::pair<const google::protobuf::MethodDescriptor*, Composer::Read> Bind(
    const char* method,
    void (Composer::*read)(const LegOptions&, const Request&, Response*,
                           std::function<void(grpc::Status)>)) {
  const auto* descriptor = Request::descriptor()
                               ->file()
                               ->FindServiceByName("GatewayService")
                               ->FindMethodByName(method);
  if (descriptor == nullptr ||
      descriptor->input_type() != Request::descriptor() ||
      descriptor->output_type() != Response::descriptor()) {
    spdlog::critical("composed read {} does not match its method", method);
    std::abort();
  }
  return {descriptor, [read](Composer& composer, const LegOptions& options,
                             const google::protobuf::Message& request,
                             google::protobuf::Message* response,
                             std::function<void(grpc::Status)> done) {
            (composer.*read)(options, static_cast<const Request&>(request),
                             static_cast<Response*>(response), std::move(done));
          }};
}

// Every composed read, by its method.
const std::map<const google::protobuf::MethodDescriptor*, Composer::Read>&
Registry() {
  static const auto* registry =
      new std::map<const google::protobuf::MethodDescriptor*, Composer::Read>{
          Bind("GetMarketDossier", &Composer::GetMarketDossier),
          Bind("GetReviewReport", &Composer::GetReviewReport)};
  return *registry;
}

}  // namespace

const Composer::Read* Composer::ReadFor(
    const google::protobuf::MethodDescriptor* method) {
  const auto it = Registry().find(method);
  return it == Registry().end() ? nullptr : &it->second;
}

absl::Status Composer::CheckEveryMethodComposed() {
  const auto* service =
      v1::GetMarketDossierRequest::descriptor()->file()->FindServiceByName(
          "GatewayService");
  for (int i = 0; i < service->method_count(); ++i) {
    if (ReadFor(service->method(i)) == nullptr) {
      return absl::FailedPreconditionError(
          absl::StrCat(service->method(i)->full_name(),
                       " has no composed read (Composer's registry)"));
    }
  }
  return absl::OkStatus();
}

Composer::Composer(std::shared_ptr<grpc::Channel> listings,
                   std::shared_ptr<grpc::Channel> responses)
    : listings_(listings::v1::ListingsService::NewStub(std::move(listings))),
      responses_(
          responses::v1::ResponsesService::NewStub(std::move(responses))) {}

void Composer::GetMarketDossier(const LegOptions& options,
                                const v1::GetMarketDossierRequest& request,
                                v1::GetMarketDossierResponse* response,
                                std::function<void(grpc::Status)> done) {
  const std::vector<std::string> parts = absl::StrSplit(request.market(), '/');
  if (parts.size() != 2 || parts[0] != "markets" || parts[1].empty()) {
    done(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                      "market: must be markets/{market}"));
    return;
  }
  auto fanout = std::make_shared<Fanout>(
      options, std::vector<std::string>{"history", "responses", "stances"},
      std::move(done));
  fanout->on_complete = [response](std::vector<v1::SectionStatus> sections) {
    for (auto& s : sections) *response->add_sections() = std::move(s);
  };
  // The requests live as long as the legs: in the fanout's closures.
  auto history = std::make_shared<listings::v1::GetMarketHistoryRequest>();
  history->set_market(request.market());
  auto list = std::make_shared<responses::v1::ListResponsesRequest>();
  list->set_filter(absl::StrCat("targets:\"", request.market(), "\""));
  list->set_page_size(1000);
  auto stances = std::make_shared<responses::v1::SummarizeStancesRequest>();
  stances->set_target(request.market());

  // The responses legs start once the history is back, with the market's
  // other names from it, so nml-responses need not ask nml-listings for
  // them (a nested call per leg). Without a history they ask, as any
  // caller's would.
  auto responses_legs = [this, fanout, response, list, stances](
                            const grpc::Status& history_status,
                            const listings::v1::Market* market) {
    const auto code = history_status.error_code();
    if (code == grpc::StatusCode::NOT_FOUND ||
        code == grpc::StatusCode::INVALID_ARGUMENT) {
      // The dossier fails on its history: nothing to ask.
      const grpc::Status skipped(grpc::StatusCode::CANCELLED,
                                 "not asked: the market's history failed");
      fanout->Done(
          1, [response] { response->clear_responses(); }, false)(skipped);
      fanout->Done(
          2, [response] { response->clear_stances(); }, false)(skipped);
      return;
    }
    if (market != nullptr) {
      responses::v1::TargetAliases aliases;
      for (std::string& name :
           common::OtherNamesOf(*market, stances->target())) {
        aliases.add_names(std::move(name));
      }
      *list->mutable_target_aliases() = aliases;
      *stances->mutable_target_aliases() = std::move(aliases);
    }
    responses_->async()->ListResponses(
        fanout->Context(), list.get(), response->mutable_responses(),
        [done = fanout->Done(
             1, [response] { response->clear_responses(); }, false),
         list](grpc::Status s) { done(s); });
    responses_->async()->SummarizeStances(
        fanout->Context(), stances.get(), response->mutable_stances(),
        [done = fanout->Done(
             2, [response] { response->clear_stances(); }, false),
         stances](grpc::Status s) { done(s); });
  };
  listings_->async()->GetMarketHistory(
      fanout->Context(true), history.get(), response->mutable_history(),
      [done = fanout->Done(
           0, [response] { response->clear_history(); }, true),
       history, response, responses_legs](grpc::Status s) {
        // Read before `done`, which clears a failed history.
        responses_legs(s, s.ok() ? &response->history().market() : nullptr);
        done(s);
      });
}

void Composer::GetReviewReport(const LegOptions& options,
                               const v1::GetReviewReportRequest& request,
                               v1::GetReviewReportResponse* response,
                               std::function<void(grpc::Status)> done) {
  const std::vector<std::string> parts = absl::StrSplit(request.review(), '/');
  int year = 0;
  if (parts.size() != 2 || parts[0] != "reviews" ||
      !absl::SimpleAtoi(parts[1], &year)) {
    done(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                      "review: must be reviews/{year}"));
    return;
  }
  auto fanout = std::make_shared<Fanout>(
      options, std::vector<std::string>{"review", "stats", "diff", "stances"},
      std::move(done));
  fanout->on_complete = [response](std::vector<v1::SectionStatus> sections) {
    for (auto& s : sections) *response->add_sections() = std::move(s);
  };
  auto get = std::make_shared<listings::v1::GetReviewRequest>();
  get->set_name(request.review());
  auto stats = std::make_shared<listings::v1::GetReviewStatsRequest>();
  stats->set_name(request.review());
  auto diff = std::make_shared<listings::v1::DiffReviewsRequest>();
  diff->set_base_year(request.base_year() != 0 ? request.base_year()
                                               : year - 1);
  diff->set_target_year(year);
  auto stances = std::make_shared<responses::v1::SummarizeStancesRequest>();
  stances->set_review_year(year);
  auto review = std::make_shared<listings::v1::GetReviewResponse>();

  listings_->async()->GetReview(
      fanout->Context(true), get.get(), review.get(),
      [done = fanout->Done(
           0, [response] { response->clear_review(); }, true),
       get, review, response](grpc::Status s) {
        if (s.ok()) *response->mutable_review() = review->review();
        done(s);
      });
  listings_->async()->GetReviewStats(
      fanout->Context(true), stats.get(), response->mutable_stats(),
      [done = fanout->Done(
           1, [response] { response->clear_stats(); }, false),
       stats](grpc::Status s) { done(s); });
  listings_->async()->DiffReviews(
      fanout->Context(true), diff.get(), response->mutable_diff(),
      [done = fanout->Done(
           2, [response] { response->clear_diff(); }, false),
       diff](grpc::Status s) { done(s); });
  responses_->async()->SummarizeStances(
      fanout->Context(), stances.get(), response->mutable_stances(),
      [done = fanout->Done(
           3, [response] { response->clear_stances(); }, false),
       stances](grpc::Status s) { done(s); });
}

}  // namespace nml::gateway
