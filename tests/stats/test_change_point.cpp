// Warm-up detection on synthetic latency series: planted warm-ups of known length are found,
// stationary series (many seeds) report none, and the reason says what was excluded.
#include "core/stats/change_point.h"
#include "core/util/error.h"

#include <QtTest>

#include <cmath>
#include <random>

using namespace vlmscope;

namespace {

// Settled latency 20 ms with 3% noise; the first `warm` tokens cost `factor` times more.
std::vector<double> series(std::uint64_t seed, std::size_t n, std::size_t warm, double factor, double sd = 0.6)
{
    std::mt19937_64 rng(seed);
    std::normal_distribution<double> noise(0, sd);
    std::vector<double> x(n);
    for (std::size_t i = 0; i < n; ++i)
        x[i] = (i < warm ? 20 * factor : 20) + noise(rng);
    return x;
}

} // namespace

class TestChangePoint : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void findsPlantedWarmup_data()
    {
        QTest::addColumn<int>("n");
        QTest::addColumn<int>("warm");
        QTest::addColumn<double>("factor");
        QTest::newRow("first token 5x") << 60 << 1 << 5.0;
        QTest::newRow("3 tokens 2x") << 60 << 3 << 2.0;
        QTest::newRow("10 tokens 1.5x") << 100 << 10 << 1.5;
        QTest::newRow("half the series") << 40 << 20 << 1.3;
        QTest::newRow("short series") << 8 << 2 << 3.0;
    }

    void findsPlantedWarmup()
    {
        QFETCH(int, n);
        QFETCH(int, warm);
        QFETCH(double, factor);
        for (std::uint64_t seed = 0; seed < 20; ++seed) {
            const WarmupDetection d = detectWarmup(series(seed, std::size_t(n), std::size_t(warm), factor));
            QVERIFY2(d.excluded == std::size_t(warm), qPrintable(QString::fromStdString(d.reason)));
            QVERIFY(std::fabs(d.settledMedian - 20) < 1);
        }
    }

    void gradualSettling()
    {
        // Latency decays from 3x towards 20 ms: everything clearly above the settled level goes.
        std::vector<double> x;
        for (int i = 0; i < 80; ++i)
            x.push_back(20 * (1 + 2 * std::exp(-i / 3.0)) + (i % 2 ? 0.3 : -0.3));
        const WarmupDetection d = detectWarmup(x, {Better::Lower, 0.10, 4, 0.5, 8, "tokens"});
        // 20 (1 + 2 e^{-i/3}) exceeds 22 (10%) up to i = 8.
        QVERIFY2(d.excluded >= 8 && d.excluded <= 10, qPrintable(QString::fromStdString(d.reason)));
        QVERIFY2(QString::fromStdString(d.reason).startsWith(QString("first %1 of 80 tokens excluded as warm-up: median ").arg(d.excluded)),
                 qPrintable(QString::fromStdString(d.reason)));
    }

    void stationarySeriesHaveNone()
    {
        int falseAlarms = 0;
        const int seeds = 300;
        for (int seed = 0; seed < seeds; ++seed) {
            const WarmupDetection d = detectWarmup(series(std::uint64_t(seed) + 100, 100, 0, 1));
            falseAlarms += d.detected();
        }
        qInfo("warm-up false alarms on stationary series: %d of %d", falseAlarms, seeds);
        QVERIFY(falseAlarms <= 3);
        const WarmupDetection d = detectWarmup(series(1, 50, 0, 1), {Better::Lower, 0.1, 4, 0.5, 8, "tokens"});
        QVERIFY(!d.detected());
        QVERIFY2(QString::fromStdString(d.reason).startsWith("no warm-up: the first tokens are within 10% or 4 robust sd of the settled median 20."),
                 qPrintable(QString::fromStdString(d.reason)));
    }

    void smallButConsistentStartIsNotWarmup()
    {
        // 5% slower start, far beyond the 0.5% noise but below the 10% effect: not warm-up.
        std::vector<double> x = series(4, 60, 6, 1.05, 0.1);
        QVERIFY(!detectWarmup(x).detected());
        WarmupOptions sensitive;
        sensitive.minRelativeEffect = 0.02;
        QCOMPARE(detectWarmup(x, sensitive).excluded, std::size_t(6));
    }

    void onlyAWorseStartCounts()
    {
        // Rates: warm-up is a low start. A high start of a rate series is not warm-up.
        std::vector<double> tps = series(9, 30, 4, 0.5);
        WarmupOptions rates;
        rates.better = Better::Higher;
        rates.items = "iterations";
        const WarmupDetection d = detectWarmup(tps, rates);
        QCOMPARE(d.excluded, std::size_t(4));
        QVERIFY(QString::fromStdString(d.reason).contains("of 30 iterations excluded as warm-up"));
        QVERIFY(!detectWarmup(series(9, 30, 4, 2.0), rates).detected());
        QVERIFY(!detectWarmup(series(9, 30, 4, 0.5)).detected()); // latencies: a fast start is fine
    }

    void exactReason()
    {
        const std::vector<double> x{60, 58, 20, 21, 19, 20, 20, 21, 19, 20};
        const WarmupDetection d = detectWarmup(x, {Better::Lower, 0.1, 4, 0.5, 8, "tokens"});
        QCOMPARE(d.excluded, std::size_t(2));
        QCOMPARE(d.warmupMedian, 59.0);
        QCOMPARE(d.settledMedian, 20.0);
        // MAD of the settled part: median |x - 20| = 0.5 -> robust sd 0.7413; (59 - 20) / 0.7413 = 52.6.
        QCOMPARE(QString::fromStdString(d.reason),
                 QString("first 2 of 10 tokens excluded as warm-up: median 59.0 vs 20.0 settled (+195.0%, 52.6 robust sd)"));
    }

    void notJudged()
    {
        QCOMPARE(QString::fromStdString(detectWarmup({30, 10, 10}).reason),
                 QString("no warm-up detection: 3 values, need at least 8"));
        std::vector<double> x = series(2, 20, 3, 3);
        x[7] = std::nan("");
        const WarmupDetection d = detectWarmup(x);
        QVERIFY(!d.detected());
        QCOMPARE(QString::fromStdString(d.reason), QString("no warm-up detection: the series holds undefined values"));
        const std::vector<double> flat(20, 5.0);
        QVERIFY(!detectWarmup(flat).detected());
        WarmupOptions bad;
        bad.maxFraction = 1;
        QVERIFY_THROWS_EXCEPTION(InputError, detectWarmup(flat, bad));
    }
};

QTEST_GUILESS_MAIN(TestChangePoint)
#include "test_change_point.moc"
