#include "common/config.h"

#include <gtest/gtest.h>

#include "common/pg/database_url.h"

namespace nml::common {
namespace {

TEST(ParseHostPort, AcceptsHostPortForms) {
  auto v4 = ParseHostPort("127.0.0.1:50051");
  ASSERT_TRUE(v4.ok());
  EXPECT_EQ(v4->host, "127.0.0.1");
  EXPECT_EQ(v4->port, 50051);

  auto any = ParseHostPort(":8080");
  ASSERT_TRUE(any.ok());
  EXPECT_EQ(any->ToString(), "0.0.0.0:8080");

  auto v6 = ParseHostPort("[::1]:0");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->ToString(), "[::1]:0");
}

TEST(ParseHostPort, RejectsWhatCannotBeAPortWithAReadableMessage) {
  for (const char* bad :
       {"localhost", "localhost:", "localhost:http", "localhost:65536",
        "localhost:-1", "::1:80", "host:12ab"}) {
    auto parsed = ParseHostPort(bad);
    EXPECT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.status().code(), absl::StatusCode::kInvalidArgument);
  }
  EXPECT_EQ(ParseHostPort("db:99999").status().message(),
            "'99999' is not a port number (0..65535) in 'db:99999'");
}

TEST(RedactDatabaseUrl, HidesPasswordsInBothSyntaxes) {
  EXPECT_EQ(RedactDatabaseUrl("postgresql://nml:s3cret@db:5432/nml_listings"),
            "postgresql://nml:***@db:5432/nml_listings");
  EXPECT_EQ(RedactDatabaseUrl("postgresql://nml@db/nml_listings"),
            "postgresql://nml@db/nml_listings");
  EXPECT_EQ(RedactDatabaseUrl("host=db user=nml password=s3cret dbname=x"),
            "host=db user=nml password=*** dbname=x");
}

TEST(ServerFlags, EnvironmentConfiguresAndFlagsWin) {
  setenv("NML_LISTEN", "127.0.0.1:7000", 1);
  setenv("NML_WORKERS", "3", 1);
  ServerOptions options;
  CLI::App app;
  AddServerFlags(app, options, "0.0.0.0:1");
  const char* argv[] = {"prog", "--workers", "5"};
  app.parse(3, const_cast<char**>(argv));
  EXPECT_EQ(options.listen, "127.0.0.1:7000");
  EXPECT_EQ(options.workers, 5);
  unsetenv("NML_LISTEN");
  unsetenv("NML_WORKERS");
}

TEST(ServerFlags, RejectsAnUnparseablePortFromTheEnvironment) {
  setenv("NML_LISTEN", "0.0.0.0:eighty", 1);
  ServerOptions options;
  CLI::App app;
  AddServerFlags(app, options, "0.0.0.0:1");
  const char* argv[] = {"prog"};
  EXPECT_THROW(app.parse(1, const_cast<char**>(argv)), CLI::ValidationError);
  unsetenv("NML_LISTEN");
}

}  // namespace
}  // namespace nml::common
