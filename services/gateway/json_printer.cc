#include "services/gateway/json_printer.h"

#include <absl/strings/escaping.h>
#include <absl/strings/str_cat.h>
#include <google/protobuf/descriptor.h>
#include <google/protobuf/duration.pb.h>
#include <google/protobuf/field_mask.pb.h>
#include <google/protobuf/stubs/strutil.h>
#include <google/protobuf/timestamp.pb.h>
#include <google/protobuf/util/field_mask_util.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>

#include <algorithm>
#include <cmath>
#include <string_view>
#include <vector>

#include "common/api/validation.h"

namespace nml::gateway {

namespace gp = google::protobuf;
using gp::FieldDescriptor;

namespace {

// The code points protobuf's JSON writer escapes beyond ASCII: C1 controls
// and the invisible format characters (soft hyphen, bidi controls, line and
// paragraph separators, BOM, tags) that can hide text or break a line in
// JavaScript.
bool EscapedCodePoint(uint32_t cp) {
  return (cp >= 0x80 && cp <= 0x9f) || cp == 0xad ||
         (cp >= 0x600 && cp <= 0x603) || cp == 0x6dd || cp == 0x70f ||
         cp == 0x17b4 || cp == 0x17b5 || (cp >= 0x200b && cp <= 0x200f) ||
         (cp >= 0x2028 && cp <= 0x202e) || (cp >= 0x2060 && cp <= 0x2064) ||
         (cp >= 0x206a && cp <= 0x206f) || cp == 0xfeff ||
         (cp >= 0xfff9 && cp <= 0xfffb) || cp == 0xe0001 ||
         (cp >= 0xe0020 && cp <= 0xe007f);
}

void AppendUnicodeEscape(uint32_t unit, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out->append("\\u");
  for (int shift = 12; shift >= 0; shift -= 4) {
    out->push_back(kHex[(unit >> shift) & 0xf]);
  }
}

void AppendQuoted(std::string_view text, std::string* out) {
  out->push_back('"');
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const auto byte = static_cast<unsigned char>(c);
    if (byte >= 0x80) {
      // A UTF-8 sequence: copied unless its code point is escaped.
      const int length = common::Utf8SequenceLength(text.substr(i));
      if (length <= 1) {
        out->push_back(c);  // not UTF-8: left as it is
        continue;
      }
      uint32_t cp = byte & (0xff >> (length + 1));
      for (int k = 1; k < length; ++k) {
        cp = (cp << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3f);
      }
      if (!EscapedCodePoint(cp)) {
        out->append(text.substr(i, length));
      } else if (cp > 0xffff) {
        AppendUnicodeEscape(0xd800 + ((cp - 0x10000) >> 10), out);
        AppendUnicodeEscape(0xdc00 + ((cp - 0x10000) & 0x3ff), out);
      } else {
        AppendUnicodeEscape(cp, out);
      }
      i += length - 1;
      continue;
    }
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      case '\b':
        out->append("\\b");
        break;
      case '\f':
        out->append("\\f");
        break;
      // As protobuf does: the JSON stays safe to embed in HTML.
      case '<':
      case '>':
        out->append(c == '<' ? "\\u003c" : "\\u003e");
        break;
      default:
        if (byte < 0x20 || byte == 0x7f) {
          AppendUnicodeEscape(byte, out);
        } else {
          out->push_back(c);
        }
    }
  }
  out->push_back('"');
}

template <typename Float>
void AppendFloating(Float value, std::string* out) {
  if (std::isnan(value)) {
    out->append("\"NaN\"");
  } else if (std::isinf(value)) {
    out->append(value > 0 ? "\"Infinity\"" : "\"-Infinity\"");
  } else if constexpr (std::is_same_v<Float, float>) {
    out->append(gp::SimpleFtoa(value));
  } else {
    out->append(gp::SimpleDtoa(value));
  }
}

void AppendEnum(const gp::EnumDescriptor* type, int number, std::string* out) {
  if (type->full_name() == "google.protobuf.NullValue") {
    out->append("null");
    return;
  }
  const gp::EnumValueDescriptor* value = type->FindValueByNumber(number);
  if (value == nullptr) {
    absl::StrAppend(out, number);  // an unknown value prints as its number
  } else {
    AppendQuoted(value->name(), out);
  }
}

// One value of `field`: the singular value when `index` < 0, else element
// `index` of the repeated field.
void AppendValue(const gp::Message& message, const FieldDescriptor* field,
                 int index, std::string* out) {
  const gp::Reflection* r = message.GetReflection();
  const bool one = index < 0;
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      absl::StrAppend(out, one ? r->GetInt32(message, field)
                               : r->GetRepeatedInt32(message, field, index));
      break;
    case FieldDescriptor::CPPTYPE_UINT32:
      absl::StrAppend(out, one ? r->GetUInt32(message, field)
                               : r->GetRepeatedUInt32(message, field, index));
      break;
    case FieldDescriptor::CPPTYPE_INT64:
      absl::StrAppend(out, "\"",
                      one ? r->GetInt64(message, field)
                          : r->GetRepeatedInt64(message, field, index),
                      "\"");
      break;
    case FieldDescriptor::CPPTYPE_UINT64:
      absl::StrAppend(out, "\"",
                      one ? r->GetUInt64(message, field)
                          : r->GetRepeatedUInt64(message, field, index),
                      "\"");
      break;
    case FieldDescriptor::CPPTYPE_DOUBLE:
      AppendFloating(one ? r->GetDouble(message, field)
                         : r->GetRepeatedDouble(message, field, index),
                     out);
      break;
    case FieldDescriptor::CPPTYPE_FLOAT:
      AppendFloating(one ? r->GetFloat(message, field)
                         : r->GetRepeatedFloat(message, field, index),
                     out);
      break;
    case FieldDescriptor::CPPTYPE_BOOL:
      out->append((one ? r->GetBool(message, field)
                       : r->GetRepeatedBool(message, field, index))
                      ? "true"
                      : "false");
      break;
    case FieldDescriptor::CPPTYPE_ENUM:
      AppendEnum(field->enum_type(),
                 one ? r->GetEnumValue(message, field)
                     : r->GetRepeatedEnumValue(message, field, index),
                 out);
      break;
    case FieldDescriptor::CPPTYPE_STRING: {
      std::string scratch;
      const std::string& text =
          one ? r->GetStringReference(message, field, &scratch)
              : r->GetRepeatedStringReference(message, field, index, &scratch);
      if (field->type() == FieldDescriptor::TYPE_BYTES) {
        AppendQuoted(absl::Base64Escape(text), out);
      } else {
        AppendQuoted(text, out);
      }
      break;
    }
    case FieldDescriptor::CPPTYPE_MESSAGE:
      AppendJson(one ? r->GetMessage(message, field)
                     : r->GetRepeatedMessage(message, field, index),
                 out);
      break;
  }
}

// A map entry's key, always a JSON string.
void AppendMapKey(const gp::Message& entry, std::string* out) {
  const FieldDescriptor* key = entry.GetDescriptor()->map_key();
  if (key->cpp_type() == FieldDescriptor::CPPTYPE_STRING) {
    AppendValue(entry, key, -1, out);
    return;
  }
  std::string text;
  AppendValue(entry, key, -1, &text);
  if (text.front() != '"') text = absl::StrCat("\"", text, "\"");
  out->append(text);
}

// The well-known types with a JSON form of their own; false for the rest.
bool AppendWellKnown(const gp::Message& message, std::string* out) {
  const gp::Descriptor* type = message.GetDescriptor();
  if (type->file()->name().rfind("google/protobuf/", 0) != 0) return false;
  const std::string& name = type->full_name();
  if (name == "google.protobuf.Timestamp") {
    gp::Timestamp timestamp;
    timestamp.CopyFrom(message);
    AppendQuoted(gp::util::TimeUtil::ToString(timestamp), out);
  } else if (name == "google.protobuf.Duration") {
    gp::Duration duration;
    duration.CopyFrom(message);
    AppendQuoted(gp::util::TimeUtil::ToString(duration), out);
  } else if (name == "google.protobuf.FieldMask") {
    gp::FieldMask mask;
    mask.CopyFrom(message);
    std::string paths;
    gp::util::FieldMaskUtil::ToJsonString(mask, &paths);
    AppendQuoted(paths, out);
  } else if (name == "google.protobuf.Empty") {
    out->append("{}");
  } else if (type->file()->name() == "google/protobuf/wrappers.proto") {
    // Int32Value, StringValue...: their `value` alone.
    AppendValue(message, type->FindFieldByNumber(1), -1, out);
  } else {
    std::string json;
    gp::util::JsonPrintOptions options;
    options.always_print_primitive_fields = true;
    (void)gp::util::MessageToJsonString(message, &json, options);
    out->append(json);
  }
  return true;
}

bool ByNumber(const FieldDescriptor* a, const FieldDescriptor* b) {
  return a->number() < b->number();
}

}  // namespace

void AppendJson(const gp::Message& message, std::string* out) {
  if (AppendWellKnown(message, out)) return;
  const gp::Descriptor* type = message.GetDescriptor();
  const gp::Reflection* r = message.GetReflection();
  // protobuf's order: the fields in declaration order, except that set
  // singular fields of the google.protobuf types (Timestamp, FieldMask...)
  // and proto3 `optional` scalars come last, in number order.
  std::vector<const FieldDescriptor*> fields;
  std::vector<const FieldDescriptor*> well_known;
  fields.reserve(type->field_count());
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* field = type->field(i);
    const bool last =
        (!field->is_repeated() &&
         field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
         field->message_type()->file()->package() == "google.protobuf") ||
        (field->containing_oneof() != nullptr &&
         field->real_containing_oneof() == nullptr);
    (last ? well_known : fields).push_back(field);
  }
  std::sort(well_known.begin(), well_known.end(), ByNumber);
  fields.insert(fields.end(), well_known.begin(), well_known.end());
  out->push_back('{');
  bool first = true;
  for (const FieldDescriptor* field : fields) {
    if (field->is_repeated()) {
      // Printed even when empty: [] or {}.
    } else if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE ||
               field->has_presence()) {
      if (!r->HasField(message, field)) continue;
    }
    if (!first) out->push_back(',');
    first = false;
    AppendQuoted(field->json_name(), out);
    out->push_back(':');
    if (!field->is_repeated()) {
      AppendValue(message, field, -1, out);
      continue;
    }
    const int size = r->FieldSize(message, field);
    if (field->is_map()) {
      const FieldDescriptor* value = field->message_type()->map_value();
      out->push_back('{');
      for (int j = 0; j < size; ++j) {
        const gp::Message& entry = r->GetRepeatedMessage(message, field, j);
        if (j > 0) out->push_back(',');
        AppendMapKey(entry, out);
        out->push_back(':');
        AppendValue(entry, value, -1, out);
      }
      out->push_back('}');
      continue;
    }
    out->push_back('[');
    for (int j = 0; j < size; ++j) {
      if (j > 0) out->push_back(',');
      AppendValue(message, field, j, out);
    }
    out->push_back(']');
  }
  out->push_back('}');
}

std::string ToJson(const gp::Message& message) {
  std::string out;
  out.reserve(256);
  AppendJson(message, &out);
  return out;
}

}  // namespace nml::gateway
