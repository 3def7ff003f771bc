// The Qt Charts based dashboard charts: what they draw after live frames and finished
// runs, the drawing budget, overlays and labels, category shares, and image export.
#include "tests/ui/chart_fixtures.h"

#include "ui/charts/category_chart.h"
#include "ui/charts/chart_markers.h"
#include "ui/charts/layer_bars_chart.h"
#include "ui/charts/layer_heatmap.h"
#include "ui/charts/memory_chart.h"
#include "ui/charts/series_decimator.h"
#include "ui/charts/tps_chart.h"

#include <QDir>
#include <QElapsedTimer>
#include <QMenu>
#include <QTemporaryDir>
#include <QTest>
#include <QtCharts/QBarSet>
#include <QtCharts/QChart>
#include <QtCharts/QLegend>
#include <QtCharts/QLegendMarker>
#include <QtCharts/QLineSeries>
#include <QtCharts/QValueAxis>

#include <memory>
#include <numeric>
#include <set>

using namespace vlmscope;
using fixtures::makeRun;
using fixtures::prefix;
using fixtures::RunShape;

namespace {

// Legend entries a person sees (the chart's widget must be shown: hidden legends report
// every marker invisible).
int visibleLegendEntries(QChart* chart)
{
    QCoreApplication::processEvents(); // the legend lays out its markers on the next turn
    int n = 0;
    for (QLegendMarker* marker : chart->legend()->markers())
        n += marker->isVisible() ? 1 : 0;
    return n;
}

QStringList legendLabels(QChart* chart)
{
    QCoreApplication::processEvents();
    QStringList labels;
    for (QLegendMarker* marker : chart->legend()->markers()) {
        if (marker->isVisible())
            labels << marker->label();
    }
    return labels;
}

std::unique_ptr<ChartWidget> makeChart(const QString& kind)
{
    if (kind == QLatin1String("tps"))
        return std::make_unique<TpsChart>();
    if (kind == QLatin1String("memory"))
        return std::make_unique<MemoryChart>();
    if (kind == QLatin1String("heatmap"))
        return std::make_unique<LayerHeatmap>();
    if (kind == QLatin1String("category"))
        return std::make_unique<CategoryChart>();
    return std::make_unique<LayerBarsChart>();
}

} // namespace

class TestCharts : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void decimatorKeepsEverythingDrawsLittle();
    void decimatorSyncAppendsThenReplaces();
    void tpsLiveAppendsIncrementally();
    void tpsLiveRestartsOnNewId();
    void tpsAxesGrowInFewSteps();
    void tpsDecimatesLongRuns();
    void tpsPerSecondMatchesMetrics();
    void tpsLatencyMode();
    void tpsTimeAxisAndMarkers();
    void tpsOverlaysAddLegendEntries();
    void tpsDrawsOtherToolsAsReferenceLines();
    void memoryLiveAndPeaks();
    void memoryOverlays();
    void categorySharesSumTo100_data();
    void categorySharesSumTo100();
    void categoryChartShowsShares();
    void layerBarsTopN();
    void saveImage_data();
    void saveImage();
    void saveImageReportsErrors();
    void contextMenuOffersExport();
    void liveFramesStayCheap();
};

void TestCharts::decimatorKeepsEverythingDrawsLittle()
{
    SeriesDecimator d(2000);
    for (int i = 0; i < 100000; ++i)
        d.append(QPointF(i, i == 77777 ? 1e6 : (i == 4242 ? -5.0 : std::sin(i * 0.01))));
    QCOMPARE(static_cast<int>(d.raw().size()), 100000);
    const QList<QPointF> drawn = d.points();
    QVERIFY(drawn.size() <= 2000);
    QVERIFY(drawn.size() >= 1000);
    QCOMPARE(drawn.size(), d.drawnCount());
    bool spike = false;
    bool dip = false;
    for (qsizetype i = 0; i < drawn.size(); ++i) {
        if (i > 0)
            QVERIFY(drawn[i].x() > drawn[i - 1].x());
        spike = spike || drawn[i].y() == 1e6;
        dip = dip || drawn[i].y() == -5.0;
    }
    QVERIFY2(spike && dip, "the extremes of every bucket must be drawn");
}

void TestCharts::decimatorSyncAppendsThenReplaces()
{
    SeriesDecimator d(100);
    QLineSeries series;
    for (int i = 0; i < 60; ++i)
        d.append(QPointF(i, i % 7));
    d.sync(&series);
    QCOMPARE(series.count(), 60);
    d.append(QPointF(60, 1));
    d.sync(&series);
    QCOMPARE(series.count(), 61);
    QCOMPARE(series.at(60), QPointF(60, 1));
    for (int i = 61; i < 1000; ++i)
        d.append(QPointF(i, i % 13));
    d.sync(&series);
    QVERIFY(series.count() <= 100);
    QCOMPARE(series.count(), d.drawnCount());
    d.clear();
    d.sync(&series);
    QCOMPARE(series.count(), 0);
}

void TestCharts::tpsLiveAppendsIncrementally()
{
    const RunRecord full = makeRun();
    TpsChart chart;
    chart.resize(800, 500);
    chart.showLive(prefix(full, 0, 0, 0));
    QCOMPARE(chart.runCount(), 1);
    QLineSeries* tps = chart.lineSeries(0, 0);
    QLineSeries* mean = chart.lineSeries(0, 1);
    QVERIFY(tps && mean);
    QCOMPARE(tps->count(), 0);
    for (std::size_t n : {1u, 2u, 5u, 9u, 10u, 30u, 51u}) {
        chart.showLive(prefix(full, n, n, n));
        // Same series objects: frames append, they don't rebuild.
        QCOMPARE(chart.lineSeries(0, 0), tps);
        QCOMPARE(tps->count(), static_cast<int>(n) - 1); // token 0's latency is the TTFT
        QCOMPARE(mean->count(), static_cast<int>(n) - 1);
    }
    const TokenEvent& last = full.tokens.back();
    QCOMPARE(tps->at(tps->count() - 1), QPointF(50, 1e9 / static_cast<double>(last.latencyNs)));
    // Rolling mean of 8 tokens: 7 intervals over their span.
    const double span = static_cast<double>(full.tokens[50].timeNs - full.tokens[43].timeNs);
    QCOMPARE(mean->at(mean->count() - 1).y(), 7e9 / span);
    // A repeated frame adds nothing.
    chart.showLive(full);
    QCOMPARE(tps->count(), 50);
}

void TestCharts::tpsLiveRestartsOnNewId()
{
    const RunRecord first = makeRun();
    RunShape shape;
    shape.id = "run-b";
    shape.decodeSteps = 20;
    const RunRecord second = makeRun(shape);
    TpsChart chart;
    chart.showLive(first);
    QCOMPARE(chart.lineSeries(0, 0)->count(), 50);
    chart.showLive(prefix(second, 5, 5, 5));
    QCOMPARE(chart.runCount(), 1);
    QCOMPARE(chart.lineSeries(0, 0)->count(), 4);
    chart.showLive(second);
    QCOMPARE(chart.lineSeries(0, 0)->count(), 20);
    // Same id but fewer tokens (a restarted engine) also starts over.
    chart.showLive(prefix(second, 3, 3, 3));
    QCOMPARE(chart.lineSeries(0, 0)->count(), 2);
    chart.clear();
    QCOMPARE(chart.runCount(), 0);
}

void TestCharts::tpsDrawsOtherToolsAsReferenceLines()
{
    TpsChart chart;
    chart.showRuns({makeRun()});
    auto referenceLines = [&chart] {
        QStringList labels;
        for (const ChartMarker& m : chart.markers()->markers())
            if (m.kind == ChartMarker::HorizontalLine && m.label.startsWith("llama-bench"))
                labels << m.label;
        return labels;
    };
    QVERIFY(referenceLines().isEmpty());
    // Far above the run's own rates: the axis must grow to show it.
    chart.setReferences({{"llama-bench: tg128", 5000.0, 12.5}});
    QCOMPARE(referenceLines(), QStringList{"llama-bench: tg128: 5000.0 tok/s"});
    QVERIFY(chart.yAxis()->max() >= 5000.0);
    chart.setMode(TpsChart::Latency);
    QCOMPARE(referenceLines().size(), 1);
    QVERIFY(referenceLines().first().startsWith("llama-bench: tg128: 12.5"));
    chart.setMode(TpsChart::PerSecond);
    QVERIFY(referenceLines().isEmpty());
    chart.setMode(TpsChart::Instantaneous);
    chart.setReferences({});
    QVERIFY(referenceLines().isEmpty());
}

void TestCharts::tpsAxesGrowInFewSteps()
{
    const RunRecord full = makeRun();
    TpsChart chart;
    std::set<double> xMaxima;
    std::set<double> yMaxima;
    double maxTps = 0;
    for (std::size_t n = 1; n <= full.tokens.size(); ++n) {
        chart.showLive(prefix(full, n, n, n));
        xMaxima.insert(chart.xAxis()->max());
        yMaxima.insert(chart.yAxis()->max());
        if (n > 1)
            maxTps = std::max(maxTps, 1e9 / static_cast<double>(full.tokens[n - 1].latencyNs));
        QVERIFY(chart.xAxis()->max() >= static_cast<double>(n - 1));
        QVERIFY(chart.yAxis()->max() >= maxTps);
    }
    QVERIFY2(xMaxima.size() <= 4, qPrintable(QString::number(xMaxima.size())));
    QVERIFY2(yMaxima.size() <= 4, qPrintable(QString::number(yMaxima.size())));
}

void TestCharts::tpsDecimatesLongRuns()
{
    RunShape shape;
    shape.decodeSteps = 12000;
    shape.decoderBlocks = 1;
    shape.visionBlocks = 1;
    const RunRecord run = makeRun(shape);
    TpsChart chart;
    chart.showRuns({run});
    QCOMPARE(chart.sampleCount(0), 12000);
    QVERIFY(chart.lineSeries(0, 0)->count() <= kMaxDrawnPoints);
    QVERIFY(chart.lineSeries(0, 1)->count() <= kMaxDrawnPoints);
    // Live: the cap holds as the run grows.
    TpsChart live;
    for (std::size_t n = 1000; n <= run.tokens.size(); n += 1000)
        live.showLive(prefix(run, n, 0, 0));
    live.showLive(run);
    QCOMPARE(live.sampleCount(0), 12000);
    QVERIFY(live.lineSeries(0, 0)->count() <= kMaxDrawnPoints);
    double drawnMax = 0;
    for (const QPointF& p : live.lineSeries(0, 0)->points())
        drawnMax = std::max(drawnMax, p.y());
    double trueMax = 0;
    for (std::size_t i = 1; i < run.tokens.size(); ++i)
        trueMax = std::max(trueMax, 1e9 / static_cast<double>(run.tokens[i].latencyNs));
    QCOMPARE(drawnMax, trueMax);
}

void TestCharts::tpsPerSecondMatchesMetrics()
{
    RunShape shape;
    shape.decodeSteps = 400;
    shape.speed = 0.15;
    const RunRecord run = makeRun(shape);
    QVERIFY(run.metrics.perSecondTps.size() >= 3);
    TpsChart chart;
    chart.setMode(TpsChart::PerSecond);
    chart.showRuns({run});
    QBarSet* bars = chart.barSet(0);
    QVERIFY(bars);
    QCOMPARE(bars->count(), static_cast<int>(run.metrics.perSecondTps.size()));
    for (int i = 0; i < bars->count(); ++i)
        QCOMPARE(bars->at(i), run.metrics.perSecondTps[static_cast<std::size_t>(i)]);
    // Live bars are counted from the tokens and agree with the metrics.
    chart.showLive(prefix(run, 100, 100, 0));
    chart.showLive(prefix(run, 250, 250, 0));
    QBarSet* live = chart.barSet(0);
    chart.showLive(run);
    QCOMPARE(chart.barSet(0), live);
    QCOMPARE(live->count(), static_cast<int>(run.metrics.perSecondTps.size()));
    for (int i = 0; i < live->count(); ++i)
        QCOMPARE(live->at(i), run.metrics.perSecondTps[static_cast<std::size_t>(i)]);
}

void TestCharts::tpsLatencyMode()
{
    const RunRecord run = makeRun();
    TpsChart chart;
    chart.showRuns({run});
    chart.setMode(TpsChart::Latency);
    QCOMPARE(chart.mode(), TpsChart::Latency);
    QLineSeries* itl = chart.lineSeries(0, 0);
    QVERIFY(itl);
    QVERIFY(!chart.lineSeries(0, 1));
    QCOMPARE(itl->count(), 50);
    QCOMPARE(itl->at(9), QPointF(10, static_cast<double>(run.tokens[10].latencyNs) / 1e6));
    QVERIFY(chart.yAxis()->titleText().contains(QLatin1String("ms")));
    bool meanLine = false;
    for (const ChartMarker& m : chart.markers()->markers())
        meanLine =
            meanLine || (m.kind == ChartMarker::HorizontalLine && qFuzzyCompare(m.y, *run.metrics.itl.mean * 1e3));
    QVERIFY(meanLine);
}

void TestCharts::tpsTimeAxisAndMarkers()
{
    const RunRecord run = makeRun();
    TpsChart chart;
    chart.showRuns({run});
    chart.setTimeAxis(true);
    QLineSeries* tps = chart.lineSeries(0, 0);
    QCOMPARE(tps->count(), 50);
    QCOMPARE(tps->at(0).x(), static_cast<double>(run.tokens[1].timeNs) / 1e9);
    QVERIFY(chart.xAxis()->titleText().contains(QLatin1String("(s)")));
    QStringList labels;
    for (const ChartMarker& m : chart.markers()->markers())
        labels << m.label;
    const QString all = labels.join(QLatin1Char('|'));
    QVERIFY2(all.contains(QLatin1String("TTFT")), qPrintable(all));
    QVERIFY2(all.contains(QLatin1String("prefill")), qPrintable(all));
    QVERIFY2(all.contains(QLatin1String("image + vision")), qPrintable(all));
    QVERIFY2(all.contains(QLatin1String("decode start")), qPrintable(all));
    QVERIFY2(all.contains(QLatin1String("decode ")), qPrintable(all));
}

void TestCharts::tpsOverlaysAddLegendEntries()
{
    RunShape b;
    b.id = "b";
    b.model = "other";
    b.speed = 1.4;
    RunShape c;
    c.id = "c";
    c.speed = 0.8;
    c.decodeSteps = 30;
    TpsChart chart;
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    chart.showRuns({makeRun()});
    QCOMPARE(visibleLegendEntries(chart.chart()), 2); // per token, mean of 8
    chart.showRuns({makeRun(), makeRun(b), makeRun(c)});
    QCOMPARE(chart.runCount(), 3);
    QCOMPARE(visibleLegendEntries(chart.chart()), 3); // overlays: one entry per run
    QVERIFY(legendLabels(chart.chart()).contains(QStringLiteral("other 2025-01-01T10:00:00Z · mean of 8")));
    QVERIFY(chart.lineSeries(0, 0)->pen().color() != chart.lineSeries(1, 0)->pen().color());
    chart.setRunLabels({QStringLiteral("baseline"), QStringLiteral("candidate")});
    QVERIFY(legendLabels(chart.chart()).contains(QStringLiteral("baseline · mean of 8")));
    QVERIFY(legendLabels(chart.chart()).contains(QStringLiteral("candidate · mean of 8")));
    QCOMPARE(chart.lineSeries(1, 0)->name(), QStringLiteral("candidate · per token"));
    chart.setMode(TpsChart::Latency);
    QCOMPARE(visibleLegendEntries(chart.chart()), 3);
    chart.setMode(TpsChart::PerSecond);
    QCOMPARE(visibleLegendEntries(chart.chart()), 3);
    QVERIFY(legendLabels(chart.chart()).contains(QStringLiteral("candidate")));
}

void TestCharts::memoryLiveAndPeaks()
{
    const RunRecord full = makeRun();
    MemoryChart chart;
    chart.showLive(prefix(full, 0, 0, 0));
    QVERIFY(!chart.series(0, MemoryChart::Rss));
    chart.showLive(prefix(full, 10, 10, 10));
    QLineSeries* rss = chart.series(0, MemoryChart::Rss);
    QVERIFY(rss);
    QCOMPARE(rss->count(), 10);
    chart.showLive(prefix(full, 20, 20, 25));
    QCOMPARE(chart.series(0, MemoryChart::Rss), rss);
    QCOMPARE(rss->count(), 25);
    chart.showLive(full);
    const int n = static_cast<int>(full.memory.size());
    QCOMPARE(rss->count(), n);
    QCOMPARE(chart.series(0, MemoryChart::KvCache)->count(), n);
    QCOMPARE(chart.series(0, MemoryChart::Allocator)->count(), n);
    QCOMPARE(rss->at(3), QPointF(full.memory[3].timeNs / 1e9, full.memory[3].rssBytes / 1048576.0));
    // A labelled point on each series' maximum.
    const double peakRss = static_cast<double>(*full.metrics.rss.peakBytes) / 1048576.0;
    int points = 0;
    bool rssPeak = false;
    for (const ChartMarker& m : chart.markers()->markers()) {
        if (m.kind != ChartMarker::Point)
            continue;
        ++points;
        rssPeak = rssPeak || (m.y == peakRss && m.label.contains(QLatin1String("RSS peak")));
    }
    QCOMPARE(points, 3);
    QVERIFY(rssPeak);
    QVERIFY(chart.yAxis()->max() >= peakRss);
}

void TestCharts::memoryOverlays()
{
    RunShape b;
    b.id = "b";
    b.model = "second";
    MemoryChart chart;
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    chart.showRuns({makeRun(), makeRun(b)});
    QCOMPARE(chart.runCount(), 2);
    // One legend entry per run; the title explains the dash patterns.
    QCOMPARE(legendLabels(chart.chart()), QStringList({QStringLiteral("nanoVLM-222M 2025-01-01T10:00:00Z"),
                                                       QStringLiteral("second 2025-01-01T10:00:00Z")}));
    QVERIFY(chart.chart()->title().contains(QLatin1String("dotted: KV cache")));
    QCOMPARE(chart.series(1, MemoryChart::KvCache)->name(), QStringLiteral("second 2025-01-01T10:00:00Z · KV cache"));
    QVERIFY(chart.series(0, MemoryChart::Rss)->pen().color() != chart.series(1, MemoryChart::Rss)->pen().color());
    QVERIFY(chart.series(1, MemoryChart::Rss)->pen().style() != chart.series(1, MemoryChart::KvCache)->pen().style());
    chart.setRunLabels({QStringLiteral("A"), QStringLiteral("B")});
    QVERIFY(legendLabels(chart.chart()).contains(QStringLiteral("B")));
    QCOMPARE(chart.series(1, MemoryChart::Allocator)->name(), QStringLiteral("B · allocator"));
    chart.clear();
    QCOMPARE(chart.runCount(), 0);
    QCOMPARE(visibleLegendEntries(chart.chart()), 0);
}

void TestCharts::categorySharesSumTo100_data()
{
    QTest::addColumn<int>("kind");
    QTest::addColumn<double>("expectedOther");
    QTest::newRow("fixture run") << 0 << -1.0;
    QTest::newRow("end before the timed sum: other floors at 0") << 1 << 0.0;
    QTest::newRow("no scopes: all other") << 2 << 100.0;
    QTest::newRow("nothing timed") << 3 << 0.0;
}

void TestCharts::categorySharesSumTo100()
{
    QFETCH(int, kind);
    QFETCH(double, expectedOther);
    RunRecord run = makeRun();
    if (kind == 1)
        run.endNs = 1000;
    if (kind == 2)
        run.scopes.clear();
    if (kind == 3) {
        run.scopes.clear();
        run.endNs = 0;
    }
    const auto shares = categoryShares(run);
    double sum = 0;
    std::int64_t ns = 0;
    for (const CategoryShare& share : shares) {
        sum += share.percent;
        ns += share.ns;
        QVERIFY(share.percent >= 0);
    }
    const double other = shares[static_cast<std::size_t>(ScopeCategory::Other)].percent;
    if (kind == 3) {
        QCOMPARE(sum, 0.0);
        return;
    }
    QVERIFY2(std::abs(sum - 100.0) < 1e-9, qPrintable(QString::number(sum, 'g', 17)));
    if (expectedOther >= 0 && kind != 1)
        QCOMPARE(other, expectedOther);
    if (kind == 0) {
        std::int64_t timed = 0;
        for (const ScopeSummary& s : run.scopes)
            timed += s.selfNs;
        QCOMPARE(ns, run.endNs); // the untimed rest is "other"
        QVERIFY(timed < run.endNs);
        QVERIFY(shares[static_cast<std::size_t>(ScopeCategory::Attention)].percent > 5);
    }
    if (kind == 1) {
        // Only the scopes' own "other" (residual adds) remains.
        std::int64_t residual = 0;
        for (const ScopeSummary& s : run.scopes)
            residual += s.category == ScopeCategory::Other ? s.selfNs : 0;
        QCOMPARE(shares[static_cast<std::size_t>(ScopeCategory::Other)].ns, residual);
    }
}

void TestCharts::categoryChartShowsShares()
{
    const RunRecord run = makeRun();
    CategoryChart chart;
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    chart.showRuns({run});
    std::vector<double> bars = chart.shownPercentages(0);
    QCOMPARE(static_cast<int>(bars.size()), kCategoryCount);
    QVERIFY(std::abs(std::accumulate(bars.begin(), bars.end(), 0.0) - 100.0) < 0.5); // 1-decimal rounding
    chart.setKind(CategoryChart::Pie);
    std::vector<double> pie = chart.shownPercentages(0);
    QCOMPARE(static_cast<int>(pie.size()), kCategoryCount);
    QVERIFY(std::abs(std::accumulate(pie.begin(), pie.end(), 0.0) - 100.0) < 1e-9);
    // Overlays: a ring (pie) or a bar set (bars) per run, a legend entry per run for bars.
    RunShape b;
    b.id = "b";
    b.speed = 2;
    chart.showRuns({run, makeRun(b)});
    QCOMPARE(chart.runCount(), 2);
    QCOMPARE(static_cast<int>(chart.shownPercentages(1).size()), kCategoryCount);
    chart.setKind(CategoryChart::Bars);
    chart.setRunLabels({QStringLiteral("slow"), QStringLiteral("fast")});
    QStringList labels = legendLabels(chart.chart());
    labels.sort();
    QCOMPARE(labels, QStringList({QStringLiteral("fast"), QStringLiteral("slow")}));
    QVERIFY(chart.chart()->legend()->reverseMarkers()); // shown in run order, primary first
    // Live frames update values in place.
    chart.showLive(prefix(run, 10, 10, 10));
    const std::vector<double> early = chart.shownPercentages(0);
    chart.showLive(run);
    QVERIFY(chart.shownPercentages(0) != early);
    QCOMPARE(chart.runCount(), 1);
}

void TestCharts::layerBarsTopN()
{
    const RunRecord run = makeRun();
    LayerBarsChart chart;
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    chart.setTopCount(5);
    chart.showRuns({run});
    const QStringList names = chart.scopeNames();
    QCOMPARE(names.size(), 5);
    const std::vector<double> ms = chart.shownMilliseconds(0);
    QCOMPARE(static_cast<int>(ms.size()), 5);
    for (std::size_t i = 1; i < ms.size(); ++i)
        QVERIFY(ms[i - 1] >= ms[i]);
    std::int64_t best = 0;
    QString bestName;
    for (const ScopeSummary& s : run.scopes) {
        if (s.selfNs > best) {
            best = s.selfNs;
            bestName = QString::fromStdString(s.name);
        }
    }
    QCOMPARE(names.first(), bestName);
    QCOMPARE(ms.front(), static_cast<double>(best) / 1e6);
    RunShape b;
    b.id = "b";
    b.speed = 2;
    chart.showRuns({run, makeRun(b)});
    QCOMPARE(chart.scopeNames(), names); // the primary run picks the scopes
    QVERIFY(chart.shownMilliseconds(1).front() < ms.front());
    QCOMPARE(visibleLegendEntries(chart.chart()), 2);
    chart.setTopCount(15);
    QCOMPARE(chart.scopeNames().size(), 15);
}

void TestCharts::saveImage_data()
{
    QTest::addColumn<QString>("kind");
    for (const char* kind : {"tps", "memory", "heatmap", "category", "layers"})
        QTest::newRow(kind) << QString::fromLatin1(kind);
}

void TestCharts::saveImage()
{
    QFETCH(QString, kind);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    auto chart = makeChart(kind);
    chart->resize(640, 400);
    RunShape b;
    b.id = "b";
    chart->showRuns({makeRun(), makeRun(b)});

    const QString png = dir.filePath(kind + QStringLiteral(".png"));
    QString error;
    QVERIFY2(chart->saveImage(png, &error), qPrintable(error));
    QImage image(png);
    QVERIFY(!image.isNull());
    QCOMPARE(image.size(), QSize(1200, 700));
    // Not a blank canvas.
    std::set<QRgb> colours;
    for (int y = 0; y < image.height(); y += 7)
        for (int x = 0; x < image.width(); x += 7)
            colours.insert(image.pixel(x, y));
    QVERIFY2(colours.size() > 20, qPrintable(QString::number(colours.size())));

    const QString small = dir.filePath(kind + QStringLiteral("-small.PNG"));
    QVERIFY(chart->saveImage(small, &error, QSize(400, 300)));
    QCOMPARE(QImage(small).size(), QSize(400, 300));
    // The widget keeps its own size.
    QCOMPARE(chart->size(), QSize(640, 400));

    const QString svg = dir.filePath(kind + QStringLiteral(".svg"));
    QVERIFY2(chart->saveImage(svg, &error), qPrintable(error));
    QFile file(svg);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray bytes = file.readAll();
    QVERIFY(bytes.startsWith("<?xml"));
    QVERIFY(bytes.contains("<svg"));
    QVERIFY(bytes.size() > 2000);
    // Atomic writes leave no temporary files behind.
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files).size(), 3);
}

void TestCharts::saveImageReportsErrors()
{
    TpsChart chart;
    chart.showRuns({makeRun()});
    QString error;
    const QString path = QStringLiteral("/nonexistent-dir-vlmscope/chart.png");
    QVERIFY(!chart.saveImage(path, &error));
    QVERIFY2(error.startsWith(path), qPrintable(error));
    QVERIFY(!chart.saveImage(QString(), &error));
    QVERIFY(!error.isEmpty());
    QTemporaryDir dir;
    QVERIFY(!chart.saveImage(dir.filePath(QStringLiteral("x.png")), &error, QSize(0, 10)));
    QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("x.png"))));
}

void TestCharts::contextMenuOffersExport()
{
    for (const char* kind : {"tps", "memory", "heatmap", "category", "layers"}) {
        auto chart = makeChart(QString::fromLatin1(kind));
        QStringList texts;
        for (QAction* action : chart->contextMenu()->actions())
            texts << action->text();
        QVERIFY2(texts.contains(QStringLiteral("Save as PNG…")), kind);
        QVERIFY2(texts.contains(QStringLiteral("Save as SVG…")), kind);
        QVERIFY2(texts.contains(QStringLiteral("Copy image")), kind);
        QCOMPARE(chart->contextMenu(), chart->contextMenu());
    }
}

void TestCharts::liveFramesStayCheap()
{
    // A 222M-shaped run (~220 scopes) streamed token by token into every chart, painted
    // after each frame. Prints the cost; fails only if a frame loses data.
    RunShape shape;
    shape.visionBlocks = 12;
    shape.decoderBlocks = 30;
    shape.decodeSteps = 600;
    const RunRecord full = makeRun(shape);
    std::vector<std::unique_ptr<ChartWidget>> charts;
    for (const char* kind : {"tps", "memory", "heatmap", "category", "layers"}) {
        charts.push_back(makeChart(QString::fromLatin1(kind)));
        charts.back()->resize(700, 400);
        charts.back()->show();
    }
    QElapsedTimer timer;
    timer.start();
    int frames = 0;
    for (std::size_t n = 1; n <= full.tokens.size(); n += 3, ++frames) {
        const RunRecord frame = prefix(full, n, n, n / 10 + 1);
        for (auto& chart : charts) {
            chart->showLive(frame);
            chart->repaint();
        }
    }
    qInfo("%d live frames x 5 charts: %.2f ms per frame (incl. building the frame record)", frames,
          static_cast<double>(timer.elapsed()) / frames);
    auto* tps = static_cast<TpsChart*>(charts[0].get());
    QCOMPARE(tps->sampleCount(0), static_cast<int>(full.tokens.size()) - 1);
    QCOMPARE(static_cast<LayerHeatmap*>(charts[2].get())->columnCount(), static_cast<int>(full.tokens.size()));
}

QTEST_MAIN(TestCharts)
#include "test_charts.moc"
