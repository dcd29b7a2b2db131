#pragma once

#include <absl/status/status.h>
#include <absl/strings/str_cat.h>
#include <grpcpp/server_context.h>
#include <grpcpp/support/server_callback.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <utility>
#include <variant>

#include "common/api/status.h"
#include "common/grpc/executor.h"
#include "common/grpc/request_check.h"

namespace nml::common {

// Runs `handler(call)` for a call on a worker of `executor`, and hands its
// status to `finish`, exactly once. A call the executor does not admit
// (Executor::Admit: UNAVAILABLE while the database is down, else
// RESOURCE_EXHAUSTED) or has no room for is refused at once; one cancelled,
// past its deadline, or whose database went down while it was queued is
// not run. ServeUnary and the streaming reactors share it.
template <typename Handler, typename Finish>
void RunOnWorker(const grpc::ServerContextBase* context, Executor& executor,
                 const CallInfo& call, Handler handler, Finish finish) {
  if (absl::Status admitted = executor.Admit(call.deadline); !admitted.ok()) {
    finish(ToGrpcStatus(admitted));
    return;
  }
  // The task holds `finish` only until it calls it; TrySubmit refuses
  // without running (or keeping) the task.
  auto shared_finish = std::make_shared<Finish>(std::move(finish));
  const bool accepted =
      executor.TrySubmit([context, &executor, call, shared_finish,
                          handler = std::move(handler)]() mutable {
        if (context->IsCancelled()) {
          (*shared_finish)(grpc::Status(grpc::StatusCode::CANCELLED,
                                        "call cancelled before it ran"));
          return;
        }
        if (call.deadline < std::chrono::system_clock::now()) {
          (*shared_finish)(grpc::Status(grpc::StatusCode::DEADLINE_EXCEEDED,
                                        "deadline passed while queued"));
          return;
        }
        // The database stopped answering while it waited: running it would
        // only hang one more worker.
        if (absl::Status up = executor.DependencyStatus(); !up.ok()) {
          (*shared_finish)(ToGrpcStatus(up));
          return;
        }
        (*shared_finish)(ToGrpcStatus(handler(call)));
      });
  if (!accepted) {
    (*shared_finish)(ToGrpcStatus(BusyError(
        "server busy: too many queued calls",
        std::max(std::chrono::milliseconds(1),
                 std::chrono::duration_cast<std::chrono::milliseconds>(
                     executor.EstimatedWait())))));
  }
}

// The one way every service serves a unary RPC. `handler(const CallInfo&)`
// fills the response and returns an absl::Status; ServeUnary does the rest:
//  - CheckCall: the auth decision the auth interceptor made (the only place
//    a handler is refused for auth), no NUL in any string of `request`, and
//    a well-formed x-nml-min-data-version;
//  - where it runs: on gRPC's thread when `executor` is null (the handler
//    must not block), otherwise on a worker. A call already past its
//    deadline is not run. A full queue, or one the call would wait in too
//    long (Executor::Admit), is RESOURCE_EXHAUSTED at once; a call
//    cancelled or past its deadline while queued is not run;
//  - the status, mapped by ToGrpcStatus (with its ErrorInfo detail);
//  - finishing the call exactly once.
// The log line and the metrics are the RPC interceptor's (common/logging).
// The call's CallInfo, or the answer for a call refused before any work:
// what CheckCall refuses and, for one answered on gRPC's thread, a deadline
// already passed (under overload that work would only make the next call
// late too).
inline absl::StatusOr<CallInfo> StartCall(
    const grpc::ServerContextBase& context,
    const google::protobuf::Message& request, bool on_grpc_thread) {
  absl::StatusOr<CallInfo> call = CheckCall(context, request);
  if (call.ok() && on_grpc_thread &&
      call->deadline < std::chrono::system_clock::now()) {
    return absl::DeadlineExceededError("deadline passed before the call ran");
  }
  return call;
}

template <typename Handler>
grpc::ServerUnaryReactor* ServeUnary(grpc::CallbackServerContext* context,
                                     Executor* executor,
                                     const google::protobuf::Message& request,
                                     Handler handler) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  const absl::StatusOr<CallInfo> call =
      StartCall(*context, request, executor == nullptr);
  if (!call.ok()) {
    reactor->Finish(ToGrpcStatus(call.status()));
    return reactor;
  }
  if (executor == nullptr) {
    reactor->Finish(ToGrpcStatus(handler(*call)));
    return reactor;
  }
  RunOnWorker(
      context, *executor, *call, std::move(handler),
      [reactor](const grpc::Status& status) { reactor->Finish(status); });
  return reactor;
}

// What a handler on gRPC's thread decides when it cannot answer there: the
// call goes to a worker, and if the executor refuses it (busy, or its
// database down) `if_refused` is the answer.
struct Defer {
  absl::Status if_refused;
};

// ServeUnary for a call usually answered on gRPC's thread that sometimes
// needs a worker: `fast(call)` returns the answer (an absl::Status) or a
// Defer, and then `slow(call)` answers on a worker of `executor`.
template <typename Fast, typename Slow>
grpc::ServerUnaryReactor* ServeUnaryOrDefer(
    grpc::CallbackServerContext* context, Executor& executor,
    const google::protobuf::Message& request, Fast fast, Slow slow) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  const absl::StatusOr<CallInfo> call = StartCall(*context, request, true);
  if (!call.ok()) {
    reactor->Finish(ToGrpcStatus(call.status()));
    return reactor;
  }
  std::variant<absl::Status, Defer> answer = fast(*call);
  if (const auto* status = std::get_if<absl::Status>(&answer)) {
    reactor->Finish(ToGrpcStatus(*status));
    return reactor;
  }
  auto ran = std::make_shared<bool>(false);
  RunOnWorker(
      context, executor, *call,
      [ran, slow = std::move(slow)](const CallInfo& on_worker) mutable {
        *ran = true;
        return slow(on_worker);
      },
      [reactor, ran,
       if_refused = std::get<Defer>(std::move(answer)).if_refused](
          const grpc::Status& status) {
        reactor->Finish(*ran ? status : ToGrpcStatus(if_refused));
      });
  return reactor;
}

// ServeUnary for a handler written as a method of `object`:
//   absl::Status Object::Method(const Request&, Response&, const CallInfo&)
template <typename Object, typename Request, typename Response>
grpc::ServerUnaryReactor* ServeUnary(
    grpc::CallbackServerContext* context, Executor* executor, Object& object,
    absl::Status (Object::*method)(const Request&, Response&, const CallInfo&),
    const Request* request, Response* response) {
  return ServeUnary(context, executor, *request,
                    [&object, method, request, response](const CallInfo& call) {
                      return (object.*method)(*request, *response, call);
                    });
}

}  // namespace nml::common
