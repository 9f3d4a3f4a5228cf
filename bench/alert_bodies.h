// The alerts the benchmarks send and store, as JSON items: alert number k, distinct k giving a
// distinct identity, spread over 50 services and 20 alert names.
#pragma once

#include <cstdint>
#include <string>

namespace quell::bench {

// In Quell's generic format.
inline std::string GenericAlertJson(uint64_t k) {
  const std::string instance = "host-" + std::to_string(k);
  return R"({"service":"svc-)" + std::to_string(k % 50) +
         R"(","environment":"prod","title":"Alert)" + std::to_string(k % 20) +
         R"(","severity":"high","labels":{"instance":")" + instance +
         R"(","job":"api","team":"t)" + std::to_string(k % 5) +
         R"("},"annotations":{"summary":"Latency high on )" + instance + R"("},"latency":4200})";
}

// In Alertmanager's API v2 format (POST /api/v2/alerts).
inline std::string AlertmanagerAlertJson(uint64_t k) {
  const std::string instance = "host-" + std::to_string(k);
  return R"({"labels":{"alertname":"Alert)" + std::to_string(k % 20) + R"(","service":"svc-)" +
         std::to_string(k % 50) + R"(","instance":")" + instance +
         R"(","job":"api","severity":"high","team":"t)" + std::to_string(k % 5) +
         R"("},"annotations":{"summary":"Latency high on )" + instance +
         R"(","description":"p99 above 4s"},"generatorURL":"http://prometheus:9090/graph"})";
}

}  // namespace quell::bench
