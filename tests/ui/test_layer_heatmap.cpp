// The layer heatmap: which rows it shows in each grouping, growing a column per live
// step, the values behind cells and their tooltips, row selection by click, bad tables.
#include "tests/ui/chart_fixtures.h"

#include "ui/charts/chart_style.h"
#include "ui/charts/heatmap_rows.h"
#include "ui/charts/layer_heatmap.h"

#include <QElapsedTimer>
#include <QHelpEvent>
#include <QSignalSpy>
#include <QTest>
#include <QToolTip>

using namespace vlmscope;
using fixtures::makeRun;
using fixtures::prefix;
using fixtures::RunShape;

namespace {

int rowOf(const LayerHeatmap& map, const QString& name)
{
    for (int r = 0; r < map.rowCount(); ++r) {
        if (map.rowName(r) == name)
            return r;
    }
    return -1;
}

int scopeOf(const RunRecord& run, const std::string& name)
{
    for (std::size_t i = 0; i < run.scopes.size(); ++i) {
        if (run.scopes[i].name == name)
            return static_cast<int>(i);
    }
    return -1;
}

} // namespace

class TestLayerHeatmap : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void blockNames_data();
    void blockNames();
    void rowsPerGrouping();
    void dimensionsAfterShowRuns();
    void blockRowsSumTheirScopes();
    void growsColumnByColumn();
    void restartsOnNewRun();
    void tooltipForKnownCell();
    void clickSelectsRow();
    void toggles();
    void toleratesBadTables();
    void staysFluidWithManySteps();
};

void TestLayerHeatmap::blockNames_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<bool>("block");
    QTest::newRow("decoder block") << "decoder.blocks.7" << true;
    QTest::newRow("vision block") << "vision_encoder.blocks.11" << true;
    QTest::newRow("sub-layer") << "decoder.blocks.7.attn" << false;
    QTest::newRow("root") << "decoder" << false;
    QTest::newRow("bare number") << "7" << false;
    QTest::newRow("trailing dot") << "decoder.blocks." << false;
    QTest::newRow("mixed") << "decoder.blocks.7a" << false;
}

void TestLayerHeatmap::blockNames()
{
    QFETCH(QString, name);
    QFETCH(bool, block);
    QCOMPARE(isBlockScope(name.toStdString()), block);
}

void TestLayerHeatmap::rowsPerGrouping()
{
    const RunRecord run = makeRun(); // 4 vision blocks, 6 decoder blocks
    const auto expanded = buildHeatmapRows(run.scopes, HeatmapGrouping::Expanded);
    QCOMPARE(expanded.size(), run.scopes.size());
    const auto blocks = buildHeatmapRows(run.scopes, HeatmapGrouping::Blocks);
    // vision_encoder, patch_embedding, 4 blocks, layer_norm, MP, token_embedding,
    // decoder, 6 blocks, decoder.norm, head
    QCOMPARE(blocks.size(), std::size_t(18));
    QCOMPARE(blocks[2].name, QStringLiteral("vision_encoder.blocks.0"));
    QVERIFY(blocks[2].collapsed);
    QCOMPARE(blocks[2].scopes.size(), std::size_t(5));
    // Grouped vision → projector → decoder, each group contiguous.
    int last = 0;
    for (const HeatmapRow& row : blocks) {
        QVERIFY(row.group >= last);
        last = row.group;
    }
    QCOMPARE(blocks[7].name, QStringLiteral("MP"));
    QCOMPARE(blocks[7].group, 1);
    QCOMPARE(blocks.back().name, QStringLiteral("decoder.head"));
}

void TestLayerHeatmap::dimensionsAfterShowRuns()
{
    const RunRecord run = makeRun();
    LayerHeatmap map;
    map.resize(900, 500);
    QCOMPARE(map.rowCount(), 0);
    QCOMPARE(map.columnCount(), 0);
    map.showRuns({run});
    QCOMPARE(map.grouping(), LayerHeatmap::Blocks);
    QCOMPARE(map.rowCount(), 18);
    QCOMPARE(map.columnCount(), 51);
    map.setGrouping(LayerHeatmap::Expanded);
    QCOMPARE(map.rowCount(), static_cast<int>(run.scopes.size()));
    QCOMPARE(map.columnCount(), 51);
    QCOMPARE(map.rowName(0), QStringLiteral("vision_encoder"));
    QCOMPARE(map.rowName(3), QStringLiteral("vision_encoder.blocks.0.ln1"));
    map.clear();
    QCOMPARE(map.rowCount(), 0);
    QCOMPARE(map.columnCount(), 0);
}

void TestLayerHeatmap::blockRowsSumTheirScopes()
{
    const RunRecord run = makeRun();
    LayerHeatmap map;
    map.showRuns({run});
    const int row = rowOf(map, QStringLiteral("decoder.blocks.2"));
    QVERIFY(row >= 0);
    for (int step : {0, 1, 17, 50}) {
        std::int64_t sum = 0;
        for (const char* part : {"", ".norm1", ".attn", ".norm2", ".mlp"})
            sum += run.steps[static_cast<std::size_t>(step)]
                       .selfNs[static_cast<std::size_t>(scopeOf(run, std::string("decoder.blocks.2") + part))];
        QCOMPARE(map.cellNs(row, step), static_cast<double>(static_cast<float>(sum)));
    }
    // Vision blocks only run in step 0.
    const int vision = rowOf(map, QStringLiteral("vision_encoder.blocks.1"));
    QVERIFY(map.cellNs(vision, 0) > 0);
    QCOMPARE(map.cellNs(vision, 5), 0.0);
    QCOMPARE(map.cellNs(-1, 0), -1.0);
    QCOMPARE(map.cellNs(0, 51), -1.0);
}

void TestLayerHeatmap::growsColumnByColumn()
{
    const RunRecord full = makeRun();
    LayerHeatmap map;
    map.resize(800, 400);
    map.show();
    map.showLive(prefix(full, 0, 0, 0));
    QCOMPARE(map.rowCount(), 18);
    QCOMPARE(map.columnCount(), 0);
    for (std::size_t n = 1; n <= full.steps.size(); ++n) {
        map.showLive(prefix(full, n, n, n));
        QCOMPARE(map.columnCount(), static_cast<int>(n));
        if (n % 10 == 0) {
            QImage frame(map.size(), QImage::Format_RGB32);
            map.render(&frame); // paints from the cached image
        }
    }
    const int attn = rowOf(map, QStringLiteral("decoder.blocks.0"));
    map.setGrouping(LayerHeatmap::Expanded);
    QCOMPARE(map.rowCount(), static_cast<int>(full.scopes.size()));
    const int a = rowOf(map, QStringLiteral("decoder.blocks.0.attn"));
    const std::size_t s = static_cast<std::size_t>(scopeOf(full, "decoder.blocks.0.attn"));
    QCOMPARE(map.cellNs(a, 33), static_cast<double>(static_cast<float>(full.steps[33].selfNs[s])));
    QVERIFY(attn >= 0);
    // Later live frames keep the chosen grouping.
    map.showLive(full);
    QCOMPARE(map.rowCount(), static_cast<int>(full.scopes.size()));
}

void TestLayerHeatmap::restartsOnNewRun()
{
    const RunRecord first = makeRun();
    RunShape shape;
    shape.id = "second";
    shape.decoderBlocks = 2;
    shape.decodeSteps = 10;
    const RunRecord second = makeRun(shape);
    LayerHeatmap map;
    map.showLive(first);
    QCOMPARE(map.columnCount(), 51);
    map.showLive(prefix(second, 4, 4, 4));
    QCOMPARE(map.columnCount(), 4);
    QCOMPARE(map.rowCount(), 14);
    map.showLive(second);
    QCOMPARE(map.columnCount(), 11);
}

void TestLayerHeatmap::tooltipForKnownCell()
{
    RunRecord run = makeRun();
    const std::size_t s = static_cast<std::size_t>(scopeOf(run, "decoder.blocks.1.attn"));
    run.steps[5].selfNs[s] = 12'345;    // 12.3 µs (float-exact)
    run.steps[0].selfNs[s] = 2'500'000; // 2.50 ms
    LayerHeatmap map;
    map.resize(900, 600);
    map.setGrouping(LayerHeatmap::Expanded);
    map.showRuns({run});
    const int row = rowOf(map, QStringLiteral("decoder.blocks.1.attn"));
    QVERIFY(row >= 0);
    QCOMPARE(map.cellToolTip(row, 5),
             QStringLiteral("decoder.blocks.1.attn\nstep 5: decode, token 5\nself time: 12.3 µs"));
    QCOMPARE(map.cellToolTip(row, 0),
             QStringLiteral("decoder.blocks.1.attn\nstep 0: image + prefill\nself time: 2.50 ms"));
    QVERIFY(map.cellToolTip(row, 99).isEmpty());
    // The widget maps the cell's position back to it.
    const QPoint centre = map.cellCenter(row, 5);
    QCOMPARE(map.rowAt(centre), row);
    QCOMPARE(map.columnAt(centre), 5);
    // And hovering there shows that text.
    map.show();
    QVERIFY(QTest::qWaitForWindowExposed(&map));
    QHelpEvent help(QEvent::ToolTip, centre, map.mapToGlobal(centre));
    QApplication::sendEvent(&map, &help);
    QTRY_COMPARE(QToolTip::text(), map.cellToolTip(row, 5));
    map.setGrouping(LayerHeatmap::Blocks);
    const int block = rowOf(map, QStringLiteral("decoder.blocks.1"));
    QVERIFY(
        map.cellToolTip(block, 5).startsWith(QStringLiteral("decoder.blocks.1 (block)\nstep 5: decode, token 5\n")));
}

void TestLayerHeatmap::clickSelectsRow()
{
    LayerHeatmap map;
    map.resize(900, 600);
    map.showRuns({makeRun()});
    map.show();
    QVERIFY(QTest::qWaitForWindowExposed(&map));
    QSignalSpy spy(&map, &LayerHeatmap::rowSelected);
    const int row = rowOf(map, QStringLiteral("decoder.blocks.3"));
    QTest::mouseClick(&map, Qt::LeftButton, {}, map.cellCenter(row, 20));
    QCOMPARE(spy.count(), 1);
    QCOMPARE(spy.at(0).at(0).toString(), QStringLiteral("decoder.blocks.3"));
    QCOMPARE(map.selectedRow(), row);
    // The layer plot now takes room under the map; cells still map back correctly.
    const int other = rowOf(map, QStringLiteral("MP"));
    QTest::mouseClick(&map, Qt::LeftButton, {}, map.cellCenter(other, 2));
    QCOMPARE(spy.count(), 2);
    QCOMPARE(spy.at(1).at(0).toString(), QStringLiteral("MP"));
    // Outside the grid nothing is selected.
    QTest::mouseClick(&map, Qt::LeftButton, {}, QPoint(2, 2));
    QCOMPARE(spy.count(), 2);
    // Selection survives regrouping when the row still exists.
    map.setGrouping(LayerHeatmap::Expanded);
    QCOMPARE(map.rowName(map.selectedRow()), QStringLiteral("MP"));
    map.setSelectedRow(-1);
    QCOMPARE(map.selectedRow(), -1);
}

void TestLayerHeatmap::toggles()
{
    LayerHeatmap map;
    map.showRuns({makeRun()});
    QVERIFY(map.logScale());
    const QImage logImage = map.toImage(QSize(600, 400));
    map.setLogScale(false);
    QVERIFY(!map.logScale());
    QVERIFY(map.toImage(QSize(600, 400)) != logImage);
}

void TestLayerHeatmap::toleratesBadTables()
{
    RunRecord run = makeRun();
    run.scopes[3].parent = 1000;                            // out of range
    run.scopes[5].parent = 5;                               // itself
    run.scopes[2].parent = 7;                               // a later scope
    run.steps[3].selfNs.resize(run.scopes.size() + 2, 500); // wider than the table
    run.steps[4].selfNs.clear();                            // empty step
    run.steps[6].selfNs[1] = -40;                           // negative time
    LayerHeatmap map;
    map.resize(500, 300);
    for (auto grouping : {LayerHeatmap::Blocks, LayerHeatmap::Expanded}) {
        map.setGrouping(grouping);
        map.showRuns({run});
        QCOMPARE(map.columnCount(), 51);
        QVERIFY(map.rowCount() > 0);
        QVERIFY(rowOf(map, QStringLiteral("scope %1").arg(run.scopes.size() + 1)) >= 0);
        for (int r = 0; r < map.rowCount(); ++r) {
            QVERIFY(map.cellNs(r, 4) == 0);
            QVERIFY(map.cellNs(r, 6) >= 0);
        }
        QVERIFY(!map.toImage(QSize(500, 300)).isNull());
    }
    // Live, too: scopes arrive after steps, steps wider than scopes.
    RunRecord live = run;
    live.scopes.clear();
    map.showLive(prefix(live, 5, 5, 5));
    QCOMPARE(map.columnCount(), 5);
    QVERIFY(map.rowCount() > 0);
    map.showLive(prefix(run, 8, 8, 8));
    QCOMPARE(map.columnCount(), 8);
    map.showRuns({});
    QCOMPARE(map.rowCount(), 0);
}

void TestLayerHeatmap::staysFluidWithManySteps()
{
    RunShape shape;
    shape.decodeSteps = 4000;
    shape.visionBlocks = 12;
    shape.decoderBlocks = 30; // ~220 scopes
    const RunRecord full = makeRun(shape);
    LayerHeatmap map;
    map.resize(1000, 600);
    map.setGrouping(LayerHeatmap::Expanded);
    map.show();
    QElapsedTimer timer;
    timer.start();
    qint64 paintNs = 0;
    int frames = 0;
    for (std::size_t n = 100; n < full.steps.size() + 100; n += 100) {
        RunRecord frame = full;
        frame.steps.resize(std::min(n, full.steps.size()));
        map.showLive(frame);
        QElapsedTimer paint;
        paint.start();
        QImage image(map.size(), QImage::Format_RGB32);
        map.render(&image);
        paintNs += paint.nsecsElapsed();
        ++frames;
    }
    QCOMPARE(map.columnCount(), 4001);
    QCOMPARE(map.rowCount(), static_cast<int>(full.scopes.size()));
    const int last = map.columnAt(map.cellCenter(0, 4000));
    QVERIFY2(last > 3990, qPrintable(QString::number(last)));
    QVERIFY(!map.cellToolTip(10, 4000).isEmpty());
    qInfo("4001 steps x %d rows: %lld ms total incl. copies, %.2f ms per paint", map.rowCount(), timer.elapsed(),
          paintNs / 1e6 / frames);
}

QTEST_MAIN(TestLayerHeatmap)
#include "test_layer_heatmap.moc"
