#pragma once

#include <absl/status/statusor.h>
#include <absl/synchronization/mutex.h>
#include <grpcpp/support/server_callback.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "common/api/change_feed.h"
#include "common/api/status.h"
#include "common/grpc/metrics.h"
#include "common/grpc/request_check.h"

namespace nml::common {

// Serves a server-streaming WatchChanges: each watcher gets the backlog
// after its version, then each change as it commits, and a heartbeat (a
// message with no changes, caught up, at its version) when nothing was sent
// for `heartbeat`. A watcher does not wait for a timer to learn of a
// change: Advanced() (called when a new data version is committed, which
// the services learn from their LISTEN/NOTIFY or their own writes) wakes
// the hub, which reads the log once per watcher that is behind.
//
// One thread reads for every watcher, one page at a time each, so a slow
// reader never holds up the others (a page waits for its write to finish)
// and the database sees at most one feed read at a time from this hub.
//
// `Response` is a WatchChangesResponse: `changes`, `data_version` (through
// which everything was sent) and `caught_up`.
template <typename Response>
class ChangeWatchHub final {
 public:
  // Reads the next page after `cursor` into `out`, moving the cursor on;
  // an error ends the watch with it (OUT_OF_RANGE for a version the log no
  // longer has). Runs on the hub's thread and may block on the database.
  using Fetch = std::function<absl::Status(FeedCursor& cursor, Response& out)>;

  ChangeWatchHub(Fetch fetch, std::chrono::milliseconds heartbeat)
      : fetch_(std::move(fetch)), heartbeat_(heartbeat) {
    thread_ = std::thread([this] { Loop(); });
  }
  ~ChangeWatchHub() { Stop(); }
  ChangeWatchHub(const ChangeWatchHub&) = delete;
  ChangeWatchHub& operator=(const ChangeWatchHub&) = delete;

  // A new watcher after `since` (its data version: the log's start when 0).
  grpc::ServerWriteReactor<Response>* Watch(
      grpc::CallbackServerContext* context,
      const google::protobuf::Message& request, int64_t since) {
    auto slot = std::make_shared<Slot>();
    auto* reactor = new Reactor(*this, slot);
    {
      absl::MutexLock lock(&slot->mu);  // not shared yet; for the analysis
      slot->reactor = reactor;
    }
    slot->cursor.delivered = slot->cursor.since = since;
    if (const auto call = CheckCall(*context, request); !call.ok()) {
      EndIdle(*slot, ToGrpcStatus(call.status()));
      return reactor;
    }
    if (since < 0) {
      EndIdle(*slot, grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                  "since_data_version: must be >= 0"));
      return reactor;
    }
    {
      absl::MutexLock lock(&mu_);
      if (stopping_) {
        EndIdle(*slot, grpc::Status(grpc::StatusCode::UNAVAILABLE,
                                    "the server is shutting down; resume "
                                    "from your last data version"));
        return reactor;
      }
      slots_.push_back(slot);
      work_ = true;
    }
    wake_.Signal();
    return reactor;
  }

  // A data version was committed: watchers behind it read on.
  void Advanced(int64_t version) {
    {
      absl::MutexLock lock(&mu_);
      if (version <= latest_) return;
      latest_ = version;
      work_ = true;
    }
    wake_.Signal();
  }

  // Ends every watch (UNAVAILABLE: resume from the last version) and the
  // thread; before the server shuts down, which waits for open streams.
  void Stop() {
    std::vector<std::shared_ptr<Slot>> slots;
    {
      absl::MutexLock lock(&mu_);
      if (stopping_ && !thread_.joinable()) return;
      stopping_ = true;
      slots = slots_;
    }
    wake_.Signal();
    if (thread_.joinable()) thread_.join();
    for (const auto& slot : slots) {
      End(*slot, grpc::Status(grpc::StatusCode::UNAVAILABLE,
                              "the server is shutting down; resume from "
                              "your last data version"));
    }
  }

  // Open watches, and how many data versions the furthest behind lags.
  size_t watchers() const {
    absl::MutexLock lock(&mu_);
    return slots_.size();
  }
  int64_t max_lag() const {
    absl::MutexLock lock(&mu_);
    int64_t lag = 0;
    for (const auto& slot : slots_) {
      absl::MutexLock slot_lock(&slot->mu);
      lag = std::max(lag, latest_ - slot->cursor.delivered);
    }
    return lag;
  }

 private:
  class Reactor;
  struct Slot {
    absl::Mutex mu;
    // null once Finish was called
    Reactor* reactor ABSL_GUARDED_BY(mu) = nullptr;
    bool busy ABSL_GUARDED_BY(mu) = false;    // a read or a write is under way
    bool ending ABSL_GUARDED_BY(mu) = false;  // finish once not busy
    grpc::Status end_status ABSL_GUARDED_BY(mu);
    bool sent_any = false;
    std::chrono::steady_clock::time_point last_sent;
    FeedCursor cursor;
    Response out;  // the message being written
  };

  class Reactor final : public grpc::ServerWriteReactor<Response> {
   public:
    Reactor(ChangeWatchHub& hub, std::shared_ptr<Slot> slot)
        : hub_(hub), slot_(std::move(slot)) {}
    void OnWriteDone(bool ok) override {
      {
        absl::MutexLock lock(&slot_->mu);
        slot_->busy = false;
        if (!ok && !slot_->ending) {
          slot_->ending = true;
          slot_->end_status = grpc::Status(grpc::StatusCode::CANCELLED,
                                           "the client stopped reading");
        }
      }
      hub_.FinishIfEnding(*slot_);
      hub_.Poke();
    }
    void OnCancel() override {
      hub_.End(*slot_, grpc::Status(grpc::StatusCode::CANCELLED,
                                    "the client went away"));
    }
    void OnDone() override {
      hub_.Forget(slot_.get());
      delete this;
    }

   private:
    ChangeWatchHub& hub_;
    std::shared_ptr<Slot> slot_;
  };

  void Poke() {
    {
      absl::MutexLock lock(&mu_);
      work_ = true;
    }
    wake_.Signal();
  }

  void Forget(const Slot* slot) {
    absl::MutexLock lock(&mu_);
    std::erase_if(slots_, [slot](const auto& s) { return s.get() == slot; });
  }

  // Ends the watch now if nothing is under way, else once it is done.
  void End(Slot& slot, grpc::Status status) {
    {
      absl::MutexLock lock(&slot.mu);
      if (slot.ending) return;
      slot.ending = true;
      slot.end_status = std::move(status);
    }
    FinishIfEnding(slot);
  }
  void EndIdle(Slot& slot, grpc::Status status) {
    {
      absl::MutexLock lock(&slot.mu);
      slot.ending = true;
      slot.end_status = std::move(status);
    }
    FinishIfEnding(slot);
  }
  // Finish is called once, never while a write is under way, and never
  // under the slot's lock (gRPC may run a reaction on this thread).
  void FinishIfEnding(Slot& slot) {
    Reactor* reactor = nullptr;
    grpc::Status status;
    {
      absl::MutexLock lock(&slot.mu);
      if (!slot.ending || slot.busy || slot.reactor == nullptr) return;
      reactor = std::exchange(slot.reactor, nullptr);
      status = slot.end_status;
    }
    reactor->Finish(status);
  }

  void Loop() {
    for (;;) {
      std::vector<std::shared_ptr<Slot>> slots;
      int64_t latest = 0;
      {
        absl::MutexLock lock(&mu_);
        // A quarter of the heartbeat: a heartbeat is at most that late.
        const absl::Time deadline =
            absl::Now() + absl::FromChrono(std::max(heartbeat_ / 4, kMinTick));
        while (!work_ && !stopping_ &&
               !wake_.WaitWithDeadline(&mu_, deadline)) {
        }
        if (stopping_) return;
        work_ = false;
        slots = slots_;
        latest = latest_;
      }
      for (const auto& slot : slots) Serve(*slot, latest);
    }
  }

  // One step for one watcher: read a page if it is behind, send it (or a
  // heartbeat when one is due).
  void Serve(Slot& slot, int64_t latest) {
    const auto now = std::chrono::steady_clock::now();
    FeedCursor cursor;
    bool heartbeat_due = false;
    {
      absl::MutexLock lock(&slot.mu);
      if (slot.busy || slot.ending || slot.reactor == nullptr) return;
      const bool behind =
          !slot.cursor.caught_up || slot.cursor.delivered < latest;
      heartbeat_due = !slot.sent_any || now - slot.last_sent >= heartbeat_;
      if (!behind && !heartbeat_due) return;
      slot.busy = true;
      cursor = slot.cursor;
    }
    Response out;
    absl::Status read = absl::OkStatus();
    if (!cursor.caught_up || cursor.delivered < latest) {
      try {
        read = fetch_(cursor, out);
      } catch (const std::exception& e) {
        spdlog::error("change watch: reading the log: {}", e.what());
        read = absl::UnavailableError(
            "the change log cannot be read now; resume from your last data "
            "version");
      }
    }
    out.set_data_version(cursor.delivered);
    out.set_caught_up(cursor.caught_up);
    Reactor* reactor = nullptr;
    {
      absl::MutexLock lock(&slot.mu);
      slot.busy = false;
      if (!read.ok() && !slot.ending) {
        slot.ending = true;
        slot.end_status = ToGrpcStatus(read);
      }
      if (!slot.ending) {
        slot.cursor = cursor;
        if (out.changes_size() > 0 || heartbeat_due) {
          slot.out = std::move(out);
          slot.busy = true;
          slot.sent_any = true;
          slot.last_sent = now;
          reactor = slot.reactor;
        }
      }
    }
    if (reactor != nullptr) {
      reactor->StartWrite(&slot.out);
    } else {
      FinishIfEnding(slot);
    }
    if (!cursor.caught_up) Poke();  // more backlog: read on
  }

  static constexpr std::chrono::milliseconds kMinTick{20};

  const Fetch fetch_;
  const std::chrono::milliseconds heartbeat_;
  mutable absl::Mutex mu_;
  absl::CondVar wake_;
  bool work_ ABSL_GUARDED_BY(mu_) = false;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  int64_t latest_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<std::shared_ptr<Slot>> slots_ ABSL_GUARDED_BY(mu_);
  std::thread thread_;
};

// The hub's figures on the metrics port: open streams, and how far the
// furthest-behind one lags.
template <typename Response>
void AddChangeWatchMetrics(RpcMetrics& metrics,
                           const ChangeWatchHub<Response>& hub) {
  metrics.AddGauge("nml_change_watchers", "Open WatchChanges streams",
                   [&hub] { return static_cast<double>(hub.watchers()); });
  metrics.AddGauge(
      "nml_change_feed_lag_versions",
      "Data versions the furthest-behind WatchChanges stream has yet to get",
      [&hub] { return static_cast<double>(hub.max_lag()); });
}

}  // namespace nml::common
