// Bootstrap intervals of medians: definitions, reproducibility, coverage of the true median
// (and of a true difference) at about the nominal rate over many seeds, and stop-when-stable.
#include "core/stats/bootstrap.h"
#include "core/util/error.h"

#include <QtTest>

#include <cmath>
#include <limits>
#include <random>

using namespace vlmscope;
using Values = std::vector<double>;

Q_DECLARE_METATYPE(Values)

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

Values normalSample(std::mt19937_64& rng, std::size_t n, double mean, double sd)
{
    std::normal_distribution<double> normal(mean, sd);
    Values v(n);
    for (double& x : v)
        x = normal(rng);
    return v;
}

// Exponential with rate 1: skewed, true median ln 2.
Values exponentialSample(std::mt19937_64& rng, std::size_t n, double scale)
{
    std::exponential_distribution<double> exponential(1.0);
    Values v(n);
    for (double& x : v)
        x = exponential(rng) * scale;
    return v;
}

} // namespace

class TestBootstrap : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void median_data()
    {
        QTest::addColumn<Values>("values");
        QTest::addColumn<double>("median");
        QTest::newRow("odd") << Values{5, 1, 3} << 3.0;
        QTest::newRow("even: mean of the middle two") << Values{4, 1, 3, 2} << 2.5;
        QTest::newRow("one") << Values{7} << 7.0;
        QTest::newRow("undefined values left out") << Values{kNaN, 1, std::numeric_limits<double>::infinity(), 2} << 1.5;
        QTest::newRow("empty") << Values{} << kNaN;
    }

    void median()
    {
        QFETCH(Values, values);
        QFETCH(double, median);
        const double got = medianOf(values);
        if (std::isnan(median))
            QVERIFY(std::isnan(got));
        else
            QCOMPARE(got, median);
    }

    void reproducibleForASeed()
    {
        std::mt19937_64 rng(7);
        const Values sample = normalSample(rng, 25, 50, 5);
        const ConfidenceInterval a = bootstrapMedian(sample, {2000, 0.95, 42});
        const ConfidenceInterval b = bootstrapMedian(sample, {2000, 0.95, 42});
        const ConfidenceInterval c = bootstrapMedian(sample, {2000, 0.95, 43});
        QCOMPARE(a.lower, b.lower);
        QCOMPARE(a.upper, b.upper);
        QVERIFY(a.lower != c.lower || a.upper != c.upper);
        QVERIFY(a.defined());
        QVERIFY(a.lower <= a.estimate && a.estimate <= a.upper);
        QCOMPARE(a.estimate, medianOf(sample));
        const ConfidenceInterval narrow = bootstrapMedian(sample, {2000, 0.5, 42});
        QVERIFY(narrow.upper - narrow.lower < a.upper - a.lower);
    }

    void undefinedWithoutValues()
    {
        QVERIFY(!bootstrapMedian({}).defined());
        QVERIFY(!bootstrapMedian({kNaN}).defined());
        const MedianDifference d = bootstrapMedianDifference({1, 2}, {});
        QVERIFY(!d.delta.defined());
        QCOMPARE(d.baselineCount, std::size_t(2));
        QCOMPARE(d.candidateCount, std::size_t(0));
    }

    void rejectsBadOptions_data()
    {
        QTest::addColumn<int>("resamples");
        QTest::addColumn<double>("level");
        QTest::addColumn<QString>("message");
        QTest::newRow("no resamples") << 0 << 0.95 << "bootstrap: resamples must be from 1 to 1000000 (got 0)";
        QTest::newRow("too many") << 2000000 << 0.95 << "bootstrap: resamples must be from 1 to 1000000 (got 2000000)";
        QTest::newRow("level 1") << 100 << 1.0 << "bootstrap: confidence level must be between 0 and 1 (got 1)";
        QTest::newRow("level nan") << 100 << kNaN << "bootstrap: confidence level must be between 0 and 1 (got n/a)";
    }

    void rejectsBadOptions()
    {
        QFETCH(int, resamples);
        QFETCH(double, level);
        QFETCH(QString, message);
        try {
            bootstrapMedian({1, 2, 3}, {resamples, level, 0});
            QFAIL("no error");
        } catch (const InputError& e) {
            QCOMPARE(QString(e.what()), message);
        }
    }

    void differenceOfAKnownScaling()
    {
        // The candidate is the baseline 15% slower, value for value: the change is -15% exactly.
        std::mt19937_64 rng(3);
        const Values baseline = normalSample(rng, 31, 40, 2);
        Values candidate;
        for (double v : baseline)
            candidate.push_back(v * 0.85);
        const MedianDifference d = bootstrapMedianDifference(baseline, candidate);
        QVERIFY(std::fabs(d.changePct.estimate + 15) < 1e-9);
        QVERIFY(d.changePct.lower < -15 && -15 < d.changePct.upper);
        QVERIFY(d.changePct.upper < 0);
        QVERIFY(std::fabs(d.delta.estimate - (d.candidateMedian - d.baselineMedian)) < 1e-12);
        QVERIFY(!bootstrapMedianDifference({0, 0, 0}, {1, 2, 3}).changePct.defined());
    }

    // The percentile interval of the median should cover the true median about 95% of the time.
    void coversTheTrueMedian()
    {
        const int seeds = 300;
        int covered = 0;
        for (int seed = 0; seed < seeds; ++seed) {
            std::mt19937_64 rng(1000 + seed);
            const Values sample = normalSample(rng, 41, 100, 10);
            const ConfidenceInterval ci = bootstrapMedian(sample, {1000, 0.95, std::uint64_t(seed)});
            covered += ci.lower <= 100 && 100 <= ci.upper;
        }
        const double rate = double(covered) / seeds;
        qInfo("median interval coverage: %.3f over %d seeds (nominal 0.95)", rate, seeds);
        QVERIFY2(rate >= 0.89 && rate <= 0.995, qPrintable(QString::number(rate)));
    }

    void coversTheTrueDifference()
    {
        // Skewed samples, true medians ln2 * 10 and ln2 * 12: difference 2 ln 2.
        const double truth = 2 * std::log(2.0);
        const int seeds = 300;
        int covered = 0;
        for (int seed = 0; seed < seeds; ++seed) {
            std::mt19937_64 rng(5000 + seed);
            const Values b = exponentialSample(rng, 60, 10), c = exponentialSample(rng, 50, 12);
            const MedianDifference d = bootstrapMedianDifference(b, c, {1000, 0.95, std::uint64_t(seed)});
            covered += d.delta.lower <= truth && truth <= d.delta.upper;
        }
        const double rate = double(covered) / seeds;
        qInfo("difference interval coverage: %.3f over %d seeds (nominal 0.95)", rate, seeds);
        QVERIFY2(rate >= 0.89 && rate <= 0.995, qPrintable(QString::number(rate)));
    }

    void stopsWhenStable()
    {
        StabilityOptions options;
        options.maxHalfWidthPct = 2;
        options.minSamples = 5;
        options.maxSamples = 40;
        StabilityCheck quiet(options);
        std::mt19937_64 rng(11);
        std::normal_distribution<double> small(40, 0.2);
        while (!quiet.status().done())
            quiet.add(small(rng));
        const StabilityStatus s = quiet.status();
        QVERIFY(s.converged);
        QVERIFY(!s.exhausted);
        QCOMPARE(s.samples, std::size_t(5)); // 0.5% noise settles as soon as allowed
        QVERIFY(s.halfWidthPct <= 2);
        const QString text = QString::fromStdString(s.summary("decode TPS", "tok/s", options.maxHalfWidthPct));
        QVERIFY2(text.startsWith("decode TPS 40.") && text.contains("95% CI") && text.endsWith("after 5 iterations: converged (limit ±2%)"),
                 qPrintable(text));

        StabilityCheck noisy(options);
        std::normal_distribution<double> wide(40, 8);
        while (!noisy.status().done())
            noisy.add(wide(rng));
        const StabilityStatus n = noisy.status();
        QVERIFY(!n.converged);
        QVERIFY(n.exhausted);
        QCOMPARE(n.samples, std::size_t(40));
        QVERIFY(QString::fromStdString(n.summary("TTFT", "ms", 2)).contains("not converged, iteration limit reached"));
    }

    void undefinedIterationsDoNotCount()
    {
        StabilityOptions options;
        options.minSamples = 3;
        StabilityCheck check(options);
        check.add(10);
        check.add(kNaN);
        check.add(10);
        QVERIFY(!check.status().converged); // two defined values only
        check.add(10);
        const StabilityStatus s = check.status();
        QVERIFY(s.converged);
        QCOMPARE(s.samples, std::size_t(4));
        QCOMPARE(s.used, std::size_t(3));
        QVERIFY(QString::fromStdString(s.summary("x", "", 5)).contains("after 4 iterations (1 undefined)"));
    }

    void rejectsImpossibleStability()
    {
        StabilityOptions options;
        options.maxHalfWidthPct = 0;
        QVERIFY_THROWS_EXCEPTION(InputError, StabilityCheck{options});
        options.maxHalfWidthPct = 5;
        options.minSamples = 10;
        options.maxSamples = 5;
        QVERIFY_THROWS_EXCEPTION(InputError, StabilityCheck{options});
    }
};

QTEST_GUILESS_MAIN(TestBootstrap)
#include "test_bootstrap.moc"
