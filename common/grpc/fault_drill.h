#pragma once

#include <grpcpp/support/server_interceptor.h>

#include <chrono>
#include <memory>

namespace nml::common {

// Fault drills (`--inject-delay-ms`): an interceptor that holds each
// service call's answer for `delay`, as a slow database or network would,
// and lets it go early when the call is cancelled. It is installed
// only when a drill asks for it, so the handlers, their threads and the
// executor are the production ones. Health and reflection are not delayed.
std::unique_ptr<grpc::experimental::ServerInterceptorFactoryInterface>
MakeDelayInterceptorFactory(std::chrono::milliseconds delay);

}  // namespace nml::common
