#include "app/batch_plots.h"

#include "core/metrics/aggregate.h"
#include "core/stats/comparison.h"
#include "core/util/error.h"
#include "ui/charts/band_chart.h"
#include "ui/charts/category_chart.h"
#include "ui/charts/layer_bars_chart.h"
#include "ui/charts/layer_heatmap.h"
#include "ui/charts/memory_chart.h"
#include "ui/charts/sweep_chart.h"
#include "ui/charts/tps_chart.h"

#include <QDir>
#include <QFileInfo>

#include <algorithm>
#include <map>
#include <set>

namespace vlmscope {

namespace {

const QSize kPlotSize{1400, 800};

// Saves one chart as PNG and SVG; throws RuntimeFailure naming the file on failure.
template <typename Chart>
void save(Chart& chart, const std::string& prefix, const char* name, std::vector<std::string>& files)
{
    const QString base = QString::fromStdString(prefix) + "_" + name;
    QDir().mkpath(QFileInfo(base).absolutePath());
    for (const char* suffix : {".png", ".svg"}) {
        QString error;
        if (!chart.saveImage(base + suffix, &error, kPlotSize))
            throw RuntimeFailure(error.toStdString());
        files.push_back((base + suffix).toStdString());
    }
}

double sweepValue(const SweepPoint& point, SweepDimension dimension)
{
    switch (dimension) {
    case SweepDimension::ContextLength: return static_cast<double>(point.contextLength.value_or(0));
    case SweepDimension::Threads: return point.threads;
    default: return static_cast<double>(point.maxTokens);
    }
}

QString sweepAxisTitle(SweepDimension dimension)
{
    switch (dimension) {
    case SweepDimension::ContextLength: return "prompt length (text tokens)";
    case SweepDimension::Threads: return "intra-op threads";
    default: return "max new tokens";
    }
}

// The settings that are not on the x axis name the line a point belongs to.
QString familyName(const SweepPoint& point, SweepDimension dimension)
{
    QStringList parts;
    if (dimension != SweepDimension::MaxTokens && dimension != SweepDimension::KvCache)
        parts << QString("%1 tokens").arg(point.maxTokens);
    parts << (point.kvCache ? "KV cache on" : "KV cache off");
    if (dimension != SweepDimension::Threads)
        parts << (point.threads > 0 ? QString("%1 threads").arg(point.threads) : QString("all threads"));
    return parts.join(", ");
}

std::vector<SweepSeries> seriesOf(const BenchmarkResults& results, const std::vector<SweepPoint>& plan,
                                  const std::vector<std::vector<RunRecord>>& runs, const Summary FigureSummaries::*figure,
                                  double scale)
{
    std::map<QString, SweepSeries> families;
    std::size_t measured = 0;
    for (std::size_t c = 0; c < plan.size(); ++c) {
        if (runs[c].empty())
            continue;
        const Summary& summary = results.results[measured++].summary.*figure;
        if (summary.n == 0)
            continue;
        const QString name = familyName(plan[c], results.sweep);
        families[name].name = name;
        families[name].points.emplace_back(sweepValue(plan[c], results.sweep), summary.median * scale);
    }
    std::vector<SweepSeries> series;
    for (auto& entry : families)
        series.push_back(std::move(entry.second));
    return series;
}

// Latency of each output token (from the second) in every run that reached it, in ms: the
// median over runs, and their min and max as the band.
BandSeries positionBand(const QString& name, const std::vector<RunRecord>& runs)
{
    BandSeries band;
    band.name = name;
    std::size_t longest = 0;
    for (const RunRecord& run : runs)
        longest = std::max(longest, run.tokens.size());
    for (std::size_t i = 1; i < longest; ++i) {
        std::vector<double> values;
        for (const RunRecord& run : runs) {
            if (i < run.tokens.size())
                values.push_back(static_cast<double>(run.tokens[i].timeNs - run.tokens[i - 1].timeNs) / 1e6);
        }
        std::sort(values.begin(), values.end());
        band.x.push_back(static_cast<double>(i + 1)); // 1-based output position
        band.median.push_back(percentileOfSorted(values, 50));
        band.lower.push_back(values.front());
        band.upper.push_back(values.back());
    }
    return band;
}

const char* const kPositionBand = "min–max over runs";

void savePositionChart(const std::vector<BandSeries>& series, const QString& title, const std::string& prefix,
                       std::vector<std::string>& files)
{
    BandChart chart;
    chart.setBands(title, "output token position", "inter-token latency (ms)", kPositionBand, series);
    save(chart, prefix, "itl_position", files);
}

// Median inter-token latency (after --discard-first) of each configuration against the
// prompt positions it decoded after, one line per other setting; band: 25th-75th percentile.
std::vector<BandSeries> depthBands(const std::vector<SweepPoint>& plan, const std::vector<std::vector<RunRecord>>& runs)
{
    std::map<QString, BandSeries> families;
    for (std::size_t c = 0; c < plan.size(); ++c) {
        std::vector<double> latencies;
        for (const RunRecord& run : runs[c]) {
            const std::vector<double> gaps = tokenLatenciesMs(run);
            latencies.insert(latencies.end(), gaps.begin(), gaps.end());
        }
        if (latencies.empty())
            continue;
        std::sort(latencies.begin(), latencies.end());
        const QString name = familyName(plan[c], SweepDimension::ContextLength);
        BandSeries& band = families[name];
        band.name = name;
        band.x.push_back(static_cast<double>(runs[c].front().inputTokens));
        band.median.push_back(percentileOfSorted(latencies, 50));
        band.lower.push_back(percentileOfSorted(latencies, 25));
        band.upper.push_back(percentileOfSorted(latencies, 75));
    }
    std::vector<BandSeries> series;
    for (auto& entry : families) {
        BandSeries& b = entry.second;
        std::vector<std::size_t> order(b.x.size());
        for (std::size_t i = 0; i < order.size(); ++i)
            order[i] = i;
        std::sort(order.begin(), order.end(), [&b](std::size_t l, std::size_t r) { return b.x[l] < b.x[r]; });
        BandSeries sorted;
        sorted.name = b.name;
        for (std::size_t i : order) {
            sorted.x.push_back(b.x[i]);
            sorted.median.push_back(b.median[i]);
            sorted.lower.push_back(b.lower[i]);
            sorted.upper.push_back(b.upper[i]);
        }
        series.push_back(std::move(sorted));
    }
    return series;
}

bool sweepsContext(const std::vector<SweepPoint>& plan)
{
    std::set<std::int64_t> lengths;
    for (const SweepPoint& point : plan) {
        if (point.contextLength)
            lengths.insert(*point.contextLength);
    }
    return lengths.size() > 1;
}

} // namespace

std::vector<std::string> writeRunPlots(const std::string& prefix, const std::vector<RunRecord>& runs)
{
    std::vector<std::string> files;
    if (runs.empty())
        return files;
    const std::vector<RunRecord> last{runs.back()};
    QStringList labels;
    for (std::size_t i = 0; i < runs.size(); ++i)
        labels << (runs.size() == 1 ? QString("run") : QString("generation %1").arg(i + 1));
    TpsChart tps;
    tps.setRunLabels(labels);
    tps.showRuns(runs);
    save(tps, prefix, "tps", files);
    tps.setMode(TpsChart::Latency);
    save(tps, prefix, "latency", files);
    tps.setMode(TpsChart::PerSecond);
    save(tps, prefix, "per_second_tps", files);
    LayerBarsChart bars;
    bars.showRuns(last);
    save(bars, prefix, "layers", files);
    CategoryChart categories;
    categories.setRunLabels(labels);
    categories.showRuns(runs);
    save(categories, prefix, "categories", files);
    LayerHeatmap heatmap;
    heatmap.showRuns(last);
    save(heatmap, prefix, "heatmap", files);
    MemoryChart memory;
    memory.setRunLabels(labels);
    memory.showRuns(runs);
    save(memory, prefix, "memory", files);
    const QString over = runs.size() == 1 ? QString("one run") : QString("median over %1 runs").arg(runs.size());
    savePositionChart({positionBand(runs.size() == 1 ? QString("run") : QString("generations"), runs)},
                      QString("Inter-token latency by output position (%1)").arg(over), prefix, files);
    return files;
}

std::vector<std::string> writeBenchmarkPlots(const std::string& prefix, const BenchmarkResults& results,
                                             const std::vector<SweepPoint>& plan,
                                             const std::vector<std::vector<RunRecord>>& runs)
{
    std::vector<std::string> files;
    const QString axis = sweepAxisTitle(results.sweep);
    SweepChart chart;
    chart.setSweep("Decode speed (median over iterations)", axis, "decode tokens/s",
                   seriesOf(results, plan, runs, &FigureSummaries::decodeTps, 1.0));
    save(chart, prefix, "decode_tps", files);
    chart.setSweep("Time to first token (median over iterations)", axis, "TTFT (ms)",
                   seriesOf(results, plan, runs, &FigureSummaries::ttftS, 1e3));
    save(chart, prefix, "ttft", files);
    chart.setSweep("Peak resident memory (median over iterations)", axis, "peak RSS (MiB)",
                   seriesOf(results, plan, runs, &FigureSummaries::peakRssBytes, 1.0 / (1 << 20)));
    save(chart, prefix, "peak_memory", files);

    std::vector<BandSeries> positions;
    for (std::size_t c = 0; c < plan.size(); ++c) {
        if (!runs[c].empty())
            positions.push_back(positionBand(QString::fromStdString(plan[c].label()), runs[c]));
    }
    savePositionChart(positions, "Inter-token latency by output position (median over each configuration's runs)",
                      prefix, files);
    if (sweepsContext(plan)) {
        BandChart depth;
        depth.setBands("Inter-token latency by context depth (median over the decode tokens of all runs)",
                       "prompt positions before decoding (text + image tokens)", "inter-token latency (ms)",
                       "25th–75th percentile", depthBands(plan, runs), true);
        save(depth, prefix, "itl_depth", files);
    }

    // The per-run charts of the configuration with the most tokens (its last iteration).
    std::size_t longest = 0;
    for (std::size_t c = 0; c < plan.size(); ++c) {
        if (!runs[c].empty() && (runs[longest].empty() || plan[c].maxTokens > plan[longest].maxTokens))
            longest = c;
    }
    if (!runs[longest].empty()) {
        const std::vector<std::string> runFiles = writeRunPlots(prefix + "_run", {runs[longest].back()});
        files.insert(files.end(), runFiles.begin(), runFiles.end());
    }
    return files;
}

} // namespace vlmscope
