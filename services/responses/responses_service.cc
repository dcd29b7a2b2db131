#include "services/responses/responses_service.h"

#include <absl/strings/ascii.h>
#include <absl/strings/str_cat.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>

#include <map>
#include <set>

#include "common/filter.h"
#include "common/idempotency.h"
#include "common/names.h"
#include "common/page_token.h"
#include "common/status.h"
#include "common/validation.h"
#include "services/responses/import_rules.h"

namespace nml::responses {

using common::FieldError;
using common::ToGrpcStatus;

namespace {

constexpr int kMaxImportRows = 5000;
constexpr size_t kMaxRequestIdLength = 128;
constexpr auto kDefaultListingsBudget = std::chrono::seconds(5);
constexpr auto kDeadlineMargin = std::chrono::milliseconds(50);

constexpr char kStakeholdersPrefix[] = "stakeholders/";
constexpr char kResponsesPrefix[] = "responses/";

// The listings checks get what is left of the caller's deadline (less a
// margin to answer in), and never more than the default budget.
std::chrono::system_clock::time_point ListingsDeadline(
    grpc::CallbackServerContext* context) {
  const auto now = std::chrono::system_clock::now();
  const auto budget = now + kDefaultListingsBudget;
  const auto caller = context->deadline() - kDeadlineMargin;
  return std::min(budget, caller);
}

template <typename Request>
Idempotency IdempotencyOf(const Request& request,
                          const std::string& request_id) {
  return Idempotency{Request::descriptor()->name(), request_id,
                     common::RequestFingerprintBytes(request)};
}

absl::StatusOr<std::string> ParseId(const std::string& name,
                                    std::string_view prefix,
                                    std::string_view field) {
  if (!name.starts_with(prefix) ||
      !common::IsValidId(name.substr(prefix.size()))) {
    return FieldError(field,
                      absl::StrCat("must be ", std::string(prefix), "{id}"));
  }
  return name.substr(prefix.size());
}

// The store's answer to a Get: NOT_FOUND naming the resource when absent.
template <typename T>
absl::StatusOr<T> Found(absl::StatusOr<std::optional<T>> found,
                        const std::string& name) {
  if (!found.ok()) return found.status();
  if (!found->has_value())
    return absl::NotFoundError(absl::StrCat(name, " not found"));
  return std::move(**found);
}

absl::Status CheckRequestId(const std::string& id, bool required) {
  if (id.empty() && required) return FieldError("request_id", "is required");
  if (id.size() > kMaxRequestIdLength) {
    return FieldError("request_id", "at most 128 characters");
  }
  return common::CheckText(id, "request_id", kMaxRequestIdLength, false);
}

absl::Status ValidateStakeholder(const v1::Stakeholder& s) {
  if (auto st = common::CheckText(s.display_name(), "stakeholder.display_name",
                                  300, true);
      !st.ok()) {
    return st;
  }
  if (s.aliases_size() > 50)
    return FieldError("stakeholder.aliases", "at most 50");
  for (int i = 0; i < s.aliases_size(); ++i) {
    if (auto st = common::CheckText(
            s.aliases(i), absl::StrCat("stakeholder.aliases[", i, "]"), 300,
            true);
        !st.ok()) {
      return st;
    }
  }
  if (!v1::StakeholderType_IsValid(s.type()) ||
      s.type() == v1::STAKEHOLDER_TYPE_UNSPECIFIED) {
    return FieldError("stakeholder.type", "is required");
  }
  return common::CheckCountryCodeFormat(s.country_code(),
                                        "stakeholder.country_code");
}

absl::Status ValidateResponse(const v1::Response& r) {
  if (auto id =
          ParseId(r.stakeholder(), kStakeholdersPrefix, "response.stakeholder");
      !id.ok()) {
    return id.status();
  }
  if (auto st =
          common::CheckReviewYear(r.review_year(), "response.review_year");
      !st.ok()) {
    return st;
  }
  if (r.targets_size() == 0 || r.targets_size() > 50) {
    return FieldError("response.targets", "name 1 to 50 targets");
  }
  std::set<std::string> seen;
  for (int i = 0; i < r.targets_size(); ++i) {
    const std::string field = absl::StrCat("response.targets[", i, "]");
    if (auto st = common::CheckText(r.targets(i), field, 200, true); !st.ok())
      return st;
    if (!seen.insert(r.targets(i)).second)
      return FieldError(field, "is named twice");
  }
  if (!v1::Stance_IsValid(r.stance()) || r.stance() == v1::STANCE_UNSPECIFIED) {
    return FieldError("response.stance", "is required");
  }
  if (auto st = common::CheckText(r.summary(), "response.summary", 4000, true);
      !st.ok()) {
    return st;
  }
  if (auto st = common::CheckText(r.quote(), "response.quote", 500, false);
      !st.ok()) {
    return st;
  }
  if (r.commitments_size() > 20)
    return FieldError("response.commitments", "at most 20");
  for (int i = 0; i < r.commitments_size(); ++i) {
    if (auto st = common::CheckText(
            r.commitments(i), absl::StrCat("response.commitments[", i, "]"),
            500, true);
        !st.ok()) {
      return st;
    }
  }
  if (!v1::Channel_IsValid(r.channel())) {
    return FieldError("response.channel", "is not a channel");
  }
  if (r.has_stated_on()) {
    if (auto st = common::CheckDate(r.stated_on(), "response.stated_on");
        !st.ok()) {
      return st;
    }
  }
  return common::CheckUrl(r.source_url(), "response.source_url", true);
}

// Output-only fields are the server's to set.
v1::Response InputFields(const v1::Response& r) {
  v1::Response input = r;
  input.clear_name();
  input.clear_etag();
  input.clear_create_time();
  input.clear_update_time();
  input.clear_delete_time();
  input.clear_stakeholder_display_name();
  input.clear_stakeholder_type();
  return input;
}

const common::FilterSchema& ResponseFilterSchema() {
  static const common::FilterSchema kSchema = {
      {"stakeholder", {common::FieldType::kString}},
      {"stakeholder_type",
       {common::FieldType::kEnum, v1::StakeholderType_descriptor()}},
      {"stance", {common::FieldType::kEnum, v1::Stance_descriptor()}},
      {"review_year", {common::FieldType::kInt}},
      {"targets", {common::FieldType::kStringList}},
      {"channel", {common::FieldType::kEnum, v1::Channel_descriptor()}},
      {"stated_on", {common::FieldType::kString}},
  };
  return kSchema;
}

const common::SqlMapping& ResponseSqlMapping() {
  static const common::SqlMapping kMapping = {
      {"stakeholder",
       {"r.stakeholder_id",
        [](const std::string& v) -> absl::StatusOr<std::string> {
          return ParseId(v, kStakeholdersPrefix, "filter: stakeholder");
        }}},
      {"stakeholder_type", {"s.type", nullptr}},
      {"stance", {"r.stance", nullptr}},
      {"review_year", {"r.review_year", nullptr}},
      {"targets", {"r.targets", nullptr}},
      {"channel", {"r.channel", nullptr}},
      // "2022", "2022-02" or "2022-02-18", compared like the stored key.
      {"stated_on",
       {"r.stated_on_key",
        [](const std::string& v) -> absl::StatusOr<std::string> {
          int y = 0, m = 0, d = 0;
          char tail = 0;
          const int n =
              std::sscanf(v.c_str(), "%4d-%2d-%2d%c", &y, &m, &d, &tail);
          if (v.empty() || n == 4 || (n == 1 && v.size() != 4) ||
              (n == 2 && v.size() != 7) || (n == 3 && v.size() != 10) ||
              n < 1) {
            return FieldError("filter: stated_on",
                              "takes \"YYYY\", \"YYYY-MM\" or "
                              "\"YYYY-MM-DD\"");
          }
          char key[16];
          std::snprintf(key, sizeof(key), "%04d-%02d-%02d", y, n >= 2 ? m : 0,
                        n >= 3 ? d : 0);
          return std::string(key);
        }}},
  };
  return kMapping;
}

absl::StatusOr<ResponsesStore::Scope> ScopeOf(std::optional<int> review_year,
                                              const std::string* target,
                                              const std::string* stakeholder) {
  ResponsesStore::Scope scope;
  if (review_year) {
    if (auto st = common::CheckReviewYear(*review_year, "review_year");
        !st.ok())
      return st;
    scope.review_year = *review_year;
  } else if (target) {
    if (auto st = common::CheckText(*target, "target", 200, true); !st.ok())
      return st;
    scope.target = *target;
  } else if (stakeholder) {
    auto id = ParseId(*stakeholder, kStakeholdersPrefix, "stakeholder");
    if (!id.ok()) return id.status();
    scope.stakeholder_id = *id;
  } else {
    return absl::InvalidArgumentError(
        "scope: set one of review_year, target, stakeholder");
  }
  return scope;
}

template <typename T>
absl::Status ApplyMask(const google::protobuf::FieldMask& mask, const T& from,
                       T& to, const std::set<std::string>& allowed) {
  if (mask.paths_size() == 0) {
    return FieldError("update_mask", "is required (use \"*\" for every field)");
  }
  const auto* descriptor = T::descriptor();
  const auto* reflection = T::GetReflection();
  for (const std::string& path : mask.paths()) {
    std::vector<std::string> fields;
    if (path == "*") {
      fields.assign(allowed.begin(), allowed.end());
    } else if (allowed.contains(path)) {
      fields.push_back(path);
    } else {
      return FieldError("update_mask",
                        absl::StrCat("'", path, "' cannot be updated"));
    }
    for (const std::string& name : fields) {
      const auto* field = descriptor->FindFieldByName(name);
      reflection->ClearField(&to, field);
      if (field->is_repeated() || reflection->HasField(from, field)) {
        if (field->is_repeated()) {
          for (int i = 0; i < reflection->FieldSize(from, field); ++i) {
            switch (field->cpp_type()) {
              case google::protobuf::FieldDescriptor::CPPTYPE_STRING:
                reflection->AddString(
                    &to, field, reflection->GetRepeatedString(from, field, i));
                break;
              default:
                break;
            }
          }
        } else if (field->cpp_type() ==
                   google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE) {
          reflection->MutableMessage(&to, field)
              ->CopyFrom(reflection->GetMessage(from, field));
        } else {
          switch (field->cpp_type()) {
            case google::protobuf::FieldDescriptor::CPPTYPE_STRING:
              reflection->SetString(&to, field,
                                    reflection->GetString(from, field));
              break;
            case google::protobuf::FieldDescriptor::CPPTYPE_INT32:
              reflection->SetInt32(&to, field,
                                   reflection->GetInt32(from, field));
              break;
            case google::protobuf::FieldDescriptor::CPPTYPE_ENUM:
              reflection->SetEnumValue(&to, field,
                                       reflection->GetEnumValue(from, field));
              break;
            default:
              break;
          }
        }
      }
    }
  }
  return absl::OkStatus();
}

}  // namespace

// ------------------------------------------------------------ stakeholders

ResponsesServiceImpl::Reactor* ResponsesServiceImpl::GetStakeholder(
    Context* context, const v1::GetStakeholderRequest* request,
    v1::GetStakeholderResponse* response) {
  return common::RunUnary(context, executor_, [=, this] {
    auto id = ParseId(request->name(), kStakeholdersPrefix, "name");
    if (!id.ok()) return ToGrpcStatus(id.status());
    int64_t version = 0;
    auto found = Found(store_.GetStakeholder(*id, &version), request->name());
    if (!found.ok()) return ToGrpcStatus(found.status());
    *response->mutable_stakeholder() = std::move(*found);
    response->set_data_version(version);
    return grpc::Status::OK;
  });
}

ResponsesServiceImpl::Reactor* ResponsesServiceImpl::ListStakeholders(
    Context* context, const v1::ListStakeholdersRequest* request,
    v1::ListStakeholdersResponse* response) {
  return common::RunUnary(context, executor_, [=, this]() -> grpc::Status {
    static const common::FilterSchema kSchema = {
        {"display_name", {common::FieldType::kString}},
        {"type", {common::FieldType::kEnum, v1::StakeholderType_descriptor()}},
        {"country_code", {common::FieldType::kString}},
        {"aliases", {common::FieldType::kStringList}},
    };
    auto filter = common::Filter::Parse(request->filter(), kSchema);
    if (!filter.ok()) return ToGrpcStatus(filter.status());
    auto order = common::ParseOrderBy(
        request->order_by(), {"name", "display_name"}, {{"name", false}});
    if (!order.ok()) return ToGrpcStatus(order.status());
    auto page_size = common::EffectivePageSize(request->page_size());
    if (!page_size.ok()) return ToGrpcStatus(page_size.status());
    const uint64_t fingerprint = common::Fingerprint(
        {"stakeholders", request->filter(), request->order_by()});
    int64_t offset = 0;
    if (!request->page_token().empty()) {
      auto decoded =
          common::DecodePageToken(request->page_token(), fingerprint);
      if (!decoded.ok()) return ToGrpcStatus(decoded.status());
      offset = *decoded;
    }
    int64_t version = 0;
    auto all = store_.AllStakeholders(&version);
    if (!all.ok()) return ToGrpcStatus(all.status());
    std::vector<v1::Stakeholder> matched;
    for (const auto& s : *all) {
      const bool keep =
          filter->Matches([&](std::string_view f) -> common::FieldValue {
            if (f == "display_name") return s.display_name();
            if (f == "type") return v1::StakeholderType_Name(s.type());
            if (f == "country_code") return s.country_code();
            return std::vector<std::string>(s.aliases().begin(),
                                            s.aliases().end());
          });
      if (keep) matched.push_back(s);
    }
    const std::vector<common::OrderKey>& keys = *order;
    std::stable_sort(matched.begin(), matched.end(),
                     [&](const auto& a, const auto& b) {
                       for (const auto& key : keys) {
                         const std::string& va =
                             key.field == "name" ? a.name() : a.display_name();
                         const std::string& vb =
                             key.field == "name" ? b.name() : b.display_name();
                         if (va != vb)
                           return key.descending ? va > vb : va < vb;
                       }
                       return false;
                     });
    const size_t begin =
        std::min<size_t>(static_cast<size_t>(offset), matched.size());
    const size_t end =
        std::min(matched.size(), begin + static_cast<size_t>(*page_size));
    for (size_t i = begin; i < end; ++i)
      *response->add_stakeholders() = matched[i];
    if (end < matched.size()) {
      response->set_next_page_token(
          common::EncodePageToken(fingerprint, static_cast<int64_t>(end)));
    }
    response->set_data_version(version);
    return grpc::Status::OK;
  });
}

ResponsesServiceImpl::Reactor* ResponsesServiceImpl::CreateStakeholder(
    Context* context, const v1::CreateStakeholderRequest* request,
    v1::CreateStakeholderResponse* response) {
  return common::RunUnary(context, executor_, [=, this]() -> grpc::Status {
    if (auto st = CheckRequestId(request->request_id(), false); !st.ok()) {
      return ToGrpcStatus(st);
    }
    v1::Stakeholder s = request->stakeholder();
    if (auto st = ValidateStakeholder(s); !st.ok()) return ToGrpcStatus(st);
    std::string id = request->stakeholder_id();
    if (id.empty()) id = common::Slugify(s.display_name());
    if (!common::IsValidId(id)) {
      return ToGrpcStatus(
          FieldError("stakeholder_id",
                     "must be 1-63 lower-case letters, digits and hyphens"));
    }
    s.set_name(absl::StrCat(kStakeholdersPrefix, id));
    auto written = store_.CreateStakeholder(
        s, IdempotencyOf(*request, request->request_id()));
    if (!written.ok()) return ToGrpcStatus(written.status());
    *response->mutable_stakeholder() = written->value;
    response->set_data_version(written->data_version);
    return grpc::Status::OK;
  });
}

ResponsesServiceImpl::Reactor* ResponsesServiceImpl::UpdateStakeholder(
    Context* context, const v1::UpdateStakeholderRequest* request,
    v1::UpdateStakeholderResponse* response) {
  return common::RunUnary(context, executor_, [=, this]() -> grpc::Status {
    auto id = ParseId(request->stakeholder().name(), kStakeholdersPrefix,
                      "stakeholder.name");
    if (!id.ok()) return ToGrpcStatus(id.status());
    auto written = store_.UpdateStakeholder(*id, [&](v1::Stakeholder& current) {
      if (auto st = common::CheckEtag(request->stakeholder().etag(),
                                      current.etag(), "stakeholder.etag");
          !st.ok()) {
        return st;
      }
      if (auto st =
              ApplyMask(request->update_mask(), request->stakeholder(), current,
                        {"display_name", "aliases", "type", "country_code"});
          !st.ok()) {
        return st;
      }
      return ValidateStakeholder(current);
    });
    if (!written.ok()) return ToGrpcStatus(written.status());
    *response->mutable_stakeholder() = written->value;
    response->set_data_version(written->data_version);
    return grpc::Status::OK;
  });
}

ResponsesServiceImpl::Reactor* ResponsesServiceImpl::DeleteStakeholder(
    Context* context, const v1::DeleteStakeholderRequest* request,
    v1::DeleteStakeholderResponse* response) {
  return common::RunUnary(context, executor_, [=, this]() -> grpc::Status {
    auto id = ParseId(request->name(), kStakeholdersPrefix, "name");
    if (!id.ok()) return ToGrpcStatus(id.status());
    auto version = store_.DeleteStakeholder(*id, request->etag());
    if (!version.ok()) return ToGrpcStatus(version.status());
    response->set_data_version(*version);
    return grpc::Status::OK;
  });
}

// ------------------------------------------------------------ responses

ResponsesServiceImpl::Reactor* ResponsesServiceImpl::GetResponse(
    Context* context, const v1::GetResponseRequest* request,
    v1::GetResponseResponse* response) {
  return common::RunUnary(context, executor_, [=, this]() -> grpc::Status {
    auto id = ParseId(request->name(), kResponsesPrefix, "name");
    if (!id.ok()) return ToGrpcStatus(id.status());
    int64_t version = 0;
    auto found = Found(store_.GetResponse(*id, &version), request->name());
    if (!found.ok()) return ToGrpcStatus(found.status());
    *response->mutable_response() = std::move(*found);
    response->set_data_version(version);
    return grpc::Status::OK;
  });
}

ResponsesServiceImpl::Reactor* ResponsesServiceImpl::ListResponses(
    Context* context, const v1::ListResponsesRequest* request,
    v1::ListResponsesResponse* response) {
  return common::RunUnary(context, executor_, [=, this]() -> grpc::Status {
    auto filter =
        common::Filter::Parse(request->filter(), ResponseFilterSchema());
    if (!filter.ok()) return ToGrpcStatus(filter.status());
    auto order = common::ParseOrderBy(
        request->order_by(), {"stated_on", "review_year", "create_time"},
        {{"stated_on", false}});
    if (!order.ok()) return ToGrpcStatus(order.status());
    if (order->size() > 1) {
      return ToGrpcStatus(FieldError("order_by", "orders by one field"));
    }
    auto page_size = common::EffectivePageSize(request->page_size());
    if (!page_size.ok()) return ToGrpcStatus(page_size.status());
    ResponseQuery query;
    auto where = filter->ToSql(ResponseSqlMapping(), &query.params);
    if (!where.ok()) return ToGrpcStatus(where.status());
    query.where_sql = *where;
    const std::string& field = order->front().field;
    query.order = field == "review_year"   ? ResponseQuery::Order::kReviewYear
                  : field == "create_time" ? ResponseQuery::Order::kCreated
                                           : ResponseQuery::Order::kStatedOn;
    query.descending = order->front().descending;
    query.limit = *page_size;
    query.show_deleted = request->show_deleted();
    const uint64_t fingerprint = common::Fingerprint(
        {"responses", request->filter(), request->order_by(),
         request->show_deleted() ? "deleted" : ""});
    if (!request->page_token().empty()) {
      auto cursor =
          common::DecodeCursorToken(request->page_token(), fingerprint);
      if (!cursor.ok()) return ToGrpcStatus(cursor.status());
      query.after = *cursor;
    }
    auto page = store_.ListResponses(query);
    if (!page.ok()) return ToGrpcStatus(page.status());
    for (auto& r : page->responses) *response->add_responses() = std::move(r);
    if (page->next) {
      response->set_next_page_token(
          common::EncodeCursorToken(fingerprint, *page->next));
    }
    response->set_data_version(page->data_version);
    return grpc::Status::OK;
  });
}

ResponsesServiceImpl::Reactor* ResponsesServiceImpl::CreateResponse(
    Context* context, const v1::CreateResponseRequest* request,
    v1::CreateResponseResponse* response) {
  return common::RunUnary(context, executor_, [=, this]() -> grpc::Status {
    if (auto st = CheckRequestId(request->request_id(), false); !st.ok()) {
      return ToGrpcStatus(st);
    }
    const v1::Response input = InputFields(request->response());
    if (auto st = ValidateResponse(input); !st.ok()) return ToGrpcStatus(st);
    const std::vector<std::string> targets(input.targets().begin(),
                                           input.targets().end());
    if (auto st = targets_.CheckTargets(targets, "response.targets",
                                        ListingsDeadline(context));
        !st.ok()) {
      return ToGrpcStatus(st);
    }
    auto written = store_.CreateResponse(
        input, IdempotencyOf(*request, request->request_id()));
    if (!written.ok()) return ToGrpcStatus(written.status());
    *response->mutable_response() = written->value;
    response->set_data_version(written->data_version);
    return grpc::Status::OK;
  });
}

ResponsesServiceImpl::Reactor* ResponsesServiceImpl::UpdateResponse(
    Context* context, const v1::UpdateResponseRequest* request,
    v1::UpdateResponseResponse* response) {
  return common::RunUnary(context, executor_, [=, this]() -> grpc::Status {
    auto id =
        ParseId(request->response().name(), kResponsesPrefix, "response.name");
    if (!id.ok()) return ToGrpcStatus(id.status());
    const v1::Response input = InputFields(request->response());
    bool targets_change = false;
    for (const auto& path : request->update_mask().paths()) {
      targets_change |= path == "*" || path == "targets";
    }
    if (targets_change) {
      const std::vector<std::string> targets(input.targets().begin(),
                                             input.targets().end());
      if (auto st = targets_.CheckTargets(targets, "response.targets",
                                          ListingsDeadline(context));
          !st.ok()) {
        return ToGrpcStatus(st);
      }
    }
    auto written = store_.UpdateResponse(*id, [&](v1::Response& current) {
      if (auto st = common::CheckEtag(request->response().etag(),
                                      current.etag(), "response.etag");
          !st.ok()) {
        return st;
      }
      if (auto st = ApplyMask(
              request->update_mask(), input, current,
              {"stakeholder", "review_year", "targets", "stance", "summary",
               "quote", "commitments", "channel", "stated_on", "source_url"});
          !st.ok()) {
        return st;
      }
      return ValidateResponse(current);
    });
    if (!written.ok()) return ToGrpcStatus(written.status());
    *response->mutable_response() = written->value;
    response->set_data_version(written->data_version);
    return grpc::Status::OK;
  });
}

ResponsesServiceImpl::Reactor* ResponsesServiceImpl::DeleteResponse(
    Context* context, const v1::DeleteResponseRequest* request,
    v1::DeleteResponseResponse* response) {
  return common::RunUnary(context, executor_, [=, this]() -> grpc::Status {
    auto id = ParseId(request->name(), kResponsesPrefix, "name");
    if (!id.ok()) return ToGrpcStatus(id.status());
    auto written = store_.SetDeleted(*id, true, request->etag());
    if (!written.ok()) return ToGrpcStatus(written.status());
    *response->mutable_response() = written->value;
    response->set_data_version(written->data_version);
    return grpc::Status::OK;
  });
}

ResponsesServiceImpl::Reactor* ResponsesServiceImpl::UndeleteResponse(
    Context* context, const v1::UndeleteResponseRequest* request,
    v1::UndeleteResponseResponse* response) {
  return common::RunUnary(context, executor_, [=, this]() -> grpc::Status {
    auto id = ParseId(request->name(), kResponsesPrefix, "name");
    if (!id.ok()) return ToGrpcStatus(id.status());
    auto written = store_.SetDeleted(*id, false, "");
    if (!written.ok()) return ToGrpcStatus(written.status());
    *response->mutable_response() = written->value;
    response->set_data_version(written->data_version);
    return grpc::Status::OK;
  });
}

// ------------------------------------------------------------ import

ResponsesServiceImpl::Reactor* ResponsesServiceImpl::ImportResponses(
    Context* context, const v1::ImportResponsesRequest* request,
    v1::ImportResponsesResponse* response) {
  return common::RunUnary(context, executor_, [=, this]() -> grpc::Status {
    if (auto st = CheckRequestId(request->request_id(), true); !st.ok()) {
      return ToGrpcStatus(st);
    }
    if (request->rows_size() > kMaxImportRows) {
      return ToGrpcStatus(FieldError("rows", "at most 5000 rows"));
    }
    const auto deadline = ListingsDeadline(context);
    std::vector<ImportRow> rows;
    std::vector<v1::RowIssue> skipped;
    std::map<std::string, std::string> resolved;  // target text part -> market
    for (int i = 0; i < request->rows_size(); ++i) {
      const v1::ImportedResponse& in = request->rows(i);
      const std::string field = absl::StrCat("rows[", i, "]");
      auto skip = [&](const std::string& f, const std::string& message) {
        v1::RowIssue* issue = &skipped.emplace_back();
        issue->set_row(i);
        issue->set_field(f);
        issue->set_message(message);
      };
      if (auto st =
              common::CheckText(in.stakeholder_display_name(),
                                field + ".stakeholder_display_name", 300, true);
          !st.ok()) {
        return ToGrpcStatus(st);
      }
      for (const std::string* text :
           {&in.stakeholder_type(), &in.target_text(), &in.stance_text()}) {
        if (auto st = common::CheckText(*text, field, 4000, false); !st.ok()) {
          return ToGrpcStatus(st);
        }
      }
      ImportRow row;
      row.row = i;
      const StakeholderName name =
          SplitStakeholderName(in.stakeholder_display_name());
      row.stakeholder_display_name = name.display_name;
      row.stakeholder_aliases = name.aliases;
      row.stakeholder_type = MapStakeholderType(in.stakeholder_type());

      v1::Response& r = row.response;
      r.set_review_year(in.review_year());
      r.set_summary(in.summary());
      r.set_quote(in.quote());
      *r.mutable_commitments() = in.commitments();
      r.set_channel(in.channel() == v1::CHANNEL_UNSPECIFIED ? v1::CHANNEL_OTHER
                                                            : in.channel());
      if (in.has_stated_on()) *r.mutable_stated_on() = in.stated_on();
      r.set_source_url(in.source_url());

      const auto stance = MapStance(in.stance_text());
      if (!stance) {
        skip("stance_text",
             absl::StrCat(
                 "'", in.stance_text(),
                 "' does not map to a stance clearly; record it by hand"));
        continue;
      }
      r.set_stance(stance->stance);
      for (const auto& c : stance->commitments) r.add_commitments(c);

      std::set<std::string> targets(in.targets().begin(), in.targets().end());
      bool unresolved = false;
      for (const TargetPart& part : SplitTargets(in.target_text())) {
        if (part.general) {
          targets.insert(absl::StrCat("reviews/", in.review_year()));
          continue;
        }
        auto market = resolved.contains(part.text)
                          ? absl::StatusOr<std::string>(resolved[part.text])
                          : targets_.FindMarket(part.text, deadline);
        if (market.status().code() == absl::StatusCode::kUnavailable) {
          return ToGrpcStatus(market.status());
        }
        if (!market.ok()) {
          skip("target_text",
               absl::StrCat("no listed market is called '", part.text,
                            "'; give the target as a resource name"));
          unresolved = true;
          break;
        }
        resolved[part.text] = *market;
        targets.insert(*market);
      }
      if (unresolved) continue;
      for (const auto& t : targets) r.add_targets(t);
      r.set_stakeholder("stakeholders/import-placeholder");
      if (auto st = ValidateResponse(r); !st.ok()) {
        std::string message(st.message());
        if (message.starts_with("response.")) message = message.substr(9);
        return ToGrpcStatus(
            absl::InvalidArgumentError(absl::StrCat(field, ".", message)));
      }
      r.clear_stakeholder();
      rows.push_back(std::move(row));
    }
    // Every target is checked, including the reviews general texts name.
    std::set<std::string> all_targets;
    for (const auto& row : rows) {
      all_targets.insert(row.response.targets().begin(),
                         row.response.targets().end());
    }
    if (auto st = targets_.CheckTargets(
            {all_targets.begin(), all_targets.end()}, "targets", deadline);
        !st.ok()) {
      return ToGrpcStatus(st);
    }
    if (request->validate_only()) {
      for (const auto& issue : skipped) *response->add_skipped() = issue;
      for (const auto& row : rows) *response->add_responses() = row.response;
      return grpc::Status::OK;
    }
    auto written = store_.ImportResponses(
        rows, skipped, IdempotencyOf(*request, request->request_id()));
    if (!written.ok()) return ToGrpcStatus(written.status());
    *response = written->value;
    return grpc::Status::OK;
  });
}

// ------------------------------------------------------------ analysis

ResponsesServiceImpl::Reactor* ResponsesServiceImpl::SummarizeStances(
    Context* context, const v1::SummarizeStancesRequest* request,
    v1::SummarizeStancesResponse* response) {
  return common::RunUnary(context, executor_, [=, this]() -> grpc::Status {
    auto scope = ScopeOf(
        request->has_review_year() ? std::optional<int>(request->review_year())
                                   : std::nullopt,
        request->has_target() ? &request->target() : nullptr,
        request->has_stakeholder() ? &request->stakeholder() : nullptr);
    if (!scope.ok()) return ToGrpcStatus(scope.status());
    auto summary = store_.SummarizeStances(*scope);
    if (!summary.ok()) return ToGrpcStatus(summary.status());
    for (auto& c : summary->counts) *response->add_counts() = std::move(c);
    response->set_total(summary->total);
    response->set_stakeholder_count(summary->stakeholders);
    response->set_data_version(summary->data_version);
    return grpc::Status::OK;
  });
}

ResponsesServiceImpl::Reactor* ResponsesServiceImpl::GetStanceTimeline(
    Context* context, const v1::GetStanceTimelineRequest* request,
    v1::GetStanceTimelineResponse* response) {
  return common::RunUnary(context, executor_, [=, this]() -> grpc::Status {
    auto scope = ScopeOf(
        std::nullopt, request->has_target() ? &request->target() : nullptr,
        request->has_stakeholder() ? &request->stakeholder() : nullptr);
    if (!scope.ok()) return ToGrpcStatus(scope.status());
    int64_t version = 0;
    auto entries = store_.Timeline(*scope, &version);
    if (!entries.ok()) return ToGrpcStatus(entries.status());
    std::map<std::string, v1::Stance> last;  // stakeholder -> previous stance
    for (auto& r : *entries) {
      v1::TimelineEntry* entry = response->add_entries();
      const auto previous = last.find(r.stakeholder());
      if (previous != last.end()) {
        entry->set_previous_stance(previous->second);
        entry->set_stance_changed(previous->second != r.stance());
      }
      last[r.stakeholder()] = r.stance();
      *entry->mutable_response() = std::move(r);
    }
    response->set_data_version(version);
    return grpc::Status::OK;
  });
}

}  // namespace nml::responses
