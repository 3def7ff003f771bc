// Checks the statistics behind every metric: numpy-style linear percentiles, population and
// sample standard deviations, and the summary across repetitions, on hand-computed values.
#include "core/metrics/aggregate.h"
#include "core/util/error.h"

#include <QtTest>

#include <cmath>
#include <limits>

using vlmscope::Summary;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

// Equal up to rounding (1e-12 relative); NaN matches NaN, since NaN means "undefined".
bool same(double actual, double expected)
{
    if (std::isnan(expected) || std::isnan(actual))
        return std::isnan(expected) && std::isnan(actual);
    return std::abs(actual - expected) <= 1e-12 * std::max(1.0, std::abs(expected));
}

QByteArray describe(double actual, double expected)
{
    return QByteArray::number(actual, 'g', 17) + " != expected " + QByteArray::number(expected, 'g', 17);
}

} // namespace

class TestAggregate : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void percentile_data();
    void percentile();
    void percentileRejectsBadPct_data();
    void percentileRejectsBadPct();
    void deviations();
    void summarize_data();
    void summarize();
    void summarizeOptionals();
};

void TestAggregate::percentile_data()
{
    QTest::addColumn<std::vector<double>>("sorted");
    QTest::addColumn<double>("pct");
    QTest::addColumn<double>("expected");

    // h = (n - 1) * pct / 100; x[floor h] + frac(h) * (x[floor h + 1] - x[floor h]).
    // Every expected value is what numpy.percentile(values, pct) prints.
    QTest::newRow("p90 of 1..4") << std::vector<double>{1, 2, 3, 4} << 90.0 << 3.7;   // h=2.7: 3+.7*1
    QTest::newRow("p50 of 1..4") << std::vector<double>{1, 2, 3, 4} << 50.0 << 2.5;   // h=1.5: 2+.5*1
    QTest::newRow("p0 is min") << std::vector<double>{1, 2, 3, 4} << 0.0 << 1.0;      // h=0
    QTest::newRow("p100 is max") << std::vector<double>{1, 2, 3, 4} << 100.0 << 4.0;  // h=3
    QTest::newRow("p40 of five") << std::vector<double>{15, 20, 35, 40, 50} << 40.0 << 29.0; // h=1.6: 20+.6*15
    QTest::newRow("p99 of two") << std::vector<double>{0, 10} << 99.0 << 9.9;         // h=.99: 0+.99*10
    QTest::newRow("p75 repeated") << std::vector<double>{1, 1, 1, 5} << 75.0 << 2.0;  // h=2.25: 1+.25*4
    QTest::newRow("p50 odd count") << std::vector<double>{1, 2, 9} << 50.0 << 2.0;    // h=1 exactly
    QTest::newRow("single value") << std::vector<double>{10} << 99.0 << 10.0;         // h=0
    QTest::newRow("empty is undefined") << std::vector<double>{} << 50.0 << kNaN;
}

void TestAggregate::percentile()
{
    QFETCH(std::vector<double>, sorted);
    QFETCH(double, pct);
    QFETCH(double, expected);
    const double actual = vlmscope::percentileOfSorted(sorted, pct);
    QVERIFY2(same(actual, expected), describe(actual, expected).constData());
}

void TestAggregate::percentileRejectsBadPct_data()
{
    QTest::addColumn<double>("pct");
    QTest::newRow("negative") << -1.0;
    QTest::newRow("above 100") << 100.5;
    QTest::newRow("NaN") << kNaN;
    QTest::newRow("inf") << kInf;
}

void TestAggregate::percentileRejectsBadPct()
{
    QFETCH(double, pct);
    QVERIFY_THROWS_EXCEPTION(vlmscope::InputError, vlmscope::percentileOfSorted({1, 2}, pct));
}

void TestAggregate::deviations()
{
    // {2,4,4,4,5,5,7,9}: mean 5, squared deviations 9+1+1+1+0+0+4+16 = 32.
    const std::vector<double> v{2, 4, 4, 4, 5, 5, 7, 9};
    QVERIFY(same(vlmscope::arithmeticMean(v), 5.0));
    QVERIFY(same(vlmscope::populationStddev(v), 2.0));               // sqrt(32/8)
    QVERIFY(same(vlmscope::sampleStddev(v), std::sqrt(32.0 / 7.0))); // sqrt(32/7)

    QVERIFY(std::isnan(vlmscope::arithmeticMean({})));
    QVERIFY(std::isnan(vlmscope::populationStddev({})));
    QVERIFY(same(vlmscope::populationStddev({3}), 0.0));
    QVERIFY(std::isnan(vlmscope::sampleStddev({3}))); // n - 1 = 0: undefined
}

void TestAggregate::summarize_data()
{
    QTest::addColumn<std::vector<double>>("values");
    QTest::addColumn<int>("n");
    QTest::addColumn<int>("ignored");
    QTest::addColumn<double>("mean");
    QTest::addColumn<double>("median");
    QTest::addColumn<double>("stddev"); // sample: divides by n - 1
    QTest::addColumn<double>("min");
    QTest::addColumn<double>("max");

    QTest::newRow("empty") << std::vector<double>{} << 0 << 0 << kNaN << kNaN << kNaN << kNaN << kNaN;
    QTest::newRow("one value") << std::vector<double>{4.5} << 1 << 0 << 4.5 << 4.5 << kNaN << 4.5 << 4.5;
    // mean 2; deviations -1, +1: sqrt(2/1).
    QTest::newRow("two values") << std::vector<double>{3, 1} << 2 << 0 << 2.0 << 2.0 << std::sqrt(2.0) << 1.0 << 3.0;
    // mean 2.5; median h=1.5: 2+.5; squared deviations 2.25+.25+.25+2.25 = 5: sqrt(5/3).
    QTest::newRow("four unsorted") << std::vector<double>{4, 1, 3, 2} << 4 << 0 << 2.5 << 2.5 << std::sqrt(5.0 / 3.0)
                                   << 1.0 << 4.0;
    // mean 40/8 = 5; median h=3.5: 4+.5*(5-4); squared deviations 32: sqrt(32/7).
    QTest::newRow("eight values") << std::vector<double>{9, 2, 4, 4, 4, 5, 5, 7} << 8 << 0 << 5.0 << 4.5
                                  << std::sqrt(32.0 / 7.0) << 2.0 << 9.0;
    QTest::newRow("equal values") << std::vector<double>{7, 7, 7} << 3 << 0 << 7.0 << 7.0 << 0.0 << 7.0 << 7.0;
    QTest::newRow("negative values") << std::vector<double>{-3, -1} << 2 << 0 << -2.0 << -2.0 << std::sqrt(2.0) << -3.0
                                     << -1.0;
    // Undefined entries are left out: what remains is {1, 3}, as in "two values".
    QTest::newRow("NaN and inf ignored") << std::vector<double>{1, kNaN, 3, kInf, -kInf} << 2 << 3 << 2.0 << 2.0
                                         << std::sqrt(2.0) << 1.0 << 3.0;
    QTest::newRow("all undefined") << std::vector<double>{kNaN, kNaN} << 0 << 2 << kNaN << kNaN << kNaN << kNaN << kNaN;
}

void TestAggregate::summarize()
{
    QFETCH(std::vector<double>, values);
    QFETCH(int, n);
    QFETCH(int, ignored);
    QFETCH(double, mean);
    QFETCH(double, median);
    QFETCH(double, stddev);
    QFETCH(double, min);
    QFETCH(double, max);

    const Summary s = vlmscope::summarize(values);
    QCOMPARE(s.n, n);
    QCOMPARE(s.ignored, ignored);
    QVERIFY2(same(s.mean, mean), ("mean " + describe(s.mean, mean)).constData());
    QVERIFY2(same(s.median, median), ("median " + describe(s.median, median)).constData());
    QVERIFY2(same(s.stddev, stddev), ("stddev " + describe(s.stddev, stddev)).constData());
    QVERIFY2(same(s.min, min), ("min " + describe(s.min, min)).constData());
    QVERIFY2(same(s.max, max), ("max " + describe(s.max, max)).constData());
}

void TestAggregate::summarizeOptionals()
{
    // Empty optionals are undefined figures (e.g. decode TPS of a one-token run): left out.
    const Summary s = vlmscope::summarize(std::vector<std::optional<double>>{1.0, std::nullopt, 3.0});
    QCOMPARE(s.n, 2);
    QCOMPARE(s.ignored, 1);
    QVERIFY(same(s.mean, 2.0));
    QVERIFY(same(s.median, 2.0));
    QVERIFY(same(s.stddev, std::sqrt(2.0)));
    QVERIFY(same(s.min, 1.0));
    QVERIFY(same(s.max, 3.0));
}

QTEST_GUILESS_MAIN(TestAggregate)
#include "test_aggregate.moc"
