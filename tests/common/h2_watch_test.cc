// The frame reading and the rapid-reset rule of the gRPC front
// (common/grpc/h2_watch.h), frame by frame.
#include "common/grpc/h2_watch.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace nml::common {
namespace {

using Clock = RapidResetWatch::Clock;

std::string Frame(uint8_t type, uint32_t stream, const std::string& payload) {
  std::string out;
  const auto length = static_cast<uint32_t>(payload.size());
  out += static_cast<char>(length >> 16);
  out += static_cast<char>((length >> 8) & 0xff);
  out += static_cast<char>(length & 0xff);
  out += static_cast<char>(type);
  out += '\0';
  out += static_cast<char>(stream >> 24);
  out += static_cast<char>((stream >> 16) & 0xff);
  out += static_cast<char>((stream >> 8) & 0xff);
  out += static_cast<char>(stream & 0xff);
  return out + payload;
}

H2Frame Header(uint8_t type, uint32_t stream) {
  H2Frame frame;
  frame.type = type;
  frame.stream = stream;
  return frame;
}

TEST(H2FrameScanner, FindsEveryHeaderWhateverTheReadsCutThrough) {
  const std::string preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
  const std::string bytes = preface + Frame(0x4, 0, "") +
                            Frame(kH2Headers, 1, std::string(300, 'h')) +
                            Frame(kH2RstStream, 1, "\0\0\0\x8");
  // One byte at a time, and all at once, find the same three frames.
  for (size_t piece : {size_t{1}, size_t{7}, bytes.size()}) {
    H2FrameScanner scanner(preface.size());
    std::vector<H2Frame> seen;
    for (size_t at = 0; at < bytes.size(); at += piece) {
      scanner.Feed(bytes.data() + at, std::min(piece, bytes.size() - at),
                   [&](const H2Frame& frame) { seen.push_back(frame); });
    }
    ASSERT_EQ(seen.size(), 3u) << "pieces of " << piece;
    EXPECT_EQ(seen[1].type, kH2Headers);
    EXPECT_EQ(seen[1].length, 300u);
    EXPECT_EQ(seen[2].type, kH2RstStream);
    EXPECT_EQ(seen[2].stream, 1u);
  }
}

TEST(H2FrameScanner, WholeFramesStopsBeforeAFrameThatIsNotAllThere) {
  const std::string two = Frame(kH2Headers, 1, "abc") + Frame(0x0, 1, "xyz");
  int frames = 0;
  EXPECT_EQ(H2FrameScanner::WholeFrames(two.data(), two.size() - 1,
                                        [&](const H2Frame&) { ++frames; }),
            12u);
  EXPECT_EQ(frames, 1);
  EXPECT_EQ(H2FrameScanner::WholeFrames(two.data(), two.size(),
                                        [](const H2Frame&) {}),
            two.size());
}

TEST(H2GoAwayFrame, SaysTheLastStreamAndTheError) {
  const std::string frame = H2GoAwayFrame(301, kH2EnhanceYourCalm, "why");
  EXPECT_EQ(frame, Frame(kH2GoAway, 0,
                         std::string("\0\0\x01\x2d", 4) +
                             std::string("\0\0\0\x0b", 4) + "why"));
}

TEST(RapidResetWatch, AClientThatResetsWhatItOpensIsCondemnedAtTheHundredth) {
  RapidResetWatch watch(1024);
  const auto now = Clock::now();
  for (uint32_t i = 0; i < 99; ++i) {
    watch.FromClient(Header(kH2Headers, 2 * i + 1), now);
    watch.FromClient(Header(kH2RstStream, 2 * i + 1), now);
  }
  EXPECT_EQ(watch.verdict(), "");
  watch.FromClient(Header(kH2Headers, 199), now);
  watch.FromClient(Header(kH2RstStream, 199), now);
  EXPECT_EQ(watch.verdict(),
            "100 of 100 streams reset by the client before an answer");
  EXPECT_EQ(watch.last_stream(), 199u);
}

TEST(RapidResetWatch, CancelsAmongManyAnsweredCallsAreNotAnAttack) {
  // A load generator's end: 1,000 calls answered, then the 128 in flight
  // cancelled at once.
  RapidResetWatch watch(1024);
  const auto now = Clock::now();
  uint32_t stream = 1;
  for (int i = 0; i < 1000; ++i, stream += 2) {
    watch.FromClient(Header(kH2Headers, stream), now);
    watch.FromServer(Header(kH2Headers, stream));
  }
  for (int i = 0; i < 128; ++i, stream += 2) {
    watch.FromClient(Header(kH2Headers, stream), now);
  }
  for (uint32_t s = stream - 2 * 128; s < stream; s += 2) {
    watch.FromClient(Header(kH2RstStream, s), now);
  }
  EXPECT_EQ(watch.verdict(), "");
  EXPECT_EQ(watch.premature(), 128u);
}

TEST(RapidResetWatch, ResetsAfterAnAnswerOrASecondAreNotPremature) {
  RapidResetWatch watch(1024);
  const auto now = Clock::now();
  for (uint32_t i = 0; i < 200; ++i) {
    const uint32_t stream = 2 * i + 1;
    watch.FromClient(Header(kH2Headers, stream), now);
    if (i % 2 == 0) {
      // A streaming call the server has begun answering.
      watch.FromServer(Header(kH2Headers, stream));
      watch.FromClient(Header(kH2RstStream, stream), now);
    } else {
      // A deadline that ran out.
      watch.FromClient(Header(kH2RstStream, stream),
                       now + std::chrono::milliseconds(1500));
    }
  }
  EXPECT_EQ(watch.premature(), 0u);
  EXPECT_EQ(watch.verdict(), "");
}

TEST(RapidResetWatch, TrailersAndServerRefusalsOpenNoStream) {
  RapidResetWatch watch(4);
  const auto now = Clock::now();
  for (uint32_t stream = 1; stream <= 9; stream += 2) {
    watch.FromClient(Header(kH2Headers, stream), now);
    // gRPC refuses a stream past MAX_CONCURRENT_STREAMS with RST_STREAM.
    watch.FromServer(Header(kH2RstStream, stream));
  }
  watch.FromClient(Header(kH2Headers, 9), now);  // trailers on stream 9
  EXPECT_EQ(watch.opened(), 5u);
  EXPECT_EQ(watch.verdict(), "");
}

TEST(RapidResetWatch, TooManyUnansweredStreamsAreCondemned) {
  RapidResetWatch watch(4);
  const auto now = Clock::now();
  for (uint32_t stream = 1; stream <= 9; stream += 2) {
    watch.FromClient(Header(kH2Headers, stream), now);
  }
  EXPECT_EQ(watch.verdict(),
            "5 streams open without an answer, past the limit the server "
            "announced");
}

}  // namespace
}  // namespace nml::common
