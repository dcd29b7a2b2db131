#pragma once

#include <string>
#include <vector>

#include "tools/nmlctl/client.h"

namespace nml::cli {

// The responses commands: import-responses, responses, stances,
// timeline. Each returns the exit status.
int ImportResponses(ResponsesClient& client, const std::string& path);
int ListResponses(ResponsesClient& client, const std::string& filter);
int Stances(ResponsesClient& client, int year, const std::string& target,
            const std::string& stakeholder);
int Timeline(ResponsesClient& client, const std::string& target,
             const std::string& stakeholder);

}  // namespace nml::cli
