// The run figures the dashboard compares, each with its unit and which direction is
// better (lower TTFT is better, higher TPS is better), so deltas can be judged.
#pragma once

#include "core/engine/run_record.h"

#include <QString>

#include <optional>
#include <vector>

namespace vlmscope {

enum class MetricKind { Seconds, Rate, Bytes, Percent, Count, Ratio };
enum class MetricDirection { Lower, Higher, Neither };

struct MetricSpec {
    QString name;
    QString tip;
    MetricKind kind;
    MetricDirection better;
    std::optional<double> (*value)(const RunRecord& run);
};

const std::vector<MetricSpec>& comparedMetrics();

// Formats a value of `kind` the way the dashboard shows it ("n/a" when undefined).
QString formatMetric(MetricKind kind, std::optional<double> value);

// +1 when `value` is better than `baseline` by more than the neutral band, -1 when worse,
// 0 otherwise (equal, neither direction, undefined values).
int judgeDelta(MetricDirection better, std::optional<double> value, std::optional<double> baseline);

// Relative differences smaller than this (in percent) count as "no change": timing noise.
inline constexpr double kNeutralBandPct = 0.5;

} // namespace vlmscope
