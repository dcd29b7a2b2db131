#include "services/gateway/rest_handler.h"

#include <absl/strings/match.h>
#include <absl/strings/str_cat.h>
#include <absl/strings/str_join.h>
#include <grpcpp/impl/codegen/proto_utils.h>
#include <grpcpp/support/byte_buffer.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "common/api/names.h"
#include "common/api/percent_encoding.h"
#include "common/api/status.h"
#include "common/api/strings.h"
#include "common/grpc/logging.h"
#include "common/grpc/request_check.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "services/gateway/file_call.h"
#include "services/gateway/json_printer.h"
#include "services/gateway/openapi.h"
#include "services/gateway/rest_headers.h"

namespace nml::gateway {

using google::protobuf::Message;

namespace {

// The message of a request or answer that carries the resource's etag: the
// message itself, or the one singular message field that has an `etag`.
Message* EtagHolder(Message& message) {
  const auto* descriptor = message.GetDescriptor();
  if (descriptor->FindFieldByName("etag") != nullptr) return &message;
  Message* found = nullptr;
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const auto* field = descriptor->field(i);
    if (field->is_repeated() ||
        field->cpp_type() !=
            google::protobuf::FieldDescriptor::CPPTYPE_MESSAGE ||
        field->message_type()->FindFieldByName("etag") == nullptr) {
      continue;
    }
    if (found != nullptr) return nullptr;  // two resources: no single etag
    found = message.GetReflection()->MutableMessage(&message, field);
  }
  return found;
}

std::string StringField(const Message& message, const char* name) {
  const auto* field = message.GetDescriptor()->FindFieldByName(name);
  if (field == nullptr ||
      field->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_STRING ||
      field->is_repeated()) {
    return "";
  }
  return message.GetReflection()->GetString(message, field);
}

}  // namespace

// One REST call from the request to its answer.
struct RestHandler::Call {
  std::function<void(RestReply)> done;
  std::string request_id;
  std::string origin;
  std::string method;
  std::string if_none_match;
  bool if_match_given = false;
  std::chrono::steady_clock::time_point started;
  const Route* route = nullptr;
  std::unique_ptr<Message> request;
  std::unique_ptr<Message> response;
  std::chrono::system_clock::time_point deadline;
  std::string authorization;
  // x-nml-min-data-version as given (empty: none), and
  // x-nml-min-responses-data-version (composed reads only).
  std::string min_data_version;
  std::string min_responses_data_version;
  // For remote calls.
  grpc::ClientContext context;
  grpc::ByteBuffer request_buffer;
  grpc::ByteBuffer response_buffer;
};

RestHandler::RestHandler(
    Options options, RouteTable routes,
    std::map<std::string, std::shared_ptr<grpc::Channel>> channels,
    Composer* composer, std::shared_ptr<const common::AuthPolicy> policy,
    common::RpcMetrics* grpc_metrics)
    : options_(std::move(options)),
      routes_(std::move(routes)),
      composer_(composer),
      policy_(std::move(policy)),
      grpc_metrics_(grpc_metrics),
      cors_(options_.cors_origins),
      ops_(channels, http_metrics_, grpc_metrics_,
           OpenApiDocument(routes_).dump(1), in_flight_) {
  for (auto& [service, channel] : channels) {
    stubs_[service] = std::make_unique<grpc::GenericStub>(channel);
  }
}

void RestHandler::Finish(const std::shared_ptr<Call>& call, RestReply reply) {
  reply.headers.emplace_back("X-Request-Id", call->request_id);
  cors_.AddAnswerHeaders(call->origin, reply);
  if (reply.route.empty())
    reply.route = call->route != nullptr ? call->route->label() : "unmatched";
  const double seconds = std::chrono::duration<double>(
                             std::chrono::steady_clock::now() - call->started)
                             .count();
  http_metrics_.Record(reply.route, reply.status, seconds);
  spdlog::info(
      "http method={} route={} status={} latency_ms={:.3f} request_id={}",
      common::LogField(call->method), common::LogField(reply.route),
      reply.status, seconds * 1000, common::LogField(call->request_id));
  call->done(std::move(reply));
}

void RestHandler::Handle(RestRequest request,
                         std::function<void(RestReply)> done) {
  auto call = std::make_shared<Call>();
  call->done = std::move(done);
  call->started = std::chrono::steady_clock::now();
  call->method = request.method;
  call->origin = request.Header("origin");

  // The request id comes back on every answer, so it is settled first; an
  // unsafe one is replaced (common::AcceptRequestId), not refused.
  call->request_id = common::AcceptRequestId(request.Header("x-request-id"));
  const size_t question = request.target.find('?');
  const std::string path = request.target.substr(0, question);
  const std::string query =
      question == std::string::npos ? "" : request.target.substr(question + 1);

  if (auto page = web_view_.Serve(request, path)) {
    return Finish(call, std::move(*page));
  }
  if (OpsEndpoints::Serves(path)) {
    return ops_.Serve(request.method, path, [this, call](RestReply reply) {
      Finish(call, std::move(reply));
    });
  }

  if (request.method == "OPTIONS") {
    // CORS preflight, or a plain question about the methods of a path.
    const auto allowed = routes_.AllowedMethods(path);
    if (allowed.empty()) {
      return Finish(call,
                    ErrorReply(grpc::StatusCode::NOT_FOUND,
                               absl::StrCat("no route for ",
                                            common::EchoInput(path, 200))));
    }
    RestReply reply;
    reply.status = 204;
    reply.route = "OPTIONS";
    const std::string methods = absl::StrJoin(allowed, ", ");
    reply.headers.emplace_back("Allow", methods);
    cors_.AddPreflightHeaders(call->origin, methods, reply);
    return Finish(call, std::move(reply));
  }
  HandleRoute(request, path, query, call);
}

void RestHandler::HandleRoute(const RestRequest& request,
                              const std::string& path, std::string_view query,
                              std::shared_ptr<Call> call) {
  auto match = routes_.Find(request.method, path);
  if (!match.ok()) {
    if (match.status().code() == absl::StatusCode::kUnimplemented) {
      RestReply reply = ErrorReply(grpc::StatusCode::UNIMPLEMENTED,
                                   common::Std(match.status().message()), 405);
      reply.headers.emplace_back(
          "Allow", absl::StrJoin(routes_.AllowedMethods(path), ", "));
      return Finish(call, std::move(reply));
    }
    return Finish(call, ErrorReply(match.status()));
  }
  call->route = match->route;
  const Route& route = *match->route;

  // x-request-id was checked in Handle; authorization also becomes gRPC
  // metadata.
  call->authorization = request.Header("authorization");
  if (!IsMetadataValue(call->authorization)) {
    return Finish(call, ErrorReply(grpc::StatusCode::INVALID_ARGUMENT,
                                   "header authorization: only printable "
                                   "ASCII is allowed (it becomes gRPC "
                                   "metadata)"));
  }

  // Read-your-writes: the backend checks the number (INVALID_ARGUMENT
  // naming the header); here only that it can be metadata.
  call->min_data_version = request.Header(common::kMinDataVersionMetadata);
  call->min_responses_data_version =
      request.Header(common::kMinResponsesDataVersionMetadata);
  // Checked here, before any leg: a composed read would otherwise only
  // lose the section whose backend refused it.
  for (const auto& [header, value] :
       {std::pair{common::kMinDataVersionMetadata, &call->min_data_version},
        std::pair{common::kMinResponsesDataVersionMetadata,
                  &call->min_responses_data_version}}) {
    if (value->empty()) continue;
    if (auto version = common::ParseMinDataVersion(header, *value);
        !version.ok()) {
      return Finish(call, ErrorReply(version.status()));
    }
  }

  auto timeout = CallerTimeout(request);
  if (!timeout.ok()) return Finish(call, ErrorReply(timeout.status()));
  std::chrono::nanoseconds bound = options_.default_timeout;
  if (timeout->has_value())
    bound = std::min<std::chrono::nanoseconds>(**timeout, options_.max_timeout);
  call->deadline = std::chrono::system_clock::now() +
                   std::chrono::duration_cast<std::chrono::microseconds>(bound);

  auto parameters = ParseQuery(query);
  if (!parameters.ok()) return Finish(call, ErrorReply(parameters.status()));
  auto* factory = google::protobuf::MessageFactory::generated_factory();
  call->request.reset(factory->GetPrototype(route.method->input_type())->New());
  call->response.reset(
      factory->GetPrototype(route.method->output_type())->New());
  if (auto st = BuildRequest(*match, *parameters, request.body, *call->request);
      !st.ok()) {
    return Finish(call, ErrorReply(st));
  }

  // If-Match is the resource's etag on updates and deletes (AIP-154).
  const std::string if_match = request.Header("if-match");
  if (!if_match.empty() &&
      (route.http_method == "PATCH" || route.http_method == "DELETE" ||
       route.http_method == "PUT")) {
    Message* holder = EtagHolder(*call->request);
    if (holder != nullptr) {
      const auto* field = holder->GetDescriptor()->FindFieldByName("etag");
      const std::string given =
          holder->GetReflection()->GetString(*holder, field);
      const std::string tag = Unquote(if_match);
      if (!given.empty() && given != tag) {
        return Finish(call, ErrorReply(grpc::StatusCode::INVALID_ARGUMENT,
                                       "header If-Match and the body's "
                                       "etag differ"));
      }
      holder->GetReflection()->SetString(holder, field, tag);
      call->if_match_given = true;
    }
  }
  call->if_none_match = Unquote(request.Header("if-none-match"));
  Invoke(std::move(call));
}

void RestHandler::Invoke(std::shared_ptr<Call> call) {
  const Route& route = *call->route;
  // Held by whatever finishes the call; any way out of here drops it.
  auto in_flight = std::make_shared<InFlight>(in_flight_);
  auto complete = [this, call, in_flight](grpc::Status status) mutable {
    {
      absl::MutexLock lock(&mu_);
      contexts_.erase(&call->context);
    }
    RestReply reply;
    if (!status.ok()) {
      // A stale If-Match is a failed precondition in HTTP's own terms; the
      // service says "stale etag" with its ErrorInfo reason.
      const auto reasons = common::ErrorInfoReasons(status);
      const bool stale_if_match =
          call->if_match_given &&
          std::find(reasons.begin(), reasons.end(),
                    common::kEtagMismatchReason) != reasons.end();
      reply = ErrorReply(status, stale_if_match ? 412 : 0);
    } else {
      const Route& r = *call->route;
      const Message* answer = call->response.get();
      if (!r.response_body.empty()) {
        const auto* field =
            answer->GetDescriptor()->FindFieldByName(r.response_body);
        answer = &answer->GetReflection()->GetMessage(*answer, field);
      }
      reply.body = ToJson(*answer);
      if (Message* holder = EtagHolder(*call->response); holder != nullptr) {
        const std::string etag = StringField(*holder, "etag");
        if (!etag.empty()) {
          reply.headers.emplace_back("ETag", absl::StrCat("\"", etag, "\""));
          if (r.http_method == "GET" && call->if_none_match == etag) {
            reply.status = 304;
            reply.body.clear();
          }
        }
        const std::string name = StringField(*holder, "name");
        if (absl::StartsWith(r.method->name(), "Create") && !name.empty()) {
          reply.headers.emplace_back("Location", absl::StrCat("/v1/", name));
        }
      }
    }
    Finish(call, std::move(reply));
    in_flight.reset();
  };

  const auto* service = route.method->service();
  if (service->full_name() == "nml.gateway.v1.GatewayService") {
    // The composed reads run in process: no second hop, serialisation or
    // auth pass through the gateway's own gRPC port.
    const std::string& grpc_path = route.grpc_path;
    if (absl::Status auth =
            policy_ == nullptr
                ? absl::OkStatus()
                : policy_->Decide(grpc_path, call->authorization);
        !auth.ok()) {
      return Finish(call, ErrorReply(auth));
    }
    LegOptions legs;
    legs.deadline = call->deadline;
    if (!call->authorization.empty())
      legs.metadata.emplace_back("authorization", call->authorization);
    legs.metadata.emplace_back("x-request-id", call->request_id);
    legs.min_listings_version = call->min_data_version;
    legs.min_responses_version = call->min_responses_data_version;
    // Every method has one: the gateway checks at start
    // (Composer::CheckEveryMethodComposed).
    const Composer::Read* read = Composer::ReadFor(route.method);
    if (read == nullptr) {
      return Finish(call, ErrorReply(grpc::StatusCode::UNIMPLEMENTED,
                                     "no composed read for this method"));
    }
    (*read)(*composer_, legs, *call->request, call->response.get(),
            std::move(complete));
    return;
  }

  const auto stub = stubs_.find(service->full_name());
  if (stub == stubs_.end()) {
    return Finish(call, ErrorReply(grpc::StatusCode::UNIMPLEMENTED,
                                   "no backend serves this method"));
  }
  call->context.set_deadline(call->deadline);
  if (!call->authorization.empty())
    call->context.AddMetadata("authorization", call->authorization);
  call->context.AddMetadata("x-request-id", call->request_id);
  if (!call->min_data_version.empty()) {
    call->context.AddMetadata(common::kMinDataVersionMetadata,
                              call->min_data_version);
  }
  // gRPC's own protobuf codec, straight into and out of its buffers.
  bool own_buffer = false;
  if (grpc::Status serialized = grpc::SerializationTraits<Message>::Serialize(
          *call->request, &call->request_buffer, &own_buffer);
      !serialized.ok()) {
    return Finish(call, ErrorReply(serialized));
  }
  {
    absl::MutexLock lock(&mu_);
    contexts_.insert(&call->context);
  }
  if (IsFileRoute(route)) {
    // Answered when the first chunk is in; over when the stream ends.
    return FileCall::Start(
        *stub->second, route.grpc_path, &call->context,
        std::move(call->request_buffer),
        [this, call](RestReply reply) { Finish(call, std::move(reply)); },
        [this, call, in_flight]() mutable {
          {
            absl::MutexLock lock(&mu_);
            contexts_.erase(&call->context);
          }
          in_flight.reset();
        });
  }
  stub->second->UnaryCall(
      &call->context, route.grpc_path, grpc::StubOptions(),
      &call->request_buffer, &call->response_buffer,
      [call, complete = std::move(complete)](grpc::Status status) mutable {
        if (status.ok() && !grpc::SerializationTraits<Message>::Deserialize(
                                &call->response_buffer, call->response.get())
                                .ok()) {
          status = grpc::Status(grpc::StatusCode::INTERNAL,
                                "the backend's answer could not be read");
        }
        complete(std::move(status));
      });
}

void RestHandler::CancelAll() {
  absl::MutexLock lock(&mu_);
  for (grpc::ClientContext* context : contexts_) context->TryCancel();
}

}  // namespace nml::gateway
