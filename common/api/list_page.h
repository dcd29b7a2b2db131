#pragma once

#include <absl/status/status.h>
#include <google/protobuf/repeated_ptr_field.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "common/api/filter.h"
#include "common/api/page_token.h"

namespace nml::common {

// Orders two field values of the same field.
inline bool FieldValueLess(const FieldValue& a, const FieldValue& b) {
  if (a.index() != b.index()) return a.index() < b.index();
  if (const auto* x = std::get_if<int64_t>(&a))
    return *x < std::get<int64_t>(b);
  if (const auto* x = std::get_if<std::string>(&a)) {
    return *x < std::get<std::string>(b);
  }
  if (const auto* x = std::get_if<bool>(&a)) return *x < std::get<bool>(b);
  return false;
}

// The one implementation of an in-memory list page (AIP-132/158/160):
// filters, orders and pages `items` (each exposed through `get`, which gives
// a field's value by name), copying the page into `out`. The page token is
// an offset bound to `parent`, the filter and the order, and to
// `data_version`, the version of `items` (the caller answers a token from
// the data at its version); `total_size` may be null.
template <typename T, typename Getter>
absl::Status ListPage(const std::vector<const T*>& items, Getter get,
                      const FilterSchema& schema, std::string_view filter_text,
                      const std::vector<std::string>& orderable,
                      std::vector<OrderKey> default_order,
                      std::string_view order_text, int page_size_requested,
                      std::string_view page_token, std::string_view parent,
                      int64_t data_version,
                      google::protobuf::RepeatedPtrField<T>* out,
                      std::string* next_page_token, int32_t* total_size) {
  auto filter = Filter::Parse(filter_text, schema);
  if (!filter.ok()) return filter.status();
  auto order = ParseOrderBy(order_text, orderable, default_order);
  if (!order.ok()) return order.status();
  auto page_size = EffectivePageSize(page_size_requested);
  if (!page_size.ok()) return page_size.status();
  const uint64_t fingerprint = Fingerprint({parent, filter_text, order_text});
  int64_t offset = 0;
  if (!page_token.empty()) {
    auto decoded = DecodePageToken(page_token, fingerprint);
    if (!decoded.ok()) return decoded.status();
    if (decoded->data_version != data_version) {
      return absl::FailedPreconditionError(
          absl::StrCat("page_token: the list was read at data version ",
                       decoded->data_version, ", not ", data_version,
                       "; start the list again"));
    }
    offset = decoded->offset;
  }

  std::vector<const T*> matched;
  for (const T* item : items) {
    if (filter->Matches([&](std::string_view f) { return get(*item, f); })) {
      matched.push_back(item);
    }
  }
  std::stable_sort(matched.begin(), matched.end(), [&](const T* a, const T* b) {
    for (const OrderKey& key : *order) {
      const FieldValue va = get(*a, key.field);
      const FieldValue vb = get(*b, key.field);
      if (FieldValueLess(va, vb)) return !key.descending;
      if (FieldValueLess(vb, va)) return key.descending;
    }
    return false;
  });
  if (total_size != nullptr) {
    *total_size = static_cast<int32_t>(matched.size());
  }
  const size_t begin =
      std::min<size_t>(static_cast<size_t>(offset), matched.size());
  const size_t end =
      std::min(matched.size(), begin + static_cast<size_t>(*page_size));
  for (size_t i = begin; i < end; ++i) *out->Add() = *matched[i];
  if (end < matched.size()) {
    *next_page_token =
        EncodePageToken(fingerprint, static_cast<int64_t>(end), data_version);
  }
  return absl::OkStatus();
}

// Pointers to each item, for ListPage.
template <typename T>
std::vector<const T*> Pointers(const std::vector<T>& items) {
  std::vector<const T*> result;
  result.reserve(items.size());
  for (const T& item : items) result.push_back(&item);
  return result;
}

}  // namespace nml::common
