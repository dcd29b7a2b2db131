#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace nml::testing {

// A child process with its stdout and stderr captured in files, killed on
// destruction if still running.
class Subprocess final {
 public:
  Subprocess(std::string program, std::vector<std::string> args,
             std::map<std::string, std::string> env = {});
  ~Subprocess();
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  pid_t pid() const { return pid_; }
  void Signal(int sig);
  // The exit status (or 128+signal), or nullopt if it is still running
  // after `timeout`.
  std::optional<int> Wait(std::chrono::milliseconds timeout);
  bool Running();
  std::string Stdout() const;
  std::string Stderr() const;

  // Waits until stderr contains "listening on HOST:PORT" and returns PORT,
  // or 0 when the process exits or `timeout` passes first.
  int WaitForListeningPort(std::chrono::milliseconds timeout);
  // The same for nml-gateway's REST side ("HTTP/JSON listening on ...").
  int WaitForHttpPort(std::chrono::milliseconds timeout);
  // The same for --metrics-listen ("metrics on HOST:PORT/metrics").
  int WaitForMetricsPort(std::chrono::milliseconds timeout);

 private:
  pid_t pid_ = -1;
  std::optional<int> exit_status_;
  std::string stdout_path_;
  std::string stderr_path_;
};

// Runs `program` to completion (at most `timeout`), returning its exit status
// and output.
struct RunResult {
  int exit_status = -1;
  std::string out;
  std::string err;
};
RunResult RunProcess(
    const std::string& program, const std::vector<std::string>& args,
    const std::map<std::string, std::string>& env = {},
    std::chrono::milliseconds timeout = std::chrono::seconds(60));

}  // namespace nml::testing
