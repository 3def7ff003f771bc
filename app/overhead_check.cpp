#include "app/overhead_check.h"

#include "core/io/text_format.h"
#include "core/metrics/aggregate.h"

namespace vlmscope {

namespace {

std::optional<double> medianOf(const std::vector<std::optional<double>>& values)
{
    const Summary s = summarize(values);
    return s.n > 0 ? std::optional<double>(s.median) : std::nullopt;
}

// (a - b) / base in percent; empty without the figures or a positive base.
std::optional<double> changePct(const std::optional<double>& a, const std::optional<double>& b,
                                const std::optional<double>& base)
{
    if (!a || !b || !base || !(*base > 0))
        return std::nullopt;
    return (*a - *b) / *base * 100.0;
}

nlohmann::ordered_json orNull(const std::optional<double>& value)
{
    return value ? nlohmann::ordered_json(*value) : nlohmann::ordered_json(nullptr);
}

std::string percent(const std::optional<double>& value)
{
    return value ? formatFixed(*value, 2) + "%" : std::string(kNotAvailable);
}

} // namespace

std::optional<double> OverheadCheckResult::measuredTpsPct() const { return changePct(tpsOff, tpsProfiled, tpsOff); }

std::optional<double> OverheadCheckResult::measuredTtftPct() const
{
    return changePct(ttftProfiledS, ttftOffS, ttftOffS);
}

std::string OverheadCheckResult::text() const
{
    const std::string name = profilingLevelName(level);
    std::string out = "Overhead check (" + name + " vs off, " + std::to_string(pairs) + " alternating pairs, medians):\n";
    out += "  decode TPS: " + formatFixed(tpsOff, 2) + " off, " + formatFixed(tpsProfiled, 2) + " " + name
        + " -> measured overhead " + percent(measuredTpsPct()) + "\n";
    out += "  TTFT: " + formatMs(ttftOffS) + " ms off, " + formatMs(ttftProfiledS) + " ms " + name
        + " -> measured overhead " + percent(measuredTtftPct()) + "\n";
    out += "  estimated overhead: " + percent(estimatedPct) + " of run time (" + formatFixed(calibration.scopeNs, 1)
        + " ns per scope, " + formatFixed(calibration.opCallbackNs, 1) + " ns per op callback, "
        + formatFixed(calibration.allocationNs, 1) + " ns per allocation)\n";
    return out;
}

nlohmann::ordered_json OverheadCheckResult::toJson() const
{
    return {{"profiling", profilingLevelName(level)},
            {"pairs", pairs},
            {"decode_tps_off", orNull(tpsOff)},
            {"decode_tps_profiled", orNull(tpsProfiled)},
            {"measured_decode_tps_overhead_pct", orNull(measuredTpsPct())},
            {"ttft_off_s", orNull(ttftOffS)},
            {"ttft_profiled_s", orNull(ttftProfiledS)},
            {"measured_ttft_overhead_pct", orNull(measuredTtftPct())},
            {"estimated_overhead_pct", orNull(estimatedPct)},
            {"scope_ns", calibration.scopeNs},
            {"op_callback_ns", calibration.opCallbackNs},
            {"allocation_ns", calibration.allocationNs}};
}

OverheadCheckResult runOverheadCheck(const RunSession& session, const RunRequest& request, int pairs,
                                     const std::atomic<bool>* stop)
{
    OverheadCheckResult result;
    result.level = request.settings.profiling;
    std::vector<std::optional<double>> tpsOff, tpsOn, ttftOff, ttftOn, estimates;
    for (int pair = 0; pair < pairs && !(stop && stop->load()); ++pair) {
        for (const bool profiled : {false, true}) {
            RunRequest run = request;
            run.settings.warmup = 0;
            if (!profiled)
                run.settings.profiling = ProfilingLevel::Off;
            const RunRecord record = session.run(run, nullptr, stop);
            (profiled ? tpsOn : tpsOff).push_back(record.metrics.outputTps);
            (profiled ? ttftOn : ttftOff).push_back(record.metrics.ttftS);
            if (profiled && record.overhead) {
                estimates.push_back(record.overhead->estimatedPct(record.endNs));
                result.calibration = record.overhead->calibration;
            }
        }
        result.pairs = pair + 1;
    }
    result.tpsOff = medianOf(tpsOff);
    result.tpsProfiled = medianOf(tpsOn);
    result.ttftOffS = medianOf(ttftOff);
    result.ttftProfiledS = medianOf(ttftOn);
    result.estimatedPct = medianOf(estimates);
    return result;
}

} // namespace vlmscope
