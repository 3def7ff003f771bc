#include "ui/charts/memory_chart.h"

#include "ui/charts/chart_markers.h"

#include <QtCharts/QChart>
#include <QtCharts/QLegend>
#include <QtCharts/QLegendMarker>
#include <QtCharts/QLineSeries>
#include <QtCharts/QValueAxis>

#include <algorithm>

namespace vlmscope {

namespace {

constexpr double kMiB = 1024.0 * 1024.0;

const char* sourceName(MemoryChart::Source source)
{
    switch (source) {
    case MemoryChart::Rss:
        return "RSS";
    case MemoryChart::Allocator:
        return "allocator";
    case MemoryChart::KvCache:
        return "KV cache";
    }
    return "";
}

} // namespace

MemoryChart::MemoryChart(QWidget* parent) : ChartViewWidget(parent)
{
    rebuildChart();
}

MemoryChart::~MemoryChart() = default;

void MemoryChart::clear()
{
    m_runs.clear();
    m_live = false;
    rebuildChart();
}

void MemoryChart::showLive(const RunRecord& record)
{
    const QString id = QString::fromStdString(record.id);
    if (!m_live || m_runs.size() != 1 || m_runs[0]->id != id || record.memory.size() < m_runs[0]->samplesSeen) {
        m_runs.clear();
        m_live = true;
        auto run = std::make_unique<Run>();
        run->id = id;
        run->defaultLabel = defaultRunLabel(record);
        m_runs.push_back(std::move(run));
        rebuildChart();
    }
    readTimes(*m_runs[0], record);
    addSamples(0, record);
    growAxes(false);
    updateMarkers();
}

void MemoryChart::showRuns(const std::vector<RunRecord>& records)
{
    m_runs.clear();
    m_live = false;
    rebuildChart();
    for (std::size_t i = 0; i < records.size(); ++i) {
        auto run = std::make_unique<Run>();
        run->id = QString::fromStdString(records[i].id);
        run->defaultLabel = defaultRunLabel(records[i]);
        readTimes(*run, records[i]);
        m_runs.push_back(std::move(run));
    }
    // Every run exists before the first series: names and styles depend on the count.
    for (std::size_t i = 0; i < records.size(); ++i)
        addSamples(i, records[i]);
    growAxes(true);
    refreshStyle();
}

void MemoryChart::readTimes(Run& run, const RunRecord& record)
{
    run.ttftS = record.metrics.ttftS;
    if (!run.ttftS && !record.tokens.empty())
        run.ttftS = static_cast<double>(record.tokens.front().timeNs) / 1e9;
    for (const PhaseSpan& span : record.phases) {
        if (span.phase == Phase::Prefill)
            run.prefill = std::make_pair(span.beginNs / 1e9, span.endNs / 1e9);
    }
}

void MemoryChart::addSamples(std::size_t runIndex, const RunRecord& record)
{
    Run& run = *m_runs[runIndex];
    for (std::size_t i = run.samplesSeen; i < record.memory.size(); ++i) {
        const MemorySample& sample = record.memory[i];
        const double x = static_cast<double>(sample.timeNs) / 1e9;
        addPoint(runIndex, Rss, x, sample.rssBytes);
        if (sample.allocatorBytes)
            addPoint(runIndex, Allocator, x, *sample.allocatorBytes);
        if (sample.kvCacheBytes)
            addPoint(runIndex, KvCache, x, *sample.kvCacheBytes);
    }
    run.samplesSeen = record.memory.size();
    for (Line& line : run.lines) {
        if (line.series)
            line.points.sync(line.series);
    }
}

void MemoryChart::addPoint(std::size_t runIndex, Source source, double x, std::int64_t bytes)
{
    ensureSeries(runIndex, source);
    Line& line = m_runs[runIndex]->lines[static_cast<std::size_t>(source)];
    const QPointF point(x, static_cast<double>(bytes) / kMiB);
    line.points.append(point);
    if (point.y() > line.peak.y())
        line.peak = point;
    m_maxX = std::max(m_maxX, point.x());
    m_maxY = std::max(m_maxY, point.y());
}

void MemoryChart::ensureSeries(std::size_t runIndex, Source source)
{
    Line& line = m_runs[runIndex]->lines[static_cast<std::size_t>(source)];
    if (line.series)
        return;
    line.series = new QLineSeries;
    line.series->setName(seriesName(runIndex, source));
    chart()->addSeries(line.series);
    line.series->attachAxis(m_x);
    line.series->attachAxis(m_y);
    styleSeries(runIndex, source);
}

QString MemoryChart::runName(std::size_t runIndex) const
{
    const int i = static_cast<int>(runIndex);
    return i < runLabels().size() && !runLabels().at(i).isEmpty() ? runLabels().at(i) : m_runs[runIndex]->defaultLabel;
}

QString MemoryChart::seriesName(std::size_t runIndex, Source source) const
{
    const QString name = tr(sourceName(source));
    if (m_runs.size() < 2 && runLabels().isEmpty())
        return name;
    return runName(runIndex) + QStringLiteral(" · ") + name;
}

void MemoryChart::styleSeries(std::size_t runIndex, Source source)
{
    QLineSeries* series = m_runs[runIndex]->lines[static_cast<std::size_t>(source)].series;
    if (!series)
        return;
    // One run: a colour per source. Overlays: a colour per run, a dash pattern per source.
    const bool overlay = m_runs.size() > 1;
    const QColor color = runColor(overlay ? static_cast<int>(runIndex) : static_cast<int>(source), palette());
    static constexpr Qt::PenStyle styles[kSourceCount] = {Qt::SolidLine, Qt::DashLine, Qt::DotLine};
    series->setPen(QPen(color, 2.0, overlay ? styles[source] : Qt::SolidLine));
}

void MemoryChart::rebuildChart()
{
    resetChart();
    m_maxX = m_maxY = 0;
    m_x = new QValueAxis;
    m_y = new QValueAxis;
    m_x->setTitleText(tr("time since run start (s)"));
    m_y->setTitleText(tr("memory (MiB)"));
    chart()->addAxis(m_x, Qt::AlignBottom);
    chart()->addAxis(m_y, Qt::AlignLeft);
    setAxisRange(m_x, 0, 1, 8);
    setAxisRange(m_y, 0, 1, 6);
    markers()->setAxes(m_x, m_y);
    refreshStyle();
}

void MemoryChart::growAxes(bool finished)
{
    double maxX = m_maxX;
    for (const auto& run : m_runs)
        maxX = std::max(maxX, run->ttftS.value_or(0));
    maxX = std::max(maxX, 1.0);
    const double maxY = std::max(m_maxY, 1.0);
    const double xMax = finished ? paddedMax(maxX, 1.0) : grownMax(m_x->max(), maxX, 1.5);
    const double yMax = finished ? paddedMax(maxY, 1.12) : grownMax(m_y->max(), maxY * 1.05, 1.25);
    if (finished || xMax != m_x->max())
        setAxisRange(m_x, 0, xMax, 8);
    if (finished || yMax != m_y->max())
        setAxisRange(m_y, 0, yMax, 6);
}

void MemoryChart::updateMarkers()
{
    std::vector<ChartMarker> list;
    bool any = false;
    for (std::size_t r = 0; r < m_runs.size(); ++r) {
        const Run& run = *m_runs[r];
        if (r == 0 && run.prefill)
            list.push_back({ChartMarker::Band, run.prefill->first, run.prefill->second, 0, tr("prefill"),
                            markerColor(1, palette())});
        const QColor ttftColor =
            m_runs.size() > 1 ? runColor(static_cast<int>(r), palette()) : markerColor(0, palette());
        if (run.ttftS)
            list.push_back({ChartMarker::VerticalLine, *run.ttftS, 0, 0,
                            tr("TTFT %1").arg(formatDurationNs(*run.ttftS * 1e9)), ttftColor});
        for (int s = 0; s < kSourceCount; ++s) {
            const Line& line = run.lines[static_cast<std::size_t>(s)];
            if (!line.series || line.peak.y() < 0)
                continue;
            any = true;
            list.push_back({ChartMarker::Point, line.peak.x(), 0, line.peak.y(),
                            tr("%1 peak %2").arg(tr(sourceName(static_cast<Source>(s))), formatMiB(line.peak.y())),
                            line.series->pen().color()});
        }
    }
    markers()->setMessage(m_runs.empty() ? tr("No run to show") : any ? QString() : tr("No memory samples yet"));
    markers()->setMarkers(std::move(list));
}

QLineSeries* MemoryChart::series(int run, Source source) const
{
    if (run < 0 || run >= runCount())
        return nullptr;
    return m_runs[static_cast<std::size_t>(run)]->lines[static_cast<std::size_t>(source)].series;
}

int MemoryChart::sampleCount(int run, Source source) const
{
    if (run < 0 || run >= runCount())
        return 0;
    return static_cast<int>(
        m_runs[static_cast<std::size_t>(run)]->lines[static_cast<std::size_t>(source)].points.raw().size());
}

void MemoryChart::refreshLabels()
{
    // Overlays: the legend names runs (one entry each, on the first series a run has) and
    // the title says which dash pattern is which source; full names would not fit.
    const bool overlay = m_runs.size() > 1;
    chart()->setTitle(overlay ? tr("solid: RSS · dashed: allocator · dotted: KV cache") : QString());
    for (std::size_t r = 0; r < m_runs.size(); ++r) {
        bool named = false;
        for (int s = 0; s < kSourceCount; ++s) {
            QLineSeries* line = m_runs[r]->lines[static_cast<std::size_t>(s)].series;
            if (!line)
                continue;
            line->setName(seriesName(r, static_cast<Source>(s)));
            const bool entry = !overlay || !named;
            for (QLegendMarker* marker : chart()->legend()->markers(line)) {
                marker->setVisible(entry);
                if (overlay && entry)
                    marker->setLabel(runName(r));
            }
            named = true;
        }
    }
}

void MemoryChart::refreshStyle()
{
    ChartViewWidget::refreshStyle();
    for (std::size_t r = 0; r < m_runs.size(); ++r) {
        for (int s = 0; s < kSourceCount; ++s)
            styleSeries(r, static_cast<Source>(s));
    }
    refreshLabels();
    if (m_x)
        updateMarkers();
}

} // namespace vlmscope
