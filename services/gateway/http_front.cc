#include "services/gateway/http_front.h"

#include <absl/strings/str_cat.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/util/json_util.h>
#include <grpcpp/client_context.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/support/byte_buffer.h>
#include <httplib.h>
#include <spdlog/spdlog.h>

#include <future>
#include <set>

#include "common/config.h"
#include "common/logging.h"
#include "common/status.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace nml::gateway {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;

int HttpStatusFor(int grpc_code) {
  switch (grpc_code) {
    case 0:
      return 200;
    case 1:
      return 499;  // CANCELLED
    case 2:
      return 500;  // UNKNOWN
    case 3:
      return 400;  // INVALID_ARGUMENT
    case 4:
      return 504;  // DEADLINE_EXCEEDED
    case 5:
      return 404;  // NOT_FOUND
    case 6:
      return 409;  // ALREADY_EXISTS
    case 7:
      return 403;  // PERMISSION_DENIED
    case 8:
      return 429;  // RESOURCE_EXHAUSTED
    case 9:
      return 400;  // FAILED_PRECONDITION
    case 10:
      return 409;  // ABORTED
    case 11:
      return 400;  // OUT_OF_RANGE
    case 12:
      return 501;  // UNIMPLEMENTED
    case 13:
      return 500;  // INTERNAL
    case 14:
      return 503;  // UNAVAILABLE
    case 15:
      return 500;  // DATA_LOSS
    case 16:
      return 401;  // UNAUTHENTICATED
    default:
      return 500;
  }
}

namespace {

std::string ErrorBody(int grpc_code, const std::string& message) {
  nlohmann::json body;
  body["error"]["code"] = HttpStatusFor(grpc_code);
  body["error"]["status"] = std::string(common::GrpcCodeName(grpc_code));
  body["error"]["message"] = message;
  return body.dump();
}

// ------------------------------------------------------------ OpenAPI

nlohmann::json FieldSchema(const FieldDescriptor* field,
                           std::set<const Descriptor*>& todo) {
  nlohmann::json schema;
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      schema["type"] = "string";
      if (field->type() == FieldDescriptor::TYPE_BYTES)
        schema["format"] = "byte";
      break;
    case FieldDescriptor::CPPTYPE_INT32:
      schema = {{"type", "integer"}, {"format", "int32"}};
      break;
    case FieldDescriptor::CPPTYPE_UINT32:
      schema = {{"type", "integer"}, {"format", "uint32"}};
      break;
    case FieldDescriptor::CPPTYPE_INT64:
    case FieldDescriptor::CPPTYPE_UINT64:
      // proto3 JSON writes 64-bit integers as strings.
      schema = {{"type", "string"}, {"format", "int64"}};
      break;
    case FieldDescriptor::CPPTYPE_DOUBLE:
    case FieldDescriptor::CPPTYPE_FLOAT:
      schema = {{"type", "number"}};
      break;
    case FieldDescriptor::CPPTYPE_BOOL:
      schema = {{"type", "boolean"}};
      break;
    case FieldDescriptor::CPPTYPE_ENUM: {
      schema["type"] = "string";
      for (int i = 0; i < field->enum_type()->value_count(); ++i) {
        schema["enum"].push_back(field->enum_type()->value(i)->name());
      }
      break;
    }
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      const std::string& name = field->message_type()->full_name();
      if (name == "google.protobuf.Timestamp") {
        schema = {{"type", "string"}, {"format", "date-time"}};
      } else if (name == "google.protobuf.FieldMask") {
        schema = {{"type", "string"},
                  {"description", "comma-separated field paths"}};
      } else {
        todo.insert(field->message_type());
        schema["$ref"] = "#/components/schemas/" + name;
      }
      break;
    }
  }
  if (field->is_repeated()) return {{"type", "array"}, {"items", schema}};
  return schema;
}

nlohmann::json MessageSchema(const Descriptor* message,
                             std::set<const Descriptor*>& todo) {
  nlohmann::json schema = {{"type", "object"}, {"additionalProperties", false}};
  schema["properties"] = nlohmann::json::object();
  for (int i = 0; i < message->field_count(); ++i) {
    const FieldDescriptor* field = message->field(i);
    schema["properties"][field->json_name()] = FieldSchema(field, todo);
  }
  return schema;
}

std::string OpenApiPath(const Route& route, std::vector<std::string>* params) {
  std::string path = "/v1";
  for (const Route::Segment& segment : route.segments) {
    if (!segment.literal.empty()) {
      absl::StrAppend(&path, "/", segment.literal);
      continue;
    }
    std::string previous = segment.field;
    for (const std::string& part : segment.pattern) {
      if (part == "*") {
        const std::string param = absl::StrCat(previous, "Id");
        params->push_back(param);
        absl::StrAppend(&path, "/{", param, "}");
      } else {
        absl::StrAppend(&path, "/", part);
        previous = part;
      }
    }
  }
  if (!route.verb.empty()) absl::StrAppend(&path, ":", route.verb);
  return path;
}

}  // namespace

nlohmann::json HttpFront::OpenApi(const RouteTable& routes) {
  nlohmann::json doc;
  doc["openapi"] = "3.0.3";
  doc["info"] = {
      {"title", "nml: the Notorious Markets List"},
      {"version", "v1"},
      {"description",
       "REST/JSON for nml.listings.v1, nml.responses.v1 and nml.gateway.v1, "
       "generated from the protobuf contracts (protobuf JSON mapping; unknown "
       "fields and query parameters are refused)."}};
  doc["paths"] = nlohmann::json::object();
  std::set<const Descriptor*> todo;
  for (const Route& route : routes.routes()) {
    std::vector<std::string> path_params;
    const std::string path = OpenApiPath(route, &path_params);
    nlohmann::json op;
    op["operationId"] = absl::StrCat(route.method->service()->name(), "_",
                                     route.method->name());
    op["summary"] = absl::StrCat(route.method->service()->full_name(), ".",
                                 route.method->name());
    op["tags"] = {route.method->service()->full_name()};
    for (const auto& p : path_params) {
      op["parameters"].push_back({{"name", p},
                                  {"in", "path"},
                                  {"required", true},
                                  {"schema", {{"type", "string"}}}});
    }
    std::set<std::string> bound;
    for (const auto& segment : route.segments) {
      if (!segment.field.empty())
        bound.insert(segment.field.substr(0, segment.field.find('.')));
    }
    if (route.body.empty()) {
      const Descriptor* input = route.method->input_type();
      for (int i = 0; i < input->field_count(); ++i) {
        const FieldDescriptor* field = input->field(i);
        if (bound.contains(field->name())) continue;
        if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
            field->message_type()->full_name() != "google.protobuf.FieldMask") {
          continue;
        }
        op["parameters"].push_back({{"name", field->name()},
                                    {"in", "query"},
                                    {"schema", FieldSchema(field, todo)}});
      }
    } else {
      const Descriptor* body = route.method->input_type();
      if (route.body != "*") {
        body = body->FindFieldByName(route.body)->message_type();
      }
      todo.insert(body);
      op["requestBody"] = {
          {"required", true},
          {"content",
           {{"application/json",
             {{"schema",
               {{"$ref", "#/components/schemas/" + body->full_name()}}}}}}}};
      if (route.method->input_type()->FindFieldByName("update_mask") !=
          nullptr) {
        op["parameters"].push_back({{"name", "update_mask"},
                                    {"in", "query"},
                                    {"schema", {{"type", "string"}}}});
      }
    }
    todo.insert(route.method->output_type());
    op["responses"]["200"] = {
        {"description", "OK"},
        {"content",
         {{"application/json",
           {{"schema",
             {{"$ref", "#/components/schemas/" +
                           route.method->output_type()->full_name()}}}}}}}};
    op["responses"]["default"] = {
        {"description", "An error; `status` is the gRPC code name"},
        {"content",
         {{"application/json",
           {{"schema", {{"$ref", "#/components/schemas/Error"}}}}}}}};
    std::string verb = route.http_method;
    std::transform(verb.begin(), verb.end(), verb.begin(), ::tolower);
    doc["paths"][path][verb] = op;
  }
  std::set<const Descriptor*> done;
  while (!todo.empty()) {
    const Descriptor* message = *todo.begin();
    todo.erase(todo.begin());
    if (!done.insert(message).second) continue;
    doc["components"]["schemas"][message->full_name()] =
        MessageSchema(message, todo);
  }
  doc["components"]["schemas"]["Error"] = {
      {"type", "object"},
      {"properties",
       {{"error",
         {{"type", "object"},
          {"properties",
           {{"code", {{"type", "integer"}}},
            {"status", {{"type", "string"}}},
            {"message", {{"type", "string"}}}}}}}}}};
  return doc;
}

HttpFront::HttpFront(
    Options options, RouteTable routes,
    std::map<std::string, std::shared_ptr<grpc::Channel>> channels,
    std::vector<std::shared_ptr<grpc::Channel>> backends,
    common::RpcMetrics* grpc_metrics)
    : options_(std::move(options)),
      routes_(std::move(routes)),
      channels_(std::move(channels)),
      backends_(std::move(backends)),
      grpc_metrics_(grpc_metrics),
      openapi_(OpenApi(routes_).dump(1)) {}

HttpFront::~HttpFront() { Stop(); }

HttpFront::Reply HttpFront::Dispatch(
    const std::string& method, const std::string& path,
    const std::multimap<std::string, std::string>& query,
    const std::string& body, const std::string& authorization,
    std::string request_id) {
  Reply reply;
  reply.request_id = std::move(request_id);
  auto fail = [&reply](int code, const std::string& message, int http = 0) {
    reply.status = http != 0 ? http : HttpStatusFor(code);
    reply.body = ErrorBody(code, message);
    return reply;
  };
  auto match = routes_.Find(method, path);
  if (!match.ok()) {
    if (match.status().code() == absl::StatusCode::kUnimplemented) {
      return fail(12, std::string(match.status().message()), 405);
    }
    return fail(static_cast<int>(match.status().code()),
                std::string(match.status().message()));
  }
  const Route& route = *match->route;
  reply.route = absl::StrCat(route.http_method, " ", route.path);
  const auto channel = channels_.find(route.method->service()->full_name());
  if (channel == channels_.end()) return fail(12, "no backend for this method");

  const google::protobuf::Message* prototype =
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(
          route.method->input_type());
  std::unique_ptr<google::protobuf::Message> request(prototype->New());
  if (auto st = BuildRequest(*match, query, body, *request); !st.ok()) {
    return fail(static_cast<int>(st.code()), std::string(st.message()));
  }

  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() +
                       options_.call_timeout);
  if (!authorization.empty())
    context.AddMetadata("authorization", authorization);
  context.AddMetadata("x-request-id", reply.request_id);
  std::string bytes;
  request->SerializeToString(&bytes);
  grpc::Slice slice(bytes);
  grpc::ByteBuffer request_buffer(&slice, 1);
  grpc::ByteBuffer response_buffer;
  grpc::GenericStub stub(channel->second);
  std::promise<grpc::Status> done;
  stub.UnaryCall(&context, route.grpc_path(), grpc::StubOptions(),
                 &request_buffer, &response_buffer,
                 [&done](grpc::Status s) { done.set_value(std::move(s)); });
  const grpc::Status status = done.get_future().get();
  if (!status.ok()) return fail(status.error_code(), status.error_message());

  std::unique_ptr<google::protobuf::Message> response(
      google::protobuf::MessageFactory::generated_factory()
          ->GetPrototype(route.method->output_type())
          ->New());
  std::vector<grpc::Slice> slices;
  (void)response_buffer.Dump(&slices);
  std::string response_bytes;
  for (const auto& s : slices) {
    response_bytes.append(reinterpret_cast<const char*>(s.begin()), s.size());
  }
  if (!response->ParseFromString(response_bytes)) {
    return fail(13, "backend answer could not be read");
  }
  google::protobuf::util::JsonPrintOptions print;
  print.always_print_primitive_fields = true;
  (void)google::protobuf::util::MessageToJsonString(*response, &reply.body,
                                                    print);
  reply.status = 200;
  return reply;
}

absl::Status HttpFront::Start() {
  auto listen = common::ParseHostPort(options_.listen);
  if (!listen.ok()) return listen.status();
  if (options_.tls.enabled()) {
    server_ = std::make_unique<httplib::SSLServer>(
        options_.tls.cert.c_str(), options_.tls.key.c_str(),
        options_.tls.client_ca.empty() ? nullptr
                                       : options_.tls.client_ca.c_str());
    if (!server_->is_valid()) {
      return absl::InvalidArgumentError(
          "--http-tls-cert/--http-tls-key/--http-tls-client-ca: cannot load "
          "the certificates");
    }
  } else {
    server_ = std::make_unique<httplib::Server>();
  }
  const int threads = options_.threads;
  server_->new_task_queue = [threads] {
    return new httplib::ThreadPool(static_cast<size_t>(threads));
  };
  server_->set_payload_max_length(4 * 1024 * 1024);

  auto json = [](httplib::Response& res, int status, const std::string& body) {
    res.status = status;
    res.set_content(body, "application/json");
  };
  server_->Get("/healthz",
               [json](const httplib::Request&, httplib::Response& res) {
                 json(res, 200, R"({"status":"ok"})");
               });
  server_->Get(
      "/readyz", [this, json](const httplib::Request&, httplib::Response& res) {
        nlohmann::json body;
        bool ready = true;
        for (size_t i = 0; i < backends_.size(); ++i) {
          auto stub = grpc::health::v1::Health::NewStub(backends_[i]);
          grpc::ClientContext context;
          context.set_deadline(std::chrono::system_clock::now() +
                               std::chrono::seconds(1));
          grpc::health::v1::HealthCheckResponse health;
          const grpc::Status status = stub->Check(&context, {}, &health);
          const bool serving =
              status.ok() &&
              health.status() == grpc::health::v1::HealthCheckResponse::SERVING;
          ready &= serving;
          body["backends"].push_back(
              {{"serving", serving},
               {"detail",
                status.ok()
                    ? grpc::health::v1::HealthCheckResponse::ServingStatus_Name(
                          health.status())
                    : status.error_message()}});
        }
        body["ready"] = ready;
        json(res, ready ? 200 : 503, body.dump());
      });
  server_->Get("/metrics",
               [this](const httplib::Request&, httplib::Response& res) {
                 std::string text = http_metrics_.RenderPrometheus();
                 if (grpc_metrics_ != nullptr)
                   text += grpc_metrics_->RenderPrometheus();
                 res.set_content(text, "text/plain; version=0.0.4");
               });
  server_->Get("/openapi.json",
               [this, json](const httplib::Request&, httplib::Response& res) {
                 json(res, 200, openapi_);
               });
  auto handler = [this, json](const httplib::Request& req,
                              httplib::Response& res) {
    const auto started = std::chrono::steady_clock::now();
    std::string request_id = req.get_header_value("x-request-id");
    if (request_id.empty() || request_id.size() > 128)
      request_id = common::NewRequestId();
    // Query parameters come from the URL only: a form-encoded body (curl -d
    // without a content type) is still read as JSON, never as parameters.
    httplib::Params url_params;
    if (const size_t q = req.target.find('?'); q != std::string::npos) {
      httplib::detail::parse_query_text(req.target.substr(q + 1), url_params);
    }
    std::multimap<std::string, std::string> query(url_params.begin(),
                                                  url_params.end());
    const Reply reply =
        Dispatch(req.method, req.path, query, req.body,
                 req.get_header_value("authorization"), request_id);
    json(res, reply.status, reply.body);
    res.set_header("x-request-id", reply.request_id);
    const double seconds = std::chrono::duration<double>(
                               std::chrono::steady_clock::now() - started)
                               .count();
    http_metrics_.Record(reply.route.empty() ? "unmatched" : reply.route,
                         reply.status, seconds);
    spdlog::info(
        "http method={} path={} status={} latency_ms={:.3f} request_id={}",
        req.method, req.path, reply.status, seconds * 1000, reply.request_id);
  };
  server_->Get("/v1/.*", handler);
  server_->Post("/v1/.*", handler);
  server_->Patch("/v1/.*", handler);
  server_->Delete("/v1/.*", handler);
  server_->set_error_handler([json](const httplib::Request& req,
                                    httplib::Response& res) {
    if (res.body.empty()) {
      json(res, res.status,
           ErrorBody(res.status == 404 ? 5 : 3,
                     absl::StrCat("no route for ", req.method, " ", req.path)));
    }
  });

  if (listen->port == 0) {
    port_ = server_->bind_to_any_port(listen->host.c_str());
  } else {
    port_ = server_->bind_to_port(listen->host.c_str(), listen->port)
                ? listen->port
                : -1;
  }
  if (port_ <= 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot listen on ", listen->ToString(),
                     " (HTTP; address in use or not available)"));
  }
  thread_ = std::thread([this] { server_->listen_after_bind(); });
  spdlog::info("HTTP/JSON listening on {}:{}", listen->host, port_);
  return absl::OkStatus();
}

void HttpFront::Stop() {
  if (server_ != nullptr) server_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace nml::gateway
