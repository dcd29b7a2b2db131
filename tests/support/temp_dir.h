#pragma once

#include <string>
#include <string_view>

namespace nml::testing {

// A fresh directory under the system's temporary directory (mkdtemp, so
// parallel tests never share one), removed with its contents on destruction.
class TempDir final {
 public:
  explicit TempDir(std::string_view prefix = "nml-test");
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::string& path() const { return path_; }
  // path() + "/" + name
  std::string File(std::string_view name) const;

 private:
  std::string path_;
};

}  // namespace nml::testing
