#pragma once

#include <chrono>
#include <string>

namespace nml::testing {

// "SERVING", "NOT_SERVING", ... or "ERROR: <message>" when the server does
// not answer.
std::string CheckHealth(
    const std::string& address, const std::string& service = "",
    std::chrono::milliseconds timeout = std::chrono::milliseconds(1000));

// Polls until CheckHealth() of `service` returns `want`; returns how long that
// took, or nullopt-like -1 ms when `timeout` passed first.
std::chrono::milliseconds WaitForHealth(const std::string& address,
                                        const std::string& want,
                                        std::chrono::milliseconds timeout,
                                        const std::string& service = "");

}  // namespace nml::testing
