// The benchmark results file (SPEC §5): every field the original benchmark-tps.py wrote, with
// its meaning, plus vlmscope's statistics across iterations, run summaries and the sweep.
#pragma once

#include "core/engine/run_record.h"
#include "core/io/run_manifest.h"
#include "core/metrics/aggregate.h"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vlmscope {

inline constexpr const char* kBenchmarkSchema = "vlmscope.benchmark/1";
inline constexpr std::size_t kMaxBenchmarkResultsBytes = std::size_t(512) << 20;

// What changed from one configuration to the next.
enum class SweepDimension { None, MaxTokens, ContextLength, KvCache, Threads };
const char* sweepDimensionName(SweepDimension dimension); // "none", "max_tokens", ...
bool parseSweepDimension(const std::string& name, SweepDimension* out);

// The figures of one run that benchmarks compare (seconds, tokens/s, bytes). Empty where
// undefined for that run (SPEC §4).
struct RunFigures {
    std::optional<double> totalS, ttftS, prefillS, inputTps, decodeTps, tpotS, overallTps, e2eOutputTps;
    std::optional<double> itlMeanS, itlP50S, itlP90S, itlP99S;
    std::optional<double> peakTpsPerSecond, peakTpsWindow8, stabilityAbs, stabilityRelPct;
    std::optional<double> peakRssBytes, rssIncreaseBytes, peakAllocatorBytes, peakKvCacheBytes;
    std::optional<double> cpuUtilization;
};

// The same figures across the iterations of one configuration: mean, median, sample
// stddev, min, max (core/metrics/aggregate.h; NaN where undefined).
struct FigureSummaries {
    Summary totalS, ttftS, prefillS, inputTps, decodeTps, tpotS, overallTps, e2eOutputTps;
    Summary itlMeanS, itlP50S, itlP90S, itlP99S;
    Summary peakTpsPerSecond, peakTpsWindow8, stabilityAbs, stabilityRelPct;
    Summary peakRssBytes, rssIncreaseBytes, peakAllocatorBytes, peakKvCacheBytes;
    Summary cpuUtilization;
};

// One measured run of a configuration, in short.
struct IterationSummary {
    std::string runId;
    RunStatus status = RunStatus::Finished;
    std::int64_t inputTokens = 0;
    std::int64_t outputTokens = 0;
    RunFigures figures;
};

struct BenchmarkConfiguration {
    // benchmark-tps.py's fields. Seconds and tokens/s, averaged over iterations. Where a run
    // leaves a rate undefined the original counted 0, and so do these (see the .cpp).
    std::int64_t tokenCount = 0; // max new tokens asked for
    std::int64_t iterations = 0;
    std::optional<double> avgTps;       // mean of n_out / (tE - t0): the original's "overall" once it
                                        // dropped the prompt entry (discard_warm_up_tokens)
    std::optional<double> avgTime;      // mean of tE - t0
    std::optional<double> avgTtft;      // mean of t1 - t0
    std::optional<double> peakTps;      // max over iterations of the busiest 1 s bucket
    std::optional<double> minTime;      // min of tE - t0
    std::optional<double> tpsStability; // mean over iterations of the stddev of per-second TPS
    // null, or one object per iteration in the layout of the original's TPSTracker.get_metrics()
    nlohmann::ordered_json detailedResults;

    // vlmscope's fields; left at their defaults when read from a file of the original tool.
    bool original = false;
    bool kvCache = true;
    int threads = 0;
    std::int64_t contextLength = 0; // prompt positions (text + image) before the first new token
    FigureSummaries summary;
    std::vector<IterationSummary> runs;
};

struct BenchmarkResults {
    // benchmark-tps.py's fields.
    std::string model;
    std::string device;
    std::string prompt;
    std::int64_t iterations = 0;
    std::string timestamp; // local time, "YYYY-mm-dd HH:MM:SS"
    std::vector<BenchmarkConfiguration> results;

    // vlmscope's fields; defaults when read from a file of the original tool.
    bool original = false;
    std::string metricDefinitions = kMetricDefinitionsId;
    SweepDimension sweep = SweepDimension::MaxTokens;
    int warmup = 0;
    std::int64_t discardFirst = 0;
    // "definitions" and "environment" (of the first run; threads 0 in a thread sweep, where
    // results[].threads says); empty in files written before them and the original's.
    std::optional<RunManifest> manifest;
};

struct BenchmarkSetup {
    std::string model;
    std::string device;
    std::string prompt;
    std::string timestamp; // empty: now
    std::int64_t iterations = 0;
    SweepDimension sweep = SweepDimension::MaxTokens;
    int warmup = 0;
    std::int64_t discardFirst = 0;
    bool detailed = false; // fill detailed_results, as the original's --detailed did
};

// The current local time in the original's timestamp format.
std::string benchmarkTimestampNow();

// Figures of one run, recomputed from its events. Throws InputError on inconsistent timing.
RunFigures runFigures(const RunRecord& run);

// One configuration from its measured runs (at least one). Throws InputError.
BenchmarkConfiguration summarizeConfiguration(const std::vector<RunRecord>& runs, bool detailed);

// The whole file; configurations in the order given. Throws InputError on an empty configuration.
BenchmarkResults buildBenchmarkResults(const BenchmarkSetup& setup,
                                       const std::vector<std::vector<RunRecord>>& runsPerConfiguration);

// One run in the layout of the original TPSTracker.get_metrics() (detailed_results entries),
// filled with vlmscope's nearest figures.
nlohmann::ordered_json originalMetricsJson(const RunRecord& run);

nlohmann::ordered_json benchmarkResultsToJson(const BenchmarkResults& results);

// Reads our files and the original tool's. Validates every field; statistics and averages of
// our files are recomputed from the run summaries. Throws InputError naming `source`.
BenchmarkResults benchmarkResultsFromJson(const nlohmann::ordered_json& document, const std::string& source);

void writeBenchmarkResults(const std::string& path, const BenchmarkResults& results); // atomic
BenchmarkResults readBenchmarkResults(const std::string& path);

} // namespace vlmscope
