#include "common/request_check.h"

#include <absl/strings/str_cat.h>

#include <string>
#include <string_view>
#include <vector>

#include "common/auth.h"
#include "common/status.h"

namespace nml::common {
namespace {

using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

bool HasNul(std::string_view text) {
  return text.find('\0') != std::string_view::npos;
}

// The path of the first string with a NUL under `message`, or "".
std::string FindNul(const Message& message, const std::string& prefix) {
  const auto* reflection = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  for (const FieldDescriptor* field : fields) {
    const std::string name = absl::StrCat(prefix, field->name());
    const auto type = field->cpp_type();
    if (type != FieldDescriptor::CPPTYPE_STRING &&
        type != FieldDescriptor::CPPTYPE_MESSAGE) {
      continue;
    }
    if (type == FieldDescriptor::CPPTYPE_STRING &&
        field->type() != FieldDescriptor::TYPE_STRING) {
      continue;  // bytes
    }
    if (!field->is_repeated()) {
      if (type == FieldDescriptor::CPPTYPE_STRING) {
        std::string scratch;
        if (HasNul(reflection->GetStringReference(message, field, &scratch)))
          return name;
        continue;
      }
      if (std::string found = FindNul(reflection->GetMessage(message, field),
                                      absl::StrCat(name, "."));
          !found.empty()) {
        return found;
      }
      continue;
    }
    const int size = reflection->FieldSize(message, field);
    for (int i = 0; i < size; ++i) {
      const std::string element = absl::StrCat(name, "[", i, "]");
      if (type == FieldDescriptor::CPPTYPE_STRING) {
        std::string scratch;
        if (HasNul(reflection->GetRepeatedStringReference(message, field, i,
                                                          &scratch))) {
          return element;
        }
        continue;
      }
      if (std::string found =
              FindNul(reflection->GetRepeatedMessage(message, field, i),
                      absl::StrCat(element, "."));
          !found.empty()) {
        return found;
      }
    }
  }
  return "";
}

}  // namespace

absl::Status CheckNoNul(const Message& message) {
  const std::string field = FindNul(message, "");
  if (field.empty()) return absl::OkStatus();
  return FieldError(field, "must not contain NUL characters");
}

absl::Status CheckCall(const grpc::ServerContextBase& context,
                       const Message& request) {
  if (absl::Status auth = AuthDecision(context); !auth.ok()) return auth;
  return CheckNoNul(request);
}

}  // namespace nml::common
