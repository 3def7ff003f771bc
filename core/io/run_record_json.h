// The run record file (SPEC §5, schema "vlmscope.run/1"): every field of a RunRecord as JSON,
// and a loader that validates it all and recomputes the metrics from the events.
#pragma once

#include "core/engine/run_record.h"
#include "core/io/json_reader.h"

#include <cstddef>
#include <string>

namespace vlmscope {

// A run of hours with op profiling stays far below this; bigger is not a run record.
inline constexpr std::size_t kMaxRunRecordBytes = std::size_t(512) << 20;

// Every field, metrics included as computed (undefined figures as null), plus the
// "metric_definitions" id the metrics were computed under and the "definitions" object
// (core/io/run_manifest.h). "definitions", the environment's cpu_flags, blas_path, dtype and
// hashes, and "profiler_overhead" were added to vlmscope.run/1 later: files without them load.
nlohmann::ordered_json runRecordToJson(const RunRecord& record);

// Validates the document and rebuilds the record; `source` names it in error messages
// ("run.json: tokens[3].time_ns must be a non-negative integer"). Stored metrics are not
// trusted: they are recomputed from the events. Throws InputError.
RunRecord runRecordFromJson(const nlohmann::json& document, const std::string& source);
// Same, keeping the key order of model.config as written. Parse untrusted bytes with
// parseJsonLimited (core/io/json_reader.h), which bounds nesting and object sizes.
RunRecord runRecordFromJson(const nlohmann::ordered_json& document, const std::string& source);

// Writes the record atomically (temporary file + rename). Throws RuntimeFailure.
void writeRunRecord(const std::string& path, const RunRecord& record);

// Reads and validates a run record file (at most kMaxRunRecordBytes). Throws InputError.
RunRecord readRunRecord(const std::string& path);

} // namespace vlmscope
