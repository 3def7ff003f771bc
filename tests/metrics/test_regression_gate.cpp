// The --baseline gate: direction-aware regressions, the threshold, degenerate baselines.
#include "core/metrics/regression_gate.h"

#include <QtTest>

#include <cmath>

using namespace vlmscope;

class TestRegressionGate : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void classifiesChanges_data()
    {
        QTest::addColumn<int>("better"); // 0 higher, 1 lower
        QTest::addColumn<double>("baseline");
        QTest::addColumn<double>("current");
        QTest::addColumn<double>("changePct");
        QTest::addColumn<bool>("regressed");
        // decode TPS 40 -> 37: -7.5% of a higher-is-better metric: regression beyond 5%.
        QTest::newRow("tps drop beyond limit") << 0 << 40.0 << 37.0 << -7.5 << true;
        QTest::newRow("tps drop within limit") << 0 << 40.0 << 38.4 << -4.0 << false;
        QTest::newRow("tps exactly at limit") << 0 << 40.0 << 38.0 << -5.0 << false;
        QTest::newRow("tps improves") << 0 << 40.0 << 50.0 << 25.0 << false;
        // TTFT 0.20 -> 0.22 s: +10% of a lower-is-better metric.
        QTest::newRow("ttft grows") << 1 << 0.20 << 0.22 << 10.0 << true;
        QTest::newRow("ttft shrinks") << 1 << 0.20 << 0.10 << -50.0 << false;
        QTest::newRow("zero baseline") << 1 << 0.0 << 5.0 << 0.0 << false;
        QTest::newRow("nan current") << 0 << 40.0 << std::nan("") << 0.0 << false;
    }

    void classifiesChanges()
    {
        QFETCH(int, better);
        QFETCH(double, baseline);
        QFETCH(double, current);
        QFETCH(double, changePct);
        QFETCH(bool, regressed);
        const GateResult result = evaluateGate(
            {{"100 tokens", "metric", "u", better == 0 ? Better::Higher : Better::Lower, baseline, current}}, 5.0);
        QCOMPARE(result.findings.size(), std::size_t(1));
        QVERIFY(std::fabs(result.findings[0].changePct - changePct) < 1e-9);
        QCOMPARE(result.findings[0].regressed, regressed);
        QCOMPARE(result.failed(), regressed);
    }

    void namesEachRegression()
    {
        const GateResult result = evaluateGate({{"20 tokens", "decode TPS", "tok/s", Better::Higher, 40, 30},
                                                {"20 tokens", "TTFT", "s", Better::Lower, 0.2, 0.2},
                                                {"50 tokens", "peak memory", "MiB", Better::Lower, 1000, 1200}},
                                               5.0);
        const std::vector<std::string> lines = result.regressionMessages(5.0);
        QCOMPARE(lines.size(), std::size_t(2));
        QCOMPARE(QString::fromStdString(lines[0]), QString("decode TPS of 20 tokens: 40 -> 30 tok/s (-25.0%, limit 5%)"));
        QCOMPARE(QString::fromStdString(lines[1]), QString("peak memory of 50 tokens: 1000 -> 1200 MiB (+20.0%, limit 5%)"));
    }
};

QTEST_GUILESS_MAIN(TestRegressionGate)
#include "test_regression_gate.moc"
