#include "tests/support/subprocess.h"

#include <absl/strings/str_cat.h>
#include <fcntl.h>
#include <re2/re2.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace nml::testing {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

std::string TempPath(const std::string& suffix) {
  static std::atomic<int> counter{0};
  const char* dir = std::getenv("TMPDIR");
  return absl::StrCat(dir != nullptr ? dir : "/tmp", "/nml-test-", getpid(),
                      "-", counter++, suffix);
}

}  // namespace

Subprocess::Subprocess(std::string program, std::vector<std::string> args,
                       std::map<std::string, std::string> env)
    : stdout_path_(TempPath(".out")), stderr_path_(TempPath(".err")) {
  // The child inherits this environment, minus NML_* (a test states exactly
  // what the process gets), plus `env`.
  std::map<std::string, std::string> merged;
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string entry(*e);
    const auto eq = entry.find('=');
    if (eq == std::string::npos) continue;
    const std::string key = entry.substr(0, eq);
    if (key.starts_with("NML_")) continue;
    merged[key] = entry.substr(eq + 1);
  }
  for (const auto& [k, v] : env) merged[k] = v;
  std::vector<std::string> env_strings;
  for (const auto& [k, v] : merged) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);

  std::vector<std::string> argv_strings{program};
  argv_strings.insert(argv_strings.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& s : argv_strings) argv.push_back(s.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, stdout_path_.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_addopen(&actions, 2, stderr_path_.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  // Children start with default signal handling and an empty mask, whatever
  // the test process has.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t empty;
  sigemptyset(&empty);
  sigset_t all;
  sigfillset(&all);
  posix_spawnattr_setsigmask(&attr, &empty);
  posix_spawnattr_setsigdefault(&attr, &all);
  posix_spawnattr_setflags(&attr,
                           POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  const int rc = posix_spawn(&pid_, program.c_str(), &actions, &attr,
                             argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) {
    throw std::runtime_error(absl::StrCat("cannot start ", program, ": ", rc));
  }
}

Subprocess::~Subprocess() {
  if (Running()) {
    kill(pid_, SIGKILL);
    Wait(std::chrono::seconds(5));
  }
  unlink(stdout_path_.c_str());
  unlink(stderr_path_.c_str());
}

void Subprocess::Signal(int sig) {
  if (!exit_status_.has_value()) kill(pid_, sig);
}

std::optional<int> Subprocess::Wait(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!exit_status_.has_value()) {
    int status = 0;
    const pid_t r = waitpid(pid_, &status, WNOHANG);
    if (r == pid_) {
      exit_status_ =
          WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      break;
    }
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return exit_status_;
}

bool Subprocess::Running() {
  return !Wait(std::chrono::milliseconds(0)).has_value();
}

std::string Subprocess::Stdout() const { return ReadFile(stdout_path_); }
std::string Subprocess::Stderr() const { return ReadFile(stderr_path_); }

namespace {

// The port of the first stderr line matching `pattern`, 0 if the process
// exits or `timeout` passes first.
int WaitForPort(Subprocess& process, const RE2& pattern,
                std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    int port = 0;
    if (RE2::PartialMatch(process.Stderr(), pattern, &port)) return port;
    if (!process.Running()) return 0;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return 0;
}

}  // namespace

int Subprocess::WaitForListeningPort(std::chrono::milliseconds timeout) {
  static const RE2 kListening(R"(listening on \S*:(\d+))");
  return WaitForPort(*this, kListening, timeout);
}

int Subprocess::WaitForHttpPort(std::chrono::milliseconds timeout) {
  static const RE2 kHttp(R"(HTTP/JSON listening on \S*:(\d+))");
  return WaitForPort(*this, kHttp, timeout);
}

int Subprocess::WaitForMetricsPort(std::chrono::milliseconds timeout) {
  static const RE2 kMetrics(R"(metrics on \S*:(\d+)/metrics)");
  return WaitForPort(*this, kMetrics, timeout);
}

RunResult RunProcess(const std::string& program,
                     const std::vector<std::string>& args,
                     const std::map<std::string, std::string>& env,
                     std::chrono::milliseconds timeout) {
  Subprocess process(program, args, env);
  RunResult result;
  const auto status = process.Wait(timeout);
  result.exit_status = status.value_or(-1);
  result.out = process.Stdout();
  result.err = process.Stderr();
  return result;
}

}  // namespace nml::testing
