// The files a batch invocation writes besides the log (run records, results JSON, trace,
// CSV, plots, JUnit, Markdown), the --baseline regression gate, and the benchmark's --json
// document.
#pragma once

#include "app/baseline_gate.h"
#include "app/batch_context.h"
#include "app/benchmark_command.h"
#include "app/configuration_statistics.h"
#include "core/engine/run_record.h"

#include <optional>
#include <vector>

namespace vlmscope {

// Generate mode: --output (one run record per generation), --trace, --csv, --plot.
void writeRunExports(const BatchContext& context, const std::vector<RunRecord>& records);

// --until-stable as the statistics' target; none without it.
std::optional<StabilityTarget> stabilityTargetOf(const BatchOptions& options);

// One measured configuration: its label, the runs its statistics are made of (warm-up
// iterations left out) and the statistics.
struct MeasuredSet {
    std::string label;
    std::vector<RunRecord> kept; // the runs the statistics are made of
    const ConfigurationStatistics* statistics = nullptr;
};

struct GateReport {
    std::optional<BaselineGateOutcome> gate; // empty without --baseline
    int exitCode() const { return gate && gate->failed() ? 3 : 0; }
};

// The significance-aware --baseline gate over the kept runs (printed), then --junit and
// --summary-md. Throws InputError on an unreadable baseline.
GateReport gateAndReport(const BatchContext& context, const std::vector<MeasuredSet>& measured);

struct BenchmarkOutcome {
    int exitCode = 0;
};

// Benchmark mode: results JSON (with each configuration's intervals, warm-up detection and
// per-token latencies), trace/CSV of every run, plots, the gate, CI reports and --json stdout.
BenchmarkOutcome writeBenchmarkExports(const BatchContext& context, const ModelBundle& bundle,
                                       const std::vector<SweepPoint>& plan,
                                       const std::vector<std::vector<RunRecord>>& runs,
                                       const std::vector<ConfigurationStatistics>& statistics);

} // namespace vlmscope
