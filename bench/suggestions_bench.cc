// ListMergeSuggestions over N markets, next to SearchMarkets (one pass over
// every name: the reference for "linear in the names"). The names are
// made-up but shaped like real ones: two or three syllable words, a place
// word on some, and one market in twenty a near variant of another.
#include <benchmark/benchmark.h>

#include <random>

#include "services/listings/reads.h"
#include "services/listings/snapshot.h"

namespace nml::listings {
namespace {

std::string Word(std::mt19937& rng) {
  static const char* const kSyllables[] = {
      "ba", "ko",  "ri", "ta",  "mu", "sen", "lo",  "vi", "dra", "pe",
      "zu", "han", "qi", "mar", "to", "ne",  "sha", "go", "li",  "wan"};
  std::uniform_int_distribution<int> count(2, 3), pick(0, 19);
  std::string word;
  for (int i = count(rng); i > 0; --i) word += kSyllables[pick(rng)];
  word[0] = static_cast<char>(word[0] - 'a' + 'A');
  return word;
}

std::shared_ptr<const Snapshot> Markets(int n) {
  static const char* const kPlaces[] = {
      "", "", "", " Market", " Mall", " Plaza", " Trade Center"};
  std::mt19937 rng(42);
  std::uniform_int_distribution<int> place(0, 6), year(2010, 2025);
  SnapshotData data;
  std::vector<std::string> names;
  for (int i = 0; i < n; ++i) {
    std::string name;
    if (i > 0 && i % 20 == 0) {
      name = names[static_cast<size_t>(i / 2)];  // a variant of an earlier one
      name.back() = name.back() == 'x' ? 'y' : 'x';
    } else {
      name = Word(rng) + " " + Word(rng) + kPlaces[place(rng)];
    }
    names.push_back(name);
    v1::Market& m = data.markets.emplace_back();
    const std::string id = "m" + std::to_string(i);
    m.set_name(MarketName(id));
    m.set_display_name(name);
    m.set_kind(v1::MARKET_KIND_PHYSICAL);
    v1::Listing& l = data.listings.emplace_back();
    l.set_name(ListingName(year(rng), id));
    l.set_market(m.name());
  }
  return Snapshot::Build(std::move(data), absl::Now());
}

void BM_ListMergeSuggestions(benchmark::State& state) {
  const auto snapshot = Markets(static_cast<int>(state.range(0)));
  size_t found = 0;
  for (auto _ : state) {
    v1::ListMergeSuggestionsResponse response;
    benchmark::DoNotOptimize(
        ListMergeSuggestions(*snapshot, {}, response).ok());
    found = static_cast<size_t>(response.suggestions_size());
  }
  state.counters["suggestions"] = static_cast<double>(found);
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_ListMergeSuggestions)
    ->Arg(1000)
    ->Arg(10000)
    ->Arg(100000)
    ->Unit(benchmark::kMillisecond);

void BM_SearchMarketsReference(benchmark::State& state) {
  const auto snapshot = Markets(static_cast<int>(state.range(0)));
  v1::SearchMarketsRequest request;
  request.set_query("Kotamu Senlo");
  for (auto _ : state) {
    v1::SearchMarketsResponse response;
    benchmark::DoNotOptimize(SearchMarkets(*snapshot, request, response).ok());
  }
  state.SetItemsProcessed(state.iterations() * state.range(0));
}
BENCHMARK(BM_SearchMarketsReference)
    ->Arg(1000)
    ->Arg(10000)
    ->Arg(100000)
    ->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace nml::listings

BENCHMARK_MAIN();
