#include "common/grpc/h2_watch.h"

#include <absl/strings/str_cat.h>

#include <algorithm>

namespace nml::common {
namespace {

constexpr size_t kHeaderSize = 9;

H2Frame Decode(const unsigned char* h) {
  H2Frame frame;
  frame.length = (uint32_t{h[0]} << 16) | (uint32_t{h[1]} << 8) | h[2];
  frame.type = h[3];
  frame.flags = h[4];
  frame.stream = ((uint32_t{h[5]} << 24) | (uint32_t{h[6]} << 16) |
                  (uint32_t{h[7]} << 8) | h[8]) &
                 0x7fffffffu;
  return frame;
}

void PutU32(std::string& out, uint32_t value) {
  for (int shift = 24; shift >= 0; shift -= 8) {
    out.push_back(static_cast<char>((value >> shift) & 0xff));
  }
}

}  // namespace

void H2FrameScanner::Feed(const char* data, size_t size,
                          const std::function<void(const H2Frame&)>& on_frame) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(data);
  size_t at = 0;
  while (at < size) {
    if (skip_ > 0) {
      const size_t n = std::min(skip_, size - at);
      skip_ -= n;
      at += n;
      continue;
    }
    const size_t n = std::min(kHeaderSize - header_filled_, size - at);
    std::copy(bytes + at, bytes + at + n, header_ + header_filled_);
    header_filled_ += n;
    at += n;
    if (header_filled_ < kHeaderSize) return;
    header_filled_ = 0;
    const H2Frame frame = Decode(header_);
    skip_ = frame.length;
    on_frame(frame);
  }
}

size_t H2FrameScanner::WholeFrames(
    const char* data, size_t size,
    const std::function<void(const H2Frame&)>& on_frame) {
  const auto* bytes = reinterpret_cast<const unsigned char*>(data);
  size_t at = 0;
  while (size - at >= kHeaderSize) {
    const H2Frame frame = Decode(bytes + at);
    const size_t end = at + kHeaderSize + frame.length;
    if (end > size) break;
    on_frame(frame);
    at = end;
  }
  return at;
}

std::string H2GoAwayFrame(uint32_t last_stream, uint32_t error,
                          const std::string& debug) {
  const uint32_t length = 8 + static_cast<uint32_t>(debug.size());
  std::string frame;
  frame.push_back(static_cast<char>((length >> 16) & 0xff));
  frame.push_back(static_cast<char>((length >> 8) & 0xff));
  frame.push_back(static_cast<char>(length & 0xff));
  frame.push_back(static_cast<char>(kH2GoAway));
  frame.push_back(0);
  PutU32(frame, 0);  // the connection
  PutU32(frame, last_stream & 0x7fffffffu);
  PutU32(frame, error);
  frame += debug;
  return frame;
}

void RapidResetWatch::FromClient(const H2Frame& frame, Clock::time_point now) {
  if (!verdict_.empty() || frame.stream == 0) return;
  if (frame.type == kH2Headers && frame.stream > last_stream_) {
    // A new stream (a higher id); HEADERS on an open stream are trailers.
    last_stream_ = frame.stream;
    ++opened_;
    unanswered_.emplace(frame.stream, now);
    if (unanswered_.size() > max_unanswered_) {
      verdict_ = absl::StrCat(unanswered_.size(),
                              " streams open without an answer, past the "
                              "limit the server announced");
    }
    return;
  }
  if (frame.type != kH2RstStream) return;
  const auto it = unanswered_.find(frame.stream);
  if (it == unanswered_.end()) return;
  if (now - it->second < kPrematureWithin) ++premature_;
  unanswered_.erase(it);
  if (premature_ >= static_cast<uint64_t>(kMinPremature) &&
      premature_ * 2 >= opened_) {
    verdict_ = absl::StrCat(premature_, " of ", opened_,
                            " streams reset by the client before an answer");
  }
}

void RapidResetWatch::FromServer(const H2Frame& frame) {
  if (frame.type == kH2Headers || frame.type == kH2RstStream) {
    unanswered_.erase(frame.stream);
  }
}

}  // namespace nml::common
