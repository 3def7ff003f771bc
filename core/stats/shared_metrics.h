// vlmscope runs next to other tools' results: a set of runs seen as an external result, so
// the figures both carry (decode tok/s, TTFT, TPOT, inter-token latency and its percentiles)
// can be compared with the same statistics as two external results.
#pragma once

#include "core/engine/run_record.h"
#include "core/stats/comparison.h"
#include "core/stats/external_results.h"

#include <string>
#include <vector>

namespace vlmscope {

// Percentiles of TTFT, TPOT and ITL compared where both sides report them.
inline constexpr double kSharedPercentiles[] = {50, 90, 99};

// `runs` as an external result of `tool` (so the pairing rules of compareExternalRuns
// apply): decode TPS, TTFT and TPOT one sample per run, the inter-token latency one sample
// per decode token (after --discard-first), pooled over the runs, and its p50/p90/p99 (as
// for TTFT and TPOT). Prompt and batch throughput stay empty: vlmscope's input TPS includes
// image preprocessing and encoding, so it is not the same figure as a prompt-processing test.
ExternalRun externalRunFromRuns(const std::vector<RunRecord>& runs, ExternalTool tool, const std::string& label);

// The reported p50/p90/p99 of TTFT, TPOT and ITL that both sides carry (or that their
// samples give), one figure per side: delta and % change, no interval and no p-value.
std::vector<MetricComparison> compareLatencyPercentiles(const ExternalRun& baseline, const ExternalRun& candidate);

// vlmscope runs against an external result on the shared figures: compareExternalRuns
// followed by compareLatencyPercentiles. The sample kinds name both sides ("repetition vs
// run"). `externalIsBaseline` says which side the external result is.
std::vector<MetricComparison> compareRunsWithExternal(const std::vector<RunRecord>& runs, const ExternalRun& external,
                                                      bool externalIsBaseline, const ComparisonOptions& options = {});

} // namespace vlmscope
