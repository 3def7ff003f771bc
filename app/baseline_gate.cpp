#include "app/baseline_gate.h"

#include "core/io/benchmark_results.h"
#include "core/io/generation_log_reader.h"
#include "core/io/json_reader.h"
#include "core/io/run_record_json.h"
#include "core/stats/external_results.h"
#include "core/stats/mann_whitney.h"
#include "core/stats/number_format.h"
#include "core/util/atomic_write.h"
#include "core/util/error.h"

#include <QDir>
#include <QFileInfo>

#include <algorithm>
#include <cmath>
#include <iostream>
#include <limits>
#include <numeric>
#include <optional>

namespace vlmscope {

namespace {

using Json = nlohmann::ordered_json;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kAlpha = 0.05;

struct Baseline {
    std::string kind;
    std::vector<RunRecord> runs;
    std::optional<BenchmarkResults> results;
    std::vector<std::vector<double>> resultsTokenLatencies; // per results configuration, pooled
    std::vector<ExternalRun> external;
    std::vector<LogRunSummary> log;
};

// ---- reading --------------------------------------------------------------------------------

std::vector<std::string> runRecordPaths(const std::vector<std::string>& files)
{
    std::vector<std::string> paths;
    for (const std::string& file : files) {
        const QFileInfo info(QString::fromStdString(file));
        if (!info.isDir()) {
            paths.push_back(file);
            continue;
        }
        const QDir dir(info.filePath());
        const QStringList names = dir.entryList({"*.json"}, QDir::Files | QDir::Readable, QDir::Name);
        if (names.isEmpty())
            throw InputError("--baseline " + file + ": the folder holds no .json run records");
        for (const QString& name : names)
            paths.push_back(dir.filePath(name).toStdString());
    }
    return paths;
}

Baseline loadRunRecords(const std::vector<std::string>& paths)
{
    Baseline b;
    b.kind = "run records";
    for (const std::string& path : paths) {
        try {
            b.runs.push_back(readRunRecord(path));
        } catch (const InputError& error) {
            throw InputError(std::string("--baseline: ") + error.what()
                             + " (several baselines, or a folder, must all be run records)");
        }
    }
    return b;
}

std::vector<std::vector<double>> resultsTokenLatencies(const Json& document, const std::string& source)
{
    std::vector<std::vector<double>> perConfiguration;
    const Json& results = document.at("results");
    for (std::size_t i = 0; i < results.size(); ++i) {
        std::vector<double> pooled;
        const Json* runs = results[i].contains("runs") ? &results[i]["runs"] : nullptr;
        for (std::size_t j = 0; runs && runs->is_array() && j < runs->size(); ++j) {
            const Json& run = (*runs)[j];
            if (!run.is_object() || !run.contains(kTokenLatenciesKey))
                continue;
            const Json& values = run[kTokenLatenciesKey];
            const std::string where = source + ": results[" + std::to_string(i) + "].runs[" + std::to_string(j)
                + "]." + kTokenLatenciesKey;
            if (!values.is_array())
                throw InputError(where + " is not an array of latencies");
            for (const Json& value : values) {
                if (!value.is_number() || !(value.get<double>() >= 0) || !std::isfinite(value.get<double>()))
                    throw InputError(where + " holds " + value.dump() + ", not a latency in ms");
                pooled.push_back(value.get<double>());
            }
        }
        perConfiguration.push_back(std::move(pooled));
    }
    return perConfiguration;
}

// One file, recognised by its content: JSON with a vlmscope schema, benchmark-tps.py results,
// llama-bench or vLLM results (JSONL too), else a vlmscope / generate.py log.
Baseline loadFile(const std::string& path)
{
    const std::string text = readFileLimited(path, std::max(kMaxBenchmarkResultsBytes, kMaxExternalResultsBytes));
    const std::size_t first = text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos)
        throw InputError(path + ": the file is empty");
    Baseline b;
    if (text[first] != '{' && text[first] != '[') {
        b.kind = "vlmscope log";
        b.log = parseGenerationLog(text, path);
        return b;
    }
    Json document;
    bool parsed = true;
    try {
        document = parseJsonLimited(text, path);
    } catch (const InputError&) {
        parsed = false; // JSON Lines (llama-bench -o jsonl) are not one document
    }
    if (parsed && document.is_object() && document.contains("schema")) {
        if (document["schema"] == kRunSchema) {
            b.kind = "run records";
            b.runs.push_back(runRecordFromJson(document, path));
        } else {
            b.kind = "vlmscope benchmark results";
            b.results = benchmarkResultsFromJson(document, path);
            b.resultsTokenLatencies = resultsTokenLatencies(document, path);
        }
        return b;
    }
    if (parsed && document.is_object() && document.contains("results") && document.contains("iterations")) {
        b.kind = "benchmark-tps.py results";
        b.results = benchmarkResultsFromJson(document, path);
        return b;
    }
    try {
        b.external = externalRunsFromText(text, path);
    } catch (const InputError& error) {
        if (!parsed)
            throw;
        throw InputError(path + ": not a run record, benchmark results, llama-bench or vLLM result file ("
                         + error.what() + ")");
    }
    if (b.external.empty())
        throw InputError(path + ": holds no benchmark results");
    b.kind = externalToolName(b.external.front().tool);
    return b;
}

Baseline loadBaseline(const std::vector<std::string>& files)
{
    const bool folder = std::any_of(files.begin(), files.end(),
                                    [](const std::string& f) { return QFileInfo(QString::fromStdString(f)).isDir(); });
    if (files.size() > 1 || folder)
        return loadRunRecords(runRecordPaths(files));
    return loadFile(files.front());
}

// ---- comparing ------------------------------------------------------------------------------

std::vector<double> figureOf(const std::vector<RunRecord>& runs, std::optional<double> RunFigures::*field, double scale)
{
    std::vector<double> values;
    for (const RunRecord& run : runs) {
        if (const std::optional<double> v = runFigures(run).*field)
            values.push_back(*v * scale);
    }
    return values;
}

std::vector<double> pooledTokenLatencies(const std::vector<RunRecord>& runs)
{
    std::vector<double> pooled;
    for (const RunRecord& run : runs) {
        const std::vector<double> gaps = tokenLatenciesMs(run);
        pooled.insert(pooled.end(), gaps.begin(), gaps.end());
    }
    return pooled;
}

ComparisonSpec metricSpec(const std::string& label, const char* name, const char* unit, Better better, bool gated,
                          const char* kind)
{
    return ComparisonSpec{label, name, unit, ComparisonScope::Metric, better, gated, kind};
}

void relabel(std::vector<MetricComparison>& comparisons, const std::string& label)
{
    for (MetricComparison& c : comparisons)
        c.spec.configuration = label;
}

void append(std::vector<MetricComparison>& out, const std::vector<MetricComparison>& more)
{
    out.insert(out.end(), more.begin(), more.end());
}

// Baseline runs of the candidate's shape: same new tokens, KV cache and prompt positions
// (threads too where the baseline has them); same tokens and KV cache as a fallback.
std::vector<RunRecord> matchingRuns(const std::vector<RunRecord>& baseline, const RunRecord& candidate)
{
    auto select = [&](auto keep) {
        std::vector<RunRecord> out;
        std::copy_if(baseline.begin(), baseline.end(), std::back_inserter(out), keep);
        return out;
    };
    const RunSettings& s = candidate.settings;
    std::vector<RunRecord> same = select([&](const RunRecord& r) {
        return r.settings.maxNewTokens == s.maxNewTokens && r.settings.kvCache == s.kvCache
            && r.inputTokens == candidate.inputTokens;
    });
    if (same.empty()) {
        same = select([&](const RunRecord& r) {
            return r.settings.maxNewTokens == s.maxNewTokens && r.settings.kvCache == s.kvCache;
        });
    }
    const std::vector<RunRecord> sameThreads = select([&](const RunRecord& r) {
        return std::find_if(same.begin(), same.end(), [&](const RunRecord& m) { return m.id == r.id; }) != same.end()
            && r.environment.threads == candidate.environment.threads;
    });
    return sameThreads.empty() ? same : sameThreads;
}

std::vector<MetricComparison> compareWithRuns(const Baseline& b, const GateCandidate& c, const std::string& label,
                                              const ComparisonOptions& options, std::vector<std::string>& notes)
{
    const std::vector<RunRecord> matched = matchingRuns(b.runs, c.runs.front());
    if (matched.empty()) {
        notes.push_back(label + ": no baseline run has the same new tokens and KV cache setting; not compared");
        return {};
    }
    return compareRuns(label, matched, c.runs, options);
}

bool sameShape(const BenchmarkConfiguration& a, const BenchmarkConfiguration& b)
{
    return a.tokenCount == b.tokenCount && a.kvCache == b.kvCache && a.threads == b.threads
        && a.contextLength == b.contextLength;
}

std::vector<MetricComparison> compareWithOriginal(const BenchmarkResults& results,
                                                  const BenchmarkConfiguration& current, const GateCandidate& c,
                                                  const std::string& label, const ComparisonOptions& options,
                                                  std::vector<std::string>& notes)
{
    const auto& all = results.results;
    const auto match = std::find_if(all.begin(), all.end(), [&](const BenchmarkConfiguration& r) {
        return r.tokenCount == current.tokenCount;
    });
    if (match == all.end()) {
        notes.push_back(label + ": the baseline has no " + std::to_string(current.tokenCount)
                        + "-token configuration; not compared");
        return {};
    }
    std::vector<MetricComparison> out;
    if (match->avgTps)
        out.push_back(compareSamples(metricSpec(label, "average TPS", "tok/s", Better::Higher, true, "run"),
                                     {*match->avgTps}, figureOf(c.runs, &RunFigures::e2eOutputTps, 1), options));
    if (match->avgTtft)
        out.push_back(compareSamples(metricSpec(label, "TTFT", "ms", Better::Lower, true, "run"),
                                     {*match->avgTtft * 1e3}, figureOf(c.runs, &RunFigures::ttftS, 1e3), options));
    return out;
}

std::vector<MetricComparison> compareWithResults(const Baseline& b, const GateCandidate& c, const std::string& label,
                                                 const ComparisonOptions& options, std::vector<std::string>& notes)
{
    BenchmarkResults candidate;
    candidate.results.push_back(summarizeConfiguration(c.runs, false));
    const BenchmarkConfiguration& current = candidate.results.front();
    if (b.results->original)
        return compareWithOriginal(*b.results, current, c, label, options, notes);
    std::vector<MetricComparison> out = compareBenchmarkResults(*b.results, candidate, options);
    relabel(out, label);
    const auto& all = b.results->results;
    const auto match = std::find_if(all.begin(), all.end(),
                                    [&](const BenchmarkConfiguration& r) { return sameShape(r, current); });
    if (match == all.end()) {
        notes.push_back(label + ": the baseline has no configuration with the same new tokens, KV cache, threads and "
                                "prompt length; not compared");
        return out;
    }
    const std::vector<double>& baseTokens = b.resultsTokenLatencies[static_cast<std::size_t>(match - all.begin())];
    const std::vector<double> candidateTokens = pooledTokenLatencies(c.runs);
    if (!baseTokens.empty() && !candidateTokens.empty())
        out.push_back(compareSamples(metricSpec(label, "token latency", "ms", Better::Lower, true, "token"), baseTokens,
                                     candidateTokens, options));
    else if (baseTokens.empty())
        notes.push_back(label + ": the baseline results hold no per-token latencies (written by an older version): "
                                "only per-run figures are compared");
    return out;
}

std::vector<MetricComparison> compareWithLog(const Baseline& b, const GateCandidate& c, const std::string& label,
                                             const ComparisonOptions& options, std::vector<std::string>& notes)
{
    const std::int64_t tokens = c.runs.front().settings.maxNewTokens;
    std::vector<const LogRunSummary*> matched;
    for (const LogRunSummary& entry : b.log) {
        if (!entry.maxTokens || *entry.maxTokens == tokens)
            matched.push_back(&entry);
    }
    if (matched.empty()) {
        notes.push_back(label + ": the log has no " + std::to_string(tokens) + "-token runs; not compared");
        return {};
    }
    auto values = [&](std::optional<double> LogRunSummary::*field, double scale) {
        std::vector<double> out;
        for (const LogRunSummary* entry : matched) {
            if (const std::optional<double>& v = entry->*field)
                out.push_back(*v * scale);
        }
        return out;
    };
    std::vector<MetricComparison> out;
    auto add = [&](const ComparisonSpec& spec, const std::vector<double>& base, const std::vector<double>& current) {
        if (!base.empty() && !current.empty())
            out.push_back(compareSamples(spec, base, current, options));
    };
    add(metricSpec(label, "decode TPS", "tok/s", Better::Higher, true, "run"), values(&LogRunSummary::outputTps, 1),
        figureOf(c.runs, &RunFigures::decodeTps, 1));
    add(metricSpec(label, "TTFT", "ms", Better::Lower, true, "run"), values(&LogRunSummary::ttftS, 1e3),
        figureOf(c.runs, &RunFigures::ttftS, 1e3));
    add(metricSpec(label, "ITL p50", "ms", Better::Lower, false, "run"), values(&LogRunSummary::itlP50S, 1e3),
        figureOf(c.runs, &RunFigures::itlP50S, 1e3));
    return out;
}

// Our runs in the shape of an external tool's result, so the library pairs the same figures.
ExternalRun externalCandidate(const GateCandidate& c, const ExternalRun& baseline, const std::string& label)
{
    ExternalRun run;
    run.tool = baseline.tool;
    run.source = "this run";
    run.configuration = label + " vs " + externalToolName(baseline.tool) + " " + baseline.configuration;
    run.label = run.configuration;
    run.decodeTps.samples = figureOf(c.runs, &RunFigures::decodeTps, 1);
    run.promptTps.samples = figureOf(c.runs, &RunFigures::inputTps, 1);
    run.ttft.samplesMs = figureOf(c.runs, &RunFigures::ttftS, 1e3);
    run.tpot.samplesMs = figureOf(c.runs, &RunFigures::tpotS, 1e3);
    run.itl.samplesMs = pooledTokenLatencies(c.runs);
    run.repetitions = static_cast<std::int64_t>(c.runs.size());
    return run;
}

std::vector<MetricComparison> compareWithExternal(const Baseline& b, const GateCandidate& c, const std::string& label,
                                                  const ComparisonOptions& options)
{
    std::vector<MetricComparison> out;
    for (const ExternalRun& base : b.external)
        append(out, compareExternalRuns(base, externalCandidate(c, base, label), options));
    return out;
}

// One figure per side has no spread: a rank test of 1 vs 40 values would "prove" a change
// from a single baseline number.
void dropSingleValueTests(std::vector<MetricComparison>& comparisons)
{
    for (MetricComparison& c : comparisons) {
        if (std::min(c.difference.baselineCount, c.difference.candidateCount) < 2) {
            c.pValue = kNaN;
            c.exactTest = false;
            c.significant = false;
        }
    }
}

// The size of the Holm family: gated comparisons with a p-value.
std::size_t testedCount(const SignificantGateResult& gate)
{
    return static_cast<std::size_t>(std::count_if(gate.verdicts.begin(), gate.verdicts.end(), [](const GateVerdict& v) {
        return v.comparison.spec.gated && !std::isnan(v.comparison.pValue);
    }));
}

std::vector<bool> judgeability(const SignificantGateResult& gate)
{
    const auto tested = static_cast<double>(testedCount(gate));
    std::vector<bool> out;
    for (const GateVerdict& v : gate.verdicts) {
        const MetricComparison& c = v.comparison;
        // Ties can make the normal approximation a little smaller than complete separation.
        const double best
            = std::min(c.pValue, smallestMannWhitneyP(c.difference.baselineCount, c.difference.candidateCount));
        out.push_back(c.spec.gated && !std::isnan(c.pValue) && std::min(1.0, tested * best) < gate.alpha);
    }
    return out;
}

std::string pText(double p)
{
    const std::string text = formatPValue(p);
    return text.front() == '<' ? "p " + text : "p = " + text;
}

std::string samplesText(const MetricComparison& c)
{
    return std::to_string(c.difference.baselineCount) + " baseline and " + std::to_string(c.difference.candidateCount)
        + " candidate samples (one per " + c.spec.sampleKind + ")";
}

std::string whyNotJudgeable(const MetricComparison& c, std::size_t tested, double alpha)
{
    if (std::min(c.difference.baselineCount, c.difference.candidateCount) < 2)
        return samplesText(c) + ": a single figure has no spread, so no significance test";
    const double best = smallestMannWhitneyP(c.difference.baselineCount, c.difference.candidateCount);
    return samplesText(c) + ": even complete separation gives p = " + formatPValue(best) + ", "
        + formatPValue(std::min(1.0, best * static_cast<double>(tested))) + " after Holm over " + std::to_string(tested)
        + " gated comparisons, not below " + formatShort(alpha);
}

const char* verdictWord(const GateVerdict& v, bool judgeable, double alpha)
{
    const MetricComparison& c = v.comparison;
    if (v.regressed)
        return "REGRESSION";
    if (!judgeable)
        return "not judged";
    if (v.adjustedP < alpha && c.worse)
        return "worse, within limit";
    if (v.adjustedP < alpha && c.difference.delta.estimate != 0)
        return "improved";
    return "ok";
}

Json numberOrNull(double value) { return std::isfinite(value) ? Json(value) : Json(nullptr); }

Json comparisonJson(const GateVerdict& v, bool judgeable)
{
    const MetricComparison& c = v.comparison;
    const MedianDifference& d = c.difference;
    return Json{{"configuration", c.spec.configuration},
                {"metric", c.spec.name},
                {"scope", c.spec.scope == ComparisonScope::Layer ? "layer" : "metric"},
                {"unit", c.spec.unit},
                {"better", c.spec.better == Better::Higher ? "higher" : "lower"},
                {"gated", c.spec.gated},
                {"sample_kind", c.spec.sampleKind},
                {"baseline_samples", d.baselineCount},
                {"candidate_samples", d.candidateCount},
                {"baseline_median", numberOrNull(d.baselineMedian)},
                {"candidate_median", numberOrNull(d.candidateMedian)},
                {"delta", numberOrNull(d.delta.estimate)},
                {"delta_lower", numberOrNull(d.delta.lower)},
                {"delta_upper", numberOrNull(d.delta.upper)},
                {"change_pct", numberOrNull(d.changePct.estimate)},
                {"change_pct_lower", numberOrNull(d.changePct.lower)},
                {"change_pct_upper", numberOrNull(d.changePct.upper)},
                {"level", d.delta.level},
                {"p_value", numberOrNull(c.pValue)},
                {"exact_test", c.exactTest},
                {"adjusted_p", numberOrNull(v.adjustedP)},
                {"regression_pct", numberOrNull(c.regressionPct)},
                {"worse", c.worse},
                {"judgeable", judgeable},
                {"regressed", v.regressed},
                {"description", describeComparison(c)}};
}

} // namespace

double smallestMannWhitneyP(std::size_t n1, std::size_t n2)
{
    if (n1 == 0 || n2 == 0)
        return 1;
    std::vector<double> below(n1), above(n2);
    std::iota(below.begin(), below.end(), 0.0);
    std::iota(above.begin(), above.end(), static_cast<double>(n1));
    return mannWhitneyU(below, above).pValue;
}

std::size_t BaselineGateOutcome::judgeableCount() const
{
    return static_cast<std::size_t>(std::count(judgeable.begin(), judgeable.end(), true));
}

BaselineGateOutcome runBaselineGate(const BatchOptions& options, const std::vector<GateCandidate>& candidates)
{
    const Baseline baseline = loadBaseline(options.baselineFiles);
    BaselineGateOutcome outcome;
    outcome.files = options.baselineFiles;
    outcome.kind = baseline.kind;
    ComparisonOptions comparison;
    comparison.alpha = kAlpha;
    std::vector<MetricComparison> all;
    for (const GateCandidate& c : candidates) {
        if (c.runs.empty())
            continue;
        const std::string label = c.label;
        if (!baseline.runs.empty())
            append(all, compareWithRuns(baseline, c, label, comparison, outcome.notes));
        else if (baseline.results)
            append(all, compareWithResults(baseline, c, label, comparison, outcome.notes));
        else if (!baseline.log.empty())
            append(all, compareWithLog(baseline, c, label, comparison, outcome.notes));
        else
            append(all, compareWithExternal(baseline, c, label, comparison));
    }
    if (!baseline.external.empty())
        outcome.notes.push_back(baseline.external.front().tool == ExternalTool::LlamaBench
                                    ? "llama-bench's pp test times prompt processing alone and its tg test decoding "
                                      "from an empty context; vlmscope's input TPS includes image preprocessing and "
                                      "vision encoding: read the changes as a comparison of tools, not of builds"
                                    : "vLLM's figures are measured through a server under its request rate and "
                                      "concurrency; vlmscope's TTFT includes image preprocessing and vision encoding: "
                                      "read the changes as a comparison of setups, not of builds");
    dropSingleValueTests(all);
    outcome.gate = significantGate(all, options.maxRegressionPct, kAlpha);
    outcome.judgeable = judgeability(outcome.gate);
    return outcome;
}

void printGateOutcome(const BaselineGateOutcome& outcome, bool quiet, std::ostream& human)
{
    const SignificantGateResult& gate = outcome.gate;
    const std::string limit = formatShort(gate.maxRegressionPct) + "%";
    std::string files;
    for (const std::string& file : outcome.files)
        files += (files.empty() ? "" : ", ") + file;
    const std::size_t tested = testedCount(gate);
    human << "Baseline " << files << " (" << outcome.kind << "): " << gate.verdicts.size() << " comparisons, "
          << gate.gatedCount() << " gated, " << outcome.judgeableCount()
          << " of them able to reach significance; limit " << limit << ", alpha " << formatShort(gate.alpha)
          << " (Mann-Whitney U, Holm-adjusted)\n";
    for (std::size_t i = 0; i < gate.verdicts.size(); ++i) {
        const GateVerdict& v = gate.verdicts[i];
        if (!quiet && v.comparison.spec.gated)
            human << "  " << verdictWord(v, outcome.judgeable[i], gate.alpha) << ": "
                  << describeComparison(v.comparison)
                  << (std::isnan(v.adjustedP) ? "" : ", Holm-adjusted " + pText(v.adjustedP)) << "\n";
    }
    for (const std::string& note : outcome.notes)
        std::cerr << "note: " << note << "\n";
    for (std::size_t i = 0; i < gate.verdicts.size(); ++i) {
        const GateVerdict& v = gate.verdicts[i];
        const MetricComparison& c = v.comparison;
        if (!c.spec.gated)
            continue;
        if (v.regressed)
            std::cerr << "regression: " << describeComparison(c) << ", limit " << limit << ", Holm-adjusted "
                      << pText(v.adjustedP) << "\n";
        else if (!outcome.judgeable[i])
            std::cerr << "cannot judge: " << c.spec.name << " of " << c.spec.configuration << " ("
                      << formatPercent(c.difference.changePct.estimate)
                      << "): " << whyNotJudgeable(c, tested, gate.alpha)
                      << (c.regressionPct > gate.maxRegressionPct ? "; worse than the limit, but it cannot fail the gate"
                                                                  : "")
                      << "\n";
        else if (c.regressionPct > gate.maxRegressionPct)
            std::cerr << "not significant: " << describeComparison(c) << ", limit " << limit << ", Holm-adjusted "
                      << pText(v.adjustedP) << ": not a failure\n";
    }
    if (gate.gatedCount() == 0)
        std::cerr << "warning: nothing in the baseline matched these configurations: the gate compared nothing\n";
    else if (outcome.judgeableCount() == 0)
        std::cerr << "warning: no gated comparison can reach significance with these samples, so this gate cannot "
                     "fail: run more iterations (--iterations, --until-stable) or use a baseline with per-token "
                     "samples (run records, or results files of this version)\n";
    if (gate.failed())
        std::cerr << "Gate: FAILED: " << gate.regressionCount() << " significant regression"
                  << (gate.regressionCount() == 1 ? "" : "s") << " beyond " << limit << "\n";
    else
        human << "Gate: passed (" << outcome.judgeableCount() << " of " << gate.gatedCount()
              << " gated comparisons could have failed it)\n";
}

nlohmann::ordered_json BaselineGateOutcome::toJson() const
{
    Json comparisons = Json::array();
    Json messages = Json::array();
    for (std::size_t i = 0; i < gate.verdicts.size(); ++i) {
        comparisons.push_back(comparisonJson(gate.verdicts[i], judgeable[i]));
        if (gate.verdicts[i].regressed)
            messages.push_back(describeComparison(gate.verdicts[i].comparison) + ", limit "
                               + formatShort(gate.maxRegressionPct) + "%");
    }
    return Json{{"baseline", files},
                {"baseline_kind", kind},
                {"max_regression_pct", gate.maxRegressionPct},
                {"alpha", gate.alpha},
                {"failed", gate.failed()},
                {"gated", gate.gatedCount()},
                {"judgeable", judgeableCount()},
                {"regressions", gate.regressionCount()},
                {"messages", messages},
                {"notes", notes},
                {"comparisons", comparisons}};
}

} // namespace vlmscope
