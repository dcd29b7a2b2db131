// Issue 27: a call its client cancels mid-request (RST_STREAM before the
// request message arrived whole) is logged and counted as CANCELLED, not as
// the INVALID_ARGUMENT its cut-off message would decode to (54 of 123,798
// calls of an h2load run were, all at its end).
#include <absl/strings/match.h>
#include <absl/strings/str_cat.h>
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "tests/support/subprocess.h"
#include "tests/support/topology.h"

namespace nml {
namespace {

using namespace std::chrono_literals;

int Count(const std::string& text, const std::string& what) {
  int n = 0;
  for (size_t at = text.find(what); at != std::string::npos;
       at = text.find(what, at + 1)) {
    ++n;
  }
  return n;
}

TEST(CutOffCalls, AreCancelledNotInvalidArguments) {
  nml::testing::Topology system;
  nml::testing::TopologyOptions options;
  options.with_responses = false;
  options.with_gateway = false;
  ASSERT_NO_FATAL_FAILURE(system.Start(options));
  const std::string address = system.listings_address();
  const auto run = nml::testing::RunProcess(
      "/usr/bin/python3",
      {NML_SOURCE_DIR "/tests/support/h2_cut_off.py",
       address.substr(address.rfind(':') + 1),
       "/nml.listings.v1.ListingsService/ScreenDomains", "20"},
      {}, 60s);
  ASSERT_EQ(run.exit_status, 0) << run.err;
  std::this_thread::sleep_for(500ms);
  const std::string log = system.listings().Stderr();
  const std::string method =
      "method=/nml.listings.v1.ListingsService/ScreenDomains ";
  EXPECT_EQ(Count(log, method + "code=CANCELLED"), 20) << log;
  EXPECT_EQ(Count(log, method + "code=INVALID_ARGUMENT"), 0) << log;
}

}  // namespace
}  // namespace nml
