#include "services/gateway/proto_comments.h"

#include <absl/strings/ascii.h>
#include <absl/strings/str_join.h>
#include <absl/strings/str_split.h>
#include <google/protobuf/descriptor.pb.h>
#include <spdlog/spdlog.h>

#include <vector>

namespace nml::gateway {

// Defined by the source cmake generates from build/proto/nml_descriptor_set.pb.
std::string_view ContractsDescriptorSet();

namespace gp = google::protobuf;

namespace {

// protoc keeps the space after `//` and the line breaks: drop the former,
// keep paragraphs and list items as they were written.
std::string Clean(const std::string& comment) {
  std::vector<std::string> lines;
  for (absl::string_view line : absl::StrSplit(comment, '\n')) {
    if (!line.empty() && line.front() == ' ') line.remove_prefix(1);
    lines.emplace_back(absl::StripTrailingAsciiWhitespace(line));
  }
  while (!lines.empty() && lines.back().empty()) lines.pop_back();
  return absl::StrJoin(lines, "\n");
}

template <typename D>
std::string CommentOf(const D* element) {
  gp::SourceLocation location;
  if (element == nullptr || !element->GetSourceLocation(&location)) return "";
  return Clean(location.leading_comments.empty() ? location.trailing_comments
                                                 : location.leading_comments);
}

}  // namespace

ProtoComments::ProtoComments(std::string_view serialized_descriptor_set)
    : pool_(std::make_unique<gp::DescriptorPool>()) {
  gp::FileDescriptorSet set;
  if (!set.ParseFromArray(serialized_descriptor_set.data(),
                          static_cast<int>(serialized_descriptor_set.size()))) {
    spdlog::warn("contract comments: the descriptor set does not parse");
    return;
  }
  // --include_imports writes dependencies before their dependents.
  for (const gp::FileDescriptorProto& file : set.file()) {
    if (pool_->BuildFile(file) == nullptr) {
      spdlog::warn("contract comments: {} does not build", file.name());
      return;
    }
  }
  ok_ = true;
}

ProtoComments::~ProtoComments() = default;

std::string ProtoComments::For(const gp::ServiceDescriptor* service) const {
  return CommentOf(pool_->FindServiceByName(service->full_name()));
}

std::string ProtoComments::For(const gp::MethodDescriptor* method) const {
  return CommentOf(pool_->FindMethodByName(method->full_name()));
}

std::string ProtoComments::For(const gp::Descriptor* message) const {
  return CommentOf(pool_->FindMessageTypeByName(message->full_name()));
}

std::string ProtoComments::For(const gp::FieldDescriptor* field) const {
  return CommentOf(pool_->FindFieldByName(field->full_name()));
}

std::string ProtoComments::For(const gp::EnumDescriptor* enumeration) const {
  return CommentOf(pool_->FindEnumTypeByName(enumeration->full_name()));
}

std::string ProtoComments::For(const gp::EnumValueDescriptor* value) const {
  return CommentOf(pool_->FindEnumValueByName(value->full_name()));
}

const ProtoComments& ContractComments() {
  static const auto* const kComments =
      new ProtoComments(ContractsDescriptorSet());
  return *kComments;
}

}  // namespace nml::gateway
