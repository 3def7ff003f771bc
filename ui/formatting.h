// How the dashboard writes numbers: durations, rates, byte sizes, and "n/a" for figures a
// run leaves undefined (never 0, never inf: core/metrics/METRICS.md).
#pragma once

#include <QString>

#include <cstdint>
#include <optional>

namespace vlmscope {

QString formatSeconds(std::optional<double> seconds);  // "12.3 ms", "1.24 s", "n/a"
QString formatRate(std::optional<double> tokensPerSecond); // "123.4 tok/s"
QString formatBytes(std::optional<double> bytes);     // "512.0 MiB"
QString formatPercent(std::optional<double> percent); // "12.3 %"
QString formatCount(std::int64_t count);              // "12,345"
QString notAvailable();                               // "n/a"

} // namespace vlmscope
