// The files a batch invocation writes besides the log (run records, results JSON, trace,
// CSV, plots), the --baseline regression gate, and the benchmark's --json document.
#pragma once

#include "app/batch_context.h"
#include "app/benchmark_command.h"
#include "core/engine/run_record.h"

#include <vector>

namespace vlmscope {

// Generate mode: --output (one run record per generation), --trace, --csv, --plot.
void writeRunExports(const BatchContext& context, const std::vector<RunRecord>& records);

// Generate mode gate: medians over the generations against --baseline. 0, or 3 on regression.
int gateAgainstBaseline(const BatchContext& context, const std::vector<RunRecord>& records);

struct BenchmarkOutcome {
    int exitCode = 0;
};

// Benchmark mode: results JSON, trace/CSV of every run, plots, the gate and --json stdout.
BenchmarkOutcome writeBenchmarkExports(const BatchContext& context, const ModelBundle& bundle,
                                       const std::vector<SweepPoint>& plan,
                                       const std::vector<std::vector<RunRecord>>& runs);

} // namespace vlmscope
