// The human-readable report of one run (the original tool's "=== Token Generation Metrics ==="
// block) with vlmscope's honest figures: self time, SPEC §4 definitions, "n/a" when undefined.
#pragma once

#include "core/engine/run_record.h"

#include <string>

namespace vlmscope {

inline constexpr const char* kReportTitle = "=== Token Generation Metrics ===";

// The report of `record`, whose metrics must be computed. `detailed` adds the top-10 layer
// breakdown, the phase times and the environment (--detailed-metrics).
std::string formatReport(const RunRecord& record, bool detailed);

} // namespace vlmscope
