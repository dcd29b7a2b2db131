#include "common/grpc/fault_drill.h"

#include <grpcpp/server_context.h>
#include <spdlog/spdlog.h>

#include <string_view>
#include <thread>

namespace nml::common {
namespace {

using grpc::experimental::InterceptionHookPoints;

class DelayInterceptor final : public grpc::experimental::Interceptor {
 public:
  DelayInterceptor(grpc::experimental::ServerRpcInfo* info,
                   std::chrono::milliseconds delay)
      : info_(info), delay_(delay) {}

  void Intercept(
      grpc::experimental::InterceptorBatchMethods* methods) override {
    const std::string_view method =
        info_->method() != nullptr ? info_->method() : "";
    if (!methods->QueryInterceptionHookPoint(
            InterceptionHookPoints::PRE_SEND_STATUS) ||
        method.starts_with("/grpc.")) {
      methods->Proceed();
      return;
    }
    // The answer is held, not the request: by now the handler has run, so
    // the context knows when the client or a shutdown cancels the call.
    // gRPC lets an interceptor proceed later from any thread; a thread per
    // delayed call is fine for a drill and keeps gRPC's threads free.
    grpc::ServerContextBase* context = info_->server_context();
    // Said, so a drill (and a test) knows the call is in flight.
    spdlog::info("fault drill: holding the answer of {} for {} ms", method,
                 delay_.count());
    std::thread([methods, context, delay = delay_] {
      const auto until = std::chrono::steady_clock::now() + delay;
      while (std::chrono::steady_clock::now() < until &&
             (context == nullptr || !context->IsCancelled())) {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
      }
      methods->Proceed();
    }).detach();
  }

 private:
  grpc::experimental::ServerRpcInfo* info_;
  const std::chrono::milliseconds delay_;
};

class DelayInterceptorFactory final
    : public grpc::experimental::ServerInterceptorFactoryInterface {
 public:
  explicit DelayInterceptorFactory(std::chrono::milliseconds delay)
      : delay_(delay) {}
  grpc::experimental::Interceptor* CreateServerInterceptor(
      grpc::experimental::ServerRpcInfo* info) override {
    return new DelayInterceptor(info, delay_);
  }

 private:
  const std::chrono::milliseconds delay_;
};

}  // namespace

std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
MakeDelayInterceptorFactory(std::chrono::milliseconds delay) {
  return std::make_unique<DelayInterceptorFactory>(delay);
}

}  // namespace nml::common
