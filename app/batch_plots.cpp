#include "app/batch_plots.h"

#include "core/metrics/aggregate.h"
#include "core/util/error.h"
#include "ui/charts/category_chart.h"
#include "ui/charts/layer_bars_chart.h"
#include "ui/charts/layer_heatmap.h"
#include "ui/charts/memory_chart.h"
#include "ui/charts/sweep_chart.h"
#include "ui/charts/tps_chart.h"

#include <QDir>
#include <QFileInfo>

#include <map>

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
