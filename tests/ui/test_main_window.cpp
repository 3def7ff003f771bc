// The real dashboard window, driven like a user would: first-run defaults, a run on the
// tiny model from Start to finished (charts, heatmap, tables, text), Stop mid-run keeping
// the partial run, opening every file type (and dropping them), overlaying and comparing
// two runs, exporting every format and reading it back, bad input, and persistence.
#include "core/io/benchmark_results.h"
#include "core/io/run_record_json.h"
#include "tests/ui/synthetic_run.h"
#include "ui/charts/category_chart.h"
#include "ui/charts/heatmap_rows.h"
#include "ui/charts/layer_bars_chart.h"
#include "ui/charts/layer_heatmap.h"
#include "ui/charts/memory_chart.h"
#include "ui/charts/tps_chart.h"
#include "ui/comparison_model.h"
#include "ui/layer_table_model.h"
#include "ui/live_run.h"
#include "ui/main_window.h"
#include "ui/metric_cards.h"
#include "ui/op_table_model.h"
#include "ui/run_files.h"
#include "ui/run_list_model.h"
#include "ui/setup_panel.h"

#include <QAbstractItemModelTester>
#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QMimeData>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSettings>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QUrl>
#include <QtTest>

#include <algorithm>
#include <memory>

using namespace vlmscope;
using namespace vlmscope::testing;

namespace {

constexpr int kRunTimeoutMs = 180000;

// The window with every item model watched by QAbstractItemModelTester.
struct TestedWindow {
    std::unique_ptr<MainWindow> window = std::make_unique<MainWindow>();
    std::vector<std::unique_ptr<QAbstractItemModelTester>> testers;

    TestedWindow()
    {
        window->setErrorDialogsEnabled(false);
        for (QAbstractItemModel* model :
             {static_cast<QAbstractItemModel*>(window->runList()), static_cast<QAbstractItemModel*>(window->comparison()),
              static_cast<QAbstractItemModel*>(window->layerModel()), static_cast<QAbstractItemModel*>(window->layerProxy()),
              static_cast<QAbstractItemModel*>(window->opModel())})
            testers.push_back(std::make_unique<QAbstractItemModelTester>(
                model, QAbstractItemModelTester::FailureReportingMode::QtTest));
        window->resize(1400, 900);
        window->show();
    }
    MainWindow* operator->() const { return window.get(); }
};

void useTiny(MainWindow& w, int maxTokens, ProfilingLevel profiling = ProfilingLevel::Layers)
{
    RunSettings s = SetupPanel::defaultSettings();
    s.model = "tiny";
    s.maxNewTokens = maxTokens;
    s.stopAtEos = false;
    s.threads = 2;
    s.profiling = profiling;
    w.setupPanel()->setSettings(s, 1);
}

QPushButton* button(MainWindow& w, const char* name) { return w.findChild<QPushButton*>(QLatin1String(name)); }

} // namespace

class TestMainWindow : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    QString path(const QString& name) const { return m_dir.filePath(name); }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("vlmscope-tests"));
        QCoreApplication::setApplicationName(QStringLiteral("test_main_window"));
        QSettings().clear();
        QVERIFY(m_dir.isValid());
    }

    void firstRunDefaults()
    {
        QSettings().clear();
        TestedWindow w;
        const RunSettings s = w->setupPanel()->settings();
        QCOMPARE(s.model, std::string("builtin"));
        QCOMPARE(s.image, std::string(":/vlmscope/sample.png"));
        QVERIFY(!s.prompt.empty());
        QVERIFY(w->setupPanel()->validate().isEmpty());
        QVERIFY(w->generatedText()->placeholderText().contains(QStringLiteral("Start")));
        QVERIFY(w->syntheticBannerVisible()); // the built-in model has synthetic weights
        QVERIFY(w->startAction()->isEnabled());
        QVERIFY(!w->stopAction()->isEnabled());
        QCOMPARE(w->startAction()->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_R));
        QCOMPARE(w->stopAction()->shortcut(), QKeySequence(Qt::Key_Escape));
        QCOMPARE(w->cards()->valueText(MetricCards::Ttft), QStringLiteral("n/a"));
        const auto* thumbnail = w->findChild<QLabel*>(QStringLiteral("thumbnail"));
        QVERIFY(thumbnail && !thumbnail->pixmap().isNull());
    }

    void tinyRunFromStartToFinished()
    {
        TestedWindow w;
        useTiny(*w.window, 10);
        QSignalSpy added(w.window.get(), &MainWindow::runAdded);
        QSignalSpy idle(w.window.get(), &MainWindow::engineIdle);
        QSignalSpy liveFrames(w->liveRun(), &LiveRun::changed);
        QTest::mouseClick(button(*w.window, "startButton"), Qt::LeftButton);
        QVERIFY(w->isRunning());
        QVERIFY(!w->startAction()->isEnabled());
        QVERIFY(w->stopAction()->isEnabled());
        QTRY_COMPARE_WITH_TIMEOUT(added.count(), 1, kRunTimeoutMs);
        QTRY_COMPARE_WITH_TIMEOUT(idle.count(), 1, 10000);
        QVERIFY(liveFrames.count() >= 1);
        QCOMPARE(w->liveRun()->counters().dropped, 0);
        QVERIFY(!w->isRunning());

        QCOMPARE(w->runList()->rowCount(), 1);
        const RunRecord& run = w->runList()->run(0);
        QCOMPARE(run.status, RunStatus::Finished);
        QCOMPARE(run.tokens.size(), std::size_t(10));
        QVERIFY(run.model.synthetic);
        QCOMPARE(w->displayedRow(), 0);

        // Text, cards, status.
        QCOMPARE(w->generatedText()->toPlainText(), QString::fromStdString(run.generatedText));
        QVERIFY(w->cards()->valueText(MetricCards::DecodeTps).endsWith(QStringLiteral("tok/s")));
        QVERIFY(w->cards()->valueText(MetricCards::Ttft) != QStringLiteral("n/a"));
        QVERIFY2(w->statusText().contains(QStringLiteral("Finished")), qPrintable(w->statusText()));
        QVERIFY(w->syntheticBannerVisible());

        // Charts hold the run.
        QCOMPARE(w->tpsChart()->runCount(), 1);
        QVERIFY(w->tpsChart()->sampleCount(0) >= 9);
        QCOMPARE(w->memoryChart()->runCount(), 1);
        QVERIFY(w->memoryChart()->sampleCount(0, MemoryChart::Rss) >= 10);
        // Heatmap: a row per block (collapsed) or scope, a column per step (prefill + decode steps).
        QCOMPARE(w->heatmap()->columnCount(), static_cast<int>(run.steps.size()));
        QCOMPARE(w->heatmap()->rowCount(),
                 static_cast<int>(buildHeatmapRows(run.scopes, HeatmapGrouping::Blocks).size()));
        auto* grouping = w->findChild<QComboBox*>(QStringLiteral("heatmapGrouping"));
        QVERIFY(grouping);
        grouping->setCurrentIndex(1);
        QCOMPARE(w->heatmap()->rowCount(),
                 static_cast<int>(buildHeatmapRows(run.scopes, HeatmapGrouping::Expanded).size()));

        // Layer table: one row per scope, sorted by self time.
        QCOMPARE(w->layerModel()->rowCount(), static_cast<int>(run.scopes.size()));
        QVERIFY(w->layerModel()->rowCount() > 5);
        QSortFilterProxyModel* proxy = w->layerProxy();
        for (int row = 1; row < proxy->rowCount(); ++row) {
            QVERIFY(proxy->data(proxy->index(row - 1, LayerTableModel::Self), LayerTableModel::SortRole).toLongLong() >=
                    proxy->data(proxy->index(row, LayerTableModel::Self), LayerTableModel::SortRole).toLongLong());
        }
        bool foundAttention = false;
        for (int row = 0; row < w->layerModel()->rowCount(); ++row)
            foundAttention = foundAttention || w->layerModel()->scope(row).name == "decoder.blocks.0.attn";
        QVERIFY(foundAttention);
    }

    void opsAreTabulatedWhenProfiled()
    {
        TestedWindow w;
        useTiny(*w.window, 4, ProfilingLevel::Ops);
        QSignalSpy added(w.window.get(), &MainWindow::runAdded);
        QVERIFY(w->startRun());
        QTRY_COMPARE_WITH_TIMEOUT(added.count(), 1, kRunTimeoutMs);
        QVERIFY(w->opModel()->rowCount() > 0);
        QVERIFY(w->detailTabs()->isTabEnabled(2));
        bool addmm = false;
        for (int row = 0; row < w->opModel()->rowCount(); ++row)
            addmm = addmm || w->opModel()->data(w->opModel()->index(row, OpTableModel::Op)).toString().startsWith(QStringLiteral("aten::"));
        QVERIFY(addmm);
    }

    void stopKeepsThePartialRun()
    {
        TestedWindow w;
        useTiny(*w.window, 4000);
        QSignalSpy added(w.window.get(), &MainWindow::runAdded);
        bool stopped = false;
        connect(w->liveRun(), &LiveRun::changed, w.window.get(), [&] {
            if (!stopped && w->liveRun()->isActive() && w->liveRun()->record().tokens.size() >= 5) {
                stopped = true;
                QTest::keyClick(w.window.get(), Qt::Key_Escape); // the Stop shortcut
            }
        });
        QVERIFY(w->startRun());
        QTRY_COMPARE_WITH_TIMEOUT(added.count(), 1, kRunTimeoutMs);
        QVERIFY(stopped);
        const RunRecord& run = w->runList()->run(0);
        QCOMPARE(run.status, RunStatus::Stopped);
        QVERIFY(run.tokens.size() >= 5);
        QVERIFY(run.tokens.size() < 4000);
        QVERIFY(run.metrics.outputTps.has_value()); // what was measured is kept and computed
        QVERIFY(w->statusText().contains(QStringLiteral("Stopped")));
        QTRY_VERIFY(!w->isRunning());
        QCOMPARE(w->generatedText()->toPlainText(), QString::fromStdString(run.generatedText));
    }

    // Stop pressed at any point of a run (while the model loads, after the vision encoder,
    // after prefill, during decode) leaves one valid record marked as stopped. The request
    // is asynchronous, so where it lands is the next check after the moment it was pressed.
    void stopAtAnyPointKeepsAValidRecord_data()
    {
        QTest::addColumn<QString>("when");
        QTest::newRow("while loading") << "load";
        QTest::newRow("after the vision encoder") << "vision_encoder";
        QTest::newRow("after prefill") << "prefill";
        QTest::newRow("after the first token") << "token";
    }

    void stopAtAnyPointKeepsAValidRecord()
    {
        QFETCH(QString, when);
        TestedWindow w;
        useTiny(*w.window, 4000);
        QSignalSpy added(w.window.get(), &MainWindow::runAdded);
        bool stopped = false;
        Phase phase{};
        if (when != "load" && when != "token")
            QVERIFY(parsePhase(when.toStdString(), &phase));
        auto reached = [&](const RunRecord& live) {
            if (when == "token")
                return !live.tokens.empty();
            return std::any_of(live.phases.begin(), live.phases.end(), [&](const PhaseSpan& p) { return p.phase == phase; });
        };
        connect(w->liveRun(), &LiveRun::changed, w.window.get(), [&] {
            if (!stopped && w->liveRun()->isActive() && reached(w->liveRun()->record())) {
                stopped = true;
                w->stopRun();
            }
        });
        QVERIFY(w->startRun());
        if (when == "load") {
            stopped = true;
            w->stopRun(); // before the engine thread has even loaded the model
        }
        QTRY_COMPARE_WITH_TIMEOUT(added.count(), 1, kRunTimeoutMs);
        QVERIFY(stopped);
        QTRY_VERIFY(!w->isRunning());
        QCOMPARE(w->runList()->rowCount(), 1); // one Start, one record, no further iterations
        const RunRecord& run = w->runList()->run(0);
        QCOMPARE(run.status, RunStatus::Stopped);
        QVERIFY(run.tokens.size() < 4000);
        // Valid: it survives a write and a validating read with what it measured intact.
        const QString file = path("stopped-" + when + ".json");
        writeRunRecordFile(file, run);
        const RunRecord back = readRunRecord(file.toStdString());
        QCOMPARE(back.status, RunStatus::Stopped);
        QCOMPARE(back.tokens.size(), run.tokens.size());
        QCOMPARE(back.phases.size(), run.phases.size());
    }

    void opensEveryFileType()
    {
        const RunRecord a = syntheticRun(30, 300'000'000, 20'000'000);
        writeRunRecordFile(path("a.json"), a);
        QFile::remove(path("two.log"));
        appendRunLogFile(path("two.log"), a);
        appendRunLogFile(path("two.log"), syntheticRun(20, 100'000'000, 10'000'000));
        BenchmarkSetup setup;
        setup.model = "tiny";
        setup.iterations = 2;
        writeBenchmarkResults(path("bench.json").toStdString(),
                              buildBenchmarkResults(setup, {{syntheticRun(10, 1000, 1000), syntheticRun(10, 2000, 1000)}}));

        TestedWindow w;
        QSignalSpy added(w.window.get(), &MainWindow::runAdded);
        QVERIFY(w->openFiles({path("a.json")}));
        QCOMPARE(w->runList()->rowCount(), 1);
        QCOMPARE(w->displayedRow(), 0);
        QCOMPARE(w->generatedText()->toPlainText(), QString::fromStdString(a.generatedText));
        QCOMPARE(w->layerModel()->rowCount(), static_cast<int>(a.scopes.size()));
        QVERIFY(w->openFiles({path("two.log")}));
        QCOMPARE(w->runList()->rowCount(), 3);
        QVERIFY(w->openFiles({path("bench.json")}));
        QCOMPARE(w->runList()->rowCount(), 5);
        QCOMPARE(added.count(), 5);

        // Bad files: an error naming the file, nothing added, no crash.
        QFile junk(path("junk.json"));
        QVERIFY(junk.open(QIODevice::WriteOnly));
        junk.write("{\"schema\": \"vlmscope.run/1\", \"tokens\": [");
        junk.close();
        QVERIFY(!w->openFiles({path("junk.json"), path("missing.log")}));
        QVERIFY(w->lastError().contains(QStringLiteral("junk.json")));
        QVERIFY(w->lastError().contains(QStringLiteral("missing.log")));
        QCOMPARE(w->runList()->rowCount(), 5);

        // Drag and drop onto the window.
        QMimeData mime;
        mime.setUrls({QUrl::fromLocalFile(path("a.json"))});
        QDragEnterEvent enter(QPoint(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(w.window.get(), &enter);
        QVERIFY(enter.isAccepted());
        QDropEvent drop(QPointF(10, 10), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
        QApplication::sendEvent(w.window.get(), &drop);
        QTRY_COMPARE(w->runList()->rowCount(), 6);
    }

    void overlaysAndComparesTwoRuns()
    {
        writeRunRecordFile(path("slow.json"), syntheticRun(30, 300'000'000, 20'000'000));
        writeRunRecordFile(path("fast.json"), syntheticRun(30, 150'000'000, 10'000'000));
        TestedWindow w;
        QVERIFY(w->openFiles({path("slow.json"), path("fast.json")}));
        QCOMPARE(w->runList()->checkedRows(), (std::vector<int>{0, 1})); // opened together: ticked
        ComparisonModel* c = w->comparison();
        QCOMPARE(c->runCount(), 2);
        QCOMPARE(c->baseline(), 0);
        QCOMPARE(w->tpsChart()->runCount(), 2);
        QCOMPARE(w->memoryChart()->runCount(), 2);

        const int tps = c->metricRow(QStringLiteral("Decode TPS"));
        const int ttft = c->metricRow(QStringLiteral("TTFT"));
        auto cell = [&](int row, int run, ComparisonModel::Part part, int role) {
            return c->data(c->index(row, ComparisonModel::column(run, part)), role);
        };
        QVERIFY(std::fabs(cell(tps, 1, ComparisonModel::Delta, ComparisonModel::ValueRole).toDouble() - 50.0) < 1e-6);
        QVERIFY(std::fabs(cell(tps, 1, ComparisonModel::DeltaPercent, ComparisonModel::ValueRole).toDouble() - 100.0) < 1e-6);
        QCOMPARE(cell(tps, 1, ComparisonModel::Delta, ComparisonModel::VerdictRole).toInt(), 1);
        QVERIFY(std::fabs(cell(ttft, 1, ComparisonModel::Delta, ComparisonModel::ValueRole).toDouble() + 0.15) < 1e-9);
        QCOMPARE(cell(ttft, 1, ComparisonModel::Delta, ComparisonModel::VerdictRole).toInt(), 1); // lower TTFT is better
        QCOMPARE(cell(tps, 1, ComparisonModel::Delta, Qt::DisplayRole).toString(), QStringLiteral("+50.0 tok/s"));

        // The fast run as baseline: the slow one is worse.
        auto* baseline = w->findChild<QComboBox*>(QStringLiteral("baseline"));
        QVERIFY(baseline);
        QCOMPARE(baseline->count(), 2);
        baseline->setCurrentIndex(1);
        QCOMPARE(c->baseline(), 1);
        QCOMPARE(cell(tps, 0, ComparisonModel::Delta, ComparisonModel::VerdictRole).toInt(), -1);
        QVERIFY(std::fabs(cell(tps, 0, ComparisonModel::DeltaPercent, ComparisonModel::ValueRole).toDouble() + 50.0) < 1e-6);

        // Unticking one leaves a single run: no overlay.
        w->runList()->setChecked(0, false);
        QCOMPARE(c->runCount(), 1);
        QCOMPARE(w->tpsChart()->runCount(), 1);
    }

    void exportsEveryFormat()
    {
        TestedWindow w;
        useTiny(*w.window, 8);
        QSignalSpy added(w.window.get(), &MainWindow::runAdded);
        QVERIFY(w->startRun());
        QTRY_COMPARE_WITH_TIMEOUT(added.count(), 1, kRunTimeoutMs);
        QTRY_VERIFY(!w->isRunning());
        const RunRecord run = w->runList()->run(0);

        QVERIFY(w->saveRunRecord(path("export.json")));
        const LoadedRuns record = loadRunFile(path("export.json"));
        QCOMPARE(record.runs.at(0).id, run.id);
        QCOMPARE(record.runs.at(0).tokens.size(), run.tokens.size());

        QFile::remove(path("export.log"));
        QVERIFY(w->exportLog(path("export.log")));
        const LoadedRuns log = loadRunFile(path("export.log"));
        QCOMPARE(log.runs.size(), std::size_t(1));
        QCOMPARE(log.runs[0].metrics.outputTokens, 8);

        QVERIFY(w->exportTrace(path("export.trace.json")));
        QFile trace(path("export.trace.json"));
        QVERIFY(trace.open(QIODevice::ReadOnly));
        const QJsonDocument traceDoc = QJsonDocument::fromJson(trace.readAll());
        QVERIFY(traceDoc.object().value(QStringLiteral("traceEvents")).toArray().size() > 8);

        QVERIFY(w->exportCsv(path("csv")));
        QFile tokens(path("csv/tokens.csv"));
        QVERIFY(tokens.open(QIODevice::ReadOnly));
        QCOMPARE(tokens.readAll().count('\n'), 1 + 8);
        QVERIFY(QFile::exists(path("csv/layers.csv")));
        QVERIFY(QFile::exists(path("csv/steps.csv")));

        using C = MainWindow::ChartId;
        for (C chart : {C::Throughput, C::Memory, C::Heatmap, C::Categories, C::LayerBars}) {
            const QString stem = path(QStringLiteral("chart%1").arg(static_cast<int>(chart)));
            QVERIFY(w->exportChart(chart, stem + QStringLiteral(".png")));
            QImage png(stem + QStringLiteral(".png"));
            QVERIFY(!png.isNull());
            QVERIFY(png.width() >= 600);
            QVERIFY(w->exportChart(chart, stem + QStringLiteral(".svg")));
            QFile svg(stem + QStringLiteral(".svg"));
            QVERIFY(svg.open(QIODevice::ReadOnly));
            QVERIFY(svg.readAll().contains("<svg"));
        }

        // A folder that cannot be written: a clear error, not a crash.
        QVERIFY(!w->saveRunRecord(QStringLiteral("/proc/vlmscope-no/run.json")));
        QVERIFY(w->lastError().contains(QStringLiteral("/proc/vlmscope-no/run.json")));
    }

    void badInputGetsClearErrors_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("expected");
        QTest::newRow("empty prompt") << "prompt" << "   " << "Prompt";
        QTest::newRow("missing model folder") << "model" << "/nonexistent/model" << "/nonexistent/model";
        QTest::newRow("folder without config") << "model" << "TMP" << "config.json";
        QTest::newRow("missing image") << "image" << "/nonexistent/cat.png" << "/nonexistent/cat.png";
        QTest::newRow("missing tokenizer") << "tokenizer" << "/nonexistent/tokenizer.json" << "/nonexistent/tokenizer.json";
    }

    void badInputGetsClearErrors()
    {
        QFETCH(QString, field);
        QFETCH(QString, value);
        QFETCH(QString, expected);
        if (value == QLatin1String("TMP"))
            value = m_dir.path();
        TestedWindow w;
        useTiny(*w.window, 4);
        RunSettings s = w->setupPanel()->settings();
        if (field == "prompt")
            s.prompt = value.toStdString();
        else if (field == "model")
            s.model = value.toStdString();
        else if (field == "image")
            s.image = value.toStdString();
        else
            s.tokenizer = value.toStdString();
        w->setupPanel()->setSettings(s, 1);
        QSignalSpy errors(w.window.get(), &MainWindow::errorShown);
        QVERIFY(!w->startRun());
        QCOMPARE(errors.count(), 1);
        QVERIFY2(w->lastError().contains(expected), qPrintable(w->lastError()));
        QVERIFY(!w->isRunning());
        QVERIFY(w->startAction()->isEnabled());
    }

    // A file that passes the quick checks but is not an image: the engine reports it, the
    // window shows it and stays usable.
    void engineErrorIsShown()
    {
        QFile fake(path("fake.png"));
        QVERIFY(fake.open(QIODevice::WriteOnly));
        fake.write("this is not a PNG");
        fake.close();
        TestedWindow w;
        useTiny(*w.window, 4);
        w->setupPanel()->setImagePath(path("fake.png"));
        QSignalSpy errors(w.window.get(), &MainWindow::errorShown);
        QSignalSpy idle(w.window.get(), &MainWindow::engineIdle);
        QVERIFY(w->startRun());
        QTRY_COMPARE_WITH_TIMEOUT(idle.count(), 1, kRunTimeoutMs);
        QCOMPARE(errors.count(), 1);
        QVERIFY2(w->lastError().contains(QStringLiteral("fake.png")), qPrintable(w->lastError()));
        QCOMPARE(w->runList()->rowCount(), 0);
        QVERIFY(!w->isRunning());
        // Still usable.
        w->setupPanel()->setImagePath(QStringLiteral(":/vlmscope/sample.png"));
        QSignalSpy added(w.window.get(), &MainWindow::runAdded);
        QVERIFY(w->startRun());
        QTRY_COMPARE_WITH_TIMEOUT(added.count(), 1, kRunTimeoutMs);
    }

    void settingsPersist()
    {
        QSettings().clear();
        {
            TestedWindow w;
            useTiny(*w.window, 17);
            RunSettings s = w->setupPanel()->settings();
            s.prompt = "Describe the colours.";
            s.greedy = false;
            s.temperature = 0.7;
            s.kvCache = false;
            w->setupPanel()->setSettings(s, 3);
            w.window->close();
        }
        TestedWindow w;
        const RunSettings s = w->setupPanel()->settings();
        QCOMPARE(s.model, std::string("tiny"));
        QCOMPARE(s.maxNewTokens, 17);
        QCOMPARE(s.prompt, std::string("Describe the colours."));
        QCOMPARE(s.greedy, false);
        QCOMPARE(s.temperature, 0.7);
        QCOMPARE(s.kvCache, false);
        QCOMPARE(w->setupPanel()->iterations(), 3);
        QVERIFY(QSettings().contains(QStringLiteral("window/geometry")));
        QVERIFY(QSettings().contains(QStringLiteral("window/mainSplitter")));
        QVERIFY(w->generatedText()->placeholderText().isEmpty()); // not a first run any more
    }
};

QTEST_MAIN(TestMainWindow)
#include "test_main_window.moc"
