#include "tools/nmlctl/client.h"

#include <google/protobuf/util/json_util.h>
#include <grpcpp/create_channel.h>
#include <grpcpp/security/credentials.h>

#include <chrono>
#include <cstdio>
#include <string_view>

#include "common/api/names.h"

namespace nml::cli {

std::shared_ptr<grpc::Channel> Channel(const GlobalOptions& options,
                                       const std::string& address) {
  auto credentials = common::MakeChannelCredentials(options.tls);
  if (!credentials.ok()) {
    std::fprintf(stderr, "nmlctl: %s\n",
                 std::string(credentials.status().message()).c_str());
    std::exit(kUsage);
  }
  // Answers are bounded by the server's own --max-message-bytes; an import's
  // answer (a line per row) may exceed gRPC's 4 MiB client default.
  grpc::ChannelArguments arguments;
  arguments.SetMaxReceiveMessageSize(kMaxAnswerBytes);
  return grpc::CreateCustomChannel(address, *credentials, arguments);
}

std::unique_ptr<grpc::ClientContext> NewOpenEndedContext(
    const GlobalOptions& options) {
  auto context = std::make_unique<grpc::ClientContext>();
  if (!options.token.empty()) {
    context->AddMetadata("authorization", "Bearer " + options.token);
  }
  return context;
}

std::unique_ptr<grpc::ClientContext> NewContext(
    const GlobalOptions& options, std::chrono::milliseconds extra) {
  auto context = NewOpenEndedContext(options);
  context->set_deadline(std::chrono::system_clock::now() +
                        std::chrono::milliseconds(options.timeout_ms) + extra);
  return context;
}

int64_t DataVersionOf(const google::protobuf::Message& answer) {
  const auto* field = answer.GetDescriptor()->FindFieldByName("data_version");
  if (field == nullptr ||
      field->cpp_type() != google::protobuf::FieldDescriptor::CPPTYPE_INT64 ||
      field->is_repeated()) {
    return 0;
  }
  return answer.GetReflection()->GetInt64(answer, field);
}

int ExitCodeFor(const grpc::Status& status) {
  if (status.ok()) return 0;
  return status.error_code() == grpc::StatusCode::UNAVAILABLE ||
                 status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED
             ? kUnreachable
             : kServerError;
}

int ReportError(const std::string& address, const grpc::Status& status) {
  std::fprintf(stderr, "nmlctl: %s: %s (%d)\n", address.c_str(),
               status.error_message().c_str(), status.error_code());
  return ExitCodeFor(status);
}

void PrintJsonLine(const google::protobuf::Message& message) {
  std::string out;
  (void)google::protobuf::util::MessageToJsonString(message, &out);
  std::puts(out.c_str());
}

void PrintJson(const google::protobuf::Message& message) {
  std::string out;
  google::protobuf::util::JsonPrintOptions print;
  print.add_whitespace = true;
  print.always_print_primitive_fields = true;
  (void)google::protobuf::util::MessageToJsonString(message, &out, print);
  std::fputs(out.c_str(), stdout);
}

std::string MarketArgument(const std::string& market) {
  return market.starts_with(common::kMarketsPrefix)
             ? market
             : common::MarketName(market);
}

std::string EnumLabel(const google::protobuf::EnumDescriptor* type, int value) {
  const auto* found = type->FindValueByNumber(value);
  if (found == nullptr) return std::to_string(value);
  // The prefix every value of the type shares, up to its last '_'
  // (AIP-126: values are prefixed with the enum's name).
  std::string_view prefix = type->value(0)->name();
  for (int i = 1; i < type->value_count(); ++i) {
    std::string_view name = type->value(i)->name();
    size_t n = 0;
    while (n < prefix.size() && n < name.size() && prefix[n] == name[n]) ++n;
    prefix = prefix.substr(0, n);
  }
  prefix = prefix.substr(0, prefix.rfind('_') + 1);
  return found->name().substr(prefix.size());
}

}  // namespace nml::cli
