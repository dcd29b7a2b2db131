#include "common/pg/transaction.h"

#include <absl/base/thread_annotations.h>
#include <absl/strings/str_cat.h>
#include <absl/synchronization/mutex.h>

#include <unordered_map>

namespace nml::common {

std::optional<std::string> PreparedName(pqxx::transaction_base& tx,
                                        const std::string& sql) {
  // Process-wide, so every connection prepares the same bounded set; the
  // name is a sequence number, so two texts never share one.
  static absl::Mutex mu;
  static std::unordered_map<std::string, std::string> names ABSL_GUARDED_BY(mu);
  std::string name;
  {
    absl::MutexLock lock(&mu);
    auto it = names.find(sql);
    if (it == names.end()) {
      if (names.size() >= kMaxPreparedShapes) return std::nullopt;
      it = names.emplace(sql, absl::StrCat("shape_", names.size())).first;
    }
    name = it->second;
  }
  // Only records the definition; a no-op when it is already recorded.
  tx.conn().prepare(name, sql);
  return name;
}

}  // namespace nml::common
