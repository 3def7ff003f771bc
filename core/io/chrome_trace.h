// Chrome Trace Event export (SPEC §5) of one or several runs, for Perfetto and chrome://tracing:
// phases, per-step layer scopes, op totals, memory counters and tokens.
#pragma once

#include "core/engine/run_record.h"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace vlmscope {

// {"traceEvents": [...], "displayTimeUnit": "ms", "otherData": {...}}. Each run is one
// process (pid 1, 2, ...), every run starting at ts 0; timestamps are microseconds. Tracks
// per run: phases, layers (per step), tokens, ATen op totals, and memory counters.
std::string chromeTraceText(const std::vector<RunRecord>& runs);
// The same as a document (tests, tools); the text is cheaper for big traces.
nlohmann::ordered_json chromeTraceJson(const std::vector<RunRecord>& runs);

// Write atomically. Throws RuntimeFailure.
void writeChromeTrace(const std::string& path, const std::vector<RunRecord>& runs);
void writeChromeTrace(const std::string& path, const RunRecord& run);

} // namespace vlmscope
