// What the profiler's actions cost on this machine, measured with their real code paths
// (ScopeProfiler, OpProfiler's RecordFunction callbacks, the allocator hook), so that every
// run states its own estimated overhead. Tracy publishes its cost per zone; we measure ours.
#pragma once

#include "core/engine/run_record.h"

namespace vlmscope {

// Each cost is the median over alternating batches of (instrumented - plain) time per
// action, never below 0. About 10 ms. Call on a thread without an active OpProfiler.
ProfilerCalibration measureProfilerCalibration();

// measureProfilerCalibration() on first use, then the same values for the whole process.
const ProfilerCalibration& profilerCalibration();

} // namespace vlmscope
