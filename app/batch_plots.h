// --plot: PNG and SVG charts rendered headless (Qt Charts, offscreen platform) from run
// records and benchmark results. Files are named <prefix>_<chart>.png/.svg.
#pragma once

#include "app/benchmark_command.h"
#include "core/engine/run_record.h"
#include "core/io/benchmark_results.h"

#include <string>
#include <vector>

namespace vlmscope {

// Per-token TPS, per-token latency, per-second TPS, layer bars, category shares, layer x
// step heatmap, memory and inter-token latency by output position of `runs` (overlaid where
// a chart overlays). Returns the files.
std::vector<std::string> writeRunPlots(const std::string& prefix, const std::vector<RunRecord>& runs);

// Decode TPS and TTFT over the swept parameter (one line per other setting), inter-token
// latency by output position (and by context depth when --context-lengths sweeps), then the run
// charts of the longest configuration's last run.
std::vector<std::string> writeBenchmarkPlots(const std::string& prefix, const BenchmarkResults& results,
                                             const std::vector<SweepPoint>& plan,
                                             const std::vector<std::vector<RunRecord>>& runs);

} // namespace vlmscope
