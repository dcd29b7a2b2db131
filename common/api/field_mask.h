#pragma once

#include <absl/status/status.h>
#include <google/protobuf/field_mask.pb.h>
#include <google/protobuf/message.h>

#include <set>
#include <string>

namespace nml::common {

// Applies an AIP-134 update mask to `target`: each path named (every field
// of `updatable` for "*") takes `source`'s value; a message field absent
// from `source` is cleared, a repeated field is replaced, not appended to.
// An empty mask, or a path outside `updatable` (output-only fields, names,
// subfields), is INVALID_ARGUMENT naming update_mask; `target` is then
// unchanged.
absl::Status ApplyFieldMask(const google::protobuf::FieldMask& mask,
                            const google::protobuf::Message& source,
                            const std::set<std::string>& updatable,
                            google::protobuf::Message& target);

// True when the mask would write `field` ("*" writes every field).
bool MaskWrites(const google::protobuf::FieldMask& mask,
                const std::string& field);

}  // namespace nml::common
