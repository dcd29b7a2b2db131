// The gateway's JSON printer gives the same JSON as protobuf's
// MessageToJsonString (always_print_primitive_fields) for every message type
// the REST routes send or receive, filled at random, and for the edge cases
// of the mapping.
#include "services/gateway/json_printer.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/duration.pb.h>
#include <google/protobuf/empty.pb.h>
#include <google/protobuf/field_mask.pb.h>
#include <google/protobuf/timestamp.pb.h>
#include <google/protobuf/util/json_util.h>
#include <google/protobuf/wrappers.pb.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>
#include <random>
#include <set>
#include <vector>

#include "nml/gateway/v1/gateway_service.pb.h"
#include "nml/listings/v1/listings_service.pb.h"
#include "nml/responses/v1/responses_service.pb.h"

namespace nml::gateway {
namespace {

namespace gp = google::protobuf;
using gp::FieldDescriptor;

std::string Reference(const gp::Message& message) {
  gp::util::JsonPrintOptions options;
  options.always_print_primitive_fields = true;
  std::string json;
  EXPECT_TRUE(gp::util::MessageToJsonString(message, &json, options).ok());
  return json;
}

void ExpectSameJson(const gp::Message& message) {
  const std::string ours = ToJson(message);
  const std::string reference = Reference(message);
  const auto parsed = nlohmann::json::parse(ours, nullptr, false);
  ASSERT_FALSE(parsed.is_discarded()) << ours;
  EXPECT_EQ(parsed, nlohmann::json::parse(reference))
      << message.GetTypeName() << "\nours:      " << ours
      << "\nreference: " << reference;
  // Byte for byte, too: the same escapes, number forms and field order.
  EXPECT_EQ(ours, reference) << message.GetTypeName();
}

class Filler {
 public:
  explicit Filler(uint32_t seed) : random_(seed) {}

  void Fill(gp::Message* message, int depth) {
    const gp::Descriptor* type = message->GetDescriptor();
    if (type->full_name() == "google.protobuf.Timestamp") {
      auto* r = message->GetReflection();
      // Valid range only: 0001-01-01 .. 9999-12-31, nanos 0..999999999.
      r->SetInt64(message, type->FindFieldByName("seconds"),
                  Int(-62135596800, 253402300799));
      r->SetInt32(message, type->FindFieldByName("nanos"),
                  Pick({0, 1000000, 123456000, 999999999}));
      return;
    }
    if (type->full_name() == "google.protobuf.FieldMask") {
      auto* r = message->GetReflection();
      for (int i = Int(0, 3); i > 0; --i) {
        r->AddString(message, type->FindFieldByName("paths"),
                     Pick<std::string>({"display_name", "a.b_c", "x"}));
      }
      return;
    }
    for (int i = 0; i < type->field_count(); ++i) {
      const FieldDescriptor* field = type->field(i);
      if (Int(0, 3) == 0) continue;  // some fields stay unset
      if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && depth > 4) {
        continue;
      }
      if (field->is_repeated()) {
        for (int n = Int(0, 3); n > 0; --n) Set(message, field, true, depth);
      } else {
        Set(message, field, false, depth);
      }
    }
  }

 private:
  int64_t Int(int64_t low, int64_t high) {
    return std::uniform_int_distribution<int64_t>(low, high)(random_);
  }
  template <typename T>
  T Pick(std::initializer_list<T> values) {
    return *(values.begin() + Int(0, values.size() - 1));
  }
  std::string Text() {
    std::string text;
    for (int n = Int(0, 6); n > 0; --n) {
      text += Pick<std::string>(
          {"a",          "Z",      " ",      "é",      "中",
           "😀",          "\"",     "\\",     "\n",     "\t",
           "\x01",       "\x1f",   "\x7f",   "<",      ">",
           "&",          "'",      "/",      "\u2028", "\u2029",
           "\u00ad",     "\u0600", "\u200b", "\u200e", "\ufeff",
           "\U000e0001", "\u0085", "\u00a0", "\u0080", "\u009f",
           "\u0601",     "\u06dd", "\u070f", "\u17b4", "\u200c",
           "\u202a",     "\u2060", "\u206a", "\ufff9", "\U000e0020",
           "\u2010",     "\u0604", "\u2065", "\ufffc", "\U000e0080"});
    }
    return text;
  }

  void Set(gp::Message* message, const FieldDescriptor* field, bool repeated,
           int depth) {
    const gp::Reflection* r = message->GetReflection();
    switch (field->cpp_type()) {
      case FieldDescriptor::CPPTYPE_INT32: {
        const auto v = static_cast<int32_t>(
            Pick<int64_t>({0, 1, -1, 2021, INT32_MAX, INT32_MIN}));
        repeated ? r->AddInt32(message, field, v)
                 : r->SetInt32(message, field, v);
        break;
      }
      case FieldDescriptor::CPPTYPE_UINT32: {
        const auto v = static_cast<uint32_t>(Int(0, UINT32_MAX));
        repeated ? r->AddUInt32(message, field, v)
                 : r->SetUInt32(message, field, v);
        break;
      }
      case FieldDescriptor::CPPTYPE_INT64: {
        const int64_t v = Pick<int64_t>({0, 7, -7, INT64_MAX, INT64_MIN});
        repeated ? r->AddInt64(message, field, v)
                 : r->SetInt64(message, field, v);
        break;
      }
      case FieldDescriptor::CPPTYPE_UINT64: {
        const uint64_t v = Pick<uint64_t>({0, 9, UINT64_MAX});
        repeated ? r->AddUInt64(message, field, v)
                 : r->SetUInt64(message, field, v);
        break;
      }
      case FieldDescriptor::CPPTYPE_DOUBLE: {
        const double v =
            Pick<double>({0.0, 0.1, -2.5, 1e300, 1.0 / 3, 0.6666666666666666,
                          std::numeric_limits<double>::infinity(),
                          -std::numeric_limits<double>::infinity(),
                          std::numeric_limits<double>::quiet_NaN()});
        repeated ? r->AddDouble(message, field, v)
                 : r->SetDouble(message, field, v);
        break;
      }
      case FieldDescriptor::CPPTYPE_FLOAT: {
        const float v = Pick<float>({0.0f, 0.1f, -2.5f, 1.0f / 3});
        repeated ? r->AddFloat(message, field, v)
                 : r->SetFloat(message, field, v);
        break;
      }
      case FieldDescriptor::CPPTYPE_BOOL: {
        const bool v = Int(0, 1) == 1;
        repeated ? r->AddBool(message, field, v)
                 : r->SetBool(message, field, v);
        break;
      }
      case FieldDescriptor::CPPTYPE_ENUM: {
        const auto* type = field->enum_type();
        // Now and then a number the enum does not know.
        const int v =
            Int(0, 9) == 0
                ? 77
                : type->value(Int(0, type->value_count() - 1))->number();
        repeated ? r->AddEnumValue(message, field, v)
                 : r->SetEnumValue(message, field, v);
        break;
      }
      case FieldDescriptor::CPPTYPE_STRING: {
        const std::string v = Text();
        repeated ? r->AddString(message, field, v)
                 : r->SetString(message, field, v);
        break;
      }
      case FieldDescriptor::CPPTYPE_MESSAGE:
        Fill(repeated ? r->AddMessage(message, field)
                      : r->MutableMessage(message, field),
             depth + 1);
        break;
    }
  }

  std::mt19937 random_;
};

std::set<const gp::Descriptor*> RouteMessages() {
  std::set<const gp::Descriptor*> types;
  for (const gp::FileDescriptor* file :
       {listings::v1::GetReviewRequest::descriptor()->file(),
        responses::v1::ListResponsesRequest::descriptor()->file(),
        nml::gateway::v1::GetMarketDossierRequest::descriptor()->file()}) {
    EXPECT_EQ(file->service_count(), 1) << file->name();
    for (int s = 0; s < file->service_count(); ++s) {
      for (int i = 0; i < file->service(s)->method_count(); ++i) {
        const gp::MethodDescriptor* method = file->service(s)->method(i);
        // Streams have no REST route, so the printer never sees them.
        if (method->client_streaming() || method->server_streaming()) continue;
        types.insert(method->output_type());
        types.insert(method->input_type());
      }
    }
  }
  return types;
}

TEST(JsonPrinter, MatchesProtobufOnEveryRouteMessageFilledAtRandom) {
  const auto types = RouteMessages();
  ASSERT_GE(types.size(), 80u) << "every request and response type";
  for (const gp::Descriptor* type : types) {
    const gp::Message* prototype =
        gp::MessageFactory::generated_factory()->GetPrototype(type);
    ASSERT_NE(prototype, nullptr) << type->full_name();
    std::unique_ptr<gp::Message> empty(prototype->New());
    ExpectSameJson(*empty);
    for (uint32_t seed = 1; seed <= 40; ++seed) {
      std::unique_ptr<gp::Message> message(prototype->New());
      Filler(seed * 7919 + type->field_count()).Fill(message.get(), 0);
      ExpectSameJson(*message);
      if (HasFailure()) return;
    }
  }
}

TEST(JsonPrinter, EscapesAndSpecialValuesAreValidJson) {
  listings::v1::ScreenDomainsResponse response;
  auto* result = response.add_results();
  result->set_input(std::string("a\0b\x01\"\\</script>", 16));
  response.set_data_version(INT64_MAX);
  const std::string json = ToJson(response);
  EXPECT_NE(json.find(R"(a\u0000b\u0001\"\\\u003c/script\u003e)"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find("\"9223372036854775807\""), std::string::npos);
  ExpectSameJson(response);

  gp::Timestamp at;
  at.set_seconds(1645056000);
  at.set_nanos(500000000);
  EXPECT_EQ(ToJson(at), "\"2022-02-17T00:00:00.500Z\"");

  // The other well-known types with a JSON form of their own.
  gp::Int64Value wrapped;
  wrapped.set_value(-5);
  EXPECT_EQ(ToJson(wrapped), "\"-5\"");
  gp::Duration duration;
  duration.set_seconds(90);
  duration.set_nanos(500000000);
  EXPECT_EQ(ToJson(duration), "\"90.500s\"");
  gp::FieldMask mask;
  mask.add_paths("display_name");
  mask.add_paths("market.country_code");
  EXPECT_EQ(ToJson(mask), "\"displayName,market.countryCode\"");
  EXPECT_EQ(ToJson(gp::Empty()), "{}");
  const std::vector<const gp::Message*> well_known = {&wrapped, &duration,
                                                      &mask};
  for (const gp::Message* m : well_known) {
    EXPECT_EQ(ToJson(*m), Reference(*m)) << m->GetTypeName();
  }
}

}  // namespace
}  // namespace nml::gateway
