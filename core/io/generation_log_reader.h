// Reads consolidated .log files (vlmscope's and the original nanoVLM tool's "GENERATION
// SUMMARY" format) back into per-run summaries, for comparing runs in the GUI. Defensive:
// bounded size, damaged or truncated entries skipped with a warning, never a crash.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vlmscope {

inline constexpr std::size_t kMaxLogFileBytes = std::size_t(256) << 20;
inline constexpr std::size_t kMaxLogRuns = 100000;

struct LogShare {
    std::string name;
    double percent = 0;
    std::optional<double> seconds;
};

// One GENERATION SUMMARY entry. Times in seconds, rates in tokens per second, memory in the
// log's MB (2^20 bytes). Empty optionals: not in the entry (basic level, older format) or "n/a".
struct LogRunSummary {
    std::int64_t line = 0;        // 1-based line of the entry's title
    int generationNumber = 0;     // 0 when the entry does not say
    std::string model;
    std::string date;
    std::string device;
    std::string prompt;
    std::string status;
    bool synthetic = false;       // built-in weights: text not meaningful
    bool vlmscope = false;        // written by vlmscope (else by the original tool)
    std::optional<std::int64_t> maxTokens;
    // The entry's "Metric definitions" and "Environment manifest" lines as key/value pairs
    // ("definitions.id", "environment.threads", ...; core/io/run_manifest.h reads them).
    // Empty for the original tool's logs and older vlmscope ones.
    std::vector<std::pair<std::string, std::string>> manifest;

    std::optional<std::int64_t> totalTokens;
    std::optional<std::int64_t> inputTokens;
    std::optional<std::int64_t> outputTokens;
    std::optional<std::int64_t> imageTokens;
    std::optional<std::int64_t> textTokens;

    std::optional<double> totalS;
    std::optional<double> ttftS;
    std::optional<double> prefillS;
    std::optional<double> tpotS;
    std::optional<double> overallTps;
    std::optional<double> inputTps;
    std::optional<double> outputTps;
    std::optional<double> e2eOutputTps;
    std::optional<double> peakTps;
    std::optional<double> peakTpsWindow8;
    std::optional<double> stabilityAbs;
    std::optional<double> stabilityRelPct;

    std::optional<std::int64_t> itlCount;
    std::optional<double> itlMeanS;
    std::optional<double> itlP50S;
    std::optional<double> itlP90S;
    std::optional<double> itlP99S;
    std::optional<double> itlMinS;
    std::optional<double> itlMaxS;
    std::optional<double> itlCv;

    std::vector<double> perSecondTps;
    std::vector<LogShare> categories; // "Layer performance", in file order
    std::vector<LogShare> topLayers;  // "Detailed layer breakdown", in file order

    std::optional<double> peakMemoryMb;
    std::optional<double> memoryIncreaseMb;
    std::optional<double> memoryPerTokenMb;
    std::optional<double> kvCacheMb;
};

// Parses log text. `source` names it in messages. Entries that are damaged, truncated or
// have no figures are skipped and explained in `warnings` (line numbers included), as are
// ignored trailing lines. Throws InputError when no entry can be read.
std::vector<LogRunSummary> parseGenerationLog(std::string_view text, const std::string& source,
                                              std::vector<std::string>* warnings = nullptr);

// Reads and parses `path` (at most kMaxLogFileBytes). Throws InputError naming the path.
std::vector<LogRunSummary> readGenerationLog(const std::string& path, std::vector<std::string>* warnings = nullptr);

} // namespace vlmscope
