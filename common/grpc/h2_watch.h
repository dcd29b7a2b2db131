#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <unordered_map>

namespace nml::common {

// The 9-byte header of an HTTP/2 frame (RFC 9113 §4.1).
struct H2Frame {
  uint32_t length = 0;
  uint8_t type = 0;
  uint8_t flags = 0;
  uint32_t stream = 0;
};

inline constexpr uint8_t kH2Headers = 0x1;
inline constexpr uint8_t kH2RstStream = 0x3;
inline constexpr uint8_t kH2GoAway = 0x7;
inline constexpr uint32_t kH2EnhanceYourCalm = 0xb;

// Finds the frame headers in a byte stream that arrives in pieces of any
// size, skipping payloads: the relay reads headers, never bodies.
class H2FrameScanner final {
 public:
  // `preface`: bytes to skip first (a client's 24-byte connection preface).
  explicit H2FrameScanner(size_t preface = 0) : skip_(preface) {}

  // Calls `on_frame` for each header completed by `data`.
  void Feed(const char* data, size_t size,
            const std::function<void(const H2Frame&)>& on_frame);

  // The number of leading bytes of `data`, which starts on a frame
  // boundary, that are whole frames; calls `on_frame` for each of them.
  static size_t WholeFrames(
      const char* data, size_t size,
      const std::function<void(const H2Frame&)>& on_frame);

 private:
  size_t skip_;  // payload (or preface) bytes still to pass over
  unsigned char header_[9];
  size_t header_filled_ = 0;
};

// Bytes of a GOAWAY frame: no new streams after `last_stream`, for `error`.
std::string H2GoAwayFrame(uint32_t last_stream, uint32_t error,
                          const std::string& debug);

// Decides, from the frames crossing one connection, whether its client is
// resetting streams as fast as it opens them (CVE-2023-44487, "rapid
// reset"). gRPC 1.51 builds a call for every stream it accepts and keeps it
// until its handler is done, whatever the client has cancelled; a client
// that opens and resets streams faster than the handlers end grows the
// server without bound, never exceeding MAX_CONCURRENT_STREAMS.
//
// The rule, after Envoy's: a reset is premature when the client cancels a
// stream the server has not yet answered (sent no HEADERS on) within
// kPrematureWithin of opening it. A connection whose premature resets are
// at least kMinPremature and at least half the streams it opened is abusive.
// Clients that cancel in earnest (a deadline, a user who leaves, the calls
// in flight when a load generator stops) cancel a small share of their
// streams, or cancel them later than that. Cost is bounded either way: an
// abuser gets at most kMinPremature cheap calls, or as many as it pays for
// with answered ones.
class RapidResetWatch final {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr int kMinPremature = 100;
  static constexpr auto kPrematureWithin = std::chrono::seconds(1);

  // `max_unanswered`: streams awaiting an answer beyond which the client is
  // ignoring the server's MAX_CONCURRENT_STREAMS (a multiple of it).
  explicit RapidResetWatch(size_t max_unanswered)
      : max_unanswered_(max_unanswered) {}

  void FromClient(const H2Frame& frame, Clock::time_point now);
  void FromServer(const H2Frame& frame);

  // Why the connection should end now; empty while it should not.
  const std::string& verdict() const { return verdict_; }
  // The newest stream the client opened (GOAWAY's last stream id).
  uint32_t last_stream() const { return last_stream_; }
  uint64_t opened() const { return opened_; }
  uint64_t premature() const { return premature_; }

 private:
  const size_t max_unanswered_;
  // Streams the client opened that the server has not answered: when.
  std::unordered_map<uint32_t, Clock::time_point> unanswered_;
  uint32_t last_stream_ = 0;
  uint64_t opened_ = 0;
  uint64_t premature_ = 0;
  std::string verdict_;
};

}  // namespace nml::common
