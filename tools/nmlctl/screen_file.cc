#include "tools/nmlctl/screen_file.h"

#include <absl/strings/ascii.h>
#include <absl/strings/str_cat.h>
#include <absl/strings/str_format.h>
#include <absl/strings/str_join.h>
#include <absl/strings/str_split.h>
#include <google/protobuf/util/json_util.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>

#include "common/api/strings.h"
#include "common/api/validation.h"
#include "tools/nmlctl/csv.h"
#include "tools/nmlctl/print.h"

namespace nml::cli {

namespace v1 = listings::v1;

namespace {

// ScreenDomains' most items per call.
constexpr int kBatch = 1000;

// One CSV row per result; several matches are joined with ';'.
std::string CsvRow(const v1::ScreenResult& r) {
  std::vector<std::string> listings, markets, rules, patterns;
  for (const auto& m : r.matches()) {
    listings.push_back(m.listing());
    markets.push_back(m.market());
    rules.push_back(EnumLabel(v1::MatchRule_descriptor(), m.rule()));
    patterns.push_back(m.pattern());
  }
  const std::vector<std::string> fields = {
      r.input(), r.host(),
      // true, false, or empty where the data cannot tell (see status).
      r.has_error() || r.status() == v1::LISTING_STATUS_UNKNOWN
          ? ""
          : (r.matches().empty() ? "false" : "true"),
      r.has_error() ? ""
                    : EnumLabel(v1::ListingStatus_descriptor(), r.status()),
      r.status_reason(), absl::StrJoin(listings, ";"),
      absl::StrJoin(markets, ";"), absl::StrJoin(rules, ";"),
      absl::StrJoin(patterns, ";"), r.review(),
      r.review().empty()
          ? ""
          : EnumLabel(v1::ReviewState_descriptor(), r.review_state()),
      common::DateText(r.review_published_on()), absl::StrCat(r.data_version()),
      r.has_error() ? r.error().message() : ""};
  std::string row;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) row += ',';
    row += common::CsvField(fields[i]);
  }
  return row;
}

}  // namespace

absl::StatusOr<std::vector<std::string>> ReadScreenInputs(
    const std::string& path, const std::string& text) {
  std::vector<std::string> inputs;
  const std::string first_line(
      absl::StripAsciiWhitespace(text.substr(0, text.find('\n'))));
  std::vector<std::string> header = absl::StrSplit(first_line, ',');
  for (auto& h : header)
    h = absl::AsciiStrToLower(absl::StripAsciiWhitespace(h));
  const auto column = std::find_if(header.begin(), header.end(), [](auto& h) {
    return h == "url" || h == "input";
  });
  if (header.size() > 1 || column != header.end()) {
    if (column == header.end()) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ":1: a CSV file needs a url or input column"));
    }
    auto records = ParseCsv(text, {*column});
    if (!records.ok()) {
      return absl::InvalidArgumentError(
          absl::StrCat(path, ": ", records.status().message()));
    }
    for (auto& record : *records) {
      inputs.push_back(std::move(record.fields[*column]));
    }
    return inputs;
  }
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line.front() == '#') continue;
    inputs.emplace_back(line);
  }
  return inputs;
}

int ScreenFile(ListingsClient& client, const ScreenFileOptions& options) {
  auto text = ReadFile(options.path);
  if (!text.ok()) {
    std::fprintf(stderr, "nmlctl: %s\n",
                 std::string(text.status().message()).c_str());
    return kServerError;
  }
  auto inputs = ReadScreenInputs(options.path, *text);
  if (!inputs.ok()) {
    std::fprintf(stderr, "nmlctl: %s\n",
                 std::string(inputs.status().message()).c_str());
    return kServerError;
  }
  if (options.format != "csv" && options.format != "ndjson") {
    std::fprintf(stderr, "nmlctl: --format: csv or ndjson, not '%s'\n",
                 options.format.c_str());
    return kUsage;
  }
  std::unique_ptr<std::ofstream> file;
  if (!options.output.empty()) {
    file = std::make_unique<std::ofstream>(options.output, std::ios::trunc);
    if (!*file) {
      std::fprintf(stderr, "nmlctl: cannot write %s\n", options.output.c_str());
      return kServerError;
    }
  }
  const auto write = [&](const std::string& line) {
    if (file) {
      *file << line << '\n';
    } else {
      std::fwrite(line.data(), 1, line.size(), stdout);
      std::fputc('\n', stdout);
    }
  };
  if (options.format == "csv") {
    write(
        "input,host,listed,status,status_reason,listings,markets,rules,"
        "patterns,review,"
        "review_state,review_published_on,data_version,error");
  }
  const auto start = std::chrono::steady_clock::now();
  const size_t total = inputs->size();
  int64_t first_version = -1, last_version = -1;
  size_t listed = 0;
  google::protobuf::util::JsonPrintOptions json;
  for (size_t done = 0; done < total;) {
    v1::ScreenDomainsRequest request;
    *request.mutable_options() = options.screen;
    request.set_data_version(options.data_version);
    const size_t end = std::min(total, done + kBatch);
    for (size_t i = done; i < end; ++i) {
      request.add_items()->set_input((*inputs)[i]);
    }
    v1::ScreenDomainsResponse response;
    if (int rc = client.Call(&v1::ListingsService::Stub::ScreenDomains, request,
                             &response)) {
      std::fprintf(stderr, "nmlctl: stopped after %zu of %zu inputs\n", done,
                   total);
      return rc;
    }
    if (first_version < 0) first_version = response.data_version();
    last_version = response.data_version();
    for (const v1::ScreenResult& r : response.results()) {
      if (!r.matches().empty()) ++listed;
      if (options.format == "csv") {
        write(CsvRow(r));
      } else {
        std::string line;
        (void)google::protobuf::util::MessageToJsonString(r, &line, json);
        write(line);
      }
    }
    // Progress: in place on a terminal, a line a tenth otherwise.
    const size_t tenth = std::max<size_t>(kBatch, total / 10);
    if (isatty(STDERR_FILENO)) {
      std::fprintf(stderr, "\rscreened %zu of %zu", end, total);
    } else if (end / tenth != done / tenth && end < total) {
      std::fprintf(stderr, "screened %zu of %zu\n", end, total);
    }
    done = end;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start)
          .count();
  std::fprintf(stderr,
               "%sscreened %zu of %zu inputs, %zu listed, in %.2f s (%.0f "
               "inputs/s); data version %lld\n",
               isatty(STDERR_FILENO) ? "\r" : "", total, total, listed, seconds,
               seconds > 0 ? static_cast<double>(total) / seconds : 0.0,
               static_cast<long long>(last_version));
  if (first_version != last_version) {
    std::fprintf(stderr,
                 "nmlctl: the data changed while screening (versions %lld "
                 "to %lld); screen again for one version\n",
                 static_cast<long long>(first_version),
                 static_cast<long long>(last_version));
  }
  if (file) {
    file->close();
    if (!*file) {
      std::fprintf(stderr, "nmlctl: writing %s failed\n",
                   options.output.c_str());
      return kServerError;
    }
  }
  return 0;
}

}  // namespace nml::cli
