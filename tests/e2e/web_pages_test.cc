// The web view in a real browser: the whole system with data/ loaded, and
// tests/e2e/web_*.test.mjs (puppeteer-core driving Debian's chromium,
// axe-core) run by Node's test runner against the gateway. Its report,
// with each page's load time, is printed; screenshots at desktop and phone
// width go to build/web-screenshots/.
#include <absl/strings/str_cat.h>
#include <gtest/gtest.h>

#include <csignal>
#include <iostream>
#include <string>

#include "tests/support/subprocess.h"
#include "tests/support/topology.h"

namespace nml {
namespace {

using namespace std::chrono_literals;

// Runs one of the browser test files against `system`'s gateway and prints
// Node's report.
void RunInChromium(nml::testing::Topology& system, const std::string& file) {
  const auto run = nml::testing::RunProcess(
      "/usr/bin/env",
      {"node", "--test", "--test-reporter=spec",
       absl::StrCat(NML_SOURCE_DIR "/tests/e2e/", file)},
      {{"NML_WEB_URL", absl::StrCat("http://127.0.0.1:", system.http_port())},
       {"NML_SCREENSHOT_DIR", NML_SCREENSHOT_DIR}},
      240s);
  std::cout << run.out << run.err << std::endl;
  EXPECT_EQ(run.exit_status, 0) << file << " failed: see its report above";
}

TEST(WebPages, EveryPageWorksInChromiumWithTheRealData) {
  nml::testing::Topology system;
  ASSERT_NO_FATAL_FAILURE(system.Start());
  ASSERT_NO_FATAL_FAILURE(system.LoadData());
  RunInChromium(system, "web_pages.test.mjs");
}

TEST(WebPages, WithResponsesDownThePagesSayWhatIsMissing) {
  nml::testing::Topology system;
  ASSERT_NO_FATAL_FAILURE(system.Start());
  ASSERT_NO_FATAL_FAILURE(system.LoadData());
  system.responses().Signal(SIGKILL);
  RunInChromium(system, "web_degraded.test.mjs");
}

}  // namespace
}  // namespace nml
