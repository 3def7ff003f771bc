#include "core/io/benchmark_results.h"

#include "core/io/json_reader.h"
#include "core/util/atomic_write.h"
#include "core/util/error.h"

#include <QDateTime>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>

namespace vlmscope {

namespace {

using Json = nlohmann::ordered_json;

constexpr double kMiB = 1024.0 * 1024.0;
constexpr double kNsPerS = 1e9;

constexpr std::array<const char*, 5> kSweepNames = {"none", "max_tokens", "context_length", "kv_cache", "threads"};

// One benchmark figure: where it lives in a run's figures and in the summaries, and its key.
struct FigureField {
    const char* key;
    std::optional<double> RunFigures::*run;
    Summary FigureSummaries::*summary;
};

const FigureField kFigures[] = {
    {"total_s", &RunFigures::totalS, &FigureSummaries::totalS},
    {"ttft_s", &RunFigures::ttftS, &FigureSummaries::ttftS},
    {"prefill_s", &RunFigures::prefillS, &FigureSummaries::prefillS},
    {"input_tps", &RunFigures::inputTps, &FigureSummaries::inputTps},
    {"decode_tps", &RunFigures::decodeTps, &FigureSummaries::decodeTps},
    {"tpot_s", &RunFigures::tpotS, &FigureSummaries::tpotS},
    {"overall_tps", &RunFigures::overallTps, &FigureSummaries::overallTps},
    {"e2e_output_tps", &RunFigures::e2eOutputTps, &FigureSummaries::e2eOutputTps},
    {"itl_mean_s", &RunFigures::itlMeanS, &FigureSummaries::itlMeanS},
    {"itl_p50_s", &RunFigures::itlP50S, &FigureSummaries::itlP50S},
    {"itl_p90_s", &RunFigures::itlP90S, &FigureSummaries::itlP90S},
    {"itl_p99_s", &RunFigures::itlP99S, &FigureSummaries::itlP99S},
    {"peak_tps_per_second", &RunFigures::peakTpsPerSecond, &FigureSummaries::peakTpsPerSecond},
    {"peak_tps_window8", &RunFigures::peakTpsWindow8, &FigureSummaries::peakTpsWindow8},
    {"stability_abs_tps", &RunFigures::stabilityAbs, &FigureSummaries::stabilityAbs},
    {"stability_rel_pct", &RunFigures::stabilityRelPct, &FigureSummaries::stabilityRelPct},
    {"peak_rss_bytes", &RunFigures::peakRssBytes, &FigureSummaries::peakRssBytes},
    {"rss_increase_bytes", &RunFigures::rssIncreaseBytes, &FigureSummaries::rssIncreaseBytes},
    {"peak_allocator_bytes", &RunFigures::peakAllocatorBytes, &FigureSummaries::peakAllocatorBytes},
    {"peak_kv_cache_bytes", &RunFigures::peakKvCacheBytes, &FigureSummaries::peakKvCacheBytes},
    {"cpu_utilization", &RunFigures::cpuUtilization, &FigureSummaries::cpuUtilization},
};

std::optional<double> asDouble(const std::optional<std::int64_t>& value)
{
    return value ? std::optional<double>(static_cast<double>(*value)) : std::nullopt;
}

std::optional<double> finiteOrEmpty(double value)
{
    return std::isfinite(value) ? std::optional<double>(value) : std::nullopt;
}

Json orNull(const std::optional<double>& value) { return value ? Json(*value) : Json(nullptr); }
Json finiteOrNull(double value) { return std::isfinite(value) ? Json(value) : Json(nullptr); }

// ---- derived fields -----------------------------------------------------------------------

// The original averaged per-iteration values in which an undefined rate or deviation was 0
// (`... if total_time > 0 else 0`, `np.std(...) if len(...) > 1 else 0`); keep that rule.
std::vector<double> zeroWhenUndefined(const std::vector<IterationSummary>& runs, std::optional<double> RunFigures::*figure)
{
    std::vector<double> values;
    for (const IterationSummary& run : runs)
        values.push_back((run.figures.*figure).value_or(0.0));
    return values;
}

std::vector<std::optional<double>> valuesOf(const std::vector<IterationSummary>& runs,
                                            std::optional<double> RunFigures::*figure)
{
    std::vector<std::optional<double>> values;
    for (const IterationSummary& run : runs)
        values.push_back(run.figures.*figure);
    return values;
}

// Summaries and the original's averages, from the run summaries.
void fillDerived(BenchmarkConfiguration& config)
{
    config.iterations = static_cast<std::int64_t>(config.runs.size());
    for (const FigureField& field : kFigures)
        config.summary.*field.summary = summarize(valuesOf(config.runs, field.run));
    const Summary tps = summarize(zeroWhenUndefined(config.runs, &RunFigures::e2eOutputTps));
    const Summary peak = summarize(zeroWhenUndefined(config.runs, &RunFigures::peakTpsPerSecond));
    const Summary stability = summarize(zeroWhenUndefined(config.runs, &RunFigures::stabilityAbs));
    config.avgTps = finiteOrEmpty(tps.mean);
    config.avgTime = finiteOrEmpty(config.summary.totalS.mean);
    config.avgTtft = finiteOrEmpty(config.summary.ttftS.mean);
    config.peakTps = finiteOrEmpty(peak.max);
    config.minTime = finiteOrEmpty(config.summary.totalS.min);
    config.tpsStability = finiteOrEmpty(stability.mean);
}

// ---- the original's per-iteration layout ------------------------------------------------

Json originalMemory(const GenerationMetrics& m)
{
    if (!m.rss.peakBytes || !m.rss.increaseBytes) {
        return Json{{"peak_memory_mb", -1},
                    {"memory_increase_mb", -1},
                    {"memory_per_token_mb", -1},
                    {"note", "Memory tracking not available on this device"}};
    }
    return Json{{"peak_memory_mb", static_cast<double>(*m.rss.peakBytes) / kMiB},
                {"memory_increase_mb", static_cast<double>(*m.rss.increaseBytes) / kMiB},
                {"memory_per_token_mb", m.rss.perOutputTokenBytes.value_or(0.0) / kMiB}};
}

// Per-layer times as the original's LayerPerformanceTracker reported them, except that
// percentages use self time so nested layers are not counted twice (SPEC §3).
Json originalLayerMetrics(const RunRecord& run)
{
    double totalSelfS = 0;
    for (const ScopeSummary& s : run.scopes)
        totalSelfS += static_cast<double>(s.selfNs) / kNsPerS;
    const auto share = [&](double seconds) { return totalSelfS > 0 ? seconds / totalSelfS * 100.0 : 0.0; };

    Json detailed = Json::object();
    std::array<double, 4> grouped{}; // attention, ffn, vision_encoder, other
    for (const ScopeSummary& s : run.scopes) {
        const double selfS = static_cast<double>(s.selfNs) / kNsPerS;
        const std::size_t group = s.category == ScopeCategory::Attention     ? 0
                                  : s.category == ScopeCategory::Ffn           ? 1
                                  : s.category == ScopeCategory::VisionEncoder ? 2
                                                                               : 3;
        grouped[group] += selfS;
        if (s.calls == 0)
            continue;
        const double inclusiveS = static_cast<double>(s.inclusiveNs) / kNsPerS;
        detailed[s.name] = Json{{"total_time", inclusiveS},
                                {"avg_time", inclusiveS / static_cast<double>(s.calls)},
                                {"percentage", share(selfS)},
                                {"calls", s.calls}};
    }
    const std::array<const char*, 4> groupNames = {"attention", "ffn", "vision_encoder", "other"};
    Json groups = Json::object();
    for (std::size_t i = 0; i < groupNames.size(); ++i)
        groups[groupNames[i]] = Json{{"total_time", grouped[i]}, {"percentage", share(grouped[i])}};
    return Json{{"detailed", detailed}, {"grouped", groups}, {"total_time", totalSelfS}};
}

Json perTokenTps(const RunRecord& run)
{
    Json out = Json::array();
    for (std::size_t i = 1; i < run.tokens.size(); ++i) {
        const std::int64_t ns = run.tokens[i].timeNs - run.tokens[i - 1].timeNs;
        out.push_back(ns > 0 ? kNsPerS / static_cast<double>(ns) : 0.0);
    }
    return out;
}

Json stepTps(const RunRecord& run)
{
    Json out = Json::array();
    for (const PhaseSpan& span : run.phases) {
        if (span.phase != Phase::DecodeStep)
            continue;
        const std::int64_t ns = span.endNs - span.beginNs;
        out.push_back(ns > 0 ? kNsPerS / static_cast<double>(ns) : 0.0);
    }
    return out;
}

Json tokenTimestamps(const RunRecord& run)
{
    Json out = Json::array();
    for (const TokenEvent& t : run.tokens)
        out.push_back(static_cast<double>(t.timeNs) / kNsPerS);
    return out;
}

// ---- writing ------------------------------------------------------------------------------

Json summaryToJson(const Summary& s)
{
    return Json{{"n", s.n},
                {"ignored", s.ignored},
                {"mean", finiteOrNull(s.mean)},
                {"median", finiteOrNull(s.median)},
                {"stddev", finiteOrNull(s.stddev)},
                {"min", finiteOrNull(s.min)},
                {"max", finiteOrNull(s.max)}};
}

Json iterationToJson(const IterationSummary& run)
{
    Json out{{"run_id", run.runId},
             {"status", runStatusName(run.status)},
             {"input_tokens", run.inputTokens},
             {"output_tokens", run.outputTokens}};
    for (const FigureField& field : kFigures)
        out[field.key] = orNull(run.figures.*field.run);
    return out;
}

Json originalConfigurationToJson(const BenchmarkConfiguration& c)
{
    return Json{{"token_count", c.tokenCount},
                {"iterations", c.iterations},
                {"avg_tps", orNull(c.avgTps)},
                {"avg_time", orNull(c.avgTime)},
                {"avg_ttft", orNull(c.avgTtft)},
                {"peak_tps", orNull(c.peakTps)},
                {"min_time", orNull(c.minTime)},
                {"tps_stability", orNull(c.tpsStability)},
                {"detailed_results", c.detailedResults}};
}

Json configurationToJson(const BenchmarkConfiguration& c)
{
    Json out = originalConfigurationToJson(c);
    out["kv_cache"] = c.kvCache;
    out["threads"] = c.threads;
    out["context_length"] = c.contextLength;
    Json summary = Json::object();
    for (const FigureField& field : kFigures)
        summary[field.key] = summaryToJson(c.summary.*field.summary);
    out["summary"] = summary;
    Json runs = Json::array();
    for (const IterationSummary& run : c.runs)
        runs.push_back(iterationToJson(run));
    out["runs"] = runs;
    return out;
}

Json sweepValue(SweepDimension dimension, const BenchmarkConfiguration& c)
{
    switch (dimension) {
    case SweepDimension::MaxTokens:
        return c.tokenCount;
    case SweepDimension::ContextLength:
        return c.contextLength;
    case SweepDimension::KvCache:
        return c.kvCache;
    case SweepDimension::Threads:
        return c.threads;
    case SweepDimension::None:
        break;
    }
    return nullptr;
}

Json sweepToJson(const BenchmarkResults& r)
{
    Json values = Json::array();
    if (r.sweep != SweepDimension::None) {
        for (const BenchmarkConfiguration& c : r.results)
            values.push_back(sweepValue(r.sweep, c));
    }
    return Json{{"dimension", sweepDimensionName(r.sweep)}, {"values", values}};
}

// ---- reading ------------------------------------------------------------------------------

Json readDetailedResults(const JsonReader& r, std::int64_t iterations)
{
    if (r.isNull())
        return nullptr;
    const std::size_t n = r.arraySize();
    if (n != static_cast<std::size_t>(iterations))
        r.fail("has " + std::to_string(n) + " entries for " + std::to_string(iterations) + " iterations");
    for (std::size_t i = 0; i < n; ++i)
        r.element(i).requireObject();
    return r.json();
}

IterationSummary readIteration(const JsonReader& r)
{
    IterationSummary run;
    run.runId = r.field("run_id").string();
    const std::string status = r.field("status").string();
    if (!parseRunStatus(status, &run.status))
        r.field("status").fail("'" + status + "' is not a known run status (running, finished, stopped, failed)");
    run.inputTokens = r.field("input_tokens").nonNegative();
    run.outputTokens = r.field("output_tokens").nonNegative();
    for (const FigureField& field : kFigures)
        run.figures.*field.run = r.field(field.key).nullableNumber(0); // times, rates, bytes: never negative
    return run;
}

void readSummaryShape(const JsonReader& r)
{
    for (const FigureField& field : kFigures) {
        const JsonReader s = r.field(field.key);
        s.field("n").integer(0, std::numeric_limits<int>::max());
        s.field("ignored").integer(0, std::numeric_limits<int>::max());
        for (const char* key : {"mean", "median", "stddev", "min", "max"})
            s.field(key).nullableNumber();
    }
}

BenchmarkConfiguration readConfiguration(const JsonReader& r, bool original)
{
    BenchmarkConfiguration c;
    c.original = original;
    c.tokenCount = r.field("token_count").integer(1);
    c.iterations = r.field("iterations").integer(1);
    c.avgTps = r.field("avg_tps").nullableNumber(0);
    c.avgTime = r.field("avg_time").nullableNumber(0);
    c.avgTtft = r.field("avg_ttft").nullableNumber(0);
    c.peakTps = r.field("peak_tps").nullableNumber(0);
    c.minTime = r.field("min_time").nullableNumber(0);
    c.tpsStability = r.field("tps_stability").nullableNumber(0);
    c.detailedResults = readDetailedResults(r.field("detailed_results"), c.iterations);
    if (original)
        return c;

    c.kvCache = r.field("kv_cache").boolean();
    c.threads = static_cast<int>(r.field("threads").integer(0, std::numeric_limits<int>::max()));
    c.contextLength = r.field("context_length").nonNegative();
    readSummaryShape(r.field("summary"));
    const JsonReader runs = r.field("runs");
    const std::size_t n = runs.arraySize();
    if (n != static_cast<std::size_t>(c.iterations))
        runs.fail("has " + std::to_string(n) + " runs but iterations is " + std::to_string(c.iterations));
    for (std::size_t i = 0; i < n; ++i)
        c.runs.push_back(readIteration(runs.element(i)));
    fillDerived(c); // statistics are not trusted: recomputed from the runs
    return c;
}

void readSweep(const JsonReader& r, BenchmarkResults& results)
{
    const std::string name = r.field("dimension").string();
    if (!parseSweepDimension(name, &results.sweep))
        r.field("dimension").fail("'" + name + "' is not a known sweep (none, max_tokens, context_length, kv_cache, threads)");
    const JsonReader values = r.field("values");
    const std::size_t expected = results.sweep == SweepDimension::None ? 0 : results.results.size();
    if (values.arraySize() != expected)
        values.fail("has " + std::to_string(values.arraySize()) + " values for " + std::to_string(expected)
                    + " configurations");
    for (std::size_t i = 0; i < expected; ++i) {
        if (values.element(i).json() != sweepValue(results.sweep, results.results[i]))
            values.element(i).fail("does not match results[" + std::to_string(i) + "]");
    }
}

void checkSchema(const JsonReader& top)
{
    const std::string schema = top.field("schema").string();
    if (schema == kRunSchema)
        throw InputError(top.source() + ": is a run record (" + schema + "), not benchmark results");
    if (schema != kBenchmarkSchema)
        throw InputError(top.source() + ": schema '" + schema + "' is not supported (this build reads "
                         + kBenchmarkSchema + " and files of the original benchmark-tps.py)");
}

} // namespace

const char* sweepDimensionName(SweepDimension dimension) { return kSweepNames[static_cast<std::size_t>(dimension)]; }

bool parseSweepDimension(const std::string& name, SweepDimension* out)
{
    for (std::size_t i = 0; i < kSweepNames.size(); ++i) {
        if (name == kSweepNames[i]) {
            *out = static_cast<SweepDimension>(i);
            return true;
        }
    }
    return false;
}

std::string benchmarkTimestampNow()
{
    return QDateTime::currentDateTime().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")).toStdString();
}

RunFigures runFigures(const RunRecord& run)
{
    const GenerationMetrics m = computeMetrics(run.timingInput());
    RunFigures f;
    f.totalS = m.totalS;
    f.ttftS = m.ttftS;
    f.prefillS = m.prefillS;
    f.inputTps = m.inputTps;
    f.decodeTps = m.outputTps;
    f.tpotS = m.tpotS;
    f.overallTps = m.overallTps;
    f.e2eOutputTps = m.e2eOutputTps;
    f.itlMeanS = m.itl.mean;
    f.itlP50S = m.itl.p50;
    f.itlP90S = m.itl.p90;
    f.itlP99S = m.itl.p99;
    f.peakTpsPerSecond = m.peakTpsPerSecond;
    f.peakTpsWindow8 = m.peakTpsWindow8;
    f.stabilityAbs = m.stabilityAbs;
    f.stabilityRelPct = m.stabilityRelPct;
    f.peakRssBytes = asDouble(m.rss.peakBytes);
    f.rssIncreaseBytes = asDouble(m.rss.increaseBytes);
    f.peakAllocatorBytes = asDouble(m.allocator.peakBytes);
    f.peakKvCacheBytes = asDouble(m.kvCache.peakBytes);
    f.cpuUtilization = finiteOrEmpty(run.cpuUtilization);
    return f;
}

BenchmarkConfiguration summarizeConfiguration(const std::vector<RunRecord>& runs, bool detailed)
{
    if (runs.empty())
        throw InputError("benchmark: a configuration has no measured runs");
    const RunRecord& first = runs.front();
    BenchmarkConfiguration c;
    c.tokenCount = first.settings.maxNewTokens;
    c.kvCache = first.settings.kvCache;
    c.threads = first.environment.threads > 0 ? first.environment.threads : first.settings.threads;
    c.contextLength = first.inputTokens;
    c.detailedResults = detailed ? Json::array() : Json(nullptr);
    for (const RunRecord& run : runs) {
        c.runs.push_back({run.id, run.status, run.inputTokens, static_cast<std::int64_t>(run.tokens.size()),
                          runFigures(run)});
        if (detailed)
            c.detailedResults.push_back(originalMetricsJson(run));
    }
    fillDerived(c);
    return c;
}

BenchmarkResults buildBenchmarkResults(const BenchmarkSetup& setup,
                                       const std::vector<std::vector<RunRecord>>& runsPerConfiguration)
{
    BenchmarkResults r;
    r.model = setup.model;
    r.device = setup.device;
    r.prompt = setup.prompt;
    r.iterations = setup.iterations > 0 || runsPerConfiguration.empty()
        ? setup.iterations
        : static_cast<std::int64_t>(runsPerConfiguration.front().size());
    r.timestamp = setup.timestamp.empty() ? benchmarkTimestampNow() : setup.timestamp;
    r.sweep = setup.sweep;
    r.warmup = setup.warmup;
    r.discardFirst = setup.discardFirst;
    for (const std::vector<RunRecord>& runs : runsPerConfiguration)
        r.results.push_back(summarizeConfiguration(runs, setup.detailed));
    if (!runsPerConfiguration.empty() && !runsPerConfiguration.front().empty()) {
        RunManifest manifest = manifestOf(runsPerConfiguration.front().front());
        manifest.definitions.warmupRuns = setup.warmup;
        manifest.definitions.discardFirst = setup.discardFirst;
        if (setup.sweep == SweepDimension::Threads)
            manifest.environment.threads = 0;
        r.manifest = std::move(manifest);
    }
    return r;
}

nlohmann::ordered_json originalMetricsJson(const RunRecord& run)
{
    const GenerationMetrics m = computeMetrics(run.timingInput());
    // benchmark-tps.py dropped the prompt's entry (discard_warm_up_tokens), so its totals
    // and "overall" rate count output tokens only.
    return Json{{"total_tokens", m.outputTokens},
                {"input_tokens", m.textTokens},
                {"output_tokens", m.outputTokens},
                {"total_time", m.totalS},
                {"overall_tps", m.e2eOutputTps.value_or(0.0)},
                {"input_tps", m.inputTps.value_or(0.0)},
                {"output_tps", m.outputTps.value_or(0.0)},
                {"per_token_tps", perTokenTps(run)},
                {"per_second_tps", m.perSecondTps},
                {"step_tps", stepTps(run)},
                {"time_to_first_token", m.ttftS.value_or(0.0)},
                {"peak_tps", m.peakTpsPerSecond.value_or(0.0)},
                {"tps_stability", m.stabilityAbs.value_or(0.0)},
                {"tps_relative_stability", m.stabilityRelPct.value_or(0.0)},
                {"timestamps",
                 Json{{"start_time", 0.0},
                      {"end_time", m.totalS},
                      {"first_token_time", orNull(m.ttftS)},
                      {"token_timestamps", tokenTimestamps(run)}}},
                {"memory", originalMemory(m)},
                {"layer_metrics", originalLayerMetrics(run)}};
}

nlohmann::ordered_json benchmarkResultsToJson(const BenchmarkResults& r)
{
    Json out = Json::object();
    if (!r.original)
        out["schema"] = kBenchmarkSchema;
    out["model"] = r.model;
    out["device"] = r.device;
    out["prompt"] = r.prompt;
    out["iterations"] = r.iterations;
    out["timestamp"] = r.timestamp;
    if (!r.original) {
        out["metric_definitions"] = r.metricDefinitions;
        out["sweep"] = sweepToJson(r);
        out["warmup"] = r.warmup;
        out["discard_first"] = r.discardFirst;
        if (r.manifest) {
            out["definitions"] = definitionsToJson(r.manifest->definitions);
            out["environment"] = environmentToJson(r.manifest->environment);
        }
    }
    Json results = Json::array();
    for (const BenchmarkConfiguration& c : r.results)
        results.push_back(r.original ? originalConfigurationToJson(c) : configurationToJson(c));
    out["results"] = results;
    return out;
}

BenchmarkResults benchmarkResultsFromJson(const nlohmann::ordered_json& document, const std::string& source)
{
    const JsonReader top(document, source);
    top.requireObject();
    BenchmarkResults r;
    r.original = !top.has("schema");
    if (!r.original)
        checkSchema(top);
    r.model = top.field("model").string();
    r.device = top.field("device").string();
    r.prompt = top.field("prompt").string();
    r.iterations = top.field("iterations").integer(1);
    r.timestamp = top.field("timestamp").string();
    const JsonReader results = top.field("results");
    for (std::size_t i = 0; i < results.arraySize(); ++i)
        r.results.push_back(readConfiguration(results.element(i), r.original));
    if (r.original) {
        r.metricDefinitions.clear();
        return r;
    }
    r.metricDefinitions = top.field("metric_definitions").string();
    readSweep(top.field("sweep"), r);
    r.warmup = static_cast<int>(top.field("warmup").integer(0, std::numeric_limits<int>::max()));
    r.discardFirst = top.field("discard_first").nonNegative();
    if (top.has("definitions") || top.has("environment"))
        r.manifest = RunManifest{readDefinitions(top.field("definitions")), readEnvironment(top.field("environment"))};
    return r;
}

void writeBenchmarkResults(const std::string& path, const BenchmarkResults& results)
{
    writeFileAtomically(path, dumpJson(benchmarkResultsToJson(results), 2) + "\n");
}

BenchmarkResults readBenchmarkResults(const std::string& path)
{
    const std::string text = readFileLimited(path, kMaxBenchmarkResultsBytes);
    return benchmarkResultsFromJson(parseJsonLimited(text, path), path);
}

} // namespace vlmscope
