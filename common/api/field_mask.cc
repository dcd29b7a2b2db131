#include "common/api/field_mask.h"

#include <absl/strings/str_cat.h>
#include <google/protobuf/util/field_mask_util.h>

#include <vector>

#include "common/api/status.h"

namespace nml::common {

absl::Status ApplyFieldMask(const google::protobuf::FieldMask& mask,
                            const google::protobuf::Message& source,
                            const std::set<std::string>& updatable,
                            google::protobuf::Message& target) {
  if (mask.paths_size() == 0) {
    return FieldError("update_mask", "is required (use \"*\" for every field)");
  }
  google::protobuf::FieldMask effective;
  for (const std::string& path : mask.paths()) {
    if (path == "*") {
      for (const std::string& field : updatable) effective.add_paths(field);
    } else if (updatable.contains(path)) {
      effective.add_paths(path);
    } else {
      return FieldError("update_mask",
                        absl::StrCat("'", path, "' cannot be updated"));
    }
  }
  const auto* descriptor = target.GetDescriptor();
  std::vector<const google::protobuf::FieldDescriptor*> fields;
  for (const std::string& path : effective.paths()) {
    fields.push_back(descriptor->FindFieldByName(path));
    if (fields.back() == nullptr) {  // a caller's `updatable` is wrong
      return absl::InternalError(
          absl::StrCat(descriptor->name(), " has no field '", path, "'"));
    }
  }
  // Clearing first makes the merge a replacement: an absent message stays
  // cleared and a repeated field is not appended to.
  for (const auto* field : fields) {
    target.GetReflection()->ClearField(&target, field);
  }
  google::protobuf::util::FieldMaskUtil::MergeMessageTo(
      source, effective, google::protobuf::util::FieldMaskUtil::MergeOptions(),
      &target);
  return absl::OkStatus();
}

bool MaskWrites(const google::protobuf::FieldMask& mask,
                const std::string& field) {
  for (const std::string& path : mask.paths()) {
    if (path == "*" || path == field) return true;
  }
  return false;
}

}  // namespace nml::common
