// --baseline: reads a baseline of any kind vlmscope knows (run records, benchmark results,
// a vlmscope .log, llama-bench or vLLM results, recognised by content), compares every
// measured configuration with it (median change, bootstrap interval, Mann-Whitney p) and
// applies the significance-aware gate: exit 3 only for regressions beyond --max-regression
// that are significant after Holm's adjustment. Says which gated figures cannot reach
// significance with the samples at hand, so a gate that cannot fail never passes silently.
#pragma once

#include "app/batch_options.h"
#include "core/engine/run_record.h"
#include "core/stats/comparison.h"

#include <nlohmann/json.hpp>

#include <iosfwd>
#include <string>
#include <vector>

namespace vlmscope {

// Per-run inter-token latencies (ms, after --discard-first) that vlmscope adds to each
// entry of a results file's runs[]: per-token samples let a gate on 2-3 iterations reach
// significance.
inline constexpr const char* kTokenLatenciesKey = "token_latencies_ms";

struct GateCandidate {
    std::string label;           // "5 tokens, kv on, all threads": names the comparisons
    std::vector<RunRecord> runs; // the iterations kept for statistics (warm-up ones left out)
};

struct BaselineGateOutcome {
    std::vector<std::string> files;
    std::string kind; // "run records", "vlmscope benchmark results", "llama-bench", ...
    SignificantGateResult gate;
    // Per verdict: a gated comparison that can reach significance with its sample sizes.
    std::vector<bool> judgeable;
    std::vector<std::string> notes; // unmatched configurations, definitions that differ
    bool failed() const { return gate.failed(); }
    std::size_t judgeableCount() const;
    nlohmann::ordered_json toJson() const;
};

// Throws InputError when the baseline cannot be read or is of no known kind.
BaselineGateOutcome runBaselineGate(const BatchOptions& options, const std::vector<GateCandidate>& candidates);

// The verdict: a summary line and the gated comparisons to `human`; regressions, figures
// that cannot reach significance and notes to stderr.
void printGateOutcome(const BaselineGateOutcome& outcome, bool quiet, std::ostream& human);

// The two-sided Mann-Whitney p-value of two completely separated samples of these sizes
// without ties (exact: 2 / C(n1 + n2, n1)), by the method mannWhitneyU picks; 1 when a side
// is empty. Below this, only ties can go.
double smallestMannWhitneyP(std::size_t n1, std::size_t n2);

} // namespace vlmscope
