// Comparisons with uncertainty between a baseline and a candidate (two sets of runs, two
// benchmark results, two external tools' results): per metric and per layer scope, the
// median delta, % change, bootstrap interval and Mann-Whitney p-value; and the gate that
// fails only on regressions that are both beyond the limit and significant.
#pragma once

#include "core/engine/run_record.h"
#include "core/io/benchmark_results.h"
#include "core/metrics/regression_gate.h"
#include "core/stats/bootstrap.h"
#include "core/stats/external_results.h"

#include <limits>
#include <string>
#include <vector>

namespace vlmscope {

enum class ComparisonScope { Metric, Layer };

struct ComparisonOptions {
    BootstrapOptions bootstrap;
    double alpha = 0.05;      // significance level of the Mann-Whitney test
    bool layers = true;       // compare layer scopes (self time per step) as well
    // Layers with a smaller share of the baseline's measured self time are compared and
    // reported, but never fail the gate: a 1 µs scope is noise, not a regression.
    double minGatedLayerSharePct = 1.0;
};

// What is compared: name, unit, direction and what one sample is.
struct ComparisonSpec {
    std::string configuration; // "100 tokens, kv on, 2 threads"; may be empty
    std::string name;          // "decode TPS", "TTFT", or a scope name for layers
    std::string unit;          // "tok/s", "ms", "MiB", "ms/step"
    ComparisonScope scope = ComparisonScope::Metric;
    Better better = Better::Higher;
    bool gated = false;        // judged by significantGate
    std::string sampleKind;    // "run", "token", "decode step", "prefill", "repetition", "request"
};

struct MetricComparison {
    ComparisonSpec spec;
    // Medians, candidate - baseline and the % change, with bootstrap intervals (undefined when
    // a side has fewer than two samples).
    MedianDifference difference;
    double pValue = std::numeric_limits<double>::quiet_NaN(); // Mann-Whitney U, two-sided
    bool exactTest = false;
    bool significant = false; // pValue < alpha
    // How much worse the candidate's median is, % of the baseline median (negative: better);
    // NaN when the baseline median is 0 or undefined.
    double regressionPct = std::numeric_limits<double>::quiet_NaN();
    bool worse = false; // the median moved the bad way, significant or not
};

// One comparison of raw samples (non-finite values are left out).
MetricComparison compareSamples(const ComparisonSpec& spec, const std::vector<double>& baseline,
                                const std::vector<double>& candidate, const ComparisonOptions& options = {});

// Inter-token latencies of the decode tokens (after --discard-first), in milliseconds.
std::vector<double> tokenLatenciesMs(const RunRecord& run);

// Two sets of runs of one configuration: per-run figures (decode TPS, TTFT, prefill, ITL p50
// and p99, peak RSS, ...), per-token latency pooled over the runs, and per layer scope (matched
// by name) the self time of each decode step (the prefill step for scopes that only run there).
// Gated: decode TPS, TTFT, peak RSS, token latency and layers above minGatedLayerSharePct.
// Throws InputError when a run's timing is inconsistent.
std::vector<MetricComparison> compareRuns(const std::string& configuration, const std::vector<RunRecord>& baseline,
                                          const std::vector<RunRecord>& candidate,
                                          const ComparisonOptions& options = {});

// Two benchmark results files: configurations matched by token count, KV cache, threads and
// context length; per-run figures of their iterations. Unmatched configurations are skipped.
std::string configurationLabel(const BenchmarkConfiguration& configuration); // "100 tokens, kv on, 2 threads"
std::vector<MetricComparison> compareBenchmarkResults(const BenchmarkResults& baseline,
                                                      const BenchmarkResults& candidate,
                                                      const ComparisonOptions& options = {});

// External tools' results: pairs matched by configuration ("tg128, 8 threads"), or the only
// run of each side. Uses per-repetition / per-request / per-token samples where the files
// hold them, else the reported figure alone (never significant).
std::vector<MetricComparison> compareExternalRuns(const ExternalRun& baseline, const ExternalRun& candidate,
                                                  const ComparisonOptions& options = {});
std::vector<MetricComparison> compareExternalResults(const std::vector<ExternalRun>& baseline,
                                                     const std::vector<ExternalRun>& candidate,
                                                     const ComparisonOptions& options = {});

// "decode TPS of 100 tokens: 41.2 -> 35.0 tok/s (-15.0%, 95% CI -17.1% .. -12.9%, p = 0.001)";
// layers read "layer decoder.blocks.0.attn of ...".
std::string describeComparison(const MetricComparison& comparison);

struct GateVerdict {
    MetricComparison comparison;
    // Holm-adjusted p-value among the gated comparisons of this gate (NaN when not gated or
    // undefined): testing dozens of layers at once must not fail builds by chance.
    double adjustedP = std::numeric_limits<double>::quiet_NaN();
    // Gated, worse by more than the limit, and adjustedP < alpha.
    bool regressed = false;
};

struct SignificantGateResult {
    double maxRegressionPct = 0;
    double alpha = 0.05;
    std::vector<GateVerdict> verdicts; // every comparison, in the order given
    bool failed() const;
    std::size_t gatedCount() const;
    std::size_t regressionCount() const;
    // describeComparison() of each regression, with the limit: "... p = 0.001), limit 5%".
    std::vector<std::string> regressionMessages() const;
};

// Fails only where a gated comparison is worse than maxRegressionPct (change of the median)
// and significant: its Mann-Whitney p-value, Holm-adjusted over the gated comparisons with a
// p-value (family-wise error rate alpha), is below alpha. Throws InputError when
// maxRegressionPct is negative or alpha is outside (0, 1).
SignificantGateResult significantGate(const std::vector<MetricComparison>& comparisons, double maxRegressionPct,
                                      double alpha = 0.05);

} // namespace vlmscope
