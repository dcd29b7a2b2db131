// Issue 28: nml-responses reading from a PostgreSQL hot standby
// (--read-database-url), a real streaming replica made with pg_basebackup
// (scripts/pg.sh standby). A read that carries a write's data version sees
// the write wherever it is answered; a miss is the primary's word; a
// stopped standby sends reads to the primary, and a restarted one gets them
// back.
#include <absl/strings/str_cat.h>
#include <grpcpp/client_context.h>
#include <grpcpp/create_channel.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <re2/re2.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <pqxx/pqxx>
#include <string>
#include <thread>

#include "common/api/names.h"
#include "nml/responses/v1/responses_service.grpc.pb.h"
#include "tests/support/private_cluster.h"
#include "tests/support/topology.h"

namespace nml {
namespace {

using namespace std::chrono_literals;
namespace rv1 = nml::responses::v1;

// Each case's own ports (ctest runs the cases in parallel; a cluster that
// restarts needs its port back): the primary's, and the standby's next to it.
std::string PortOf(bool standby) {
  static const std::map<std::string, int> kBase = {
      {"AReadCarryingAWritesVersionSeesTheWrite", 27450},
      {"BehindTheVersionAskedForTheReadGoesToThePrimary", 27452},
      {"AMissIsThePrimarysWordAndAnUnwrittenVersionIsRefused", 27454},
      {"StoppedReadsGoOnAndRestartedItAnswersAgain", 27456}};
  const std::string name =
      ::testing::UnitTest::GetInstance()->current_test_info()->name();
  const auto it = kBase.find(name);
  EXPECT_NE(it, kBase.end()) << "give the case " << name << " its ports";
  return std::to_string((it == kBase.end() ? 27458 : it->second) + standby);
}

class Standby : public ::testing::Test {
 protected:
  void SetUp() override {
    nml::testing::TopologyOptions options;
    options.with_gateway = false;
    options.responses_env = {{"NML_DATABASE_URL", primary_.url()},
                             {"NML_READ_DATABASE_URL", standby_.url()},
                             {"NML_METRICS_LISTEN", "127.0.0.1:0"}};
    ASSERT_NO_FATAL_FAILURE(system_.Start(options));
    // The schema nml-responses just made, replayed.
    ASSERT_NO_FATAL_FAILURE(WaitForReplay());
    metrics_port_ = system_.responses().WaitForMetricsPort(5s);
    ASSERT_GT(metrics_port_, 0) << system_.responses().Stderr();
    stub_ = rv1::ResponsesService::NewStub(grpc::CreateChannel(
        system_.responses_address(), grpc::InsecureChannelCredentials()));
  }

  // A new stakeholder's name and the data version its write answered.
  std::pair<std::string, int64_t> CreateStakeholder(const std::string& name) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + 10s);
    rv1::CreateStakeholderRequest request;
    request.mutable_stakeholder()->set_display_name(name);
    request.mutable_stakeholder()->set_type(rv1::STAKEHOLDER_TYPE_OTHER);
    rv1::CreateStakeholderResponse response;
    const grpc::Status status =
        stub_->CreateStakeholder(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return {response.stakeholder().name(), response.data_version()};
  }

  // GetStakeholder, asking for at least `min_version` when it is set.
  grpc::Status GetStakeholder(const std::string& name,
                              const std::string& min_version = "") {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + 10s);
    if (!min_version.empty()) {
      context.AddMetadata(common::kMinDataVersionMetadata, min_version);
    }
    rv1::GetStakeholderRequest request;
    request.set_name(name);
    rv1::GetStakeholderResponse response;
    return stub_->GetStakeholder(&context, request, &response);
  }

  // Waits until the standby has replayed all the primary has written.
  void WaitForReplay() {
    pqxx::connection primary(primary_.url());
    pqxx::connection standby(standby_.url());
    const std::string lsn = pqxx::nontransaction(primary)
                                .exec1("SELECT pg_current_wal_lsn()::text")[0]
                                .as<std::string>();
    for (int i = 0; i < 100; ++i) {
      if (pqxx::nontransaction(standby)
              .exec_params1("SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn",
                            lsn)[0]
              .as<bool>()) {
        return;
      }
      std::this_thread::sleep_for(50ms);
    }
    FAIL() << "the standby did not replay " << lsn << " in 5 s";
  }

  // A counter of nml-responses' /metrics.
  double Metric(const std::string& name) {
    httplib::Client client("127.0.0.1", metrics_port_);
    const auto scraped = client.Get("/metrics");
    EXPECT_TRUE(scraped && scraped->status == 200);
    if (!scraped) return -1;
    double value = -1;
    RE2::PartialMatch(scraped->body, "(?m)^" + name + " ([0-9.e+]+)$", &value);
    return value;
  }

  // Declared first: they outlive the services that use them.
  nml::testing::PrivateCluster primary_{PortOf(false)};
  nml::testing::PrivateCluster standby_{PortOf(true), primary_};
  nml::testing::Topology system_;
  int metrics_port_ = 0;
  std::unique_ptr<rv1::ResponsesService::Stub> stub_;
};

TEST_F(Standby, AReadCarryingAWritesVersionSeesTheWrite) {
  int not_found = 0, failed = 0;
  std::string first_error;
  for (int i = 0; i < 200; ++i) {
    const auto [name, version] = CreateStakeholder(absl::StrCat("Standby ", i));
    ASSERT_GT(version, 0);
    const grpc::Status read = GetStakeholder(name, absl::StrCat(version));
    not_found += read.error_code() == grpc::StatusCode::NOT_FOUND;
    if (!read.ok() && first_error.empty()) first_error = read.error_message();
    failed += !read.ok();
  }
  // Settled writes, read with no version asked: the standby answers.
  std::this_thread::sleep_for(500ms);
  const double standby_reads = Metric("nml_db_standby_reads_total");
  const auto [name, version] = CreateStakeholder("Standby settled");
  std::this_thread::sleep_for(500ms);
  for (int i = 0; i < 50; ++i) ASSERT_TRUE(GetStakeholder(name).ok());
  const double behind = Metric("nml_db_standby_fallbacks_behind_total");
  std::printf(
      "200 write-then-read pairs with the write's version: %d not found, %d "
      "failed; %.0f of the reads sent to the primary because the standby "
      "was behind\n",
      not_found, failed, behind);
  EXPECT_EQ(not_found, 0);
  EXPECT_EQ(failed, 0) << first_error;
  EXPECT_GE(Metric("nml_db_standby_reads_total"), standby_reads + 50);
}

// A standby that applies each commit 300 ms late (recovery_min_apply_delay):
// a read asking for a write's version, and a read of a row just written,
// go to the primary and see the write.
TEST_F(Standby, BehindTheVersionAskedForTheReadGoesToThePrimary) {
  {
    pqxx::connection standby(standby_.url());
    pqxx::nontransaction tx(standby);
    tx.exec("ALTER SYSTEM SET recovery_min_apply_delay = '300ms'");
    tx.exec("SELECT pg_reload_conf()");
  }
  ASSERT_NO_FATAL_FAILURE(WaitForReplay());
  const double behind = Metric("nml_db_standby_fallbacks_behind_total");
  const double misses = Metric("nml_db_standby_fallbacks_miss_total");
  int failed = 0;
  for (int i = 0; i < 20; ++i) {
    const auto [name, version] = CreateStakeholder(absl::StrCat("Late ", i));
    failed += !GetStakeholder(name, absl::StrCat(version)).ok();
    const auto [other, written] = CreateStakeholder(absl::StrCat("Miss ", i));
    failed += !GetStakeholder(other).ok();
  }
  EXPECT_EQ(failed, 0);
  EXPECT_GE(Metric("nml_db_standby_fallbacks_behind_total"), behind + 15);
  EXPECT_GE(Metric("nml_db_standby_fallbacks_miss_total"), misses + 15);
}

TEST_F(Standby, AMissIsThePrimarysWordAndAnUnwrittenVersionIsRefused) {
  const double misses = Metric("nml_db_standby_fallbacks_miss_total");
  EXPECT_EQ(GetStakeholder("stakeholders/nobody").error_code(),
            grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(Metric("nml_db_standby_fallbacks_miss_total"), misses + 1);

  const auto [name, version] = CreateStakeholder("Standby versions");
  const grpc::Status ahead = GetStakeholder(name, "999999999");
  EXPECT_EQ(ahead.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
  EXPECT_NE(ahead.error_message().find(common::kMinDataVersionMetadata),
            std::string::npos)
      << ahead.error_message();
  const grpc::Status garbage = GetStakeholder(name, "v12");
  EXPECT_EQ(garbage.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_NE(garbage.error_message().find(common::kMinDataVersionMetadata),
            std::string::npos)
      << garbage.error_message();
}

TEST_F(Standby, StoppedReadsGoOnAndRestartedItAnswersAgain) {
  const auto [name, version] = CreateStakeholder("Standby outage");
  standby_.Stop();
  int failed = 0;
  std::string first_error;
  for (int i = 0; i < 100; ++i) {
    const grpc::Status read = GetStakeholder(name);
    if (!read.ok() && first_error.empty()) first_error = read.error_message();
    failed += !read.ok();
    // Writes go on too, and are read back.
    if (i % 10 == 0) {
      const auto [other, written] =
          CreateStakeholder(absl::StrCat("During outage ", i));
      const grpc::Status back = GetStakeholder(other, absl::StrCat(written));
      failed += !back.ok();
    }
  }
  EXPECT_EQ(failed, 0) << first_error;
  EXPECT_GE(Metric("nml_db_standby_fallbacks_down_total"), 1);

  standby_.Restart();
  // An unreachable standby is left alone for a second, then tried again.
  const double before = Metric("nml_db_standby_reads_total");
  bool back = false;
  for (int i = 0; i < 100 && !back; ++i) {
    std::this_thread::sleep_for(100ms);
    ASSERT_TRUE(GetStakeholder(name).ok());
    back = Metric("nml_db_standby_reads_total") > before;
  }
  EXPECT_TRUE(back) << "the restarted standby answered no read in 10 s";
}

}  // namespace
}  // namespace nml
