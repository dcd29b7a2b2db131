#pragma once

#include <absl/strings/ascii.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <thread>

#include "tools/nmlctl/client.h"

namespace nml::cli {

// The change feed of either service (nml-listings: reviews, markets,
// operators, listings; nml-responses: stakeholders, responses), printed
// one line a change: "<data version> <written|deleted> <name>". The feeds
// have the same shape in both APIs; the methods are given as the stub's.

template <typename Change>
void PrintChange(const Change& c) {
  const auto* kind = c.GetDescriptor()->FindFieldByName("kind")->enum_type();
  std::printf("%lld %-7s %s\n", static_cast<long long>(c.data_version()),
              absl::AsciiStrToLower(EnumLabel(kind, c.kind())).c_str(),
              c.name().c_str());
}

// Pages through the changes after `since` (ListChanges).
template <typename Service, typename Request, typename Response>
int Changes(Client<Service>& client,
            grpc::Status (Service::Stub::*list)(grpc::ClientContext*,
                                                const Request&, Response*),
            int64_t since) {
  Request request;
  request.set_since_data_version(since);
  request.set_page_size(1000);
  int64_t version = since;
  for (;;) {
    Response response;
    if (int rc = client.Call(list, request, &response)) return rc;
    if (client.options().json) {
      PrintJson(response);
    } else {
      for (const auto& c : response.changes()) PrintChange(c);
    }
    version = response.data_version();
    if (response.next_page_token().empty()) break;
    request.set_page_token(response.next_page_token());
  }
  if (!client.options().json) {
    std::printf("up to data version %lld (follow with --since %lld)\n",
                static_cast<long long>(version),
                static_cast<long long>(version));
  }
  return 0;
}

// Prints changes as they are committed (WatchChanges), from `since` (from
// now when unset), resuming from the last data version when the stream is
// lost; with `until_caught_up`, stops once the backlog is printed.
template <typename Service, typename Request, typename Message>
int Watch(Client<Service>& client,
          std::unique_ptr<grpc::ClientReader<Message>> (Service::Stub::*watch)(
              grpc::ClientContext*, const Request&),
          std::optional<int64_t> since, bool until_caught_up) {
  Request request;
  if (since.has_value()) request.set_since_data_version(*since);
  constexpr auto kFirstRetry = std::chrono::milliseconds(500);
  auto retry = kFirstRetry;
  for (;;) {
    bool caught_up = false;
    bool done = false;
    const grpc::Status status = client.InvokeStreaming(
        watch, request,
        std::function<bool(const Message&)>([&](const Message& message) {
          retry = kFirstRetry;
          if (client.options().json) {
            PrintJsonLine(message);
          } else {
            for (const auto& c : message.changes()) PrintChange(c);
          }
          std::fflush(stdout);
          if (message.caught_up() && !caught_up) {
            std::fprintf(stderr, "caught up at data version %lld\n",
                         static_cast<long long>(message.data_version()));
          }
          caught_up = message.caught_up();
          // A reconnection goes on from here: nothing is missed.
          request.set_since_data_version(message.data_version());
          done = until_caught_up && caught_up;
          return !done;
        }),
        /*open_ended=*/true);
    if (done) return 0;
    // The server went away (restarted, shutting down: a call it took while
    // stopping is CANCELLED; unreachable; overloaded): try again from the
    // last version, waiting longer each time. Anything else is an answer.
    const auto code = status.error_code();
    if (!status.ok() && code != grpc::StatusCode::UNAVAILABLE &&
        code != grpc::StatusCode::CANCELLED &&
        code != grpc::StatusCode::RESOURCE_EXHAUSTED) {
      return ReportError(client.address(), status);
    }
    std::fprintf(stderr,
                 "nmlctl: %s: the stream ended (%s); resuming from data "
                 "version %lld in %lld ms\n",
                 client.address().c_str(),
                 status.ok() ? "closed" : status.error_message().c_str(),
                 static_cast<long long>(request.since_data_version()),
                 static_cast<long long>(retry.count()));
    std::this_thread::sleep_for(retry);
    retry = std::min(retry * 2, std::chrono::milliseconds(10000));
  }
}

}  // namespace nml::cli
