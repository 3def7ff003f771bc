// The dashboard's item models and number formats: layer, op, runs and comparison tables
// under QAbstractItemModelTester, sorting by value, live updates that keep rows, and
// direction-aware deltas (lower TTFT is better, higher TPS is better).
#include "tests/ui/synthetic_run.h"
#include "ui/comparison_model.h"
#include "ui/formatting.h"
#include "ui/layer_table_model.h"
#include "ui/metric_catalog.h"
#include "ui/op_table_model.h"
#include "ui/run_list_model.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QSortFilterProxyModel>
#include <QtTest>

using namespace vlmscope;
using namespace vlmscope::testing;

Q_DECLARE_METATYPE(vlmscope::MetricDirection)

class TestUiModels : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void formats_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<double>("value");
        QTest::addColumn<QString>("expected");
        QTest::newRow("seconds") << "s" << 1.2345 << "1.23 s";
        QTest::newRow("milliseconds") << "s" << 0.0123 << "12.3 ms";
        QTest::newRow("hundreds of ms") << "s" << 0.456 << "456 ms";
        QTest::newRow("microseconds") << "s" << 0.0000123 << "12.3 µs";
        QTest::newRow("rate") << "r" << 12.34 << "12.3 tok/s";
        QTest::newRow("big rate") << "r" << 1234.5 << "1235 tok/s";
        QTest::newRow("MiB") << "b" << 512.0 * 1024 * 1024 << "512.0 MiB";
        QTest::newRow("GiB") << "b" << 3.0 * 1024 * 1024 * 1024 << "3.00 GiB";
        QTest::newRow("percent") << "p" << 12.345 << "12.3 %";
        QTest::newRow("count") << "c" << 12345.0 << "12,345";
        QTest::newRow("undefined is n/a, never 0") << "s" << std::nan("") << "n/a";
        QTest::newRow("infinite rate is n/a") << "r" << HUGE_VAL << "n/a";
    }

    void formats()
    {
        QFETCH(QString, kind);
        QFETCH(double, value);
        QFETCH(QString, expected);
        QString got;
        if (kind == "s")
            got = formatSeconds(value);
        else if (kind == "r")
            got = formatRate(value);
        else if (kind == "b")
            got = formatBytes(value);
        else if (kind == "p")
            got = formatPercent(value);
        else
            got = formatMetric(MetricKind::Count, value);
        QCOMPARE(got, expected);
        QCOMPARE(formatSeconds(std::nullopt), QStringLiteral("n/a"));
    }

    void layerTable()
    {
        const RunRecord run = syntheticRun(20, 1'000'000, 1'000'000, 3);
        LayerTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setScopes(run.scopes, run.endNs);
        QCOMPARE(model.rowCount(), static_cast<int>(run.scopes.size()));
        QCOMPARE(model.columnCount(), int(LayerTableModel::ColumnCount));
        QCOMPARE(model.data(model.index(2, LayerTableModel::Scope)).toString(), QStringLiteral("decoder.token_embedding"));
        QCOMPARE(model.data(model.index(2, LayerTableModel::Category)).toString(), QStringLiteral("embedding"));
        QCOMPARE(model.data(model.index(2, LayerTableModel::Calls), LayerTableModel::SortRole).toLongLong(),
                 run.scopes[2].calls);

        // % self is a share of the run's wall time (or of all self time when that is larger).
        double percentSum = 0;
        for (int row = 0; row < model.rowCount(); ++row)
            percentSum += model.data(model.index(row, LayerTableModel::SelfPercent), LayerTableModel::SortRole).toDouble();
        QVERIFY(percentSum <= 100.0 + 1e-9);
        QVERIFY(percentSum > 0);

        // Sorting by value through the proxy: largest self time first.
        QSortFilterProxyModel proxy;
        proxy.setSourceModel(&model);
        proxy.setSortRole(LayerTableModel::SortRole);
        QAbstractItemModelTester proxyTester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        proxy.sort(LayerTableModel::Self, Qt::DescendingOrder);
        for (int row = 1; row < proxy.rowCount(); ++row) {
            QVERIFY(proxy.data(proxy.index(row - 1, LayerTableModel::Self), LayerTableModel::SortRole).toLongLong() >=
                    proxy.data(proxy.index(row, LayerTableModel::Self), LayerTableModel::SortRole).toLongLong());
        }
        proxy.setFilterKeyColumn(LayerTableModel::Scope);
        proxy.setFilterFixedString(QStringLiteral(".attn"));
        QCOMPARE(proxy.rowCount(), 3);

        // A live update with the same scopes changes figures without a reset.
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        std::vector<ScopeSummary> more = run.scopes;
        more[0].selfNs += 1'000'000;
        model.setScopes(more, run.endNs);
        QCOMPARE(reset.count(), 0);
        QCOMPARE(changed.count(), 1);
        model.setScopes(syntheticScopes(1));
        QCOMPARE(reset.count(), 1);
        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }

    void opTable()
    {
        const RunRecord run = syntheticRun(5, 1000, 1000, 1);
        std::vector<OpStat> ops = {{5, "aten::addmm", 10, 5000, 4000}, {-1, "aten::argmax", 4, 400, 400},
                                   {999, "aten::mm", 1, 10, 10}};
        OpTableModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setOps(ops, run.scopes);
        QCOMPARE(model.rowCount(), 3);
        QCOMPARE(model.data(model.index(0, OpTableModel::Scope)).toString(), QString::fromStdString(run.scopes[5].name));
        QCOMPARE(model.data(model.index(1, OpTableModel::Scope)).toString(), QStringLiteral("(outside layers)"));
        QCOMPARE(model.data(model.index(2, OpTableModel::Scope)).toString(), QStringLiteral("scope 999"));
        QCOMPARE(model.data(model.index(0, OpTableModel::Count), OpTableModel::SortRole).toLongLong(), 10);
        QCOMPARE(model.data(model.index(0, OpTableModel::MeanPerCall), OpTableModel::SortRole).toDouble(), 500.0);
        QCOMPARE(model.data(model.index(0, OpTableModel::Op)).toString(), QStringLiteral("aten::addmm"));
        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }

    void runList()
    {
        RunListModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy checked(&model, &RunListModel::checkedRunsChanged);
        model.addRun(syntheticRun(10, 1000, 1000), QStringLiteral("recorded"));
        model.addRun(syntheticRun(20, 1000, 1000, 2, "/models/nanoVLM-222M", false), QStringLiteral("a.json"), true);
        QCOMPARE(model.rowCount(), 2);
        QCOMPARE(checked.count(), 1);
        QCOMPARE(model.label(0), QStringLiteral("#1 tiny"));
        QVERIFY(model.data(model.index(0)).toString().contains(QStringLiteral("synthetic")));
        QVERIFY(!model.data(model.index(1)).toString().contains(QStringLiteral("synthetic")));
        QCOMPARE(model.data(model.index(1), Qt::CheckStateRole).toInt(), int(Qt::Checked));
        QVERIFY(model.setData(model.index(0), Qt::Checked, Qt::CheckStateRole));
        QCOMPARE(checked.count(), 2);
        QCOMPARE(model.checkedRows(), (std::vector<int>{0, 1}));
        QVERIFY(model.flags(model.index(0)) & Qt::ItemIsUserCheckable);
        model.removeRun(0);
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.checkedRows(), (std::vector<int>{0}));
        QCOMPARE(model.label(0), QStringLiteral("#2 nanoVLM-222M")); // the folder name, short for legends
        model.addRun(syntheticRun(1, 1000, 1000), QStringLiteral("x"));
        QCOMPARE(model.label(1), QStringLiteral("#3 tiny")); // numbers are never reused
        model.clear();
        QCOMPARE(model.rowCount(), 0);
    }

    void judgesDirection_data()
    {
        QTest::addColumn<MetricDirection>("better");
        QTest::addColumn<double>("value");
        QTest::addColumn<double>("baseline");
        QTest::addColumn<int>("verdict");
        QTest::newRow("lower TTFT is better") << MetricDirection::Lower << 0.1 << 0.2 << 1;
        QTest::newRow("higher TTFT is worse") << MetricDirection::Lower << 0.3 << 0.2 << -1;
        QTest::newRow("higher TPS is better") << MetricDirection::Higher << 30.0 << 20.0 << 1;
        QTest::newRow("lower TPS is worse") << MetricDirection::Higher << 10.0 << 20.0 << -1;
        QTest::newRow("equal") << MetricDirection::Higher << 20.0 << 20.0 << 0;
        QTest::newRow("within the neutral band") << MetricDirection::Higher << 20.05 << 20.0 << 0;
        QTest::newRow("just outside the band") << MetricDirection::Higher << 20.2 << 20.0 << 1;
        QTest::newRow("neither direction") << MetricDirection::Neither << 30.0 << 20.0 << 0;
        QTest::newRow("from zero") << MetricDirection::Lower << 1.0 << 0.0 << -1;
    }

    void judgesDirection()
    {
        QFETCH(MetricDirection, better);
        QFETCH(double, value);
        QFETCH(double, baseline);
        QFETCH(int, verdict);
        QCOMPARE(judgeDelta(better, value, baseline), verdict);
        QCOMPARE(judgeDelta(better, std::nullopt, baseline), 0);
    }

    void comparison_data()
    {
        QTest::addColumn<QString>("metric");
        QTest::addColumn<double>("baseValue");
        QTest::addColumn<double>("otherValue");
        QTest::addColumn<int>("verdict");
        // Baseline: 300 ms TTFT, 20 ms ITL (50 tok/s); other: 150 ms TTFT, 10 ms ITL (100 tok/s).
        QTest::newRow("TTFT") << "TTFT" << 0.3 << 0.15 << 1;
        QTest::newRow("Decode TPS") << "Decode TPS" << 50.0 << 100.0 << 1;
        QTest::newRow("ITL p50") << "ITL p50" << 0.02 << 0.01 << 1;
        QTest::newRow("Output tokens") << "Output tokens" << 30.0 << 30.0 << 0;
    }

    void comparison()
    {
        QFETCH(QString, metric);
        QFETCH(double, baseValue);
        QFETCH(double, otherValue);
        QFETCH(int, verdict);
        auto base = std::make_shared<const RunRecord>(syntheticRun(30, 300'000'000, 20'000'000));
        auto other = std::make_shared<const RunRecord>(syntheticRun(30, 150'000'000, 10'000'000));
        ComparisonModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setRuns({base, other}, {QStringLiteral("#1 tiny"), QStringLiteral("#2 tiny")});
        QCOMPARE(model.rowCount(), static_cast<int>(comparedMetrics().size()));
        QCOMPARE(model.columnCount(), 1 + 2 * 3);
        const int row = model.metricRow(metric);
        QVERIFY(row >= 0);
        auto value = [&](int run, ComparisonModel::Part part, int role = ComparisonModel::ValueRole) {
            return model.data(model.index(row, ComparisonModel::column(run, part)), role);
        };
        QVERIFY(std::fabs(value(0, ComparisonModel::Value).toDouble() - baseValue) < 1e-9);
        QVERIFY(std::fabs(value(1, ComparisonModel::Value).toDouble() - otherValue) < 1e-9);
        QVERIFY(std::fabs(value(1, ComparisonModel::Delta).toDouble() - (otherValue - baseValue)) < 1e-9);
        if (baseValue != 0) {
            const double pct = (otherValue - baseValue) / baseValue * 100.0;
            QVERIFY(std::fabs(value(1, ComparisonModel::DeltaPercent).toDouble() - pct) < 1e-6);
        }
        QCOMPARE(value(1, ComparisonModel::Delta, ComparisonModel::VerdictRole).toInt(), verdict);
        QCOMPARE(value(0, ComparisonModel::Delta).isValid(), false); // the baseline has no delta
        const QVariant brush = value(1, ComparisonModel::Delta, Qt::ForegroundRole);
        QCOMPARE(brush.isValid(), verdict != 0);
        QVERIFY(model.headerData(ComparisonModel::column(0, ComparisonModel::Value), Qt::Horizontal)
                    .toString()
                    .contains(QStringLiteral("baseline")));

        // The other run as baseline flips every verdict.
        model.setBaseline(1);
        QCOMPARE(value(0, ComparisonModel::Delta, ComparisonModel::VerdictRole).toInt(), -verdict);
        QVERIFY(std::fabs(value(0, ComparisonModel::Delta).toDouble() - (baseValue - otherValue)) < 1e-9);
    }

    void comparisonWithUndefinedFigures()
    {
        auto one = std::make_shared<const RunRecord>(syntheticRun(1, 300'000'000, 20'000'000));
        auto two = std::make_shared<const RunRecord>(syntheticRun(30, 150'000'000, 10'000'000));
        ComparisonModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setRuns({one, two}, {});
        const int row = model.metricRow(QStringLiteral("Decode TPS"));
        QCOMPARE(model.data(model.index(row, ComparisonModel::column(0, ComparisonModel::Value))).toString(),
                 QStringLiteral("n/a"));
        QCOMPARE(model.data(model.index(row, ComparisonModel::column(1, ComparisonModel::Delta))).toString(),
                 QStringLiteral("n/a"));
        QCOMPARE(model.data(model.index(row, ComparisonModel::column(1, ComparisonModel::Delta)),
                            ComparisonModel::VerdictRole)
                     .toInt(),
                 0);
        model.setRuns({}, {});
        QCOMPARE(model.rowCount(), 0);
        QCOMPARE(model.columnCount(), 1);
    }
};

QTEST_MAIN(TestUiModels)
#include "test_ui_models.moc"
