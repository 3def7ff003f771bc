// The rules a file's figures were computed under, as a small versioned structure that every
// export embeds, so that two files can be compared field by field (core/metrics/METRICS.md).
#pragma once

#include "core/metrics/generation_metrics.h"

#include <cstdint>
#include <string>

namespace vlmscope {

// The fixed rules of kMetricDefinitionsId, spelled out so that a reader of a file needs no
// copy of METRICS.md; a new id must come with new texts.
namespace definition {
inline constexpr const char* kTtft = "t1 - t0; t0 = run start, before image preprocessing";
inline constexpr const char* kTpot = "(d_K - d_1) / (K - 1) over the decode tokens = mean ITL; the first token excluded";
inline constexpr const char* kItl = "d_i - d_(i-1) between consecutive decode tokens";
inline constexpr const char* kInputTokens = "text tokens + image tokens (prompt positions of the decoder)";
inline constexpr const char* kOutputTokens = "every generated token, the end-of-sequence token and ids outside "
                                             "the vocabulary included";
inline constexpr const char* kDecodeTokens = "output tokens after --discard-first; only decode figures use them";
inline constexpr const char* kWarmup = "--warmup N untracked generations before each measured invocation";
} // namespace definition

struct MetricDefinitions {
    std::string id = kMetricDefinitionsId;
    std::string ttft = definition::kTtft;
    std::string tpot = definition::kTpot;
    std::string itl = definition::kItl;
    std::string inputTokens = definition::kInputTokens;
    std::string outputTokens = definition::kOutputTokens;
    std::string decodeTokens = definition::kDecodeTokens;
    std::string warmupPolicy = definition::kWarmup;
    // What varies per run.
    int warmupRuns = 0;
    std::int64_t discardFirst = 0;
    bool stopAtEos = true; // off: every run produces --max-tokens tokens
};

} // namespace vlmscope
