#include "tools/nmlctl/gateway_commands.h"

#include <absl/strings/str_cat.h>
#include <absl/strings/str_format.h>
#include <absl/strings/str_join.h>
#include <google/protobuf/util/json_util.h>
#include <grpcpp/generic/generic_stub.h>

#include <cstdio>
#include <future>
#include <string>

#include "common/api/names.h"
#include "tools/nmlctl/listings_commands.h"
#include "tools/nmlctl/print.h"
#include "tools/nmlctl/responses_commands.h"

namespace nml::cli {

namespace v1 = nml::listings::v1;
namespace rv1 = nml::responses::v1;

namespace {

// A composed answer's missing parts, one line each.
void PrintUnavailableSections(
    const google::protobuf::RepeatedPtrField<nml::gateway::v1::SectionStatus>&
        sections) {
  for (const auto& s : sections) {
    if (!s.available()) {
      std::printf("[%s unavailable: %s]\n", s.section().c_str(),
                  s.message().c_str());
    }
  }
}

std::string AddressFor(const GlobalOptions& options,
                       const std::string& service) {
  if (service == "nml.responses.v1.ResponsesService")
    return options.responses_addr;
  if (service == "nml.gateway.v1.GatewayService") return options.gateway_addr;
  return options.addr;
}

}  // namespace

// Calls any RPC of the three services by name with a JSON request (the
// protobuf JSON mapping), printing the JSON answer: every write, merge,
// split, delete and undelete, without a subcommand each.
int CallRpc(const GlobalOptions& options, const std::string& name,
            const std::string& json) {
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  const size_t dot = name.rfind('.');
  const google::protobuf::MethodDescriptor* method = nullptr;
  if (dot != std::string::npos) {
    std::string service = name.substr(0, dot);
    for (const char* package :
         {"", "nml.listings.v1.", "nml.responses.v1.", "nml.gateway.v1."}) {
      const auto* found = pool->FindServiceByName(package + service);
      if (found != nullptr) {
        method = found->FindMethodByName(name.substr(dot + 1));
        break;
      }
    }
  }
  if (method == nullptr) {
    std::fprintf(stderr,
                 "nmlctl: call: no RPC '%s' (write Service.Method, e.g. "
                 "ListingsService.CreateMarket)\n",
                 name.c_str());
    return kUsage;
  }
  auto* factory = google::protobuf::MessageFactory::generated_factory();
  std::unique_ptr<google::protobuf::Message> request(
      factory->GetPrototype(method->input_type())->New());
  std::unique_ptr<google::protobuf::Message> response(
      factory->GetPrototype(method->output_type())->New());
  google::protobuf::util::JsonParseOptions strict;
  if (auto st = google::protobuf::util::JsonStringToMessage(
          json.empty() ? "{}" : json, request.get(), strict);
      !st.ok()) {
    std::fprintf(stderr, "nmlctl: call: request: %s\n",
                 std::string(st.message()).c_str());
    return kUsage;
  }
  const std::string address =
      AddressFor(options, method->service()->full_name());
  auto channel = Channel(options, address);
  grpc::GenericStub stub(channel);
  auto context = NewContext(options);
  std::string bytes;
  request->SerializeToString(&bytes);
  grpc::Slice slice(bytes);
  grpc::ByteBuffer in(&slice, 1);
  grpc::ByteBuffer out;
  std::promise<grpc::Status> done;
  stub.UnaryCall(context.get(),
                 "/" + method->service()->full_name() + "/" + method->name(),
                 grpc::StubOptions(), &in, &out,
                 [&done](grpc::Status s) { done.set_value(std::move(s)); });
  const grpc::Status status = done.get_future().get();
  if (!status.ok()) return ReportError(address, status);
  std::vector<grpc::Slice> slices;
  (void)out.Dump(&slices);
  std::string answer;
  for (const auto& s : slices)
    answer.append(reinterpret_cast<const char*>(s.begin()), s.size());
  response->ParseFromString(answer);
  PrintJson(*response);
  return 0;
}

int Dossier(const GlobalOptions& options, const std::string& market) {
  GatewayClient client(options, options.gateway_addr);
  nml::gateway::v1::GetMarketDossierRequest request;
  request.set_market(MarketArgument(market));
  nml::gateway::v1::GetMarketDossierResponse response;
  if (int rc =
          client.Call(&nml::gateway::v1::GatewayService::Stub::GetMarketDossier,
                      request, &response)) {
    return rc;
  }
  if (options.json) {
    PrintJson(response);
    return 0;
  }
  const auto& h = response.history();
  std::printf("%s (%s)\n", h.market().display_name().c_str(),
              h.market().name().c_str());
  PrintReviewStatuses(h);
  for (const auto& r : response.responses().responses()) PrintResponse(r);
  PrintUnavailableSections(response.sections());
  return 0;
}

int Report(const GlobalOptions& options, int year) {
  GatewayClient client(options, options.gateway_addr);
  nml::gateway::v1::GetReviewReportRequest request;
  request.set_review(common::ReviewName(year));
  nml::gateway::v1::GetReviewReportResponse response;
  if (int rc =
          client.Call(&nml::gateway::v1::GatewayService::Stub::GetReviewReport,
                      request, &response)) {
    return rc;
  }
  if (options.json) {
    PrintJson(response);
    return 0;
  }
  PrintReviewLine(response.review());
  const auto& d = response.diff();
  std::printf("vs %d: added %d, removed %d, retained %d, relisted %d\n",
              d.base_year(), d.added_count(), d.removed_count(),
              d.retained_count(), d.relisted_count());
  for (const auto& c : response.stances().counts()) PrintStanceCount(c, "  ");
  PrintUnavailableSections(response.sections());
  return 0;
}

}  // namespace nml::cli
