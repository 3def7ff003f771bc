// Benchmark results of other tools, imported as external runs so they can be compared with
// each other and summarized next to vlmscope's: llama-bench (`-o json`, `-o jsonl`) and
// vLLM's benchmarks/benchmark_serving.py (`--save-result`).
#pragma once

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vlmscope {

inline constexpr std::size_t kMaxExternalResultsBytes = std::size_t(256) << 20;
// Per-repetition and per-request samples kept from one file, all kinds together.
inline constexpr std::size_t kMaxExternalSamples = std::size_t(16) << 20;

enum class ExternalTool { LlamaBench, VllmServing };
const char* externalToolName(ExternalTool tool); // "llama-bench", "vllm benchmark_serving"

// A rate in tokens/s as the tool measured it.
struct RateFigures {
    std::optional<double> mean;
    std::optional<double> stddev;
    std::vector<double> samples; // one per repetition (llama-bench) or per request (vLLM)
};

// A latency in milliseconds as the tool reported it.
struct LatencyFigures {
    std::optional<double> meanMs;
    std::optional<double> medianMs;
    std::optional<double> stddevMs;
    std::vector<std::pair<double, double>> percentilesMs; // (percentile 0..100, value), ascending
    std::vector<double> samplesMs;                        // per request / per token where saved
    std::optional<double> percentile(double pct) const;  // exactly as reported, else empty
};

// One measured configuration of an external tool.
struct ExternalRun {
    ExternalTool tool = ExternalTool::LlamaBench;
    std::string source; // file it was read from
    std::string model;  // llama-bench model_type, vLLM model_id
    // What was measured, without the model, to pair configurations of two files:
    // "tg128, 8 threads" (llama-bench), "rate inf, concurrency 4" (vLLM).
    std::string configuration;
    std::string label; // model and configuration, for people
    std::string date;  // as the tool wrote it
    std::optional<std::int64_t> promptTokens;    // per test / all requests together
    std::optional<std::int64_t> generatedTokens; // per test / all requests together
    std::optional<std::int64_t> threads;
    std::int64_t repetitions = 0; // llama-bench repetitions; vLLM completed requests

    // Decode rate of one stream: llama-bench text-generation tests (avg_ts, samples_ts);
    // vLLM 1000 / median TPOT, samples per request from its inter-token latencies.
    RateFigures decodeTps;
    RateFigures promptTps;     // llama-bench prompt-processing tests
    RateFigures throughputTps; // vLLM output_throughput (all requests); llama-bench pp+tg tests
    std::optional<double> requestThroughput; // vLLM requests/s
    LatencyFigures ttft;
    LatencyFigures tpot; // vLLM; llama-bench text generation: avg_ns / n_gen
    LatencyFigures itl;
    LatencyFigures e2el; // vLLM end-to-end request latency
};

// llama-bench `-o json` (an array of test objects) or `-o jsonl` (one object per line).
// Throws InputError naming `source` (and the line for JSONL).
std::vector<ExternalRun> llamaBenchFromText(std::string_view text, const std::string& source);

// One vLLM benchmark_serving.py result file. Throws InputError naming `source`.
ExternalRun vllmServingFromJson(const nlohmann::ordered_json& document, const std::string& source);

// Either format, recognised from its content. Throws InputError.
std::vector<ExternalRun> externalRunsFromText(std::string_view text, const std::string& source);
std::vector<ExternalRun> readExternalResults(const std::string& path);

} // namespace vlmscope
