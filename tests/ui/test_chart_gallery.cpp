// Renders every chart with realistic data to PNG (and one SVG) for a person to look at:
// $VLMSCOPE_CHART_GALLERY or <temp>/vlmscope-charts/. Checks only that each image was
// written, has the requested size and is not blank.
#include "tests/ui/chart_fixtures.h"

#include "ui/charts/category_chart.h"
#include "ui/charts/layer_bars_chart.h"
#include "ui/charts/layer_heatmap.h"
#include "ui/charts/memory_chart.h"
#include "ui/charts/tps_chart.h"

#include <QDir>
#include <QTest>

#include <set>

using namespace vlmscope;
using fixtures::makeRun;
using fixtures::prefix;
using fixtures::RunShape;

namespace {

QPalette darkPalette()
{
    QPalette p(QColor(48, 48, 52));
    p.setColor(QPalette::Base, QColor(30, 31, 34));
    p.setColor(QPalette::AlternateBase, QColor(40, 41, 45));
    p.setColor(QPalette::Text, QColor(225, 225, 225));
    p.setColor(QPalette::WindowText, QColor(225, 225, 225));
    p.setColor(QPalette::Mid, QColor(110, 110, 115));
    p.setColor(QPalette::Highlight, QColor(80, 160, 255));
    return p;
}

RunRecord run222m(const char* id, double speed, int steps, const char* model = "nanoVLM-222M")
{
    RunShape shape;
    shape.id = id;
    shape.model = model;
    shape.visionBlocks = 12;
    shape.decoderBlocks = 30;
    shape.decodeSteps = steps;
    shape.speed = speed;
    shape.seed = static_cast<std::uint32_t>(speed * 1000);
    return makeRun(shape);
}

} // namespace

class TestChartGallery : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void tps();
    void memory();
    void heatmap();
    void categories();
    void layerBars();

private:
    void save(ChartWidget& chart, const QString& name, QSize size = QSize(1200, 700));
    QDir m_dir;
    RunRecord m_main;
    RunRecord m_fast;
    RunRecord m_slow;
};

void TestChartGallery::initTestCase()
{
    const QByteArray env = qgetenv("VLMSCOPE_CHART_GALLERY");
    m_dir =
        QDir(env.isEmpty() ? QDir::temp().filePath(QStringLiteral("vlmscope-charts")) : QString::fromLocal8Bit(env));
    QVERIFY(m_dir.mkpath(QStringLiteral(".")));
    m_main = run222m("main", 1.0, 120);
    m_fast = run222m("fast", 1.35, 120, "nanoVLM-222M bf16");
    m_slow = run222m("slow", 0.7, 90, "nanoVLM-222M 1 thread");
    qInfo("writing to %s", qPrintable(m_dir.absolutePath()));
}

void TestChartGallery::save(ChartWidget& chart, const QString& name, QSize size)
{
    const QString path = m_dir.filePath(name);
    QString error;
    QVERIFY2(chart.saveImage(path, &error, size), qPrintable(error));
    if (path.endsWith(QLatin1String(".svg")))
        return;
    const QImage image(path);
    QCOMPARE(image.size(), size);
    std::set<QRgb> colours;
    for (int y = 0; y < image.height(); y += 5)
        for (int x = 0; x < image.width(); x += 5)
            colours.insert(image.pixel(x, y));
    QVERIFY2(colours.size() > 10, qPrintable(name));
}

void TestChartGallery::tps()
{
    TpsChart chart;
    chart.resize(900, 500);
    chart.showRuns({m_main});
    save(chart, QStringLiteral("tps_instantaneous.png"));
    chart.setTimeAxis(true);
    save(chart, QStringLiteral("tps_time_axis.png"));
    chart.setTimeAxis(false);
    chart.setMode(TpsChart::Latency);
    save(chart, QStringLiteral("tps_latency.png"));
    RunShape longer;
    longer.id = "long";
    longer.decodeSteps = 600;
    longer.speed = 0.2;
    chart.setMode(TpsChart::PerSecond);
    chart.showRuns({makeRun(longer)});
    save(chart, QStringLiteral("tps_per_second.png"));
    chart.showRuns({m_main, m_fast, m_slow});
    save(chart, QStringLiteral("tps_per_second_overlay.png"));
    chart.setMode(TpsChart::Instantaneous);
    save(chart, QStringLiteral("tps_overlay.png"));
    save(chart, QStringLiteral("tps_overlay.svg"));
    // Live, a third of the way in.
    chart.showLive(prefix(m_main, 40, 40, 20));
    save(chart, QStringLiteral("tps_live.png"));
    chart.setPalette(darkPalette());
    chart.setTimeAxis(true);
    chart.showRuns({m_main, m_fast});
    save(chart, QStringLiteral("tps_dark.png"));
    // The on-screen widget at a small size, controls included.
    chart.setPalette(QPalette());
    chart.resize(640, 360);
    QVERIFY(chart.grab().save(m_dir.filePath(QStringLiteral("tps_widget_small.png"))));
}

void TestChartGallery::memory()
{
    MemoryChart chart;
    chart.showRuns({m_main});
    save(chart, QStringLiteral("memory.png"));
    chart.showRuns({m_main, m_fast});
    save(chart, QStringLiteral("memory_overlay.png"));
    chart.showLive(prefix(m_main, 60, 60, 30));
    save(chart, QStringLiteral("memory_live.png"));
    chart.setPalette(darkPalette());
    chart.showRuns({m_main});
    save(chart, QStringLiteral("memory_dark.png"));
}

void TestChartGallery::heatmap()
{
    LayerHeatmap map;
    map.resize(900, 600);
    map.showRuns({m_main});
    save(map, QStringLiteral("heatmap_blocks.png"));
    map.setGrouping(LayerHeatmap::Expanded);
    save(map, QStringLiteral("heatmap_expanded.png"));
    map.setGrouping(LayerHeatmap::Blocks);
    map.setSelectedRow(20);
    save(map, QStringLiteral("heatmap_selected.png"));
    map.setLogScale(false);
    save(map, QStringLiteral("heatmap_linear.png"));
    map.setLogScale(true);
    map.setSelectedRow(-1);
    RunShape many;
    many.id = "many";
    many.visionBlocks = 12;
    many.decoderBlocks = 30;
    many.decodeSteps = 3000;
    map.setGrouping(LayerHeatmap::Expanded);
    map.showRuns({makeRun(many)});
    map.setSelectedRow(map.rowCount() - 3);
    save(map, QStringLiteral("heatmap_3000_steps.png"));
    map.setGrouping(LayerHeatmap::Blocks);
    map.showLive(prefix(m_main, 30, 30, 30));
    save(map, QStringLiteral("heatmap_live.png"));
    map.setPalette(darkPalette());
    map.showRuns({m_main});
    map.setSelectedRow(25);
    save(map, QStringLiteral("heatmap_dark.png"));
    map.setPalette(QPalette());
    map.resize(600, 340);
    QVERIFY(map.grab().save(m_dir.filePath(QStringLiteral("heatmap_widget_small.png"))));
}

void TestChartGallery::categories()
{
    CategoryChart chart;
    chart.showRuns({m_main});
    save(chart, QStringLiteral("category_bars.png"));
    chart.setKind(CategoryChart::Pie);
    save(chart, QStringLiteral("category_pie.png"));
    chart.showRuns({m_main, m_fast, m_slow});
    save(chart, QStringLiteral("category_pie_overlay.png"));
    chart.setKind(CategoryChart::Bars);
    save(chart, QStringLiteral("category_bars_overlay.png"));
    chart.setPalette(darkPalette());
    chart.setKind(CategoryChart::Pie);
    chart.showRuns({m_main});
    save(chart, QStringLiteral("category_pie_dark.png"));
}

void TestChartGallery::layerBars()
{
    LayerBarsChart chart;
    chart.showRuns({m_main});
    save(chart, QStringLiteral("layer_bars.png"));
    chart.showRuns({m_main, m_fast});
    save(chart, QStringLiteral("layer_bars_overlay.png"));
    chart.setTopCount(30);
    chart.showRuns({m_main});
    save(chart, QStringLiteral("layer_bars_top30.png"));
    chart.setPalette(darkPalette());
    save(chart, QStringLiteral("layer_bars_dark.png"));
}

QTEST_MAIN(TestChartGallery)
#include "test_chart_gallery.moc"
