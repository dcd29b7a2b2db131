#pragma once

#include <absl/status/status.h>
#include <absl/strings/str_cat.h>
#include <google/protobuf/repeated_ptr_field.h>
#include <grpcpp/server_context.h>
#include <grpcpp/support/server_callback.h>

#include <string>
#include <utility>

#include "common/api/status.h"
#include "common/grpc/auth.h"
#include "common/grpc/executor.h"
#include "common/grpc/request_check.h"
#include "common/grpc/unary.h"

namespace nml::common {

// The most a streamed import may send in all (the largest message a server
// may be configured to take).
inline constexpr size_t kMaxStreamedImportBytes = 256u << 20;

// The one way a service serves a client-streaming import: an import too
// large for one message, sent as parts `Part{Request import = 1}`. The
// first part's `import` is the request (ids, options and some rows); every
// later part carries rows only (the repeated field `rows`, called
// `rows_field` in errors). When the client closes its side, `run(whole,
// call)` runs on a worker exactly as ServeUnary runs a unary write (auth
// first, then RunOnWorker), so a streamed import is the unary import of
// the rows of all parts, in order.
template <typename Part, typename Request, typename Row, typename RunFn>
class StreamedImportReactor final : public grpc::ServerReadReactor<Part> {
 public:
  using Rows = google::protobuf::RepeatedPtrField<Row>* (Request::*)();

  StreamedImportReactor(grpc::CallbackServerContext* context,
                        Executor& executor, Rows rows, std::string rows_field,
                        RunFn run)
      : context_(context),
        executor_(executor),
        rows_(rows),
        rows_field_(std::move(rows_field)),
        run_(std::move(run)) {
    if (absl::Status auth = AuthDecision(*context); !auth.ok()) {
      this->Finish(ToGrpcStatus(auth));
      return;
    }
    this->StartRead(&part_);
  }

  void OnReadDone(bool ok) override {
    // !ok: the client closed its side, or a part did not decode (gRPC does
    // not tell which), or the call ended. Only a stream whose final part
    // said so is an import.
    if (!ok) {
      if (context_->IsCancelled()) {
        this->Finish(
            grpc::Status(grpc::StatusCode::CANCELLED, "call cancelled"));
        return;
      }
      if (!last_seen_) {
        this->Finish(ToGrpcStatus(FieldError(
            "last_part",
            absl::StrCat("the stream ended after ", parts_,
                         " part(s) without a part marked last_part (or a "
                         "part did not decode); nothing was written"))));
        return;
      }
      Run();
      return;
    }
    if (last_seen_) {
      this->Finish(ToGrpcStatus(
          FieldError("last_part",
                     "a part came after the one marked last_part; nothing "
                     "was written")));
      return;
    }
    last_seen_ = part_.last_part();
    if (absl::Status st = CheckNoNul(part_); !st.ok()) {
      this->Finish(ToGrpcStatus(st));
      return;
    }
    if (absl::Status st = Append(*part_.mutable_import()); !st.ok()) {
      this->Finish(ToGrpcStatus(st));
      return;
    }
    part_.Clear();
    this->StartRead(&part_);
  }

  void OnDone() override { delete this; }

 private:
  // Folds one part into the import so far.
  absl::Status Append(Request& part) {
    bytes_ += part.ByteSizeLong();
    if (bytes_ > kMaxStreamedImportBytes) {
      return FieldError(absl::StrCat("import.", rows_field_),
                        absl::StrCat("the import is larger than ",
                                     kMaxStreamedImportBytes >> 20,
                                     " MiB; nothing was written"));
    }
    if (parts_++ == 0) {
      whole_ = std::move(part);
      return absl::OkStatus();
    }
    google::protobuf::RepeatedPtrField<Row> rows;
    rows.Swap((part.*rows_)());
    if (part.ByteSizeLong() != 0) {
      return FieldError("import",
                        absl::StrCat("part ", parts_,
                                     ": only the first part may carry fields "
                                     "other than ",
                                     rows_field_, "; later parts carry ",
                                     rows_field_, " only"));
    }
    auto& whole_rows = *(whole_.*rows_)();
    for (auto& row : rows) *whole_rows.Add() = std::move(row);
    return absl::OkStatus();
  }

  void Run() {
    if (parts_ == 0) {
      this->Finish(
          ToGrpcStatus(FieldError("import", "the stream carried no part")));
      return;
    }
    RunOnWorker(
        context_, executor_, CallInfo{context_->deadline()},
        [this](const CallInfo& call) { return run_(whole_, call); },
        [this](const grpc::Status& status) { this->Finish(status); });
  }

  grpc::CallbackServerContext* const context_;
  Executor& executor_;
  const Rows rows_;
  const std::string rows_field_;
  RunFn run_;
  Part part_;
  Request whole_;
  int parts_ = 0;
  size_t bytes_ = 0;
  bool last_seen_ = false;
};

// Starts a StreamedImportReactor (gRPC deletes it when the call is done).
template <typename Part, typename Request, typename Row, typename RunFn>
grpc::ServerReadReactor<Part>* ServeStreamedImport(
    grpc::CallbackServerContext* context, Executor& executor,
    google::protobuf::RepeatedPtrField<Row>* (Request::*rows)(),
    std::string rows_field, RunFn run) {
  return new StreamedImportReactor<Part, Request, Row, RunFn>(
      context, executor, rows, std::move(rows_field), std::move(run));
}

}  // namespace nml::common
