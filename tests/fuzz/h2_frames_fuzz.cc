// Fuzzes what the gRPC front reads of every byte a client sends
// (common/grpc/h2_watch.h): frame headers found in a stream cut anywhere are
// the same as in one piece, the rapid-reset rule takes any frame sequence, and
// the whole-frames cut of the server's side never passes the bytes it has.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "common/grpc/h2_watch.h"

namespace {

struct Seen {
  uint32_t length;
  uint8_t type;
  uint32_t stream;
  bool operator==(const Seen&) const = default;
};

std::vector<Seen> Scan(const char* data, size_t size, size_t cut) {
  nml::common::H2FrameScanner scanner(24);
  std::vector<Seen> seen;
  const auto note = [&](const nml::common::H2Frame& f) {
    seen.push_back({f.length, f.type, f.stream});
  };
  scanner.Feed(data, cut, note);
  scanner.Feed(data + cut, size - cut, note);
  return seen;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t cut = data[0] % size;
  const auto* bytes = reinterpret_cast<const char*>(data + 1);
  const size_t n = size - 1;
  const std::vector<Seen> pieces = Scan(bytes, n, cut > n ? n : cut);
  if (pieces != Scan(bytes, n, 0)) __builtin_trap();

  nml::common::RapidResetWatch watch(64);
  const auto now = nml::common::RapidResetWatch::Clock::now();
  for (const Seen& s : pieces) {
    nml::common::H2Frame frame;
    frame.length = s.length;
    frame.type = s.type;
    frame.stream = s.stream;
    watch.FromClient(frame, now);
    if (s.stream % 3 == 0) watch.FromServer(frame);
  }
  if (watch.premature() > watch.opened()) __builtin_trap();

  size_t frames = 0;
  const size_t whole = nml::common::H2FrameScanner::WholeFrames(
      bytes, n, [&](const nml::common::H2Frame&) { ++frames; });
  if (whole > n || (frames == 0 && whole != 0)) __builtin_trap();
  return 0;
}
