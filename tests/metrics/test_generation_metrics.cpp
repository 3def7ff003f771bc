// Checks every figure of SPEC §4 (core/metrics/METRICS.md) on synthetic timestamp streams
// whose expected values are worked out by hand in the comments next to each row.
#include "core/metrics/aggregate.h"
#include "core/metrics/generation_metrics.h"
#include "core/util/error.h"

#include <QtTest>

#include <cmath>
#include <random>

using vlmscope::GenerationMetrics;
using vlmscope::IntervalStats;
using vlmscope::MemoryPoint;
using vlmscope::MemorySeriesMetrics;
using vlmscope::TimingInput;

Q_DECLARE_METATYPE(vlmscope::TimingInput)
Q_DECLARE_METATYPE(vlmscope::GenerationMetrics)
Q_DECLARE_METATYPE(vlmscope::MemorySeriesMetrics)

namespace {

constexpr std::int64_t kMs = 1'000'000;
constexpr auto none = std::nullopt;

TimingInput runNs(std::optional<std::int64_t> prefillEndNs, std::vector<std::int64_t> tokenNs, std::int64_t endNs,
                  std::int64_t inputTokens, std::int64_t imageTokens = 0, std::int64_t discardFirst = 0)
{
    TimingInput in;
    in.prefillEndNs = prefillEndNs;
    in.tokenTimesNs = std::move(tokenNs);
    in.endNs = endNs;
    in.inputTokens = inputTokens;
    in.imageTokens = imageTokens;
    in.discardFirst = discardFirst;
    return in;
}

// The same with every time in milliseconds.
TimingInput runMs(std::optional<std::int64_t> prefillEndMs, std::vector<std::int64_t> tokenMs, std::int64_t endMs,
                  std::int64_t inputTokens, std::int64_t imageTokens = 0, std::int64_t discardFirst = 0)
{
    for (auto& t : tokenMs)
        t *= kMs;
    if (prefillEndMs)
        *prefillEndMs *= kMs;
    return runNs(prefillEndMs, std::move(tokenMs), endMs * kMs, inputTokens, imageTokens, discardFirst);
}

void setCounts(GenerationMetrics& e, std::int64_t input, std::int64_t image, std::int64_t text, std::int64_t output,
               std::int64_t discarded, std::int64_t decode, double totalS)
{
    e.inputTokens = input;
    e.imageTokens = image;
    e.textTokens = text;
    e.outputTokens = output;
    e.discardedTokens = discarded;
    e.decodeTokens = decode;
    e.totalS = totalS;
}

IntervalStats itlStats(std::int64_t count, double mean, double p50, double p90, double p99, double min, double max,
                       double stddev, std::optional<double> cv)
{
    IntervalStats s;
    s.count = count;
    s.mean = mean;
    s.p50 = p50;
    s.p90 = p90;
    s.p99 = p99;
    s.min = min;
    s.max = max;
    s.stddev = stddev;
    s.cv = cv;
    return s;
}

MemorySeriesMetrics memSeries(std::optional<std::int64_t> start, std::optional<std::int64_t> peak,
                           std::optional<std::int64_t> increase, std::optional<double> perToken)
{
    return MemorySeriesMetrics{start, peak, increase, perToken};
}

// Collects every field that differs, so one failing row names all its wrong figures.
class FieldChecker {
public:
    void value(const char* name, std::optional<double> actual, std::optional<double> expected)
    {
        if (actual.has_value() != expected.has_value()) {
            fail(name, text(actual), text(expected));
            return;
        }
        if (actual && !(std::isfinite(*actual)
                        && std::abs(*actual - *expected) <= 1e-12 * std::max(1.0, std::abs(*expected))))
            fail(name, text(actual), text(expected));
    }

    void exact(const char* name, std::optional<std::int64_t> actual, std::optional<std::int64_t> expected)
    {
        if (actual != expected)
            fail(name, actual ? QString::number(*actual) : "undefined", expected ? QString::number(*expected) : "undefined");
    }

    void series(const char* name, const std::vector<double>& actual, const std::vector<double>& expected)
    {
        if (actual != expected)
            fail(name, join(actual), join(expected));
    }

    void interval(const IntervalStats& a, const IntervalStats& e)
    {
        exact("itl.count", a.count, e.count);
        value("itl.mean", a.mean, e.mean);
        value("itl.p50", a.p50, e.p50);
        value("itl.p90", a.p90, e.p90);
        value("itl.p99", a.p99, e.p99);
        value("itl.min", a.min, e.min);
        value("itl.max", a.max, e.max);
        value("itl.stddev", a.stddev, e.stddev);
        value("itl.cv", a.cv, e.cv);
    }

    void memorySeries(const QString& name, const MemorySeriesMetrics& a, const MemorySeriesMetrics& e)
    {
        exact(qPrintable(name + ".startBytes"), a.startBytes, e.startBytes);
        exact(qPrintable(name + ".peakBytes"), a.peakBytes, e.peakBytes);
        exact(qPrintable(name + ".increaseBytes"), a.increaseBytes, e.increaseBytes);
        value(qPrintable(name + ".perOutputTokenBytes"), a.perOutputTokenBytes, e.perOutputTokenBytes);
    }

    void all(const GenerationMetrics& a, const GenerationMetrics& e)
    {
        exact("inputTokens", a.inputTokens, e.inputTokens);
        exact("imageTokens", a.imageTokens, e.imageTokens);
        exact("textTokens", a.textTokens, e.textTokens);
        exact("outputTokens", a.outputTokens, e.outputTokens);
        exact("discardedTokens", a.discardedTokens, e.discardedTokens);
        exact("decodeTokens", a.decodeTokens, e.decodeTokens);
        value("totalS", a.totalS, e.totalS);
        value("ttftS", a.ttftS, e.ttftS);
        value("prefillS", a.prefillS, e.prefillS);
        value("inputTps", a.inputTps, e.inputTps);
        value("outputTps", a.outputTps, e.outputTps);
        value("tpotS", a.tpotS, e.tpotS);
        value("overallTps", a.overallTps, e.overallTps);
        value("e2eOutputTps", a.e2eOutputTps, e.e2eOutputTps);
        interval(a.itl, e.itl);
        series("perSecondTps", a.perSecondTps, e.perSecondTps);
        value("peakTpsPerSecond", a.peakTpsPerSecond, e.peakTpsPerSecond);
        value("peakTpsWindow8", a.peakTpsWindow8, e.peakTpsWindow8);
        value("stabilityAbs", a.stabilityAbs, e.stabilityAbs);
        value("stabilityRelPct", a.stabilityRelPct, e.stabilityRelPct);
        memorySeries("rss", a.rss, e.rss);
        memorySeries("allocator", a.allocator, e.allocator);
        memorySeries("kvCache", a.kvCache, e.kvCache);
    }

    QByteArray report() const { return m_problems.join("; ").toUtf8(); }
    bool ok() const { return m_problems.isEmpty(); }

private:
    static QString text(std::optional<double> v) { return v ? QString::number(*v, 'g', 17) : QString("undefined"); }

    static QString join(const std::vector<double>& v)
    {
        QStringList parts;
        for (double x : v)
            parts << QString::number(x, 'g', 17);
        return "[" + parts.join(", ") + "]";
    }

    void fail(const char* name, const QString& actual, const QString& expected)
    {
        m_problems << QString("%1 = %2, expected %3").arg(name, actual, expected);
    }

    QStringList m_problems;
};

// The run used by several rows: ten tokens with uneven gaps.
//   t (ms): 100 200 400 500 800 900 1000 1100 1600 1700; tp = 50 ms, tE = 2000 ms, n_in = 10.
//   ITL (ms): 100 200 100 300 100 100 100 500 100.
TimingInput unevenRun(std::int64_t discardFirst)
{
    return runMs(50, {100, 200, 400, 500, 800, 900, 1000, 1100, 1600, 1700}, 2000, 10, 0, discardFirst);
}

// Figures of unevenRun that --discard-first never changes.
GenerationMetrics unevenRunFixedFigures(std::int64_t discarded)
{
    GenerationMetrics e;
    setCounts(e, 10, 0, 10, 10, discarded, 10 - discarded, 2.0);
    e.ttftS = 0.1;             // t1 - t0
    e.prefillS = 0.05;         // tp - t0
    e.inputTps = 200.0;        // 10 / 0.05
    e.overallTps = 10.0;       // (10 + 10) / 2
    e.e2eOutputTps = 5.0;      // 10 / 2
    return e;
}

} // namespace

class TestGenerationMetrics : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void figures_data();
    void figures();
    void memory_data();
    void memory();
    void rejectsInconsistentInput_data();
    void rejectsInconsistentInput();
    void acceptsLongestRun();
    void randomStreamsKeepInvariants();
};

void TestGenerationMetrics::figures_data()
{
    QTest::addColumn<TimingInput>("input");
    QTest::addColumn<GenerationMetrics>("expected");

    {
        // t (ms): 500 750 1000 1250 1500; tp = 400, tE = 2000; n_in = 20 (16 image + 4 text).
        GenerationMetrics e;
        setCounts(e, 20, 16, 4, 5, 0, 5, 2.0);
        e.ttftS = 0.5;
        e.prefillS = 0.4;
        e.inputTps = 50.0;      // 20 / 0.4
        e.outputTps = 4.0;      // (5 - 1) / (1.5 - 0.5)
        e.tpotS = 0.25;         // 1.0 / 4
        e.overallTps = 12.5;    // (20 + 5) / 2
        e.e2eOutputTps = 2.5;   // 5 / 2
        e.itl = itlStats(4, 0.25, 0.25, 0.25, 0.25, 0.25, 0.25, 0.0, 0.0); // four gaps of 250 ms
        e.perSecondTps = {2, 3};  // [0,1 s): 500, 750; [1,2 s): 1000 (on the boundary), 1250, 1500
        e.peakTpsPerSecond = 3.0;
        // peakTpsWindow8 undefined: only 5 tokens.
        e.stabilityAbs = 0.5;     // buckets 0..1 = {2, 3}: mean 2.5, deviations ±0.5
        e.stabilityRelPct = 20.0; // 0.5 / 2.5 * 100
        QTest::newRow("steady") << runMs(400, {500, 750, 1000, 1250, 1500}, 2000, 20, 16) << e;
    }
    {
        // unevenRun, nothing discarded. Sorted ITL (ms): 100 x6, 200, 300, 500; sum 1600.
        GenerationMetrics e = unevenRunFixedFigures(0);
        e.outputTps = 5.625; // 9 / (1.7 - 0.1) = 9 / 1.6
        e.tpotS = 1.6 / 9;
        // p50: h = 8*.5 = 4 -> 100; p90: h = 7.2 -> 300 + .2*200 = 340; p99: h = 7.92 -> 300 + .92*200 = 484.
        // Variance (ms^2): 440000/9 - (1600/9)^2 = 1400000/81, i.e. 1.4/81 s^2: stddev sqrt(1.4)/9 s.
        // cv = (sqrt(1.4)/9) / (1.6/9) = sqrt(1.4)/1.6.
        e.itl = itlStats(9, 1.6 / 9, 0.1, 0.34, 0.484, 0.1, 0.5, std::sqrt(1.4) / 9, std::sqrt(1.4) / 1.6);
        e.perSecondTps = {6, 4}; // [0,1 s): 100..900 = 6 tokens; [1,2 s): 1000 1100 1600 1700
        e.peakTpsPerSecond = 6.0;
        // Windows of 8 tokens: 7/(1100-100 ms) = 7, 7/(1600-200) = 5, 7/(1700-400) = 5.38...
        e.peakTpsWindow8 = 7.0;
        e.stabilityAbs = 1.0;     // {6, 4}: mean 5, deviations ±1
        e.stabilityRelPct = 20.0; // 1 / 5 * 100
        QTest::newRow("uneven gaps") << unevenRun(0) << e;
    }
    {
        // Discard 2: decode uses t (ms) 400 500 800 900 1000 1100 1600 1700; ITL 100 300 100 100 100 500 100.
        GenerationMetrics e = unevenRunFixedFigures(2);
        e.outputTps = 7 / 1.3; // (8 - 1) / (1.7 - 0.4)
        e.tpotS = 1.3 / 7;
        // Sorted: 100 x5, 300, 500. p50: h = 3 -> 100; p90: h = 5.4 -> 300 + .4*200 = 380;
        // p99: h = 5.94 -> 300 + .94*200 = 488. Variance (ms^2): 390000/7 - (1300/7)^2 = 1040000/49,
        // i.e. 1.04/49 s^2: stddev sqrt(1.04)/7; cv = sqrt(1.04)/1.3.
        e.itl = itlStats(7, 1.3 / 7, 0.1, 0.38, 0.488, 0.1, 0.5, std::sqrt(1.04) / 7, std::sqrt(1.04) / 1.3);
        e.perSecondTps = {4, 4}; // 400 500 800 900 | 1000 1100 1600 1700 (100 and 200 are discarded)
        e.peakTpsPerSecond = 4.0;
        e.peakTpsWindow8 = 7 / 1.3; // the only window: 7 / (1.7 - 0.4)
        e.stabilityAbs = 0.0;
        e.stabilityRelPct = 0.0;
        QTest::newRow("discard 2") << unevenRun(2) << e;
    }
    {
        // Discard 9 of 10: one decode token (1700 ms) -> no interval, no rate.
        GenerationMetrics e = unevenRunFixedFigures(9);
        e.itl.count = 0;
        e.perSecondTps = {0, 1}; // bucket 0 only held discarded tokens
        e.peakTpsPerSecond = 1.0;
        // stability undefined: decode spans one bucket (1).
        QTest::newRow("discard all but one") << unevenRun(9) << e;
    }
    {
        // Discard 20 of 10: every decode figure undefined; TTFT, overall and end-to-end stay.
        GenerationMetrics e = unevenRunFixedFigures(10);
        QTest::newRow("discard more than produced") << unevenRun(20) << e;
    }
    {
        // t (ms): 2500 2600 5200 5400; tp = 2000, tE = 6000; n_in = 100 (64 image + 36 text).
        GenerationMetrics e;
        setCounts(e, 100, 64, 36, 4, 0, 4, 6.0);
        e.ttftS = 2.5;
        e.prefillS = 2.0;
        e.inputTps = 50.0;        // 100 / 2
        e.outputTps = 3 / 2.9;    // 3 / (5.4 - 2.5)
        e.tpotS = 2.9 / 3;
        e.overallTps = 104 / 6.0; // (100 + 4) / 6
        e.e2eOutputTps = 4 / 6.0;
        // ITL (ms) 100 2600 200, sorted 100 200 2600. p90: h = 1.8 -> 200 + .8*2400 = 2120;
        // p99: h = 1.98 -> 200 + .98*2400 = 2552. Variance (ms^2): 6810000/3 - (2900/3)^2 = 12020000/9,
        // i.e. 12.02/9 s^2: stddev sqrt(12.02)/3; cv = sqrt(12.02)/2.9.
        e.itl = itlStats(3, 2.9 / 3, 0.2, 2.12, 2.552, 0.1, 2.6, std::sqrt(12.02) / 3, std::sqrt(12.02) / 2.9);
        // Seconds 0 and 1 are prefill; 3 and 4 are a stall: empty buckets count as 0 TPS.
        e.perSecondTps = {0, 0, 2, 0, 0, 2};
        e.peakTpsPerSecond = 2.0;
        // Stability over buckets 2..5 (from the first decode token's second) = {2, 0, 0, 2}: mean 1, all
        // deviations ±1 -> stddev 1, 100 %.
        e.stabilityAbs = 1.0;
        e.stabilityRelPct = 100.0;
        QTest::newRow("prefill wait and stall") << runMs(2000, {2500, 2600, 5200, 5400}, 6000, 100, 64) << e;
    }
    {
        // One token at 300 ms; tp = 250, tE = 400; n_in = 8.
        GenerationMetrics e;
        setCounts(e, 8, 0, 8, 1, 0, 1, 0.4);
        e.ttftS = 0.3;
        e.prefillS = 0.25;
        e.inputTps = 32.0;     // 8 / 0.25
        e.overallTps = 22.5;   // 9 / 0.4
        e.e2eOutputTps = 2.5;  // 1 / 0.4
        e.perSecondTps = {1};
        e.peakTpsPerSecond = 1.0;
        // Decode TPS, TPOT, ITL, window peak, stability: undefined with one token.
        QTest::newRow("one token") << runMs(250, {300}, 400, 8) << e;
    }
    {
        // No output token; prefill ended at 250 ms, run ended at 300 ms.
        GenerationMetrics e;
        setCounts(e, 8, 0, 8, 0, 0, 0, 0.3);
        e.prefillS = 0.25;
        e.inputTps = 32.0;       // 8 / 0.25
        e.overallTps = 8 / 0.3;  // (8 + 0) / 0.3
        e.e2eOutputTps = 0.0;    // 0 / 0.3: defined, zero
        QTest::newRow("zero tokens") << runMs(250, {}, 300, 8) << e;
    }
    {
        // Stopped during prefill: no tp, no token; tE = 100 ms.
        GenerationMetrics e;
        setCounts(e, 8, 0, 8, 0, 0, 0, 0.1);
        e.overallTps = 80.0; // 8 / 0.1
        e.e2eOutputTps = 0.0;
        QTest::newRow("stopped in prefill") << runMs(none, {}, 100, 8) << e;
    }
    {
        // Everything at t0: every rate over a zero span is undefined, not inf.
        GenerationMetrics e;
        setCounts(e, 5, 0, 5, 0, 0, 0, 0.0);
        e.prefillS = 0.0;
        QTest::newRow("zero-length run") << runMs(0, {}, 0, 5) << e;
    }
    {
        // t (ms): 100 200 ... 800 (8 tokens); tp = 50, tE = 900; n_in = 4.
        GenerationMetrics e;
        setCounts(e, 4, 0, 4, 8, 0, 8, 0.9);
        e.ttftS = 0.1;
        e.prefillS = 0.05;
        e.inputTps = 80.0;         // 4 / 0.05
        e.outputTps = 10.0;        // 7 / 0.7
        e.tpotS = 0.1;
        e.overallTps = 12 / 0.9;   // (4 + 8) / 0.9
        e.e2eOutputTps = 8 / 0.9;
        e.itl = itlStats(7, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.0, 0.0);
        e.perSecondTps = {8};
        e.peakTpsPerSecond = 8.0;
        e.peakTpsWindow8 = 10.0;   // one window: 7 / 0.7
        // Stability undefined: one bucket.
        QTest::newRow("all in one second") << runMs(50, {100, 200, 300, 400, 500, 600, 700, 800}, 900, 4) << e;
    }
    {
        // t (ns): 999999999, 1e9, 2e9, 3e9: buckets are half-open, [k s, (k+1) s).
        // tp = 0.5 s, tE = 3 s, n_in = 2.
        GenerationMetrics e;
        setCounts(e, 2, 0, 2, 4, 0, 4, 3.0);
        e.ttftS = 0.999999999;
        e.prefillS = 0.5;
        e.inputTps = 4.0;                  // 2 / 0.5
        e.outputTps = 3 / 2.000000001;     // 3 / (3 - 0.999999999)
        e.tpotS = 2.000000001 / 3;
        e.overallTps = 2.0;                // 6 / 3
        e.e2eOutputTps = 4 / 3.0;
        // ITL: 1 ns, 1 s, 1 s. p50: h = 1 -> 1; p90, p99 between the two 1 s values -> 1.
        // mean m = (2 + 1e-9)/3; deviations -2(1-1e-9)/3, (1-1e-9)/3 twice: variance 2(1-1e-9)^2/9,
        // stddev sqrt(2)(1-1e-9)/3; cv = sqrt(2)(1-1e-9)/(2+1e-9).
        const double d = 1 - 1e-9;
        e.itl = itlStats(3, (2 + 1e-9) / 3, 1.0, 1.0, 1.0, 1e-9, 1.0, std::sqrt(2.0) * d / 3,
                         std::sqrt(2.0) * d / (2 + 1e-9));
        e.perSecondTps = {1, 1, 1, 1};
        e.peakTpsPerSecond = 1.0;
        e.stabilityAbs = 0.0;
        e.stabilityRelPct = 0.0;
        QTest::newRow("bucket boundaries")
            << runNs(500 * kMs, {999'999'999, 1'000'000'000, 2'000'000'000, 3'000'000'000}, 3000 * kMs, 2) << e;
    }
    {
        // Three tokens at the same 500 ms (e.g. a batch handed over at once); tp = 400, tE = 600; n_in = 3.
        GenerationMetrics e;
        setCounts(e, 3, 0, 3, 3, 0, 3, 0.6);
        e.ttftS = 0.5;
        e.prefillS = 0.4;
        e.inputTps = 7.5;         // 3 / 0.4
        // outputTps undefined: 2 tokens over 0 s. TPOT = 0 s / 2 = 0 is finite, so it is defined.
        e.tpotS = 0.0;
        e.overallTps = 10.0;      // 6 / 0.6
        e.e2eOutputTps = 5.0;     // 3 / 0.6
        e.itl = itlStats(2, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, none); // cv undefined: mean 0
        e.perSecondTps = {3};
        e.peakTpsPerSecond = 3.0;
        QTest::newRow("equal timestamps") << runMs(400, {500, 500, 500}, 600, 3) << e;
    }
    {
        // Eight tokens at 500 ms then one at 600 ms; tp = 400, tE = 700; n_in = 1.
        GenerationMetrics e;
        setCounts(e, 1, 0, 1, 9, 0, 9, 0.7);
        e.ttftS = 0.5;
        e.prefillS = 0.4;
        e.inputTps = 2.5;          // 1 / 0.4
        e.outputTps = 80.0;        // 8 / 0.1
        e.tpotS = 0.0125;          // 0.1 / 8
        e.overallTps = 10 / 0.7;
        e.e2eOutputTps = 9 / 0.7;
        // ITL: seven 0 and one 0.1 s. p50: h = 3.5 -> 0; p90: h = 6.3 -> .3*.1 = .03; p99: h = 6.93 -> .093.
        // mean .0125; squared deviations 7*.0125^2 + .0875^2 = .00875, /8 = .00109375 = 7*.0125^2:
        // stddev .0125*sqrt(7), cv sqrt(7).
        e.itl = itlStats(8, 0.0125, 0.0, 0.03, 0.093, 0.0, 0.1, 0.0125 * std::sqrt(7.0), std::sqrt(7.0));
        e.perSecondTps = {9};
        e.peakTpsPerSecond = 9.0;
        // Window 1..8 spans 0 s and is skipped; window 2..9: 7 / 0.1 = 70.
        e.peakTpsWindow8 = 70.0;
        QTest::newRow("zero-span window skipped")
            << runMs(400, {500, 500, 500, 500, 500, 500, 500, 500, 600}, 700, 1) << e;
    }
    {
        // The mirror image: one token at 100 ms, then eight at 200 ms; tp = 50, tE = 300; n_in = 2.
        GenerationMetrics e;
        setCounts(e, 2, 0, 2, 9, 0, 9, 0.3);
        e.ttftS = 0.1;
        e.prefillS = 0.05;
        e.inputTps = 40.0;         // 2 / 0.05
        e.outputTps = 80.0;        // 8 / 0.1
        e.tpotS = 0.0125;
        e.overallTps = 11 / 0.3;   // (2 + 9) / 0.3
        e.e2eOutputTps = 30.0;     // 9 / 0.3
        // ITL: 0.1 s then seven 0: the same sorted values as the row above.
        e.itl = itlStats(8, 0.0125, 0.0, 0.03, 0.093, 0.0, 0.1, 0.0125 * std::sqrt(7.0), std::sqrt(7.0));
        e.perSecondTps = {9};
        e.peakTpsPerSecond = 9.0;
        // Window 1..8: 7 / 0.1 = 70; window 2..9 spans 0 s and is skipped without replacing the peak.
        e.peakTpsWindow8 = 70.0;
        QTest::newRow("zero-span window after a real one")
            << runMs(50, {100, 200, 200, 200, 200, 200, 200, 200, 200}, 300, 2) << e;
    }
    {
        // Stopped after 3 of 100 requested tokens; the stop took until 1500 ms. tp = 200; n_in = 10.
        GenerationMetrics e;
        setCounts(e, 10, 0, 10, 3, 0, 3, 1.5);
        e.ttftS = 0.3;
        e.prefillS = 0.2;
        e.inputTps = 50.0;        // 10 / 0.2
        e.outputTps = 10.0;       // 2 / 0.2
        e.tpotS = 0.1;
        e.overallTps = 13 / 1.5;  // (10 + 3) / 1.5
        e.e2eOutputTps = 2.0;     // 3 / 1.5
        e.itl = itlStats(2, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.0, 0.0);
        e.perSecondTps = {3};
        e.peakTpsPerSecond = 3.0;
        QTest::newRow("stopped mid-run") << runMs(200, {300, 400, 500}, 1500, 10) << e;
    }
}

void TestGenerationMetrics::figures()
{
    QFETCH(TimingInput, input);
    QFETCH(GenerationMetrics, expected);
    FieldChecker check;
    check.all(vlmscope::computeMetrics(input), expected);
    QVERIFY2(check.ok(), check.report().constData());
}

void TestGenerationMetrics::memory_data()
{
    QTest::addColumn<TimingInput>("input");
    QTest::addColumn<MemorySeriesMetrics>("rss");
    QTest::addColumn<MemorySeriesMetrics>("allocator");
    QTest::addColumn<MemorySeriesMetrics>("kvCache");

    // unevenRun has 10 output tokens; discarding never changes memory figures.
    const std::vector<MemoryPoint> samples{
        {100 * kMs, 1500, none, 0},
        {900 * kMs, 3000, 400, 512},
        {1700 * kMs, 2500, 1000, 1024},
    };
    {
        TimingInput in = unevenRun(3);
        in.memory = samples;
        in.startRssBytes = 1000;
        QTest::newRow("with start RSS") << in
            << memSeries(1000, 3000, 2000, 200.0) // peak 3000 - start 1000 = 2000, / 10 tokens
            << memSeries(400, 1000, 600, 60.0)    // start = first reported value (sample 1 has none)
            << memSeries(0, 1024, 1024, 102.4);
    }
    {
        TimingInput in = unevenRun(0);
        in.memory = samples;
        QTest::newRow("start from first sample") << in
            << memSeries(1500, 3000, 1500, 150.0)
            << memSeries(400, 1000, 600, 60.0)
            << memSeries(0, 1024, 1024, 102.4);
    }
    {
        // Memory freed after t0: the start is part of the run, so the peak is the start, increase 0.
        TimingInput in = unevenRun(0);
        in.memory = samples;
        in.startRssBytes = 5000;
        QTest::newRow("peak at start") << in << memSeries(5000, 5000, 0, 0.0) << memSeries(400, 1000, 600, 60.0)
                                       << memSeries(0, 1024, 1024, 102.4);
    }
    {
        // No output token: per-token figures undefined.
        TimingInput in = runMs(250, {}, 300, 8);
        in.memory = {{300 * kMs, 2000, 10, none}};
        in.startRssBytes = 1000;
        QTest::newRow("no output token") << in << memSeries(1000, 2000, 1000, none) << memSeries(10, 10, 0, none)
                                         << memSeries(none, none, none, none);
    }
    {
        // No samples at all: only the known start.
        TimingInput in = unevenRun(0);
        in.startRssBytes = 1000;
        QTest::newRow("no samples") << in << memSeries(1000, none, none, none) << memSeries(none, none, none, none)
                                    << memSeries(none, none, none, none);
    }
}

void TestGenerationMetrics::memory()
{
    QFETCH(TimingInput, input);
    QFETCH(MemorySeriesMetrics, rss);
    QFETCH(MemorySeriesMetrics, allocator);
    QFETCH(MemorySeriesMetrics, kvCache);
    const GenerationMetrics m = vlmscope::computeMetrics(input);
    FieldChecker check;
    check.memorySeries("rss", m.rss, rss);
    check.memorySeries("allocator", m.allocator, allocator);
    check.memorySeries("kvCache", m.kvCache, kvCache);
    QVERIFY2(check.ok(), check.report().constData());
}

void TestGenerationMetrics::rejectsInconsistentInput_data()
{
    QTest::addColumn<TimingInput>("input");
    QTest::addColumn<QString>("message");

    const TimingInput good = runMs(100, {200, 300}, 400, 10, 4);
    QVERIFY_THROWS_NO_EXCEPTION(vlmscope::computeMetrics(good));

    QTest::newRow("decreasing") << runMs(100, {300, 200}, 400, 10)
                                << "token 2 time (200000000 ns) is before token 1 (300000000 ns)";
    QTest::newRow("token before t0") << runNs(0, {-1}, 10, 1) << "token 1 time (-1 ns) is before the run start";
    QTest::newRow("token after end") << runMs(100, {200, 500}, 400, 1)
                                     << "token 2 time (500000000 ns) is after the run end (400000000 ns)";
    QTest::newRow("negative end") << runNs(none, {}, -1, 1) << "run end is negative (-1)";
    QTest::newRow("end beyond 7 days") << runNs(none, {}, vlmscope::kMaxRunNs + 1, 1) << "exceeds the 7-day limit";
    QTest::newRow("prefill after end") << runMs(500, {}, 400, 1)
                                       << "prefill end (500000000 ns) is after the run end (400000000 ns)";
    QTest::newRow("prefill before t0") << runNs(-5, {}, 400, 1) << "prefill end (-5 ns) is before the run start";
    QTest::newRow("negative input tokens") << runMs(100, {}, 400, -1) << "input token count is negative (-1)";
    QTest::newRow("negative image tokens") << runMs(100, {}, 400, 1, -2) << "image token count is negative (-2)";
    QTest::newRow("more image than input") << runMs(100, {}, 400, 4, 5)
                                           << "image token count (5) exceeds the input token count (4)";
    QTest::newRow("negative discard") << runMs(100, {}, 400, 4, 0, -1) << "discard-first is negative (-1)";

    TimingInput in = good;
    in.startRssBytes = -1;
    QTest::newRow("negative start RSS") << in << "start RSS is negative (-1)";
    in = good;
    in.memory = {{0, 10, none, none}, {0, -10, none, none}};
    QTest::newRow("negative RSS") << in << "memory sample 2 RSS is negative (-10)";
    in.memory = {{0, 10, -3, none}};
    QTest::newRow("negative allocator") << in << "memory sample 1 allocator bytes is negative (-3)";
    in.memory = {{0, 10, 3, -4}};
    QTest::newRow("negative KV cache") << in << "memory sample 1 KV-cache bytes is negative (-4)";
}

void TestGenerationMetrics::rejectsInconsistentInput()
{
    QFETCH(TimingInput, input);
    QFETCH(QString, message);
    try {
        vlmscope::computeMetrics(input);
        QFAIL("no InputError");
    } catch (const vlmscope::InputError& e) {
        const QString what = QString::fromUtf8(e.what());
        QVERIFY2(what.startsWith("run timing: "), qPrintable(what));
        QVERIFY2(what.contains(message), qPrintable(what));
    }
}

void TestGenerationMetrics::acceptsLongestRun()
{
    // A token at the 7-day limit: the per-second series has one bucket per second, no more.
    const auto in = runNs(none, {0, vlmscope::kMaxRunNs}, vlmscope::kMaxRunNs, 0);
    const GenerationMetrics m = vlmscope::computeMetrics(in);
    QCOMPARE(m.perSecondTps.size(), std::size_t(7 * 24 * 3600 + 1));
    QCOMPARE(m.perSecondTps.front(), 1.0);
    QCOMPARE(m.perSecondTps.back(), 1.0);
    QVERIFY(m.outputTps && std::isfinite(*m.outputTps));
    QVERIFY(!m.inputTps); // no prefill end
}

void TestGenerationMetrics::randomStreamsKeepInvariants()
{
    // Relations that hold for every run, checked on random streams with bursts and stalls.
    std::mt19937_64 rng(20240531);
    for (int round = 0; round < 500; ++round) {
        TimingInput in;
        std::int64_t t = static_cast<std::int64_t>(rng() % (2'000 * kMs));
        in.prefillEndNs = t;
        const auto count = static_cast<int>(rng() % 60);
        for (int i = 0; i < count; ++i) {
            const auto kind = rng() % 10;
            t += kind == 0 ? 0 : kind == 1 ? static_cast<std::int64_t>(rng() % (3'000 * kMs))
                                           : static_cast<std::int64_t>(rng() % (150 * kMs));
            in.tokenTimesNs.push_back(t);
        }
        in.endNs = t + static_cast<std::int64_t>(rng() % (100 * kMs));
        in.inputTokens = static_cast<std::int64_t>(rng() % 300);
        in.discardFirst = static_cast<std::int64_t>(rng() % 4);
        const GenerationMetrics m = vlmscope::computeMetrics(in);
        const QByteArray where = "round " + QByteArray::number(round);

        double sum = 0;
        for (double b : m.perSecondTps)
            sum += b;
        QVERIFY2(sum == static_cast<double>(m.decodeTokens), where.constData());
        if (m.itl.count > 0) {
            QVERIFY2(*m.itl.min <= *m.itl.p50 && *m.itl.p50 <= *m.itl.p90 && *m.itl.p90 <= *m.itl.p99
                         && *m.itl.p99 <= *m.itl.max,
                     where.constData());
            // TPOT is the mean ITL (the intervals telescope to tN - t1).
            QVERIFY2(std::abs(*m.tpotS - *m.itl.mean) <= 1e-12, where.constData());
        }
        if (m.outputTps)
            QVERIFY2(std::abs(*m.outputTps * *m.tpotS - 1) <= 1e-12, where.constData());
        if (m.peakTpsPerSecond)
            QVERIFY2(*m.peakTpsPerSecond == *std::max_element(m.perSecondTps.begin(), m.perSecondTps.end()),
                     where.constData());
        for (const auto& v : {m.ttftS, m.prefillS, m.inputTps, m.outputTps, m.tpotS, m.overallTps, m.e2eOutputTps,
                              m.peakTpsWindow8, m.stabilityAbs, m.stabilityRelPct, m.itl.stddev, m.itl.cv})
            QVERIFY2(!v || (std::isfinite(*v) && *v >= 0), where.constData());
    }
}

QTEST_GUILESS_MAIN(TestGenerationMetrics)
#include "test_generation_metrics.moc"
