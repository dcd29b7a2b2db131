#include "common/grpc/request_check.h"

#include <absl/strings/numbers.h>
#include <absl/strings/str_cat.h>
#include <google/protobuf/stubs/logging.h>
#include <spdlog/spdlog.h>

#include <string>
#include <string_view>
#include <vector>

#include "common/api/names.h"
#include "common/api/status.h"
#include "common/grpc/auth.h"

namespace nml::common {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

bool HasNul(std::string_view text) {
  return text.find('\0') != std::string_view::npos;
}

// True when a string field under `message` holds a NUL; `path` is then
// its path. The path is built only on the way back from a find, so a clean
// request (the hot path: every call) allocates nothing here.
bool FindNul(const Message& message, std::string* path) {
  const auto* reflection = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const FieldDescriptor* field : fields) {
    const bool is_string = field->type() == FieldDescriptor::TYPE_STRING;
    if (!is_string && field->cpp_type() != FieldDescriptor::CPPTYPE_MESSAGE) {
      continue;  // numbers, enums, bytes
    }
    std::string scratch;
    if (!field->is_repeated()) {
      if (is_string
              ? HasNul(reflection->GetStringReference(message, field, &scratch))
              : FindNul(reflection->GetMessage(message, field), path)) {
        *path =
            is_string ? field->name() : absl::StrCat(field->name(), ".", *path);
        return true;
      }
      continue;
    }
    const int size = reflection->FieldSize(message, field);
    for (int i = 0; i < size; ++i) {
      if (is_string ? HasNul(reflection->GetRepeatedStringReference(
                          message, field, i, &scratch))
                    : FindNul(reflection->GetRepeatedMessage(message, field, i),
                              path)) {
        *path = is_string ? absl::StrCat(field->name(), "[", i, "]")
                          : absl::StrCat(field->name(), "[", i, "].", *path);
        return true;
      }
    }
  }
  return false;
}

}  // namespace

absl::Status CheckNoNul(const Message& message) {
  std::string field;
  if (!FindNul(message, &field)) return absl::OkStatus();
  return FieldError(field, "must not contain NUL characters");
}

absl::StatusOr<int64_t> ParseMinDataVersion(std::string_view header,
                                            std::string_view value) {
  const std::string given(value);
  int64_t version = 0;
  if (given.empty() || given.size() > 19 ||
      given.find_first_not_of("0123456789") != std::string::npos ||
      !absl::SimpleAtoi(given, &version)) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(header), ": '", given.substr(0, 40),
                     "' is not a data version (a whole number, 0 or more: the "
                     "data_version a write answered with)"));
  }
  return version;
}

namespace {

absl::StatusOr<int64_t> MinDataVersion(const grpc::ServerContextBase& context) {
  const auto& metadata = context.client_metadata();
  const auto it = metadata.find(kMinDataVersionMetadata);
  if (it == metadata.end()) return 0;
  return ParseMinDataVersion(
      kMinDataVersionMetadata,
      std::string_view(it->second.data(), it->second.size()));
}

}  // namespace

absl::StatusOr<CallInfo> CheckCall(const grpc::ServerContextBase& context,
                                   const Message& request) {
  if (absl::Status auth = AuthDecision(context); !auth.ok()) return auth;
  if (absl::Status nul = CheckNoNul(request); !nul.ok()) return nul;
  const absl::StatusOr<int64_t> min_version = MinDataVersion(context);
  if (!min_version.ok()) return min_version.status();
  return CallInfo{.deadline = context.deadline(),
                  .min_data_version = *min_version};
}

namespace {

// What protobuf said about the last message it refused on this thread:
// "String field 'nml.listings.v1.Market.display_name' contains invalid
// UTF-8 data when parsing a protocol buffer...". gRPC decodes a request on
// the thread that then runs the interceptors' hooks for it.
thread_local std::string last_parse_error;

void ProtobufLogHandler(google::protobuf::LogLevel level, const char* filename,
                        int line, const std::string& message) {
  // A client's bad string is the client's error, answered to it: not a
  // server problem worth more than a debug line. Anything else protobuf
  // says keeps its level.
  if (message.find("invalid UTF-8") != std::string::npos) {
    last_parse_error = message;
    spdlog::debug("protobuf {}:{}: {}", filename, line, message);
    return;
  }
  const auto spd_level =
      level >= google::protobuf::LOGLEVEL_ERROR     ? spdlog::level::err
      : level == google::protobuf::LOGLEVEL_WARNING ? spdlog::level::warn
                                                    : spdlog::level::info;
  spdlog::log(spd_level, "protobuf {}:{}: {}", filename, line, message);
}

// The field a protobuf UTF-8 error names ("nml.listings.v1.Market.
// display_name"), or "".
std::string FieldOf(const std::string& error) {
  const size_t open = error.find('\'');
  const size_t close =
      open == std::string::npos ? open : error.find('\'', open + 1);
  if (close == std::string::npos) return "";
  return error.substr(open + 1, close - open - 1);
}

class RequestDecodeInterceptor final : public grpc::experimental::Interceptor {
 public:
  void Intercept(
      grpc::experimental::InterceptorBatchMethods* methods) override {
    using grpc::experimental::InterceptionHookPoints;
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_RECV_MESSAGE)) {
      last_parse_error.clear();
    }
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::POST_RECV_MESSAGE) &&
        methods->GetRecvMessage() == nullptr) {
      undecodable_ = true;
      field_ = FieldOf(last_parse_error);
    }
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_SEND_STATUS)) {
      const grpc::Status status = methods->GetSendStatus();
      // gRPC's own answer to a request it could not decode.
      if (undecodable_ &&
          status.error_code() == grpc::StatusCode::UNIMPLEMENTED) {
        methods->ModifySendStatus(grpc::Status(
            grpc::StatusCode::INVALID_ARGUMENT,
            field_.empty()
                ? "the request does not decode as this method's message "
                  "(a string field with invalid UTF-8, or not protobuf)"
                : absl::StrCat(field_,
                               ": is not valid UTF-8 (a string field "
                               "must be; send bytes as base64)")));
      }
    }
    methods->Proceed();
  }

 private:
  bool undecodable_ = false;
  std::string field_;
};

class RequestDecodeInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo*) override {
    return new RequestDecodeInterceptor;
  }
};

}  // namespace

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
MakeRequestDecodeInterceptorFactory() {
  static const bool installed = [] {
    google::protobuf::SetLogHandler(&ProtobufLogHandler);
    return true;
  }();
  (void)installed;
  return std::make_unique<RequestDecodeInterceptorFactory>();
}

}  // namespace nml::common
