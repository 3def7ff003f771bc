#include "core/stats/comparison.h"

#include "core/stats/mann_whitney.h"
#include "core/stats/number_format.h"
#include "core/util/error.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <optional>

namespace vlmscope {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kMiB = 1024.0 * 1024.0;

// A per-run figure: how to read it from RunFigures, scaled to the unit shown.
struct RunFigure {
    const char* name;
    const char* unit;
    Better better;
    bool gated;
    std::optional<double> RunFigures::*field;
    double scale;
};

const RunFigure kRunFigures[] = {
    {"decode TPS", "tok/s", Better::Higher, true, &RunFigures::decodeTps, 1},
    {"TTFT", "ms", Better::Lower, true, &RunFigures::ttftS, 1000},
    {"prefill time", "ms", Better::Lower, false, &RunFigures::prefillS, 1000},
    {"input TPS", "tok/s", Better::Higher, false, &RunFigures::inputTps, 1},
    {"overall TPS", "tok/s", Better::Higher, false, &RunFigures::overallTps, 1},
    {"ITL p50", "ms", Better::Lower, false, &RunFigures::itlP50S, 1000},
    {"ITL p99", "ms", Better::Lower, false, &RunFigures::itlP99S, 1000},
    {"total time", "ms", Better::Lower, false, &RunFigures::totalS, 1000},
    {"peak RSS", "MiB", Better::Lower, true, &RunFigures::peakRssBytes, 1 / kMiB},
    {"peak allocator", "MiB", Better::Lower, false, &RunFigures::peakAllocatorBytes, 1 / kMiB},
};

std::vector<double> figureSamples(const std::vector<RunFigures>& runs, const RunFigure& figure)
{
    std::vector<double> values;
    for (const RunFigures& f : runs) {
        if (const std::optional<double>& v = f.*figure.field)
            values.push_back(*v * figure.scale);
    }
    return values;
}

void addRunFigures(std::vector<MetricComparison>& out, const std::string& configuration,
                   const std::vector<RunFigures>& baseline, const std::vector<RunFigures>& candidate,
                   const ComparisonOptions& options)
{
    for (const RunFigure& figure : kRunFigures) {
        const std::vector<double> b = figureSamples(baseline, figure), c = figureSamples(candidate, figure);
        if (b.empty() || c.empty())
            continue;
        const ComparisonSpec spec{configuration, figure.name, figure.unit, ComparisonScope::Metric,
                                  figure.better, figure.gated, "run"};
        out.push_back(compareSamples(spec, b, c, options));
    }
}

// Self time per step of every layer scope of a set of runs, by scope name.
struct LayerSamples {
    std::vector<std::string> order; // first-seen order
    std::map<std::string, std::vector<double>> decode, prefill;
    std::map<std::string, double> totalSelfNs;
    double allSelfNs = 0;
};

LayerSamples layerSamples(const std::vector<RunRecord>& runs)
{
    LayerSamples s;
    for (const RunRecord& run : runs) {
        const std::int64_t firstKept = std::max<std::int64_t>(1, run.settings.discardFirst);
        for (const StepLayerTimes& step : run.steps) {
            const std::size_t count = std::min(step.selfNs.size(), run.scopes.size());
            for (std::size_t j = 0; j < count; ++j) {
                const bool ran = j < step.calls.size() ? step.calls[j] > 0 : step.selfNs[j] > 0;
                if (!ran || step.selfNs[j] < 0)
                    continue;
                const std::string& name = run.scopes[j].name;
                if (!s.totalSelfNs.count(name))
                    s.order.push_back(name);
                s.totalSelfNs[name] += static_cast<double>(step.selfNs[j]);
                s.allSelfNs += static_cast<double>(step.selfNs[j]);
                const double ms = static_cast<double>(step.selfNs[j]) / 1e6;
                if (step.step == 0)
                    s.prefill[name].push_back(ms);
                else if (step.step >= firstKept)
                    s.decode[name].push_back(ms);
            }
        }
    }
    return s;
}

void addLayers(std::vector<MetricComparison>& out, const std::string& configuration,
               const std::vector<RunRecord>& baseline, const std::vector<RunRecord>& candidate,
               const ComparisonOptions& options)
{
    const LayerSamples b = layerSamples(baseline), c = layerSamples(candidate);
    for (const std::string& name : b.order) {
        const double sharePct = b.allSelfNs > 0 ? b.totalSelfNs.at(name) / b.allSelfNs * 100 : 0;
        ComparisonSpec spec{configuration, name, "ms/step", ComparisonScope::Layer, Better::Lower,
                            sharePct >= options.minGatedLayerSharePct, "decode step"};
        // Scopes that run in decode steps are judged there (prefill shows in TTFT); the vision
        // encoder and projector only run in the prefill step.
        const auto bd = b.decode.find(name), cd = c.decode.find(name);
        if (bd != b.decode.end() && cd != c.decode.end()) {
            out.push_back(compareSamples(spec, bd->second, cd->second, options));
            continue;
        }
        const auto bp = b.prefill.find(name), cp = c.prefill.find(name);
        if (bp != b.prefill.end() && cp != c.prefill.end() && bd == b.decode.end() && cd == c.decode.end()) {
            spec.unit = "ms";
            spec.sampleKind = "prefill";
            out.push_back(compareSamples(spec, bp->second, cp->second, options));
        }
    }
}

std::vector<double> rateSamples(const RateFigures& rate)
{
    if (!rate.samples.empty())
        return rate.samples;
    return rate.mean ? std::vector<double>{*rate.mean} : std::vector<double>{};
}

std::vector<double> latencySamples(const LatencyFigures& latency)
{
    if (!latency.samplesMs.empty())
        return latency.samplesMs;
    const std::optional<double> typical = latency.medianMs ? latency.medianMs : latency.meanMs;
    return typical ? std::vector<double>{*typical} : std::vector<double>{};
}

std::string levelText(double level) { return std::to_string(static_cast<int>(std::lround(level * 100))) + "% CI"; }

void validateOptions(const ComparisonOptions& options)
{
    validateBootstrapOptions(options.bootstrap);
    if (!(options.alpha > 0 && options.alpha < 1))
        throw InputError("comparison: the significance level must be between 0 and 1 (got "
                         + formatShort(options.alpha) + ")");
}

} // namespace

MetricComparison compareSamples(const ComparisonSpec& spec, const std::vector<double>& baseline,
                                const std::vector<double>& candidate, const ComparisonOptions& options)
{
    validateOptions(options);
    MetricComparison c;
    c.spec = spec;
    c.difference = bootstrapMedianDifference(baseline, candidate, options.bootstrap);
    // One value per side has no spread: an interval of zero width would look falsely precise.
    if (std::min(c.difference.baselineCount, c.difference.candidateCount) < 2) {
        c.difference.delta.lower = c.difference.delta.upper = kNaN;
        c.difference.changePct.lower = c.difference.changePct.upper = kNaN;
    }
    const MannWhitneyResult test = mannWhitneyU(baseline, candidate);
    c.pValue = test.pValue;
    c.exactTest = test.exact;
    c.significant = c.pValue < options.alpha;
    const double change = c.difference.changePct.estimate;
    if (std::isfinite(change))
        c.regressionPct = spec.better == Better::Higher ? -change : change;
    const double delta = c.difference.delta.estimate;
    c.worse = spec.better == Better::Higher ? delta < 0 : delta > 0;
    return c;
}

std::vector<double> tokenLatenciesMs(const RunRecord& run)
{
    std::vector<double> gaps;
    const std::size_t first = static_cast<std::size_t>(std::max<std::int64_t>(0, run.settings.discardFirst)) + 1;
    for (std::size_t i = first; i < run.tokens.size(); ++i) {
        const std::int64_t gap = run.tokens[i].timeNs - run.tokens[i - 1].timeNs;
        if (gap >= 0)
            gaps.push_back(static_cast<double>(gap) / 1e6);
    }
    return gaps;
}

std::vector<MetricComparison> compareRuns(const std::string& configuration, const std::vector<RunRecord>& baseline,
                                          const std::vector<RunRecord>& candidate, const ComparisonOptions& options)
{
    validateOptions(options);
    std::vector<RunFigures> b, c;
    std::vector<double> bTokens, cTokens;
    for (const RunRecord& run : baseline) {
        b.push_back(runFigures(run));
        const std::vector<double> gaps = tokenLatenciesMs(run);
        bTokens.insert(bTokens.end(), gaps.begin(), gaps.end());
    }
    for (const RunRecord& run : candidate) {
        c.push_back(runFigures(run));
        const std::vector<double> gaps = tokenLatenciesMs(run);
        cTokens.insert(cTokens.end(), gaps.begin(), gaps.end());
    }
    std::vector<MetricComparison> out;
    addRunFigures(out, configuration, b, c, options);
    if (!bTokens.empty() && !cTokens.empty()) {
        const ComparisonSpec spec{configuration, "token latency", "ms", ComparisonScope::Metric, Better::Lower, true,
                                  "token"};
        out.push_back(compareSamples(spec, bTokens, cTokens, options));
    }
    if (options.layers)
        addLayers(out, configuration, baseline, candidate, options);
    return out;
}

std::string configurationLabel(const BenchmarkConfiguration& c)
{
    std::string label = std::to_string(c.tokenCount) + " tokens";
    if (!c.original) {
        label += c.kvCache ? ", kv on" : ", kv off";
        if (c.threads > 0)
            label += ", " + std::to_string(c.threads) + " threads";
    }
    return label;
}

std::vector<MetricComparison> compareBenchmarkResults(const BenchmarkResults& baseline,
                                                      const BenchmarkResults& candidate,
                                                      const ComparisonOptions& options)
{
    validateOptions(options);
    std::vector<MetricComparison> out;
    for (const BenchmarkConfiguration& current : candidate.results) {
        const auto match = std::find_if(baseline.results.begin(), baseline.results.end(),
                                        [&](const BenchmarkConfiguration& b) {
                                            return b.tokenCount == current.tokenCount && b.kvCache == current.kvCache
                                                && b.threads == current.threads
                                                && b.contextLength == current.contextLength;
                                        });
        if (match == baseline.results.end())
            continue;
        std::vector<RunFigures> b, c;
        for (const IterationSummary& run : match->runs)
            b.push_back(run.figures);
        for (const IterationSummary& run : current.runs)
            c.push_back(run.figures);
        addRunFigures(out, configurationLabel(current), b, c, options);
    }
    return out;
}

std::vector<MetricComparison> compareExternalRuns(const ExternalRun& baseline, const ExternalRun& candidate,
                                                  const ComparisonOptions& options)
{
    validateOptions(options);
    const bool llama = baseline.tool == ExternalTool::LlamaBench;
    const std::string perRun = llama ? "repetition" : "request";
    struct Item {
        const char* name;
        const char* unit;
        Better better;
        bool gated; // TPOT is the decode rate's inverse: judged once, as decode TPS
        std::vector<double> b, c;
        std::string kind;
    };
    const Item items[] = {
        {"decode TPS", "tok/s", Better::Higher, true, rateSamples(baseline.decodeTps), rateSamples(candidate.decodeTps),
         perRun},
        {"prompt TPS", "tok/s", Better::Higher, true, rateSamples(baseline.promptTps), rateSamples(candidate.promptTps),
         perRun},
        {"throughput", "tok/s", Better::Higher, true, rateSamples(baseline.throughputTps),
         rateSamples(candidate.throughputTps), perRun},
        {"TTFT", "ms", Better::Lower, true, latencySamples(baseline.ttft), latencySamples(candidate.ttft), "request"},
        {"TPOT", "ms", Better::Lower, false, latencySamples(baseline.tpot), latencySamples(candidate.tpot), perRun},
        {"token latency", "ms", Better::Lower, true, latencySamples(baseline.itl), latencySamples(candidate.itl),
         "token"},
    };
    std::vector<MetricComparison> out;
    for (const Item& item : items) {
        if (item.b.empty() || item.c.empty())
            continue;
        const ComparisonSpec spec{candidate.configuration, item.name, item.unit, ComparisonScope::Metric,
                                  item.better, item.gated, item.kind};
        out.push_back(compareSamples(spec, item.b, item.c, options));
    }
    return out;
}

std::vector<MetricComparison> compareExternalResults(const std::vector<ExternalRun>& baseline,
                                                     const std::vector<ExternalRun>& candidate,
                                                     const ComparisonOptions& options)
{
    std::vector<MetricComparison> out;
    for (const ExternalRun& current : candidate) {
        const ExternalRun* match = nullptr;
        if (baseline.size() == 1 && candidate.size() == 1) {
            match = &baseline.front();
        } else {
            const auto it = std::find_if(baseline.begin(), baseline.end(), [&](const ExternalRun& b) {
                return b.tool == current.tool && b.configuration == current.configuration;
            });
            match = it == baseline.end() ? nullptr : &*it;
        }
        if (!match)
            continue;
        const std::vector<MetricComparison> pair = compareExternalRuns(*match, current, options);
        out.insert(out.end(), pair.begin(), pair.end());
    }
    return out;
}

std::string describeComparison(const MetricComparison& c)
{
    const MedianDifference& d = c.difference;
    std::string text = c.spec.scope == ComparisonScope::Layer ? "layer " + c.spec.name : c.spec.name;
    if (!c.spec.configuration.empty())
        text += " of " + c.spec.configuration;
    text += ": " + formatFigure(d.baselineMedian) + " -> " + formatFigure(d.candidateMedian);
    if (!c.spec.unit.empty())
        text += " " + c.spec.unit;
    std::vector<std::string> details;
    if (std::isfinite(d.changePct.estimate)) {
        details.push_back(formatPercent(d.changePct.estimate));
        if (d.changePct.defined())
            details.push_back(levelText(d.changePct.level) + " " + formatPercent(d.changePct.lower) + " .. "
                              + formatPercent(d.changePct.upper));
    } else if (std::isfinite(d.delta.estimate)) {
        const std::string sign = d.delta.estimate >= 0 ? "+" : "";
        details.push_back(sign + formatFigure(d.delta.estimate) + " " + c.spec.unit);
        if (d.delta.defined())
            details.push_back(levelText(d.delta.level) + " " + formatFigure(d.delta.lower) + " .. "
                              + formatFigure(d.delta.upper));
    }
    const std::string p = formatPValue(c.pValue);
    details.push_back(p.front() == '<' ? "p " + p : "p = " + p);
    text += " (";
    for (std::size_t i = 0; i < details.size(); ++i)
        text += (i ? ", " : "") + details[i];
    return text + ")";
}

bool SignificantGateResult::failed() const { return regressionCount() > 0; }

std::size_t SignificantGateResult::gatedCount() const
{
    return static_cast<std::size_t>(std::count_if(verdicts.begin(), verdicts.end(),
                                                  [](const GateVerdict& v) { return v.comparison.spec.gated; }));
}

std::size_t SignificantGateResult::regressionCount() const
{
    return static_cast<std::size_t>(
        std::count_if(verdicts.begin(), verdicts.end(), [](const GateVerdict& v) { return v.regressed; }));
}

std::vector<std::string> SignificantGateResult::regressionMessages() const
{
    std::vector<std::string> lines;
    for (const GateVerdict& v : verdicts) {
        if (v.regressed)
            lines.push_back(describeComparison(v.comparison) + ", limit " + formatShort(maxRegressionPct) + "%");
    }
    return lines;
}

SignificantGateResult significantGate(const std::vector<MetricComparison>& comparisons, double maxRegressionPct,
                                      double alpha)
{
    if (!(maxRegressionPct >= 0) || !std::isfinite(maxRegressionPct))
        throw InputError("--max-regression must be a non-negative percentage (got " + formatShort(maxRegressionPct)
                         + ")");
    if (!(alpha > 0 && alpha < 1))
        throw InputError("gate: the significance level must be between 0 and 1 (got " + formatShort(alpha) + ")");
    SignificantGateResult result;
    result.maxRegressionPct = maxRegressionPct;
    result.alpha = alpha;
    std::vector<std::size_t> tested; // gated comparisons with a p-value, by ascending p
    for (std::size_t i = 0; i < comparisons.size(); ++i) {
        result.verdicts.push_back({comparisons[i], kNaN, false});
        if (comparisons[i].spec.gated && !std::isnan(comparisons[i].pValue))
            tested.push_back(i);
    }
    std::stable_sort(tested.begin(), tested.end(),
                     [&](std::size_t a, std::size_t b) { return comparisons[a].pValue < comparisons[b].pValue; });
    // Holm: the k-th smallest p (from 0) is scaled by m - k, and adjusted values never decrease.
    double running = 0;
    for (std::size_t k = 0; k < tested.size(); ++k) {
        const double scaled = std::min(1.0, static_cast<double>(tested.size() - k) * comparisons[tested[k]].pValue);
        running = std::max(running, scaled);
        GateVerdict& v = result.verdicts[tested[k]];
        v.adjustedP = running;
        v.regressed = v.adjustedP < alpha && v.comparison.regressionPct > maxRegressionPct;
    }
    return result;
}

} // namespace vlmscope
