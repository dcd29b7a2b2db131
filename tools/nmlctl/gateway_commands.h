#pragma once

#include <string>
#include <vector>

#include "tools/nmlctl/client.h"

namespace nml::cli {

// The commands that span services: call (any RPC by name, JSON in and
// out), dossier and report (the gateway). Each returns the exit status.
int CallRpc(const GlobalOptions& options, const std::string& name,
            const std::string& json);
int Dossier(const GlobalOptions& options, const std::string& market);
int Report(const GlobalOptions& options, int year);

}  // namespace nml::cli
