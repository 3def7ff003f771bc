#include "ui/metric_catalog.h"

#include "ui/formatting.h"

#include <cmath>

namespace vlmscope {

namespace {

std::optional<double> bytes(std::optional<std::int64_t> v)
{
    return v ? std::optional<double>(static_cast<double>(*v)) : std::nullopt;
}

std::optional<double> scaled(std::optional<double> v, double factor)
{
    return v ? std::optional<double>(*v * factor) : std::nullopt;
}

} // namespace

const std::vector<MetricSpec>& comparedMetrics()
{
    using R = const RunRecord&;
    static const std::vector<MetricSpec> metrics = {
        {"TTFT", "Time to first token: t1 - t0", MetricKind::Seconds, MetricDirection::Lower,
         [](R r) { return r.metrics.ttftS; }},
        {"Prefill time", "End of prefill - t0", MetricKind::Seconds, MetricDirection::Lower,
         [](R r) { return r.metrics.prefillS; }},
        {"Input TPS", "Prompt tokens / prefill time", MetricKind::Rate, MetricDirection::Higher,
         [](R r) { return r.metrics.inputTps; }},
        {"Decode TPS", "(output tokens - 1) / (tN - t1)", MetricKind::Rate, MetricDirection::Higher,
         [](R r) { return r.metrics.outputTps; }},
        {"TPOT", "Time per output token: inverse of decode TPS", MetricKind::Seconds, MetricDirection::Lower,
         [](R r) { return r.metrics.tpotS; }},
        {"Overall TPS", "(input + output tokens) / total time", MetricKind::Rate, MetricDirection::Higher,
         [](R r) { return r.metrics.overallTps; }},
        {"End-to-end output TPS", "Output tokens / total time", MetricKind::Rate, MetricDirection::Higher,
         [](R r) { return r.metrics.e2eOutputTps; }},
        {"ITL mean", "Mean inter-token latency", MetricKind::Seconds, MetricDirection::Lower,
         [](R r) { return r.metrics.itl.mean; }},
        {"ITL p50", "Median inter-token latency", MetricKind::Seconds, MetricDirection::Lower,
         [](R r) { return r.metrics.itl.p50; }},
        {"ITL p90", "90th percentile inter-token latency", MetricKind::Seconds, MetricDirection::Lower,
         [](R r) { return r.metrics.itl.p90; }},
        {"ITL p99", "99th percentile inter-token latency", MetricKind::Seconds, MetricDirection::Lower,
         [](R r) { return r.metrics.itl.p99; }},
        {"ITL max", "Longest inter-token latency", MetricKind::Seconds, MetricDirection::Lower,
         [](R r) { return r.metrics.itl.max; }},
        {"ITL CV", "Coefficient of variation of the inter-token latency", MetricKind::Percent, MetricDirection::Lower,
         [](R r) { return scaled(r.metrics.itl.cv, 100.0); }},
        {"Peak TPS (1 s)", "Most output tokens in one second", MetricKind::Rate, MetricDirection::Higher,
         [](R r) { return r.metrics.peakTpsPerSecond; }},
        {"Peak TPS (8 tokens)", "Fastest sliding window of 8 tokens", MetricKind::Rate, MetricDirection::Higher,
         [](R r) { return r.metrics.peakTpsWindow8; }},
        {"Stability", "Standard deviation of the per-second TPS", MetricKind::Rate, MetricDirection::Lower,
         [](R r) { return r.metrics.stabilityAbs; }},
        {"Stability (relative)", "Standard deviation / mean of the per-second TPS", MetricKind::Percent,
         MetricDirection::Lower, [](R r) { return r.metrics.stabilityRelPct; }},
        {"Peak RSS", "Largest resident set size of the process", MetricKind::Bytes, MetricDirection::Lower,
         [](R r) { return bytes(r.metrics.rss.peakBytes); }},
        {"RSS increase", "Peak RSS - RSS at the start", MetricKind::Bytes, MetricDirection::Lower,
         [](R r) { return bytes(r.metrics.rss.increaseBytes); }},
        {"Peak allocator", "Most bytes held by LibTorch's allocator", MetricKind::Bytes, MetricDirection::Lower,
         [](R r) { return bytes(r.metrics.allocator.peakBytes); }},
        {"Peak KV cache", "Largest KV-cache size", MetricKind::Bytes, MetricDirection::Lower,
         [](R r) { return bytes(r.metrics.kvCache.peakBytes); }},
        {"Total time", "Run end - t0", MetricKind::Seconds, MetricDirection::Lower,
         [](R r) { return std::optional<double>(r.metrics.totalS); }},
        {"Input tokens", "Prompt tokens (text + image)", MetricKind::Count, MetricDirection::Neither,
         [](R r) { return std::optional<double>(static_cast<double>(r.metrics.inputTokens)); }},
        {"Output tokens", "Generated tokens", MetricKind::Count, MetricDirection::Neither,
         [](R r) { return std::optional<double>(static_cast<double>(r.metrics.outputTokens)); }},
        {"CPU utilisation", "Process CPU time / wall time (1.0 = one core)", MetricKind::Ratio, MetricDirection::Neither,
         [](R r) { return std::optional<double>(r.cpuUtilization); }},
    };
    return metrics;
}

QString formatMetric(MetricKind kind, std::optional<double> value)
{
    switch (kind) {
    case MetricKind::Seconds: return formatSeconds(value);
    case MetricKind::Rate: return formatRate(value);
    case MetricKind::Bytes: return formatBytes(value);
    case MetricKind::Percent: return formatPercent(value);
    case MetricKind::Count:
        return value && std::isfinite(*value) ? formatCount(static_cast<std::int64_t>(std::llround(*value)))
                                              : notAvailable();
    case MetricKind::Ratio:
        return value && std::isfinite(*value) ? QString::number(*value, 'f', 2) : notAvailable();
    }
    return notAvailable();
}

int judgeDelta(MetricDirection better, std::optional<double> value, std::optional<double> baseline)
{
    if (better == MetricDirection::Neither || !value || !baseline || !std::isfinite(*value) || !std::isfinite(*baseline))
        return 0;
    const double delta = *value - *baseline;
    if (delta == 0)
        return 0;
    if (*baseline != 0 && std::fabs(delta / *baseline) * 100.0 < kNeutralBandPct)
        return 0;
    const int sign = delta > 0 ? 1 : -1;
    return better == MetricDirection::Higher ? sign : -sign;
}

} // namespace vlmscope
