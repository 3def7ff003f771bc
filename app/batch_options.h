// Command-line options of `vlmscope --batch`, parsed and validated into plain values
// (names follow the original generate.py / benchmark-tps.py, SPEC §6).
#pragma once

#include "core/engine/run_record.h"
#include "core/io/generation_log.h"

#include <QStringList>

#include <optional>
#include <string>
#include <vector>

namespace vlmscope {

enum class BatchMode { Generate, Benchmark, Tokenize };

struct BatchOptions {
    BatchMode mode = BatchMode::Generate;
    RunSettings run;                    // model, prompt, image, sampling, threads, profiling, ...
    std::optional<std::vector<std::int64_t>> inputIds;
    std::string tokenizeText;

    // Sweeps (benchmark mode); generate mode uses the first entry of each.
    std::vector<std::int64_t> maxTokens{20};
    std::vector<std::int64_t> contextLengths; // prompt text tokens; empty: the prompt as given
    std::vector<bool> kvCacheModes{true};
    std::vector<int> threadCounts{0};

    int numGenerations = 1;
    int iterations = 3;

    bool metrics = false;
    bool detailedMetrics = false;
    bool log = false;         // on by default with --metrics and in benchmark mode
    LogLevel logLevel = LogLevel::Detailed;
    std::string logFile;      // empty: automatic name under logs/
    std::string output;       // run record (generate) or results JSON (benchmark)
    bool plot = false;
    std::string traceFile;
    std::string csvDir;
    std::string baseline;                  // the first --baseline (empty: no gate)
    std::vector<std::string> baselineFiles; // every --baseline, in order
    double maxRegressionPct = 5.0;
    std::string junitFile;                  // --junit: JUnit XML of the gate / the measurements
    std::string summaryMarkdownFile;        // --summary-md: Markdown table for a CI step summary

    // --until-stable PCT: iterate each configuration until the 95% bootstrap interval of the
    // median decode TPS and of the median TTFT lie within ±PCT% of the median, between
    // minIterations and maxIterations (--iterations / --num-generations is the minimum).
    std::optional<double> untilStablePct;
    int minIterations = 3;
    int maxIterations = 30;
    // --overhead-check: after the generations, alternate runs with profiling off and on
    // and report the measured overhead next to the estimate (generate mode).
    bool overheadCheck = false;
    bool json = false;
    bool quiet = false;
};

struct ParsedCommandLine {
    BatchOptions options;
    bool help = false;
    bool version = false;
    std::string helpText;
};

// Parses argv (the program name and --batch included). Usage errors throw InputError.
ParsedCommandLine parseBatchOptions(const QStringList& arguments);

} // namespace vlmscope
