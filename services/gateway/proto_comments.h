#pragma once

#include <google/protobuf/descriptor.h>

#include <memory>
#include <string>
#include <string_view>

namespace nml::gateway {

// The comments of the contracts, which generated code does not carry: read
// from a FileDescriptorSet built with source info (protoc
// --include_source_info --include_imports). Lookups take descriptors of the
// generated pool and find the element of the same full name in the set.
class ProtoComments {
 public:
  // An unreadable set gives empty comments (the OpenAPI document loses its
  // descriptions, nothing else); `ok()` says which.
  explicit ProtoComments(std::string_view serialized_descriptor_set);
  ~ProtoComments();

  bool ok() const { return ok_; }

  // The leading comment (or else the trailing one) with the comment markers'
  // indentation removed; "" when there is none.
  std::string For(const google::protobuf::ServiceDescriptor* service) const;
  std::string For(const google::protobuf::MethodDescriptor* method) const;
  std::string For(const google::protobuf::Descriptor* message) const;
  std::string For(const google::protobuf::FieldDescriptor* field) const;
  std::string For(const google::protobuf::EnumDescriptor* enumeration) const;
  std::string For(const google::protobuf::EnumValueDescriptor* value) const;

 private:
  std::unique_ptr<google::protobuf::DescriptorPool> pool_;
  bool ok_ = false;
};

// The comments of nml's contracts, embedded in the gateway at build time.
const ProtoComments& ContractComments();

}  // namespace nml::gateway
