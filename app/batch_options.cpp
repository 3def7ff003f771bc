#include "app/batch_options.h"

#include "core/model/weight_precision.h"
#include "core/util/error.h"

#include <QCommandLineParser>
#include <QFileInfo>

#include <algorithm>
#include <limits>

namespace vlmscope {

namespace {

std::int64_t parseInteger(const QString& value, const char* option, std::int64_t min, std::int64_t max)
{
    bool ok = false;
    const qlonglong number = value.trimmed().toLongLong(&ok);
    if (!ok || number < min || number > max)
        throw InputError(std::string("--") + option + " " + value.toStdString() + ": expected an integer in ["
                         + std::to_string(min) + ", " + std::to_string(max) + "]");
    return number;
}

double parseReal(const QString& value, const char* option, double min, double max)
{
    bool ok = false;
    const double number = value.trimmed().toDouble(&ok);
    if (!ok || !(number >= min && number <= max))
        throw InputError(std::string("--") + option + " " + value.toStdString() + ": expected a number in ["
                         + QString::number(min).toStdString() + ", " + QString::number(max).toStdString() + "]");
    return number;
}

std::vector<std::int64_t> parseIntegerList(const QString& value, const char* option, std::int64_t min, std::int64_t max)
{
    std::vector<std::int64_t> numbers;
    for (const QString& part : value.split(',', Qt::SkipEmptyParts))
        numbers.push_back(parseInteger(part, option, min, max));
    if (numbers.empty())
        throw InputError(std::string("--") + option + ": expected a comma-separated list of integers");
    return numbers;
}

struct Options {
    QCommandLineOption help{{"h", "help"}, "Show this help."};
    QCommandLineOption version{"version", "Show the version."};
    QCommandLineOption batch{"batch", "Run headless (no display needed)."};
    QCommandLineOption benchmark{"benchmark", "Benchmark mode (benchmark-tps.py): every --max-tokens x sweep value "
                                              "x --iterations, with aggregates."};
    QCommandLineOption model{"model", "Checkpoint folder (config.json + model.safetensors), 'builtin' (nanoVLM-222M "
                                      "shape, synthetic weights) or 'tiny'.", "DIR|builtin|tiny", "builtin"};
    QCommandLineOption tokenizer{"tokenizer", "tokenizer.json (default: the checkpoint's, else the built-in SmolLM2 "
                                              "tokenizer).", "FILE"};
    QCommandLineOption prompt{"prompt", "Prompt text.", "TEXT", "What is in this image?"};
    QCommandLineOption inputIds{"input-ids", "Prompt as raw token ids (reproduces a Python pipeline exactly).",
                                "ID,ID,..."};
    QCommandLineOption image{"image", "Image (PNG, JPEG, ...) or .safetensors with preprocessed pixels. Default: "
                                      "the built-in sample image.", "FILE"};
    QCommandLineOption noImage{"no-image", "Text only."};
    QCommandLineOption maxTokens{"max-tokens", "New tokens per generation; a comma list in --benchmark mode.",
                                 "N[,N...]"};
    QCommandLineOption numGenerations{"num-generations", "Generations to run in generate mode.", "N", "1"};
    QCommandLineOption iterations{"iterations", "Measured runs per benchmark configuration.", "N", "3"};
    QCommandLineOption warmup{"warmup", "Untracked generations before measuring (default 0; 2 in --benchmark).",
                              "N"};
    QCommandLineOption discardFirst{"discard-first", "Leave the first N output tokens out of the decode figures.",
                                    "N", "0"};
    QCommandLineOption greedy{"greedy", "Greedy decoding (the default)."};
    QCommandLineOption temperature{"temperature", "Sample with this temperature (nanoVLM's default 0.5).", "T"};
    QCommandLineOption topK{"top-k", "Top-k filter when sampling.", "K", "50"};
    QCommandLineOption topP{"top-p", "Top-p filter when sampling.", "P", "0.9"};
    QCommandLineOption seed{"seed", "Random seed for sampling.", "N", "0"};
    QCommandLineOption kvCache{"kv-cache", "on, off, or both (benchmark: side by side).", "on|off|both", "on"};
    QCommandLineOption noKvCache{"no-kv-cache", "Same as --kv-cache off: re-run the whole sequence each step."};
    QCommandLineOption ignoreEos{"ignore-eos", "Do not stop at the end-of-sequence token (always on in --benchmark)."};
    QCommandLineOption contextLengths{"context-lengths", "Benchmark: prompt length sweep in text tokens.",
                                      "N[,N...]"};
    QCommandLineOption threads{"threads", "Intra-op threads, 0 = one per core; a comma list in --benchmark.",
                               "N[,N...]", "0"};
    QCommandLineOption device{"device", "cpu, cuda or mps.", "DEVICE", "cpu"};
    QCommandLineOption dtype{"dtype", "Weight precision: float32 (default, matches the reference), bf16 (bfloat16 "
                                      "matrices, float32 accumulation; faster, small logit drift) or int8 (dynamic "
                                      "quantisation of the linear layers; fastest, larger drift).",
                             "float32|bf16|int8", "float32"};
    QCommandLineOption profile{"profile", "Instrumentation: off, layers or ops (layers + ATen ops).",
                               "off|layers|ops", "layers"};
    QCommandLineOption metrics{"metrics", "Print the metrics report after each generation (and log it)."};
    QCommandLineOption detailedMetrics{"detailed-metrics", "Report with the detailed layer breakdown."};
    QCommandLineOption detailed{"detailed", "Benchmark: print every iteration's report."};
    QCommandLineOption logLevel{"log-level", "Detail of the consolidated .log.", "basic|detailed", "detailed"};
    QCommandLineOption logFile{"log-file", "Log file (default: automatic name under logs/).", "FILE"};
    QCommandLineOption noLog{"no-log", "Do not write the consolidated .log."};
    QCommandLineOption output{"output", "Run record .json (generate) or results .json (benchmark).", "FILE"};
    QCommandLineOption plot{"plot", "Write PNG and SVG charts next to --output (or under logs/)."};
    QCommandLineOption trace{"trace", "Chrome Trace Event JSON (opens in Perfetto).", "FILE"};
    QCommandLineOption csv{"csv", "Write per-token and per-layer CSV tables into DIR.", "DIR"};
    QCommandLineOption baseline{"baseline", "Compare with a baseline: run record .json (repeat, or a folder of them), "
                                            "benchmark results .json, a vlmscope .log, llama-bench JSON/JSONL or a "
                                            "vLLM benchmark_serving result. Exit 3 on a regression beyond "
                                            "--max-regression that is also significant (Mann-Whitney U, Holm-adjusted).",
                                "FILE|DIR"};
    QCommandLineOption maxRegression{"max-regression", "Allowed regression in percent for --baseline.", "PCT", "5"};
    QCommandLineOption untilStable{"until-stable", "Iterate each configuration until the 95% bootstrap interval of the "
                                                   "median decode TPS and of the median TTFT is within +-PCT% of the "
                                                   "median (--iterations / --num-generations is the minimum).",
                                   "PCT"};
    QCommandLineOption maxIterations{"max-iterations", "Iteration limit per configuration for --until-stable.", "N",
                                     "30"};
    QCommandLineOption junit{"junit", "JUnit XML report: a test case per configuration x gated metric (--baseline), "
                                      "else per measured figure.", "FILE"};
    QCommandLineOption summaryMd{"summary-md", "Markdown table of the gate (or of the measurements) for a CI step "
                                               "summary.", "FILE"};
    QCommandLineOption overheadCheck{"overhead-check", "After the generations, run the same generation with "
                                                       "profiling off and on in alternating pairs and print the "
                                                       "measured overhead (decode TPS, TTFT) next to the estimate."};
    QCommandLineOption tokenize{"tokenize", "Print the token ids of TEXT (no special tokens added).", "TEXT"};
    QCommandLineOption json{"json", "One machine-readable JSON object on stdout; human text on stderr."};
    QCommandLineOption quiet{"quiet", "Less human text."};

    QList<QCommandLineOption> all() const
    {
        return {help, version, batch, benchmark, model, tokenizer, prompt, inputIds, image, noImage, maxTokens,
                numGenerations, iterations, warmup, discardFirst, greedy, temperature, topK, topP, seed, kvCache,
                noKvCache, ignoreEos, contextLengths, threads, device, dtype, profile, metrics, detailedMetrics, detailed,
                logLevel, logFile, noLog, output, plot, trace, csv, baseline, maxRegression, untilStable, maxIterations,
                junit, summaryMd, tokenize, json, quiet, overheadCheck};
    }
};

void parseSampling(const QCommandLineParser& p, const Options& o, RunSettings& run)
{
    if (p.isSet(o.temperature)) {
        if (p.isSet(o.greedy))
            throw InputError("--greedy and --temperature exclude each other");
        run.greedy = false;
        run.temperature = parseReal(p.value(o.temperature), "temperature", 1e-6, 100.0);
    }
    run.topK = parseInteger(p.value(o.topK), "top-k", 0, 10'000'000);
    run.topP = parseReal(p.value(o.topP), "top-p", 1e-9, 1.0);
    run.seed = static_cast<std::uint64_t>(parseInteger(p.value(o.seed), "seed", 0, std::numeric_limits<std::int64_t>::max()));
}

void parseSweeps(const QCommandLineParser& p, const Options& o, BatchOptions& b)
{
    const bool bench = b.mode == BatchMode::Benchmark;
    if (p.isSet(o.maxTokens))
        b.maxTokens = parseIntegerList(p.value(o.maxTokens), "max-tokens", 1, 1'000'000);
    else if (bench)
        b.maxTokens = {20, 50, 100, 200};
    if (!bench && b.maxTokens.size() > 1)
        throw InputError("--max-tokens " + p.value(o.maxTokens).toStdString() + ": a list needs --benchmark");

    const QString kv = p.isSet(o.noKvCache) ? "off" : p.value(o.kvCache);
    if (kv == "on")
        b.kvCacheModes = {true};
    else if (kv == "off")
        b.kvCacheModes = {false};
    else if (kv == "both" && bench)
        b.kvCacheModes = {true, false};
    else
        throw InputError("--kv-cache " + kv.toStdString() + ": expected on, off" + (bench ? ", or both" : " (both needs --benchmark)"));

    b.threadCounts.clear();
    for (std::int64_t n : parseIntegerList(p.value(o.threads), "threads", 0, 1024))
        b.threadCounts.push_back(static_cast<int>(n));
    if (!bench && b.threadCounts.size() > 1)
        throw InputError("--threads " + p.value(o.threads).toStdString() + ": a list needs --benchmark");

    if (p.isSet(o.contextLengths)) {
        if (!bench)
            throw InputError("--context-lengths needs --benchmark");
        b.contextLengths = parseIntegerList(p.value(o.contextLengths), "context-lengths", 1, 1'000'000);
    }
}

void parseOutputs(const QCommandLineParser& p, const Options& o, BatchOptions& b)
{
    b.metrics = p.isSet(o.metrics) || p.isSet(o.detailedMetrics);
    b.detailedMetrics = p.isSet(o.detailedMetrics) || p.isSet(o.detailed);
    b.log = (b.metrics || b.mode == BatchMode::Benchmark) && !p.isSet(o.noLog);
    if (p.isSet(o.logFile) && !p.isSet(o.noLog))
        b.log = true;
    if (!parseLogLevel(p.value(o.logLevel).toStdString(), &b.logLevel))
        throw InputError("--log-level " + p.value(o.logLevel).toStdString() + ": expected basic or detailed");
    b.logFile = p.value(o.logFile).toStdString();
    b.output = p.value(o.output).toStdString();
    b.plot = p.isSet(o.plot);
    b.traceFile = p.value(o.trace).toStdString();
    b.csvDir = p.value(o.csv).toStdString();
    for (const QString& file : p.values(o.baseline)) {
        if (file.isEmpty())
            throw InputError("--baseline: the file name is empty");
        if (!QFileInfo::exists(file)) // before a long benchmark, not after it
            throw InputError("--baseline " + file.toStdString() + ": no such file or folder");
        b.baselineFiles.push_back(file.toStdString());
    }
    b.baseline = b.baselineFiles.empty() ? std::string() : b.baselineFiles.front();
    b.maxRegressionPct = parseReal(p.value(o.maxRegression), "max-regression", 0.0, 1e6);
    if (p.isSet(o.maxRegression) && b.baseline.empty())
        throw InputError("--max-regression needs --baseline FILE");
    b.json = p.isSet(o.json);
    b.quiet = p.isSet(o.quiet);
    b.junitFile = p.value(o.junit).toStdString();
    if (p.isSet(o.junit) && b.junitFile.empty())
        throw InputError("--junit: the file name is empty");
    b.summaryMarkdownFile = p.value(o.summaryMd).toStdString();
    if (p.isSet(o.summaryMd) && b.summaryMarkdownFile.empty())
        throw InputError("--summary-md: the file name is empty");
}

// --iterations (benchmark) or --num-generations (generate) is the minimum; the library never
// judges fewer than 3 iterations unless --max-iterations allows only 2.
void parseStability(const QCommandLineParser& p, const Options& o, BatchOptions& b)
{
    if (!p.isSet(o.untilStable)) {
        if (p.isSet(o.maxIterations))
            throw InputError("--max-iterations needs --until-stable PCT");
        return;
    }
    const QString text = p.value(o.untilStable);
    const double pct = parseReal(text, "until-stable", 0.0, 1e6);
    if (!(pct > 0))
        throw InputError("--until-stable " + text.toStdString() + ": expected a percentage above 0 (e.g. 5)");
    b.untilStablePct = pct;
    b.maxIterations = static_cast<int>(parseInteger(p.value(o.maxIterations), "max-iterations", 2, 100'000));
    const bool bench = b.mode == BatchMode::Benchmark;
    const int count = bench ? b.iterations : b.numGenerations;
    if (p.isSet(bench ? o.iterations : o.numGenerations) && count > b.maxIterations)
        throw InputError(std::string(bench ? "--iterations " : "--num-generations ") + std::to_string(count)
                         + " exceeds --max-iterations " + std::to_string(b.maxIterations)
                         + " (with --until-stable it is the minimum)");
    b.minIterations = std::min(std::max(count, 3), b.maxIterations);
}

} // namespace

ParsedCommandLine parseBatchOptions(const QStringList& arguments)
{
    QCommandLineParser p;
    p.setApplicationDescription("vlmscope: profile token generation of nanoVLM vision-language models.\n"
                                "Without --batch it opens the dashboard; with --batch it runs headless.\n"
                                "Exit codes: 0 ok, 1 bad input or usage, 2 runtime failure, 3 regression "
                                "against --baseline, 130 interrupted (what was measured is still written).");
    const Options o;
    p.addOptions(o.all());
    ParsedCommandLine parsed;
    parsed.helpText = p.helpText().toStdString();
    if (!p.parse(arguments))
        throw InputError(p.errorText().toStdString());
    if (!p.positionalArguments().isEmpty())
        throw InputError("unexpected argument '" + p.positionalArguments().first().toStdString() + "' (see --help)");
    parsed.help = p.isSet(o.help);
    parsed.version = p.isSet(o.version);

    BatchOptions& b = parsed.options;
    b.mode = p.isSet(o.tokenize) ? BatchMode::Tokenize : p.isSet(o.benchmark) ? BatchMode::Benchmark : BatchMode::Generate;
    b.tokenizeText = p.value(o.tokenize).toStdString();
    RunSettings& run = b.run;
    run.model = p.value(o.model).toStdString();
    run.tokenizer = p.value(o.tokenizer).toStdString();
    run.prompt = p.value(o.prompt).toStdString();
    if (p.isSet(o.prompt) && run.prompt.empty())
        throw InputError("--prompt: the prompt is empty");
    if (p.isSet(o.inputIds)) {
        if (p.isSet(o.prompt))
            throw InputError("--input-ids and --prompt exclude each other");
        b.inputIds = parseIntegerList(p.value(o.inputIds), "input-ids", 0, std::numeric_limits<std::int32_t>::max());
        run.prompt.clear();
    }
    if (p.isSet(o.noImage) && p.isSet(o.image))
        throw InputError("--image and --no-image exclude each other");
    run.image = p.isSet(o.noImage) ? std::string() : p.isSet(o.image) ? p.value(o.image).toStdString()
                                                                       : std::string(":/vlmscope/sample.png");
    b.numGenerations = static_cast<int>(parseInteger(p.value(o.numGenerations), "num-generations", 1, 100'000));
    b.iterations = static_cast<int>(parseInteger(p.value(o.iterations), "iterations", 1, 100'000));
    const bool bench = b.mode == BatchMode::Benchmark;
    run.warmup = static_cast<int>(p.isSet(o.warmup) ? parseInteger(p.value(o.warmup), "warmup", 0, 1000) : bench ? 2 : 0);
    run.discardFirst = parseInteger(p.value(o.discardFirst), "discard-first", 0, 1'000'000);
    parseSampling(p, o, run);
    run.stopAtEos = !(p.isSet(o.ignoreEos) || bench);
    run.device = p.value(o.device).toStdString();
    if (run.device != "cpu" && run.device != "cuda" && run.device != "mps")
        throw InputError("--device " + run.device + ": unknown device (use cpu, cuda or mps)");
    const std::optional<WeightPrecision> precision = parsePrecision(p.value(o.dtype).toStdString());
    if (!precision)
        throw InputError("--dtype " + p.value(o.dtype).toStdString() + ": expected float32, bf16 or int8");
    run.dtype = precisionName(*precision);
    if (!parseProfilingLevel(p.value(o.profile).toStdString(), &run.profiling))
        throw InputError("--profile " + p.value(o.profile).toStdString() + ": expected off, layers or ops");
    parseSweeps(p, o, b);
    run.maxNewTokens = b.maxTokens.front();
    b.overheadCheck = p.isSet(o.overheadCheck);
    if (b.overheadCheck && b.mode != BatchMode::Generate)
        throw InputError("--overhead-check works in generate mode (without --benchmark or --tokenize)");
    if (b.overheadCheck && run.profiling == ProfilingLevel::Off)
        throw InputError("--overhead-check measures the cost of --profile layers or ops: it cannot be used with "
                         "--profile off");
    run.kvCache = b.kvCacheModes.front();
    run.threads = b.threadCounts.front();
    parseOutputs(p, o, b);
    parseStability(p, o, b);
    return parsed;
}

} // namespace vlmscope
