#include "common/grpc/logging.h"

#include <absl/strings/ascii.h>
#include <absl/strings/str_format.h>
#include <grpcpp/server_context.h>
#include <spdlog/pattern_formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <random>
#include <string_view>

#include "common/api/status.h"
#include "common/grpc/grpc_front.h"

namespace nml::common {
namespace {

void AppendJsonEscaped(std::string_view text, spdlog::memory_buf_t& dest) {
  for (const char c : text) {
    switch (c) {
      case '"':
        dest.append(std::string_view("\\\""));
        break;
      case '\\':
        dest.append(std::string_view("\\\\"));
        break;
      case '\n':
        dest.append(std::string_view("\\n"));
        break;
      case '\r':
        dest.append(std::string_view("\\r"));
        break;
      case '\t':
        dest.append(std::string_view("\\t"));
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          const std::string escaped = absl::StrFormat("\\u%04x", c);
          dest.append(std::string_view(escaped));
        } else {
          dest.push_back(c);
        }
    }
  }
}

// %* in a pattern: the message, escaped for a JSON string.
class JsonMessageFlag final : public spdlog::custom_flag_formatter {
 public:
  void format(const spdlog::details::log_msg& msg, const std::tm&,
              spdlog::memory_buf_t& dest) override {
    AppendJsonEscaped(std::string_view(msg.payload.data(), msg.payload.size()),
                      dest);
  }
  std::unique_ptr<custom_flag_formatter> clone() const override {
    return std::make_unique<JsonMessageFlag>();
  }
};

class RpcLogInterceptor final : public grpc::experimental::Interceptor {
 public:
  RpcLogInterceptor(grpc::experimental::ServerRpcInfo* info,
                    RpcMetrics* metrics)
      : info_(info),
        method_(info->method() != nullptr ? info->method() : "?"),
        metrics_(metrics),
        start_(std::chrono::steady_clock::now()) {}

  ~RpcLogInterceptor() override {
    if (cancelled_) code_ = grpc::StatusCode::CANCELLED;
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start_)
            .count();
    if (metrics_ != nullptr) metrics_->Record(method_, code_, seconds);
    const bool probe = std::string_view(method_).starts_with("/grpc.health.");
    spdlog::log(probe ? spdlog::level::debug : spdlog::level::info,
                "rpc method={} code={} latency_ms={:.3f} request_id={} "
                "peer={}",
                LogField(method_), GrpcCodeName(code_), seconds * 1000.0,
                LogField(request_id_), LogField(peer_));
  }

  void Intercept(
      grpc::experimental::InterceptorBatchMethods* methods) override {
    using grpc::experimental::InterceptionHookPoints;
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::POST_RECV_INITIAL_METADATA)) {
      auto* metadata = methods->GetRecvInitialMetadata();
      if (metadata != nullptr) {
        const auto it = metadata->find("x-request-id");
        request_id_ = AcceptRequestId(
            it == metadata->end()
                ? std::string_view()
                : std::string_view(it->second.data(), it->second.size()));
        // The handler reads the id this line logs, never the one given: a
        // gateway passes it on to its legs, so one id follows a request
        // through every log. (The map holds references; request_id_ lives
        // as long as the call.)
        if (it != metadata->end()) metadata->erase(it);
        metadata->emplace("x-request-id", request_id_);
      } else {
        request_id_ = NewRequestId();
      }
      if (info_->server_context() != nullptr) {
        peer_ = CallPeer(info_->server_context()->peer());
      }
    }
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_SEND_INITIAL_METADATA)) {
      auto* metadata = methods->GetSendInitialMetadata();
      if (metadata != nullptr && !request_id_.empty() &&
          metadata->find("x-request-id") == metadata->end()) {
        metadata->emplace("x-request-id", request_id_);
      }
    }
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_SEND_STATUS)) {
      code_ = methods->GetSendStatus().error_code();
    }
    // The call's close, once the transport knows how it ended: a client that
    // cancelled it (RST_STREAM, perhaps mid-request) never sees the status
    // the server sends, so the call counts as CANCELLED, not as, say, the
    // INVALID_ARGUMENT its cut-off request message would decode to.
    if (methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::POST_RECV_CLOSE) &&
        info_->server_context() != nullptr &&
        info_->server_context()->IsCancelled()) {
      cancelled_ = true;
    }
    methods->Proceed();
  }

 private:
  grpc::experimental::ServerRpcInfo* info_;
  std::string method_;
  RpcMetrics* metrics_;
  std::chrono::steady_clock::time_point start_;
  std::string request_id_;
  std::string peer_ = "-";
  // A call that ends without sending a status was cancelled.
  int code_ = grpc::StatusCode::CANCELLED;
  bool cancelled_ = false;
};

class RpcLogInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit RpcLogInterceptorFactory(RpcMetrics* metrics) : metrics_(metrics) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new RpcLogInterceptor(info, metrics_);
  }

 private:
  RpcMetrics* metrics_;
};

}  // namespace

void InitLogging(const LogOptions& options, const std::string& service) {
  auto logger = std::make_shared<spdlog::logger>(
      service, std::make_shared<spdlog::sinks::stderr_sink_mt>());
  if (options.format == "json") {
    auto formatter = std::make_unique<spdlog::pattern_formatter>(
        spdlog::pattern_time_type::utc);
    formatter->add_flag<JsonMessageFlag>('*').set_pattern(
        R"({"time":"%Y-%m-%dT%H:%M:%S.%fZ","level":"%l","service":")" +
        service + R"(","msg":"%*"})");
    logger->set_formatter(std::move(formatter));
  } else {
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%L%$ %n %v");
  }
  logger->set_level(spdlog::level::from_str(options.level));
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(std::move(logger));
}

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
MakeRpcLogInterceptorFactory(RpcMetrics* metrics) {
  return std::make_unique<RpcLogInterceptorFactory>(metrics);
}

namespace {

bool IsPlainLogChar(char c) {
  return absl::ascii_isalnum(c) || c == '-' || c == '_' || c == '.' ||
         c == ':' || c == '/' || c == '[' || c == ']' || c == '@' || c == '+';
}

}  // namespace

std::string AcceptRequestId(std::string_view given) {
  const bool safe = !given.empty() && given.size() <= 128 &&
                    std::all_of(given.begin(), given.end(), [](char c) {
                      return absl::ascii_isalnum(c) || c == '-' || c == '_' ||
                             c == '.' || c == ':';
                    });
  return safe ? std::string(given) : NewRequestId();
}

std::string LogField(std::string_view value) {
  if (!value.empty() &&
      std::all_of(value.begin(), value.end(), IsPlainLogChar)) {
    return std::string(value);
  }
  std::string quoted = "\"";
  for (const char c : value) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      quoted += '\\';
      quoted += c;
    } else if (byte < 0x20 || byte >= 0x7f) {
      quoted += absl::StrFormat("\\x%02x", byte);
    } else {
      quoted += c;
    }
  }
  return quoted + '"';
}

std::string NewRequestId() {
  thread_local std::mt19937_64 engine{std::random_device{}()};
  return absl::StrFormat("%016x", engine());
}

}  // namespace nml::common
