#include "tests/support/test_database.h"

#include <absl/strings/str_cat.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <pqxx/pqxx>
#include <stdexcept>

namespace nml::testing {

std::string AdminDatabaseUrl() {
  const char* url = std::getenv("NML_TEST_DATABASE_URL");
  if (url == nullptr || *url == '\0') {
    ADD_FAILURE() << "NML_TEST_DATABASE_URL is not set: run the tests with "
                     "scripts/test.sh, which starts PostgreSQL";
    throw std::runtime_error("NML_TEST_DATABASE_URL is not set");
  }
  return url;
}

std::string WithDatabase(const std::string& url, const std::string& database) {
  const auto query = url.find('?');
  const std::string base = url.substr(0, query);
  const std::string rest = query == std::string::npos ? "" : url.substr(query);
  const auto slash = base.rfind('/');
  return absl::StrCat(base.substr(0, slash + 1), database, rest);
}

TestDatabase::TestDatabase() {
  static std::atomic<int> counter{0};
  name_ = absl::StrCat("nml_test_", getpid(), "_", counter++);
  const std::string admin = AdminDatabaseUrl();
  pqxx::connection connection(admin);
  pqxx::nontransaction tx(connection);
  tx.exec("DROP DATABASE IF EXISTS " + tx.quote_name(name_));
  tx.exec("CREATE DATABASE " + tx.quote_name(name_));
  url_ = WithDatabase(admin, name_);
}

TestDatabase::~TestDatabase() {
  try {
    pqxx::connection connection(AdminDatabaseUrl());
    pqxx::nontransaction tx(connection);
    tx.exec("DROP DATABASE IF EXISTS " + tx.quote_name(name_) +
            " WITH (FORCE)");
  } catch (const std::exception&) {
    // Best effort: the whole cluster is thrown away after the run.
  }
}

}  // namespace nml::testing
