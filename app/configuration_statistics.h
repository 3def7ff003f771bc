// The statistics of one measured configuration as its iterations come in: medians of decode
// TPS and TTFT with 95% bootstrap intervals (the --until-stable rule), warm-up iterations
// found by a change point and left out, and per-token warm-up found in each run (reported).
#pragma once

#include "core/engine/run_record.h"
#include "core/stats/bootstrap.h"
#include "core/stats/change_point.h"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace vlmscope {

struct StabilityTarget {
    double maxHalfWidthPct = 5;
    std::size_t minIterations = 3;
    std::size_t maxIterations = 30;
};

// Token warm-up of the runs of a configuration: a run "starts slow" when its first
// inter-token latencies are clearly worse than the rest (detectWarmup on the ITL series).
struct TokenWarmupSummary {
    std::size_t runsJudged = 0;
    std::size_t runsWithWarmup = 0;
    std::size_t maxExcluded = 0; // latencies of the slowest-settling run
    std::string reason;          // one line, for reports
};

class ConfigurationStatistics {
public:
    // Without a target the statistics are still computed, and done() is never true.
    explicit ConfigurationStatistics(std::optional<StabilityTarget> target = std::nullopt,
                                     std::int64_t discardFirst = 0);

    void add(const RunRecord& run);

    std::size_t iterations() const { return m_runIds.size(); }
    // Leading iterations left out as warm-up (change point over decode TPS and TTFT).
    std::size_t excludedIterations() const { return m_excluded; }
    const WarmupDetection& decodeWarmup() const { return m_decodeWarmup; }
    const WarmupDetection& ttftWarmup() const { return m_ttftWarmup; }
    std::string iterationWarmupReason() const;
    TokenWarmupSummary tokenWarmup() const;

    // Over the iterations kept (after the warm-up ones).
    const StabilityStatus& decodeTps() const { return m_decode; }
    const StabilityStatus& ttftMs() const { return m_ttft; }
    ConfidenceInterval tokenLatencyMs() const; // median of the kept runs' pooled latencies

    const std::optional<StabilityTarget>& target() const { return m_target; }
    bool converged() const; // both intervals within the target
    // The target is met, or maxIterations iterations ran.
    bool done() const;
    // "decode TPS 130 tok/s, 95% CI 128 .. 131 (±1.2%), TTFT 68.1 ms, 95% CI ... (±3.4%): converged (limit ±5%)"
    std::string progressLine() const;

    // The "stability" and "warmup_detection" objects of the results file and --json.
    nlohmann::ordered_json stabilityJson() const;
    nlohmann::ordered_json warmupJson(int warmupRuns) const;

private:
    void update();

    std::optional<StabilityTarget> m_target;
    std::int64_t m_discardFirst = 0;
    std::vector<std::string> m_runIds;
    std::vector<double> m_decodeValues, m_ttftValues;
    std::vector<std::vector<double>> m_tokenLatencies; // per run, ms, after --discard-first
    std::vector<WarmupDetection> m_tokenWarmups;       // per run
    std::vector<bool> m_tokenJudged;                   // per run: long enough to judge
    WarmupDetection m_decodeWarmup, m_ttftWarmup;
    std::size_t m_excluded = 0;
    StabilityStatus m_decode, m_ttft;
};

// The runs after the leading warm-up iterations `statistics` left out.
std::vector<RunRecord> keptRuns(const std::vector<RunRecord>& runs, const ConfigurationStatistics& statistics);

// "decode TPS 41.2 tok/s, 95% CI 40.1 .. 42.0 (±2.7%) after 7 iterations: converged (limit ±5%)";
// without a target: "... (±2.7%) over 7 iterations".
std::string intervalSummary(const StabilityStatus& status, const std::string& name, const std::string& unit,
                            const std::optional<StabilityTarget>& target);

// A few lines for the console: both intervals (StabilityStatus::summary), the token latency
// and what warm-up detection left out and why.
std::string statisticsReport(const std::string& label, const ConfigurationStatistics& statistics);

// Inter-token latencies of every output token after the first, in ms (no --discard-first):
// the series token warm-up detection looks at.
std::vector<double> allTokenLatenciesMs(const RunRecord& run);

} // namespace vlmscope
