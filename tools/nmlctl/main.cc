// nmlctl: the command line for nml, on the generated gRPC stubs. This file
// holds the command-line grammar; the commands are in *_commands.cc.
//
// Exit status: 0 success, 1 the server answered with an error (or the
// input was refused), 2 bad usage, 3 the server could not be reached.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>
#include <vector>

#include "common/config.h"
#include "tools/nmlctl/client.h"
#include "tools/nmlctl/export_command.h"
#include "tools/nmlctl/feed_commands.h"
#include "tools/nmlctl/gateway_commands.h"
#include "tools/nmlctl/listings_commands.h"
#include "tools/nmlctl/responses_commands.h"
#include "tools/nmlctl/screen_file.h"

using nml::cli::CallRpc;
using nml::cli::Changes;
using nml::cli::Diff;
using nml::cli::Dossier;
using nml::cli::Export;
using nml::cli::GlobalOptions;
using nml::cli::History;
using nml::cli::Import;
using nml::cli::ImportResponses;
using nml::cli::kUsage;
using nml::cli::ListingsClient;
using nml::cli::ListListings;
using nml::cli::ListResponses;
using nml::cli::MakeScreenOptions;
using nml::cli::Report;
using nml::cli::ResponsesClient;
using nml::cli::Screen;
using nml::cli::ScreenFile;
using nml::cli::Search;
using nml::cli::Stances;
using nml::cli::Stats;
using nml::cli::Status;
using nml::cli::Timeline;

int main(int argc, char** argv) {
  GlobalOptions options;
  CLI::App app{"nmlctl: query and load the Notorious Markets List", "nmlctl"};
  app.require_subcommand(1);
  app.add_option("--addr", options.addr, "nml-listings address, host:port")
      ->envname("NML_ADDR")
      ->capture_default_str();
  app.add_option("--responses-addr", options.responses_addr,
                 "nml-responses address, host:port")
      ->envname("NML_RESPONSES_ADDR")
      ->capture_default_str();
  app.add_option("--gateway-addr", options.gateway_addr,
                 "nml-gateway gRPC address")
      ->envname("NML_GATEWAY_ADDR")
      ->capture_default_str();
  app.add_option("--token", options.token,
                 "API key, sent as authorization: Bearer")
      ->envname("NML_TOKEN");
  nml::common::AddClientTlsFlags(app, options.tls, "", "the servers");
  app.add_option("--timeout", options.timeout_ms, "Deadline per call, ms")
      ->check(CLI::Range(1, 3600000))
      ->capture_default_str();
  app.add_flag("--json", options.json, "Print protobuf JSON instead of tables");
  app.add_option("--min-data-version", options.min_data_version,
                 "Answer from at least this data version (the data_version a "
                 "write answered with): read-your-writes across replicas")
      ->envname("NML_MIN_DATA_VERSION")
      ->check(CLI::Range(int64_t{0}, int64_t{1} << 62));

  auto* status =
      app.add_subcommand("status", "Data version and review completeness");

  std::string data_dir;
  std::string markets_path;
  std::string counts_path;
  auto* import = app.add_subcommand(
      "import",
      "Load reviews and listings from markets.csv and review_counts.csv");
  import->add_option("dir", data_dir,
                     "Directory with markets.csv and review_counts.csv");
  import->add_option("--markets", markets_path, "markets.csv file");
  import->add_option("--review-counts", counts_path, "review_counts.csv file");
  bool validate_only = false;
  import->add_flag("--validate-only", validate_only,
                   "Check both files and report every problem and "
                   "reconciliation; write nothing");

  int year = 0;
  std::string filter;
  auto* listings = app.add_subcommand("listings", "The listings of a review");
  listings->add_option("year", year, "Review year (all years when omitted)");
  listings->add_option("--filter", filter, "AIP-160 filter");

  std::string market;
  auto* history = app.add_subcommand("history", "A market's listing history");
  history->add_option("market", market, "Market id or markets/{id}")
      ->required();

  int base = 0, target = 0;
  auto* diff = app.add_subcommand("diff", "What changed between two reviews");
  diff->add_option("base", base, "Earlier review year")->required();
  diff->add_option("target", target, "Later review year")->required();

  auto* stats = app.add_subcommand("stats", "Counts of one review");
  stats->add_option("year", year, "Review year")->required();

  std::vector<std::string> inputs;
  bool rollup = false;
  auto* screen =
      app.add_subcommand("screen", "Screen URLs or hosts against the list");
  screen->add_option("inputs", inputs, "URLs or host names");
  nml::cli::ScreenFileOptions screen_file;
  screen->add_option("--file", screen_file.path,
                     "Screen every line of this file (or its url column, "
                     "for a CSV), in batches, with progress");
  screen->add_option("--format", screen_file.format,
                     "With --file: csv (default) or ndjson");
  screen->add_option("--output", screen_file.output,
                     "With --file: write the results here, not to stdout");
  screen->add_option("--year", year, "Review year (default: latest)");
  std::string as_of;
  screen->add_option("--as-of", as_of,
                     "YYYY-MM-DD: the list in force that day (the review "
                     "published last on or before it)");
  screen->add_flag("--operator-rollup", rollup,
                   "Match any market of a listed operator");
  bool definitive_only = false;
  screen->add_flag("--definitive-only", definitive_only,
                   "Fail an input the data cannot settle (an incomplete "
                   "list) instead of answering UNKNOWN");
  int64_t screen_version = 0;
  screen->add_option("--data-version", screen_version,
                     "Screen the data as it was at this version (as an "
                     "earlier answer printed it), to reproduce that answer");

  std::string query;
  auto* search =
      app.add_subcommand("search", "Find markets by name, typos allowed");
  search->add_option("query", query, "Name or alias")->required();

  std::string responses_file;
  auto* import_responses = app.add_subcommand(
      "import-responses",
      "Load stakeholder responses from a responses.csv file");
  import_responses->add_option("file", responses_file, "responses.csv")
      ->required();

  std::string response_filter;
  auto* responses =
      app.add_subcommand("responses", "List stakeholder responses");
  responses->add_option(
      "--filter", response_filter,
      "AIP-160 filter, e.g. 'targets:\"markets/aliexpress\"'");

  std::string scope_target;
  std::string scope_stakeholder;
  int scope_year = 0;
  auto* stances =
      app.add_subcommand("stances", "Stance x stakeholder type counts");
  stances->add_option("--year", scope_year, "Review year");
  stances->add_option("--target", scope_target, "Target resource name");
  stances->add_option("--stakeholder", scope_stakeholder,
                      "Stakeholder resource name");

  auto* timeline = app.add_subcommand("timeline", "Responses in time order");
  timeline->add_option("--target", scope_target, "Target resource name");
  timeline->add_option("--stakeholder", scope_stakeholder,
                       "Stakeholder resource name");

  std::string rpc_name;
  std::string rpc_json;
  auto* call = app.add_subcommand(
      "call",
      "Call any RPC with a JSON request, e.g. call "
      "ListingsService.CreateMarket "
      "'{\"market\":{\"displayName\":\"X\",\"kind\":\"MARKET_KIND_ONLINE\"}}'");
  call->add_option("rpc", rpc_name, "Service.Method")->required();
  call->add_option("json", rpc_json, "Request as protobuf JSON (default {})");

  auto* dossier = app.add_subcommand(
      "dossier", "A market's history and responses (gateway)");
  dossier->add_option("market", market, "Market id or markets/{id}")
      ->required();
  std::string export_dir, export_review, export_format = "csv";
  auto* export_data = app.add_subcommand(
      "export",
      "Write markets.csv, review_counts.csv and responses.csv (the format of "
      "data/)");
  export_data->add_option("dir", export_dir, "Directory to write")->required();
  export_data->add_option("--review", export_review,
                          "Only this review year (default: every review)");
  export_data->add_option("--format", export_format, "csv (default) or ndjson");

  int64_t since = 0;
  auto* changes = app.add_subcommand(
      "changes", "What changed after a data version (the change feed)");
  changes->add_option("--since", since, "Data version (default 0: the log)");
  bool feed_of_responses = false;
  changes->add_flag("--responses", feed_of_responses,
                    "nml-responses' feed (stakeholders and responses), not "
                    "the list's");

  std::optional<int64_t> watch_since;
  bool until_caught_up = false;
  auto* watch = app.add_subcommand(
      "watch",
      "Print changes as they are committed; resumes after a lost stream");
  watch->add_option("--since", watch_since,
                    "Data version to start after (default: from now)");
  watch->add_flag("--until-caught-up", until_caught_up,
                  "Stop once every change so far is printed");
  watch->add_flag("--responses", feed_of_responses,
                  "nml-responses' feed (stakeholders and responses), not "
                  "the list's");

  std::string suggestion_market;
  auto* suggestions = app.add_subcommand(
      "suggestions", "Markets that may be one (never merged by themselves)");
  suggestions->add_option("--market", suggestion_market,
                          "Only those involving this market");
  std::string suggestion_id;
  auto* accept = suggestions->add_subcommand(
      "accept", "Merge the two markets of one suggestion");
  accept->add_option("id", suggestion_id, "Suggestion id, as listed")
      ->required();

  auto* report = app.add_subcommand(
      "report", "A review with stats, diff, stances (gateway)");
  report->add_option("year", year, "Review year")->required();

  nml::common::ParseOrExit(app, argc, argv);
  if (*call) return CallRpc(options, rpc_name, rpc_json);
  if (*dossier) return Dossier(options, market);
  if (*report) return Report(options, year);
  ListingsClient client(options, options.addr);
  ResponsesClient responses_client(options, options.responses_addr);
  if (*import_responses)
    return ImportResponses(responses_client, responses_file);
  if (*responses) return ListResponses(responses_client, response_filter);
  if (*stances)
    return Stances(responses_client, scope_year, scope_target,
                   scope_stakeholder);
  if (*timeline)
    return Timeline(responses_client, scope_target, scope_stakeholder);
  if (*status) return Status(client);
  if (*import) {
    if (!data_dir.empty()) {
      while (data_dir.size() > 1 && data_dir.back() == '/') data_dir.pop_back();
      if (markets_path.empty()) markets_path = data_dir + "/markets.csv";
      if (counts_path.empty()) counts_path = data_dir + "/review_counts.csv";
    }
    if (markets_path.empty() || counts_path.empty()) {
      std::fprintf(stderr,
                   "nmlctl: import: give a directory or --markets and "
                   "--review-counts\n");
      return kUsage;
    }
    return Import(client, markets_path, counts_path, validate_only);
  }
  if (*listings) return ListListings(client, year, filter);
  if (*history) return History(client, market);
  if (*diff) return Diff(client, base, target);
  if (*stats) return Stats(client, year);
  if (*screen) {
    auto options = MakeScreenOptions(year, as_of, rollup, definitive_only);
    if (!options.ok()) {
      std::fprintf(stderr, "nmlctl: %s\n",
                   std::string(options.status().message()).c_str());
      return kUsage;
    }
    if (screen_file.path.empty() == inputs.empty()) {
      std::fprintf(stderr,
                   "nmlctl: screen: give inputs or --file, one of them\n");
      return kUsage;
    }
    if (!screen_file.path.empty()) {
      screen_file.screen = *options;
      screen_file.data_version = screen_version;
      return ScreenFile(client, screen_file);
    }
    return Screen(client, inputs, *options, screen_version);
  }
  if (*search) return Search(client, query);
  if (*accept) return AcceptSuggestion(client, suggestion_id);
  if (*changes) {
    return feed_of_responses
               ? Changes(responses_client, &ResponsesClient::Stub::ListChanges,
                         since)
               : Changes(client, &ListingsClient::Stub::ListChanges, since);
  }
  if (*watch) {
    return feed_of_responses
               ? Watch(responses_client, &ResponsesClient::Stub::WatchChanges,
                       watch_since, until_caught_up)
               : Watch(client, &ListingsClient::Stub::WatchChanges, watch_since,
                       until_caught_up);
  }
  if (*export_data) {
    return Export(client, responses_client, export_dir, export_review,
                  export_format);
  }
  if (*suggestions) return Suggestions(client, suggestion_market);
  return kUsage;
}
