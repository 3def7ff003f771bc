// The generation metrics of SPEC §4 as one pure function of a run's timestamps, token
// counts and memory samples. core/metrics/METRICS.md defines every figure precisely.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

namespace vlmscope {

// Names the definitions in METRICS.md; exports carry it so readers know which rules made
// the numbers. Bump it whenever a definition changes.
inline constexpr const char* kMetricDefinitionsId = "vlmscope.metrics/1";

// Longest run accepted (7 days). Bounds the per-second series and keeps every nanosecond
// difference far from int64 overflow and exact in a double.
inline constexpr std::int64_t kMaxRunNs = std::int64_t(7) * 24 * 3600 * 1'000'000'000;

struct MemoryPoint {
    std::int64_t timeNs = 0; // relative to t0; carried for charts, no figure depends on it
    std::int64_t rssBytes = 0;
    std::optional<std::int64_t> allocatorBytes; // empty where the allocator did not report
    std::optional<std::int64_t> kvCacheBytes;   // empty where there is no KV cache
};

// Everything measured in one generation. Times are nanoseconds after the run start t0 = 0.
struct TimingInput {
    std::optional<std::int64_t> prefillEndNs; // tp; empty when stopped before prefill ended
    std::vector<std::int64_t> tokenTimesNs;   // t_1..t_N: when each output token was available
    std::int64_t endNs = 0;                   // tE
    std::int64_t inputTokens = 0;             // n_in = text + image tokens of the prompt
    std::int64_t imageTokens = 0;
    std::int64_t discardFirst = 0; // --discard-first: leaves the first tokens out of decode figures
    std::vector<MemoryPoint> memory;
    std::optional<std::int64_t> startRssBytes; // RSS at t0; else the first sample is the start
};

// Inter-token latencies, in seconds except the unit-free cv. All empty when count == 0.
struct IntervalStats {
    std::int64_t count = 0;
    std::optional<double> mean;
    std::optional<double> p50;
    std::optional<double> p90;
    std::optional<double> p99;
    std::optional<double> min;
    std::optional<double> max;
    std::optional<double> stddev; // population
    std::optional<double> cv;     // stddev / mean; empty when the mean is 0
};

// One memory source (RSS, allocator, KV cache) over the run, in bytes.
struct MemorySeriesMetrics {
    std::optional<std::int64_t> startBytes;
    std::optional<std::int64_t> peakBytes;
    std::optional<std::int64_t> increaseBytes; // peak - start
    std::optional<double> perOutputTokenBytes; // increase / n_out
};

// Every figure of SPEC §4. An empty optional means "undefined for this run" (too few
// tokens, a zero-length span): never 0, never inf. Rates are tokens per second.
struct GenerationMetrics {
    std::int64_t inputTokens = 0;
    std::int64_t imageTokens = 0;
    std::int64_t textTokens = 0;
    std::int64_t outputTokens = 0;    // n_out, discarded ones included
    std::int64_t discardedTokens = 0; // min(discardFirst, n_out)
    std::int64_t decodeTokens = 0;    // n_out - discarded: what the decode figures use
    double totalS = 0;                // tE - t0

    std::optional<double> ttftS;
    std::optional<double> prefillS;
    std::optional<double> inputTps;
    std::optional<double> outputTps; // decode TPS
    std::optional<double> tpotS;
    std::optional<double> overallTps;
    std::optional<double> e2eOutputTps;

    IntervalStats itl;
    std::vector<double> perSecondTps; // bucket k: decode tokens with t_i in [k s, (k+1) s)
    std::optional<double> peakTpsPerSecond;
    std::optional<double> peakTpsWindow8;
    std::optional<double> stabilityAbs;    // tokens/s
    std::optional<double> stabilityRelPct; // percent of the mean per-second TPS

    MemorySeriesMetrics rss;
    MemorySeriesMetrics allocator;
    MemorySeriesMetrics kvCache;
};

// Computes every figure. Throws InputError (message starts "run timing:") when the input
// is inconsistent: negative or decreasing times, a time after tE, tE beyond kMaxRunNs,
// negative counts or byte sizes, more image tokens than input tokens.
GenerationMetrics computeMetrics(const TimingInput& input);

} // namespace vlmscope
