// The clients in other languages (clients/), installed as a user installs
// them, against nml-listings and nml-responses with data/ loaded: the calls
// the contract promises, and the examples the README shows.
#include <absl/strings/str_split.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"
#include "tests/support/topology.h"

namespace nml {
namespace {

using namespace std::chrono_literals;
using json = nlohmann::json;
using nml::testing::RunProcess;
using nml::testing::RunResult;

std::vector<std::string> Lines(const std::string& text) {
  return absl::StrSplit(text, '\n', absl::SkipEmpty());
}

class Clients : public ::testing::Test {
 protected:
  void SetUp() override {
    nml::testing::TopologyOptions options;
    options.with_gateway = false;
    ASSERT_NO_FATAL_FAILURE(system_.Start(options));
    ASSERT_NO_FATAL_FAILURE(system_.LoadData());
  }

  // A virtual environment with the wheel the build made, installed as the
  // README says (Debian's grpcio and protobuf from the system).
  void InstallPythonClient() {
    const RunResult venv = RunProcess(
        "/usr/bin/python3",
        {"-m", "venv", "--system-site-packages", dir_.File("venv")}, {}, 60s);
    ASSERT_EQ(venv.exit_status, 0) << venv.err;
    const RunResult pip = RunProcess(
        dir_.File("venv/bin/pip"),
        {"install", "--quiet", "--no-deps", "--no-index", NML_PYTHON_WHEEL}, {},
        120s);
    ASSERT_EQ(pip.exit_status, 0) << pip.err;
  }

  RunResult Python(std::vector<std::string> args) {
    // Not from the source tree: what is imported is what the wheel installed.
    return RunProcess(dir_.File("venv/bin/python"), args,
                      {{"PYTHONPATH", ""}, {"PYTHONSAFEPATH", "1"}}, 120s);
  }

  // A compiled script of the TypeScript client (dist/), run by Node.
  RunResult Node(std::vector<std::string> args,
                 std::map<std::string, std::string> env = {}) {
    args[0] = std::string(NML_TYPESCRIPT_DIST "/") + args[0];
    return RunProcess(
        "/usr/bin/env",
        [&] {
          args.insert(args.begin(), "node");
          return args;
        }(),
        env, 120s);
  }

  // The examples' input: a file of two URLs, a comment and a blank line.
  std::string UrlsFile() {
    std::ofstream(dir_.File("urls.txt"))
        << "# sellers to check\nhttps://www.aliexpress.com/item/1.html\n\n"
           "www.example.org\n";
    return dir_.File("urls.txt");
  }

  // What a language's three examples did: screened UrlsFile() for 2021 into
  // dir_/out.csv, listed 2021's opposing responses two a page, and printed
  // the first three changes of the feed.
  struct ExampleRuns {
    RunResult screened, opposing, watched;
  };
  void ExpectTheExamples(const ExampleRuns& runs) {
    ASSERT_EQ(runs.screened.exit_status, 0)
        << runs.screened.out << runs.screened.err;
    std::stringstream csv;
    csv << std::ifstream(dir_.File("out.csv")).rdbuf();
    const auto rows = Lines(csv.str());
    ASSERT_EQ(rows.size(), 3u) << csv.str();
    EXPECT_EQ(rows[0], "input,host,status,rule,review,listings,data_version\r");
    EXPECT_TRUE(
        rows[1].starts_with("https://www.aliexpress.com/item/1.html,"
                            "www.aliexpress.com,LISTING_STATUS_LISTED,"))
        << rows[1];
    EXPECT_NE(rows[1].find("/listings/aliexpress"), std::string::npos);
    EXPECT_TRUE(rows[2].starts_with("www.example.org,")) << rows[2];
    EXPECT_EQ(rows[2].find("LISTING_STATUS_LISTED"), std::string::npos);

    ASSERT_EQ(runs.opposing.exit_status, 0)
        << runs.opposing.out << runs.opposing.err;
    const auto responses = Lines(runs.opposing.out);
    ASSERT_FALSE(responses.empty());
    bool mofcom = false;
    for (const std::string& line : responses) {
      EXPECT_TRUE(line.starts_with("responses/")) << line;
      mofcom = mofcom || line.find("Ministry of Commerce") != std::string::npos;
    }
    EXPECT_TRUE(mofcom) << "China's Ministry of Commerce opposed 2021's list";

    ASSERT_EQ(runs.watched.exit_status, 0)
        << runs.watched.out << runs.watched.err;
    const auto changes = Lines(runs.watched.out);
    ASSERT_EQ(changes.size(), 3u) << runs.watched.out;
    for (const std::string& line : changes) {
      const std::vector<std::string> fields = absl::StrSplit(line, '\t');
      ASSERT_EQ(fields.size(), 3u) << line;
      EXPECT_EQ(fields[1], "CHANGE_KIND_WRITTEN") << line;
    }
  }

  nml::testing::Topology system_;
  nml::testing::TempDir dir_{"nml-clients"};
};

// What each client's check printed (tests/clients/python_check.py,
// clients/typescript/test/check.ts): the same calls, the same answers.
void ExpectTheContract(const json& got, const std::string& error_type) {
  EXPECT_EQ(got["review"], "reviews/2021");
  EXPECT_EQ(got["online_count"], 42);
  EXPECT_GT(got["data_version"], 0);

  ASSERT_EQ(got["screened"].size(), 3u);
  int listed = 0;
  for (const json& r : got["screened"]) {
    listed += r["status"] == "LISTING_STATUS_LISTED";
  }
  EXPECT_EQ(listed, 1) << got["screened"].dump();
  EXPECT_EQ(got["screened"][0]["status"], "LISTING_STATUS_LISTED");

  // More responses to 2021 in data/ than one page of five.
  EXPECT_GT(got["paged"].size(), 5u);
  EXPECT_EQ(got["paged"], got["whole"]);

  ASSERT_TRUE(got["error"].is_object()) << "an unknown market was found";
  EXPECT_EQ(got["error"]["type"], error_type);
  EXPECT_EQ(got["error"]["code"], "NOT_FOUND");
  EXPECT_EQ(got["error"]["reason"], "RESOURCE_NOT_FOUND");
  EXPECT_EQ(got["error"]["domain"], "nml.example");
  EXPECT_EQ(got["error"]["missing"], json::array({"markets/no-such-market"}));
}

TEST_F(Clients, PythonGetsAReviewScreensPagesAndRaisesTypedErrors) {
  ASSERT_NO_FATAL_FAILURE(InstallPythonClient());
  const RunResult run =
      Python({NML_SOURCE_DIR "/tests/clients/python_check.py",
              system_.listings_address(), system_.responses_address()});
  ASSERT_EQ(run.exit_status, 0) << run.err;
  const json got = json::parse(run.out);
  ExpectTheContract(got, "NotFound");
  EXPECT_TRUE(got["error"]["is_nml_error"]);
}

TEST_F(Clients, TypeScriptGetsAReviewScreensPagesAndRejectsTypedErrors) {
  const RunResult run = Node({"test/check.js", system_.listings_address(),
                              system_.responses_address()});
  ASSERT_EQ(run.exit_status, 0) << run.err;
  ExpectTheContract(json::parse(run.out), "NmlError");
}

TEST_F(Clients, GoGetsAReviewScreensPagesAndReturnsTypedErrors) {
  const RunResult run = RunProcess(
      NML_GO_BIN "/nml-check",
      {system_.listings_address(), system_.responses_address()}, {}, 120s);
  ASSERT_EQ(run.exit_status, 0) << run.err;
  ExpectTheContract(json::parse(run.out), "*nml.Error");
}

TEST_F(Clients, BothRetryAReadWhileListingsIsDownUntilItIsBack) {
  ASSERT_NO_FATAL_FAILURE(InstallPythonClient());
  system_.StopListings();
  const std::string address = system_.listings_address();
  nml::testing::Subprocess python(
      dir_.File("venv/bin/python"),
      {"-c",
       "import sys\n"
       "from nml_client import Client\n"
       "with Client(sys.argv[1], None, retries=8, backoff=0.25) as nml:\n"
       "    print(nml.get_review(2021).review.online_count)\n",
       address},
      {{"PYTHONSAFEPATH", "1"}});
  nml::testing::Subprocess node(
      "/usr/bin/env",
      {"node", "-e",
       "const { NmlClient } = require(process.argv[1]);\n"
       "const nml = new NmlClient({ listings: process.argv[2], retries: 8,\n"
       "                            backoffMs: 250 });\n"
       "nml.getReview(2021).then((r) => { console.log(r.review.onlineCount);\n"
       "  nml.close(); }, (e) => { console.error(String(e)); process.exit(1); "
       "});\n",
       NML_TYPESCRIPT_DIST "/src/index.js", address});
  // Both are retrying: neither can have an answer yet.
  std::this_thread::sleep_for(1500ms);
  EXPECT_TRUE(python.Running()) << python.Stdout() << python.Stderr();
  EXPECT_TRUE(node.Running()) << node.Stdout() << node.Stderr();
  system_.StartListingsAgain();
  ASSERT_EQ(python.Wait(60s), 0) << python.Stderr();
  ASSERT_EQ(node.Wait(60s), 0) << node.Stderr();
  EXPECT_EQ(python.Stdout(), "42\n");
  EXPECT_EQ(node.Stdout(), "42\n");
}

}  // namespace
}  // namespace nml
