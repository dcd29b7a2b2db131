#pragma once

#include <string>

namespace nml::testing {

// The superuser URL of the PostgreSQL that scripts/test.sh started
// (NML_TEST_DATABASE_URL). A test that needs it and does not find it fails:
// a missing database is never a reason to skip.
std::string AdminDatabaseUrl();

// A database of its own for one test, dropped when the object goes away.
class TestDatabase final {
 public:
  TestDatabase();
  ~TestDatabase();
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;

  const std::string& url() const { return url_; }
  const std::string& name() const { return name_; }

 private:
  std::string name_;
  std::string url_;
};

// `url` with its database replaced by `database`.
std::string WithDatabase(const std::string& url, const std::string& database);

}  // namespace nml::testing
