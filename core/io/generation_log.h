// The consolidated .log of the original tool: "GENERATION SUMMARY" entries (--log-level
// basic|detailed), several runs to a file between separator lines, a benchmark summary
// section, and automatic file names. Appends are atomic: earlier runs are never damaged.
#pragma once

#include "core/engine/run_record.h"

#include <QDateTime>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vlmscope {

enum class LogLevel { Basic, Detailed };
const char* logLevelName(LogLevel level);
bool parseLogLevel(const std::string& name, LogLevel* out);

inline constexpr const char* kLogSummaryTitle = "GENERATION SUMMARY";
inline constexpr const char* kLogBenchmarkTitle = "BENCHMARK SUMMARY";
inline constexpr const char* kLogFileTitle = "VLMSCOPE TPS METRICS LOG";
inline constexpr std::size_t kLogBannerWidth = 50;    // "=" lines around a title
inline constexpr std::size_t kLogSeparatorWidth = 80; // "=" line closing every entry

// The lines a new log file starts with: tool, mode ("generation", "benchmark ..."), model,
// prompt, image, settings and date of `record`.
std::string formatLogHeader(const RunRecord& record, const std::string& mode);

// One run as a GENERATION SUMMARY entry, closed by its separator line, ready to append.
// Basic has the original's sections (figures, memory, layer categories, TPS per second);
// detailed adds latency, ITL, multimodal, allocator/KV-cache, top-10 layers, phases, environment.
std::string formatLogEntry(const RunRecord& record, LogLevel level, int generationNumber);

// A BENCHMARK SUMMARY section for the iterations of a benchmark: the original's "Summary of
// Results" table (one row per --max-tokens value, in first-seen order), then mean / median /
// stddev / min / max across iterations. Closed by a separator line.
std::string formatBenchmarkSummary(const std::vector<RunRecord>& runs);

// Appends `text` to `path`, writing `headerIfNew` first when the file is missing or empty.
// Throws RuntimeFailure when the file cannot be written; the earlier content stays intact.
void appendToLog(const std::string& path, const std::string& headerIfNew, const std::string& text);
void appendRunToLog(const std::string& path, const RunRecord& record, LogLevel level, int generationNumber,
                    const std::string& mode = "generation");
void appendBenchmarkSummaryToLog(const std::string& path, const std::vector<RunRecord>& runs);

// The last path component of a model name or directory, reduced to [A-Za-z0-9._-] (other
// bytes become '_'), no leading dots, at most 64 bytes; "unknown_model" when nothing is left.
std::string sanitizeModelName(const std::string& model);

// `dir`/tps_metrics_<model>_<N>tokens_<yyyyMMdd_HHmmss>.log, or ..._benchmark_<...>.log when
// `maxTokens` is empty; the time is `when` in its own time zone, as the original used local time.
std::string automaticLogName(const std::string& dir, const std::string& model,
                             std::optional<std::int64_t> maxTokens, const QDateTime& when);

} // namespace vlmscope
