#include "core/stats/shared_metrics.h"

#include "core/io/benchmark_results.h"
#include "core/metrics/aggregate.h"
#include "core/stats/number_format.h"

#include <algorithm>
#include <cmath>
#include <optional>

namespace vlmscope {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::vector<double> figureOf(const std::vector<RunRecord>& runs, std::optional<double> RunFigures::*field, double scale)
{
    std::vector<double> values;
    for (const RunRecord& run : runs) {
        const std::optional<double> v = runFigures(run).*field;
        if (v && std::isfinite(*v))
            values.push_back(*v * scale);
    }
    return values;
}

// The percentiles of `samples` as a tool would report them.
void describeSamples(LatencyFigures& latency)
{
    std::vector<double> sorted = latency.samplesMs;
    sorted.erase(std::remove_if(sorted.begin(), sorted.end(), [](double v) { return !std::isfinite(v); }), sorted.end());
    if (sorted.empty())
        return;
    std::sort(sorted.begin(), sorted.end());
    double sum = 0;
    for (double v : sorted)
        sum += v;
    latency.meanMs = sum / static_cast<double>(sorted.size());
    latency.medianMs = percentileOfSorted(sorted, 50);
    for (double pct : kSharedPercentiles)
        latency.percentilesMs.emplace_back(pct, percentileOfSorted(sorted, pct));
}

// Reported, else computed from the samples the file kept.
std::optional<double> percentileOf(const LatencyFigures& latency, double pct)
{
    if (const std::optional<double> reported = latency.percentile(pct))
        return reported;
    std::vector<double> sorted;
    for (double v : latency.samplesMs) {
        if (std::isfinite(v))
            sorted.push_back(v);
    }
    if (sorted.empty())
        return std::nullopt;
    std::sort(sorted.begin(), sorted.end());
    return percentileOfSorted(sorted, pct);
}

std::string percentileName(const char* metric, double pct)
{
    return std::string(metric) + " p" + formatShort(pct);
}

} // namespace

ExternalRun externalRunFromRuns(const std::vector<RunRecord>& runs, ExternalTool tool, const std::string& label)
{
    ExternalRun run;
    run.tool = tool;
    run.source = "vlmscope";
    run.configuration = label;
    run.label = label;
    run.repetitions = static_cast<std::int64_t>(runs.size());
    if (!runs.empty()) {
        run.model = runs.front().model.name.empty() ? runs.front().settings.model : runs.front().model.name;
        run.date = runs.front().startedAt;
        run.promptTokens = runs.front().inputTokens;
        run.generatedTokens = runs.front().metrics.outputTokens;
        if (runs.front().settings.threads > 0)
            run.threads = runs.front().settings.threads;
    }
    run.decodeTps.samples = figureOf(runs, &RunFigures::decodeTps, 1);
    run.ttft.samplesMs = figureOf(runs, &RunFigures::ttftS, 1e3);
    run.tpot.samplesMs = figureOf(runs, &RunFigures::tpotS, 1e3);
    for (const RunRecord& r : runs) {
        const std::vector<double> gaps = tokenLatenciesMs(r);
        run.itl.samplesMs.insert(run.itl.samplesMs.end(), gaps.begin(), gaps.end());
    }
    if (!run.decodeTps.samples.empty())
        run.decodeTps.mean = medianOf(run.decodeTps.samples);
    for (LatencyFigures* latency : {&run.ttft, &run.tpot, &run.itl})
        describeSamples(*latency);
    return run;
}

std::vector<MetricComparison> compareLatencyPercentiles(const ExternalRun& baseline, const ExternalRun& candidate)
{
    struct Latency {
        const char* name;
        const LatencyFigures ExternalRun::*figures;
    };
    const Latency latencies[] = {{"TTFT", &ExternalRun::ttft}, {"TPOT", &ExternalRun::tpot}, {"ITL", &ExternalRun::itl}};
    std::vector<MetricComparison> out;
    for (const Latency& latency : latencies) {
        for (double pct : kSharedPercentiles) {
            const std::optional<double> b = percentileOf(baseline.*latency.figures, pct);
            const std::optional<double> c = percentileOf(candidate.*latency.figures, pct);
            if (!b || !c)
                continue;
            const ComparisonSpec spec{candidate.configuration, percentileName(latency.name, pct), "ms",
                                      ComparisonScope::Metric, Better::Lower, false, "reported figure"};
            MetricComparison comparison = compareSamples(spec, {*b}, {*c});
            // One figure per side has no spread: there is nothing to test.
            comparison.pValue = kNaN;
            comparison.exactTest = false;
            comparison.significant = false;
            out.push_back(std::move(comparison));
        }
    }
    return out;
}

std::vector<MetricComparison> compareRunsWithExternal(const std::vector<RunRecord>& runs, const ExternalRun& external,
                                                      bool externalIsBaseline, const ComparisonOptions& options)
{
    const ExternalRun ours = externalRunFromRuns(runs, external.tool, "vlmscope runs vs " + external.label);
    const ExternalRun& baseline = externalIsBaseline ? external : ours;
    const ExternalRun& candidate = externalIsBaseline ? ours : external;
    std::vector<MetricComparison> out = compareExternalRuns(baseline, candidate, options);
    for (MetricComparison& c : out) {
        // compareExternalRuns names the external tool's sample kind for both sides.
        const std::string theirs = c.spec.sampleKind;
        const std::string mine = c.spec.sampleKind == "token" ? "token" : "run";
        c.spec.sampleKind = externalIsBaseline ? theirs + " vs " + mine : mine + " vs " + theirs;
    }
    const std::vector<MetricComparison> percentiles = compareLatencyPercentiles(baseline, candidate);
    out.insert(out.end(), percentiles.begin(), percentiles.end());
    return out;
}

} // namespace vlmscope
