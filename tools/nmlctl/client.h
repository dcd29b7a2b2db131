#pragma once

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <google/protobuf/repeated_ptr_field.h>
#include <grpcpp/channel.h>
#include <grpcpp/client_context.h>
#include <grpcpp/support/sync_stream.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <string>

#include "common/api/names.h"
#include "common/tls.h"
#include "nml/gateway/v1/gateway_service.grpc.pb.h"
#include "nml/listings/v1/listings_service.grpc.pb.h"
#include "nml/responses/v1/responses_service.grpc.pb.h"

namespace nml::cli {

// Exit status: 0 success, 1 the server answered with an error (or the
// input was refused), 2 bad usage, 3 the server could not be reached.
inline constexpr int kServerError = 1;
inline constexpr int kUsage = 2;
inline constexpr int kUnreachable = 3;

struct GlobalOptions {
  std::string addr = "127.0.0.1:50051";
  std::string responses_addr = "127.0.0.1:50052";
  std::string gateway_addr = "127.0.0.1:50050";
  std::string token;
  common::ClientTlsOptions tls;
  int timeout_ms = 10000;
  bool json = false;
  // Sent as x-nml-min-data-version on every call (0: not sent).
  int64_t min_data_version = 0;
};

// A channel to `address`, with TLS when --tls-ca is given (exits with
// kUsage when the TLS files cannot be read).
std::shared_ptr<grpc::Channel> Channel(const GlobalOptions& options,
                                       const std::string& address);
// The largest answer nmlctl accepts.
inline constexpr int kMaxAnswerBytes = 256 * 1024 * 1024;

// A context for one call: the deadline (--timeout, plus `extra` for calls
// whose work grows with their size) and the API key.
std::unique_ptr<grpc::ClientContext> NewContext(
    const GlobalOptions& options,
    std::chrono::milliseconds extra = std::chrono::milliseconds(0));
// The same with no deadline, for a stream meant to stay open (watch).
std::unique_ptr<grpc::ClientContext> NewOpenEndedContext(
    const GlobalOptions& options);

// An import larger than this goes in parts of at most this (InvokeInParts),
// so a server's message limit (4 MiB by default, at least this if set
// lower) bounds a part, not the import.
inline constexpr size_t kImportPartBytes = 64 << 10;

// The extra time an import of `rows` rows is given: a millisecond a row,
// about 30 times what one costs on a 2-core machine (bench/imports.sh).
inline std::chrono::milliseconds ImportTime(int rows) {
  return std::chrono::milliseconds(rows);
}
// The answer's `data_version` field, 0 when it has none.
int64_t DataVersionOf(const google::protobuf::Message& answer);
int ExitCodeFor(const grpc::Status& status);
// Prints "nmlctl: <address>: <message> (<code>)"; returns the exit code.
int ReportError(const std::string& address, const grpc::Status& status);
void PrintJson(const google::protobuf::Message& message);
// The message as one line of JSON (NDJSON), for a stream.
void PrintJsonLine(const google::protobuf::Message& message);
// A market given on the command line as "taobao" or "markets/taobao".
std::string MarketArgument(const std::string& market);
// An enum value without its type's prefix: STANCE_SUPPORTS -> "SUPPORTS".
std::string EnumLabel(const google::protobuf::EnumDescriptor* type, int value);

// The generated stub of one service at one address, with the options every
// call takes.
template <typename Service>
class Client {
 public:
  using Stub = typename Service::Stub;

  Client(const GlobalOptions& options, std::string address)
      : options_(options),
        address_(std::move(address)),
        stub_(Service::NewStub(Channel(options, address_))) {}

  // Calls `method` with the deadline and API key; returns its status.
  template <typename Request, typename Response>
  grpc::Status Invoke(
      grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                   Response*),
      const Request& request, Response* response,
      std::chrono::milliseconds extra_time = std::chrono::milliseconds(0)) {
    auto context = NewContext(options_, extra_time);
    AskForVersion(*context);
    const grpc::Status status =
        ((*stub_).*method)(context.get(), request, response);
    if (status.ok()) Saw(*response);
    return status;
  }

  // Invoke, printing an error; returns the exit code.
  template <typename Request, typename Response>
  int Call(
      grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                   Response*),
      const Request& request, Response* response,
      std::chrono::milliseconds extra_time = std::chrono::milliseconds(0)) {
    const grpc::Status status = Invoke(method, request, response, extra_time);
    return status.ok() ? 0 : ReportError(address_, status);
  }

  // Invoke for an import too large for one message: `request` goes through
  // the client-streaming `method` as parts `Part{Request import = 1}` of at
  // most kImportPartBytes each. The first part is the request with the rows
  // that fit; later ones carry rows (the repeated field `rows`) only.
  // Progress goes to stderr as "<label>: sent N of M rows".
  template <typename Part, typename Answer, typename Request, typename Row>
  grpc::Status InvokeInParts(
      std::unique_ptr<grpc::ClientWriter<Part>> (Stub::*method)(
          grpc::ClientContext*, Answer*),
      const Request& request,
      google::protobuf::RepeatedPtrField<Row>* (Request::*rows)(),
      const std::string& label, Answer* answer) {
    Part part;
    *part.mutable_import() = request;
    google::protobuf::RepeatedPtrField<Row> all;
    all.Swap((part.mutable_import()->*rows)());
    auto context = NewContext(options_, ImportTime(all.size()));
    AskForVersion(*context);
    auto stream = ((*stub_).*method)(context.get(), answer);
    int sent = 0;
    int in_part = 0;
    bool open = true;
    size_t bytes = part.ByteSizeLong();  // kept as rows are added
    const auto flush = [&] {
      open = stream->Write(part);  // false: the server has already answered
      if (!open) return;
      sent += in_part;
      std::fprintf(stderr, "%s: sent %d of %d rows\n", label.c_str(), sent,
                   all.size());
      part.Clear();
      in_part = 0;
      bytes = 0;
    };
    for (Row& row : all) {
      // A row's bytes, its tag and length, and the part's own.
      const size_t size = row.ByteSizeLong() + 16;
      if (in_part > 0 && bytes + size > kImportPartBytes) {
        flush();
        if (!open) break;
      }
      *(part.mutable_import()->*rows)()->Add() = std::move(row);
      ++in_part;
      bytes += size;
    }
    part.set_last_part(true);
    if (open) flush();
    if (open) stream->WritesDone();
    const grpc::Status status = stream->Finish();
    if (status.ok()) Saw(*answer);
    return status;
  }

  // Calls the server-streaming `method` and hands `each` every message in
  // order until it returns false (the call is cancelled then); the call's
  // status. `open_ended`: no deadline, for a stream meant to stay open.
  // `head`: the server's initial metadata, when wanted.
  template <typename Request, typename Item>
  grpc::Status InvokeStreaming(
      std::unique_ptr<grpc::ClientReader<Item>> (Stub::*method)(
          grpc::ClientContext*, const Request&),
      const Request& request, const std::function<bool(const Item&)>& each,
      bool open_ended = false,
      std::map<std::string, std::string>* head = nullptr) {
    auto context =
        open_ended ? NewOpenEndedContext(options_) : NewContext(options_);
    AskForVersion(*context);
    auto stream = ((*stub_).*method)(context.get(), request);
    Item item;
    while (stream->Read(&item)) {
      if (head != nullptr && head->empty()) {
        for (const auto& [key, value] : context->GetServerInitialMetadata()) {
          head->emplace(std::string(key.data(), key.size()),
                        std::string(value.data(), value.size()));
        }
      }
      if (!each(item)) {
        context->TryCancel();
        while (stream->Read(&item)) {
        }
        (void)stream->Finish();
        return grpc::Status::OK;
      }
    }
    return stream->Finish();
  }

  const GlobalOptions& options() const { return options_; }
  const std::string& address() const { return address_; }

 private:
  // Each call asks for at least --min-data-version and the newest version
  // an answer of this service gave so far (a write's, above all): a command
  // that writes and then reads sees its write on any replica.
  void AskForVersion(grpc::ClientContext& context) const {
    const int64_t version = std::max(options_.min_data_version, seen_version_);
    if (version > 0) {
      context.AddMetadata(common::kMinDataVersionMetadata,
                          std::to_string(version));
    }
  }
  void Saw(const google::protobuf::Message& answer) {
    seen_version_ = std::max(seen_version_, DataVersionOf(answer));
  }

  const GlobalOptions& options_;
  const std::string address_;
  std::unique_ptr<Stub> stub_;
  int64_t seen_version_ = 0;
};

using ListingsClient = Client<listings::v1::ListingsService>;
using ResponsesClient = Client<responses::v1::ResponsesService>;
using GatewayClient = Client<gateway::v1::GatewayService>;

}  // namespace nml::cli
