// CSV export (SPEC §5) of a run's tables: tokens, layer scopes and per-step layer times.
// RFC 4180: comma separated, CRLF line ends, fields with commas, quotes or line breaks quoted.
#pragma once

#include "core/engine/run_record.h"

#include <string>
#include <string_view>

namespace vlmscope {

// One field, quoted (with inner quotes doubled) only where RFC 4180 requires it.
std::string csvField(std::string_view text);

// index,id,text,time_s,latency_ms — one row per output token.
std::string tokensCsv(const RunRecord& run);
// scope,category,parent,calls,inclusive_ms,self_ms,self_pct,mean_per_call_us — run totals;
// parent is the enclosing scope's name, self_pct the share of all scopes' self time.
std::string layersCsv(const RunRecord& run);
// step,scope,calls,self_ms,inclusive_ms — one row per step and scope (long format).
std::string stepsCsv(const RunRecord& run);

// The manifest of the tables (core/io/run_manifest.h) goes into a sidecar JSON file next to
// them rather than into "#" comment lines: RFC 4180 has no comments, and pandas, R's read.csv
// and spreadsheets would read such a line as a data row or fail on it.
inline constexpr const char* kCsvManifestFile = "manifest.json";
// {"run": id, "files": [...], "definitions": {...}, "environment": {...}}.
std::string csvManifestJson(const RunRecord& run);

// Writes tokens.csv, layers.csv, steps.csv and manifest.json into `dir` (created if
// missing), each atomically. Throws RuntimeFailure.
void writeCsv(const std::string& dir, const RunRecord& run);

} // namespace vlmscope
