// The GUI parts of comparisons with uncertainty: the baseline-vs-candidate table (planted
// significant change marked, no change greyed), external results opened as runs, and the
// ITL curves by output position and by context depth.
#include "tests/ui/synthetic_run.h"
#include "ui/charts/itl_chart.h"
#include "ui/charts/tps_chart.h"
#include "ui/comparison_sides.h"
#include "ui/main_window.h"
#include "ui/run_files.h"
#include "ui/run_list_model.h"
#include "ui/stat_comparison_model.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QGuiApplication>
#include <QPalette>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTabWidget>
#include <QtTest>

#include <cmath>
#include <memory>

using namespace vlmscope;

namespace {

QString dataFile(const char* name) { return QStringLiteral(VLMSCOPE_TEST_DATA "/external/") + QLatin1String(name); }

bool near(double a, double b) { return std::fabs(a - b) <= 1e-9 * std::max(1.0, std::fabs(b)); }

// `count` runs of 31 tokens, TTFT 50 ms, a token every `itlMs` ms.
ComparisonSide side(const QString& label, int count, int itlMs)
{
    ComparisonSide s;
    s.label = label;
    for (int i = 0; i < count; ++i)
        s.runs.push_back(std::make_shared<const RunRecord>(testing::syntheticRun(31, 50'000'000, itlMs * 1'000'000)));
    return s;
}

void compareAndWait(StatComparisonModel& model, ComparisonSide baseline, ComparisonSide candidate)
{
    QSignalSpy ready(&model, &StatComparisonModel::comparisonReady);
    model.compare(std::move(baseline), std::move(candidate));
    QVERIFY(model.isComputing());
    QVERIFY(ready.wait(30000));
    QVERIFY(!model.isComputing());
}

} // namespace

class TestResultsGui : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("vlmscope-tests"));
        QSettings().clear();
    }

    void plantedChangeMarkedAndNoChangeGreyed()
    {
        StatComparisonModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        compareAndWait(model, side("before", 5, 20), side("after", 5, 30));
        QVERIFY(model.rowCount() > 10); // figures, token latency and every layer scope

        // Token latency: 20 ms -> 30 ms on every token, a significant regression.
        const int tokens = model.findRow(QStringLiteral("token latency"));
        QVERIFY(tokens >= 0);
        auto cell = [&](int row, int column, int role = Qt::DisplayRole) { return model.data(model.index(row, column), role); };
        QCOMPARE(cell(tokens, StatComparisonModel::Baseline).toString(), QStringLiteral("20.0 ms"));
        QCOMPARE(cell(tokens, StatComparisonModel::Candidate).toString(), QStringLiteral("30.0 ms"));
        QCOMPARE(cell(tokens, StatComparisonModel::Delta).toString(), QStringLiteral("+10.0 ms"));
        QCOMPARE(cell(tokens, StatComparisonModel::DeltaPercent).toString(), QStringLiteral("▲ +50.0 %"));
        QCOMPARE(cell(tokens, StatComparisonModel::Interval).toString(), QStringLiteral("+50.0% .. +50.0%"));
        QCOMPARE(cell(tokens, StatComparisonModel::PValue).toString(), QStringLiteral("< 0.001"));
        QCOMPARE(cell(tokens, StatComparisonModel::Samples).toString(), QStringLiteral("150 / 150 (token)"));
        QCOMPARE(cell(tokens, StatComparisonModel::Delta, StatComparisonModel::ValueRole).toDouble(), 10.0);
        QCOMPARE(cell(tokens, StatComparisonModel::Delta, StatComparisonModel::SignificanceRole).toInt(), -1);
        QCOMPARE(cell(tokens, StatComparisonModel::Delta, Qt::ForegroundRole).value<QBrush>().color(), QColor(0xd9, 0x48, 0x3b));
        QVERIFY(cell(tokens, StatComparisonModel::DeltaPercent, Qt::FontRole).value<QFont>().bold());
        QVERIFY(cell(tokens, StatComparisonModel::Name, Qt::FontRole).value<QFont>().bold());
        QVERIFY(cell(tokens, StatComparisonModel::Delta, Qt::ToolTipRole).toString().contains(QStringLiteral("Significant")));

        // Decode TPS: 50 -> 33.3 tok/s in each of 5 runs, significant and worse; marked ▼.
        const int tps = model.findRow(QStringLiteral("decode TPS"));
        QCOMPARE(cell(tps, StatComparisonModel::DeltaPercent).toString(), QStringLiteral("▼ -33.3 %"));
        QCOMPARE(cell(tps, StatComparisonModel::Delta, StatComparisonModel::SignificanceRole).toInt(), -1);
        QCOMPARE(cell(tps, StatComparisonModel::Samples).toString(), QStringLiteral("5 / 5 (run)"));

        // TTFT is 50 ms on both sides: no change, greyed, not bold, no glyph.
        const int ttft = model.findRow(QStringLiteral("TTFT"));
        QVERIFY(ttft >= 0);
        const QColor grey = QGuiApplication::palette().color(QPalette::PlaceholderText);
        for (int column : {int(StatComparisonModel::Name), int(StatComparisonModel::Delta), int(StatComparisonModel::PValue)})
            QCOMPARE(cell(ttft, column, Qt::ForegroundRole).value<QBrush>().color(), grey);
        QCOMPARE(cell(ttft, StatComparisonModel::Delta, StatComparisonModel::SignificanceRole).toInt(), 0);
        QVERIFY(!cell(ttft, StatComparisonModel::Delta, Qt::FontRole).isValid());
        QCOMPARE(cell(ttft, StatComparisonModel::DeltaPercent).toString(), QStringLiteral("+0.0 %"));
        QCOMPARE(cell(ttft, StatComparisonModel::PValue, StatComparisonModel::ValueRole).toDouble(), 1.0);
        QVERIFY(cell(ttft, StatComparisonModel::Delta, Qt::ToolTipRole).toString().contains(QStringLiteral("Not significant")));

        // Layer scopes are rows too (the synthetic layers did not change: greyed).
        const int attn = model.findRow(QStringLiteral("decoder.blocks.0.attn"), ComparisonScope::Layer);
        QVERIFY(attn >= 0);
        QCOMPARE(cell(attn, StatComparisonModel::Scope).toString(), QStringLiteral("layer"));
        QCOMPARE(cell(attn, StatComparisonModel::Delta, StatComparisonModel::SignificanceRole).toInt(), 0);
        QCOMPARE(model.headerData(StatComparisonModel::Baseline, Qt::Horizontal, Qt::ToolTipRole).toString(),
                 QStringLiteral("Median of the baseline's samples: before"));
    }

    void newerRequestSupersedesOlder()
    {
        StatComparisonModel model;
        QSignalSpy ready(&model, &StatComparisonModel::comparisonReady);
        model.compare(side("a", 3, 20), side("b", 3, 40));
        model.compare(side("a", 3, 20), side("c", 3, 25));
        QVERIFY(ready.wait(30000));
        QTRY_VERIFY(!model.isComputing());
        QTest::qWait(50); // the superseded job's result, if any, must not replace the newer one
        const int tokens = model.findRow(QStringLiteral("token latency"));
        QCOMPARE(model.data(model.index(tokens, StatComparisonModel::Candidate)).toString(), QStringLiteral("25.0 ms"));
        QCOMPARE(ready.count(), 1);
    }

    void externalFiles_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("kind");
        QTest::addColumn<int>("count");
        QTest::addColumn<QString>("lastLabel");
        QTest::addColumn<double>("decodeTps"); // of the last run, NaN where none
        QTest::newRow("llama-bench json") << "llama-bench.json" << "llama-bench results" << 2
                                          << "llama-bench: tg128, 8 threads" << 212.301981;
        QTest::newRow("llama-bench jsonl") << "llama-bench-candidate.jsonl" << "llama-bench results" << 2
                                           << "llama-bench: tg128, 8 threads" << 178.981084;
        QTest::newRow("vllm") << "vllm-serving.json" << "vLLM benchmark result" << 1
                              << "vLLM: vllm, rate inf, concurrency 4" << 1000 / 11.237361529411764;
        QTest::newRow("vllm detailed") << "vllm-serving-detailed.json" << "vLLM benchmark result" << 1
                                       << "vLLM: vllm, rate inf, concurrency 4" << std::nan("");
        QTest::newRow("vllm candidate") << "vllm-serving-candidate.json" << "vLLM benchmark result" << 1
                                        << "vLLM: vllm, rate inf, concurrency 4" << std::nan("");
    }

    void externalFiles()
    {
        QFETCH(QString, file);
        QFETCH(QString, kind);
        QFETCH(int, count);
        QFETCH(QString, lastLabel);
        QFETCH(double, decodeTps);
        const LoadedRuns loaded = loadRunFile(dataFile(file.toLatin1().constData()));
        QCOMPARE(loaded.kind, kind);
        QVERIFY(loaded.runs.empty());
        QCOMPARE(static_cast<int>(loaded.external.size()), count);
        const ExternalRun& last = loaded.external.back();
        QCOMPARE(externalLabel(last), lastLabel);

        RunListModel list;
        QAbstractItemModelTester tester(&list, QAbstractItemModelTester::FailureReportingMode::QtTest);
        for (const ExternalRun& external : loaded.external)
            list.addExternalRun(external, file);
        QCOMPARE(list.rowCount(), count);
        const int row = count - 1;
        QVERIFY(list.isExternal(row));
        QCOMPARE(list.label(row), QStringLiteral("#%1 %2").arg(count).arg(lastLabel));
        QVERIFY(list.data(list.index(row)).toString().startsWith(QStringLiteral("#%1  %2\n").arg(count).arg(lastLabel)));
        const RunRecord& r = list.run(row);
        QCOMPARE(r.status, RunStatus::Finished);
        QVERIFY(r.tokens.empty());
        QVERIFY(r.metrics.outputTps);
        if (!std::isnan(decodeTps)) {
            // llama-bench's repetitions give the median; vLLM's summary 1000 / median TPOT.
            const double expected = last.decodeTps.samples.empty() ? decodeTps : medianOf(last.decodeTps.samples);
            QVERIFY(near(*r.metrics.outputTps, expected));
        }
        if (last.tool == ExternalTool::VllmServing) {
            QVERIFY(near(*r.metrics.ttftS, *last.ttft.medianMs / 1000));
            QVERIFY(near(*r.metrics.itl.p99, *last.itl.percentile(99) / 1000));
        }
    }

    void vlmscopeFilesStillLoad()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath(QStringLiteral("run.json"));
        writeRunRecordFile(path, testing::syntheticRun(10, 50'000'000, 20'000'000));
        const LoadedRuns loaded = loadRunFile(path);
        QCOMPARE(loaded.kind, QStringLiteral("run record"));
        QCOMPARE(loaded.runs.size(), std::size_t(1));
        QVERIFY(loaded.external.empty());
    }

    void windowComparesExternalRuns()
    {
        MainWindow window;
        window.setErrorDialogsEnabled(false);
        QVERIFY(window.openFiles({dataFile("llama-bench.json"), dataFile("llama-bench-candidate.jsonl")}));
        RunListModel* runs = window.runList();
        QCOMPARE(runs->rowCount(), 4);
        QCOMPARE(runs->label(1), QStringLiteral("#2 llama-bench: tg128, 8 threads"));
        QCOMPARE(runs->checkedRows().size(), std::size_t(4));
        QComboBox* baseline = window.baselineSideBox();
        QComboBox* candidate = window.candidateSideBox();
        QCOMPARE(baseline->count(), 4); // externals are never pooled
        QCOMPARE(baseline->itemText(3), QStringLiteral("#4 llama-bench: tg128, 8 threads"));
        QSignalSpy ready(window.statComparison(), &StatComparisonModel::comparisonReady);
        window.compareSides(1, 3);
        QVERIFY(ready.wait(30000));
        StatComparisonModel* model = window.statComparison();
        const int tps = model->findRow(QStringLiteral("decode TPS"));
        QVERIFY(tps >= 0);
        QCOMPARE(model->data(model->index(tps, StatComparisonModel::Delta), StatComparisonModel::SignificanceRole).toInt(), -1);
        QCOMPARE(model->data(model->index(tps, StatComparisonModel::Samples)).toString(),
                 QStringLiteral("5 / 5 (repetition)"));
        QCOMPARE(candidate->currentIndex(), 3);
    }

    void windowComparesRunsWithVllm()
    {
        MainWindow window;
        window.setErrorDialogsEnabled(false);
        for (int i = 0; i < 3; ++i)
            window.runList()->addRun(testing::syntheticRun(31, 50'000'000, 20'000'000), QStringLiteral("recorded"), true);
        QVERIFY(window.openFiles({dataFile("vllm-serving-detailed.json")}));
        // The three alike recorded runs pooled, each run alone, and the vLLM result.
        QCOMPARE(window.baselineSideBox()->count(), 5);
        QVERIFY(window.baselineSideBox()->itemText(0).startsWith(QStringLiteral("3 runs of tiny, 31 tokens")));
        QSignalSpy ready(window.statComparison(), &StatComparisonModel::comparisonReady);
        window.compareSides(4, 0);
        QVERIFY(ready.wait(30000));
        StatComparisonModel* model = window.statComparison();
        const int tokens = model->findRow(QStringLiteral("token latency"));
        QVERIFY(tokens >= 0);
        QCOMPARE(model->data(model->index(tokens, StatComparisonModel::Samples)).toString().right(16),
                 QStringLiteral("(token vs token)"));
        QCOMPARE(model->data(model->index(tokens, StatComparisonModel::Delta), StatComparisonModel::SignificanceRole).toInt(), -1);
        const int p99 = model->findRow(QStringLiteral("ITL p99"));
        QVERIFY(p99 >= 0);
        QCOMPARE(model->data(model->index(p99, StatComparisonModel::PValue)).toString(), QStringLiteral("not tested"));
        // The imported result has no tokens: the ITL curves show the three recorded runs only,
        // and the TPS chart carries its rate as a reference line.
        QCOMPARE(window.itlChart()->series().size(), std::size_t(1));
        QCOMPARE(window.tpsChart()->references().size(), std::size_t(1));
        QVERIFY(window.tpsChart()->references()[0].label.startsWith(QStringLiteral("#4 vLLM")));
        QVERIFY(window.tpsChart()->references()[0].decodeTps.value_or(0) > 0);
    }

    void itlChartModes()
    {
        ItlChart chart;
        RunRecord a = testing::syntheticRun(21, 50'000'000, 20'000'000);
        RunRecord b = testing::syntheticRun(21, 50'000'000, 30'000'000);
        RunRecord deep = testing::syntheticRun(11, 50'000'000, 40'000'000);
        deep.inputTokens = 500;
        chart.showRuns({a, b, deep});
        QCOMPARE(chart.axis(), ItlAxis::Position);
        QCOMPARE(chart.series().size(), std::size_t(2)); // a and b pooled; the deeper prompt apart
        const BandSeries& pooled = chart.series()[0];
        QCOMPARE(pooled.x.size(), std::size_t(20));
        QCOMPARE(pooled.x.front(), 2.0);
        QCOMPARE(pooled.x.back(), 21.0);
        QVERIFY(near(pooled.median[5], 25)); // median of 20 and 30 ms
        QVERIFY(near(pooled.lower[5], 20));
        QVERIFY(near(pooled.upper[5], 30));
        QCOMPARE(chart.series()[1].x.size(), std::size_t(10));
        QCOMPARE(chart.series()[1].x.front(), 2.0);

        QSignalSpy changed(&chart, &ItlChart::axisChanged);
        chart.axisBox()->setCurrentIndex(1);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(chart.axis(), ItlAxis::Depth);
        QCOMPARE(chart.series().size(), std::size_t(2));
        QCOMPARE(chart.series()[0].x.size(), std::size_t(20));
        QCOMPARE(chart.series()[0].x.front(), 81.0); // prompt of 80 positions + index 1
        QCOMPARE(chart.series()[1].x.front(), 501.0);
        QCOMPARE(chart.series()[1].x.back(), 510.0);
        QVERIFY(near(chart.series()[1].median[0], 40));

        chart.clear();
        QVERIFY(chart.series().empty());
    }
};

QTEST_MAIN(TestResultsGui)
#include "test_results_gui.moc"
