// The manifest every export embeds: the metric definitions its figures follow and the
// environment they were measured in (JSON objects, and one line each in the .log); and the
// differences that keep two runs from being compared like for like.
#pragma once

#include "core/engine/run_record.h"
#include "core/io/json_reader.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace vlmscope {

struct RunManifest {
    MetricDefinitions definitions;
    EnvironmentInfo environment;
};

RunManifest manifestOf(const RunRecord& run);

// The "definitions" and "environment" objects of our JSON files.
nlohmann::ordered_json definitionsToJson(const MetricDefinitions& definitions);
nlohmann::ordered_json environmentToJson(const EnvironmentInfo& environment);
nlohmann::ordered_json manifestToJson(const RunManifest& manifest); // {"definitions": ..., "environment": ...}
// Validating readers. Fields added after vlmscope.run/1 was first written (cpu_flags, blas_path,
// dtype, hashes) may be absent: older files read as "not recorded" (empty).
MetricDefinitions readDefinitions(const JsonReader& reader);
EnvironmentInfo readEnvironment(const JsonReader& reader);

// The .log's lines: "Metric definitions: id=vlmscope.metrics/1; warmup_runs=2; ..." and
// "Environment manifest: cpu_model=...; threads=2; ...". The definitions' fixed texts are
// implied by the id and not repeated. Values never hold ';' or line breaks.
inline constexpr const char* kLogDefinitionsLabel = "Metric definitions";
inline constexpr const char* kLogEnvironmentLabel = "Environment manifest";
std::string definitionsLogValue(const MetricDefinitions& definitions);
std::string environmentLogValue(const EnvironmentInfo& environment);

// "key=value" pairs of a log line, keys prefixed "definitions." or "environment.".
using ManifestFields = std::vector<std::pair<std::string, std::string>>;
ManifestFields manifestFieldsOfLogValue(const std::string& prefix, const std::string& value);
// A manifest from such pairs; unknown keys and unreadable values are left out (not recorded).
// Empty when no pair is known.
std::optional<RunManifest> manifestFromFields(const ManifestFields& fields);

// What differs between `a` and `b` in the fields that change figures, a's value first:
// "threads 1 vs 2", "BLAS OpenBLAS (OpenMP) vs reference BLAS (netlib)", "CPU flags avx512f vs
// none" (the flags only one side has). Fields one side did not record are skipped; so are the
// app version and git commit, since comparing builds is what a baseline is for.
std::vector<std::string> describeManifestDifferences(const RunManifest& a, const RunManifest& b);

// The manifest of a file vlmscope wrote: a run record (from its settings and environment when
// it predates the manifest), benchmark results or a .log (its first entry). Empty for files
// without one (other tools' results, older results and logs). Throws InputError when the file
// cannot be read or parsed.
std::optional<RunManifest> readFileManifest(const std::string& path);

} // namespace vlmscope
