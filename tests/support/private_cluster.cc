#include "tests/support/private_cluster.h"

#include <absl/strings/ascii.h>
#include <absl/strings/str_cat.h>
#include <gtest/gtest.h>
#include <re2/re2.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "tests/support/subprocess.h"

namespace nml::testing {

using namespace std::chrono_literals;

PrivateCluster::PrivateCluster(const std::string& listen_port)
    : PrivateCluster(listen_port, "") {}

PrivateCluster::PrivateCluster(const std::string& listen_port,
                               const PrivateCluster& primary)
    : PrivateCluster(listen_port, primary.url()) {}

PrivateCluster::PrivateCluster(const std::string& listen_port,
                               const std::string& primary_url)
    : dir_(absl::StrCat(std::filesystem::temp_directory_path().string(),
                        "/nml-private-pg-", getpid(), "-", listen_port)),
      primary_url_(primary_url) {
  Start(listen_port);
  int port = 0;
  RE2::PartialMatch(url_, R"(:(\d+)/)", &port);
  port_ = std::to_string(port);
}

PrivateCluster::~PrivateCluster() {
  Signal(SIGCONT);
  Stop();
  std::filesystem::remove_all(dir_);
}

void PrivateCluster::Start(const std::string& port) {
  const auto result = RunProcess(
      NML_SOURCE_DIR "/scripts/pg.sh",
      primary_url_.empty()
          ? std::vector<std::string>{"start", dir_, port}
          : std::vector<std::string>{"standby", dir_, primary_url_, port},
      {}, 120s);
  ASSERT_EQ(result.exit_status, 0) << result.err;
  url_ = std::string(absl::StripTrailingAsciiWhitespace(result.out));
}

void PrivateCluster::Stop(bool crash) {
  RunProcess(NML_SOURCE_DIR "/scripts/pg.sh",
             {"stop", dir_, crash ? "immediate" : "fast"}, {}, 60s);
}

void PrivateCluster::Signal(int sig) {
  std::ifstream pid_file(dir_ + "/data/postmaster.pid");
  pid_t postmaster = 0;
  pid_file >> postmaster;
  if (postmaster <= 0) return;
  ::kill(postmaster, sig);
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    std::ifstream stat(entry.path() / "stat");
    std::string line;
    if (!std::getline(stat, line)) continue;
    // pid (comm) state ppid ...: comm may hold spaces, so after ')'.
    const size_t close = line.rfind(')');
    if (close == std::string::npos || close + 2 > line.size()) continue;
    std::istringstream rest(line.substr(close + 2));
    char state = 0;
    pid_t parent = 0;
    rest >> state >> parent;
    if (parent == postmaster) {
      ::kill(static_cast<pid_t>(std::stol(entry.path().filename())), sig);
    }
  }
}

}  // namespace nml::testing
