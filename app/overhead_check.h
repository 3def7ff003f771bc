// --overhead-check: the generation again with instrumentation off and on, in alternating
// pairs, and the measured cost of profiling (decode TPS and TTFT) next to the estimate the
// runs carry (calibrated cost per action x actions, core/profiling/overhead_calibration.h).
#pragma once

#include "core/engine/run_session.h"

#include <nlohmann/json.hpp>

#include <atomic>
#include <optional>
#include <string>

namespace vlmscope {

struct OverheadCheckResult {
    ProfilingLevel level = ProfilingLevel::Layers; // what was measured against off
    int pairs = 0;
    // Medians over the pairs' runs; empty where no run defined the figure.
    std::optional<double> tpsOff, tpsProfiled;
    std::optional<double> ttftOffS, ttftProfiledS;
    std::optional<double> estimatedPct; // of run time, median over the profiled runs
    ProfilerCalibration calibration;

    // (tps_off - tps_profiled) / tps_off and (ttft_profiled - ttft_off) / ttft_off, in percent.
    std::optional<double> measuredTpsPct() const;
    std::optional<double> measuredTtftPct() const;

    std::string text() const;
    nlohmann::ordered_json toJson() const;
};

// Runs `pairs` x (off, profiled) generations of `request` (its warm-up left out: the
// process is warm). Profiling must not be off. Stops early on `stop`.
OverheadCheckResult runOverheadCheck(const RunSession& session, const RunRequest& request, int pairs,
                                     const std::atomic<bool>* stop);

} // namespace vlmscope
