#pragma once

#include <absl/status/statusor.h>
#include <absl/time/time.h>

#include <cstdint>
#include <optional>

namespace nml::listings {

// What the service needs from storage, apart from how it is stored.
class ListingsStore {
 public:
  virtual ~ListingsStore() = default;

  struct DataState {
    int64_t version = 0;
    std::optional<absl::Time> last_import_time;
  };
  virtual absl::StatusOr<DataState> ReadDataState() = 0;
};

}  // namespace nml::listings
