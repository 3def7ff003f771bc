// Comparisons with uncertainty and the significance-aware gate: planted shifts of known size
// are caught, no shift passes, at the stated rates over many seeds; messages; layer matching;
// benchmark results and external results.
#include "core/io/benchmark_results.h"
#include "core/metrics/regression_gate.h"
#include "core/stats/comparison.h"
#include "core/util/error.h"

#include <QtTest>

#include <cmath>
#include <random>

using namespace vlmscope;

namespace {

constexpr std::int64_t kMs = 1'000'000;

struct RunShape {
    double tokenMs = 25;   // settled inter-token latency
    double ttftMs = 200;
    double noise = 0.05;   // lognormal sd of every duration
    double attnShare = 0.4; // of each decode step
    int tokens = 30;
};

std::int64_t jitter(std::mt19937_64& rng, double ms, double noise)
{
    std::lognormal_distribution<double> factor(0, noise);
    return static_cast<std::int64_t>(ms * factor(rng) * kMs);
}

// A finished run with its decode steps' layer times: attention and MLP share every decode
// step, the vision encoder only runs in step 0, the head is a sliver.
RunRecord syntheticRun(std::mt19937_64& rng, const RunShape& shape, double slowdown)
{
    RunRecord run;
    run.id = "run";
    run.status = RunStatus::Finished;
    run.inputTokens = 80;
    run.imageTokens = 64;
    run.settings.maxNewTokens = shape.tokens;
    run.environment.threads = 2;
    run.scopes = {{"vision_encoder", ScopeCategory::VisionEncoder, -1, 0, 0, 0, std::nullopt},
                  {"decoder.blocks.0.attn", ScopeCategory::Attention, -1, 0, 0, 0, std::nullopt},
                  {"decoder.blocks.0.mlp", ScopeCategory::Ffn, -1, 0, 0, 0, std::nullopt},
                  {"decoder.head", ScopeCategory::LmHead, -1, 0, 0, 0, std::nullopt}};
    const std::int64_t ttft = jitter(rng, shape.ttftMs * slowdown, shape.noise);
    run.prefillEndNs = ttft;
    run.steps.push_back({0, {ttft / 2, ttft / 4, ttft / 5, 1000}, {ttft / 2, ttft / 4, ttft / 5, 1000}, {1, 1, 1, 1}});
    std::int64_t t = ttft;
    for (int i = 0; i < shape.tokens; ++i) {
        if (i > 0) {
            const std::int64_t gap = jitter(rng, shape.tokenMs * slowdown, shape.noise);
            t += gap;
            const auto attn = static_cast<std::int64_t>(static_cast<double>(gap) * shape.attnShare);
            const std::int64_t mlp = jitter(rng, shape.tokenMs * 0.4, shape.noise); // unaffected
            run.steps.push_back({i, {0, attn, mlp, 1000}, {0, attn, mlp, 1000}, {0, 1, 1, 1}});
        }
        run.tokens.push_back({i, 100 + i, "x", t, 0});
    }
    run.endNs = t + kMs;
    run.memory = {{0, 500 << 20, std::nullopt, std::nullopt}, {run.endNs, (500 << 20) + (1 << 20), std::nullopt, std::nullopt}};
    return run;
}

std::vector<RunRecord> runs(std::uint64_t seed, int count, const RunShape& shape, double slowdown)
{
    std::mt19937_64 rng(seed);
    std::vector<RunRecord> out;
    for (int i = 0; i < count; ++i)
        out.push_back(syntheticRun(rng, shape, slowdown));
    return out;
}

ComparisonOptions quickOptions(std::uint64_t seed)
{
    ComparisonOptions o;
    o.bootstrap.resamples = 200; // the gate's verdict does not depend on the interval
    o.bootstrap.seed = seed;
    return o;
}

const MetricComparison* find(const std::vector<MetricComparison>& all, const std::string& name)
{
    for (const MetricComparison& c : all) {
        if (c.spec.name == name)
            return &c;
    }
    return nullptr;
}

struct Rates {
    double significantGate = 0;
    double simpleGate = 0;
};

// How often each gate fails over `seeds` baseline/candidate pairs.
Rates failureRates(int seeds, const RunShape& shape, double slowdown, int runsPerSide)
{
    int significantFails = 0, simpleFails = 0;
    for (int seed = 0; seed < seeds; ++seed) {
        const auto b = runs(std::uint64_t(seed) * 2 + 1, runsPerSide, shape, 1.0);
        const auto c = runs(std::uint64_t(seed) * 2 + 2, runsPerSide, shape, slowdown);
        const std::vector<MetricComparison> all = compareRuns("30 tokens", b, c, quickOptions(std::uint64_t(seed)));
        significantFails += significantGate(all, 5).failed();
        // The simple gate of core/metrics on the same medians.
        std::vector<GateComparison> medians;
        for (const MetricComparison& m : all) {
            if (m.spec.gated)
                medians.push_back({m.spec.configuration, m.spec.name, m.spec.unit, m.spec.better,
                                   m.difference.baselineMedian, m.difference.candidateMedian});
        }
        simpleFails += evaluateGate(medians, 5).failed();
    }
    return {double(significantFails) / seeds, double(simpleFails) / seeds};
}

} // namespace

class TestComparison : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void catchesAPlantedShift()
    {
        const Rates r = failureRates(100, RunShape{}, 1.15, 5);
        qInfo("15%% slower, 5 runs a side: significant gate fails %.2f, simple gate %.2f", r.significantGate,
              r.simpleGate);
        QVERIFY(r.significantGate >= 0.95);
    }

    void passesWithoutShift()
    {
        const Rates r = failureRates(100, RunShape{}, 1.0, 5);
        qInfo("no shift, 5 runs a side: significant gate fails %.2f, simple gate %.2f", r.significantGate, r.simpleGate);
        QVERIFY(r.significantGate <= 0.05);
    }

    void noisyRunsDoNotFailTheBuild()
    {
        // 25% noise and 3 runs: medians move by more than 5% all the time; only the simple gate falls for it.
        RunShape noisy;
        noisy.noise = 0.25;
        const Rates r = failureRates(100, noisy, 1.0, 3);
        qInfo("no shift, 25%% noise, 3 runs a side: significant gate fails %.2f, simple gate %.2f", r.significantGate,
              r.simpleGate);
        QVERIFY(r.significantGate <= 0.05);
        QVERIFY(r.simpleGate >= 0.5);
    }

    void realButSmallShiftPasses()
    {
        // 2% slower: significant, but within the 5% limit.
        const Rates r = failureRates(50, RunShape{}, 1.02, 5);
        QVERIFY(r.significantGate <= 0.05);
    }

    void significanceIsCalibrated()
    {
        // Under no shift, p < 0.05 should happen about 5% of the time; a 15% shift nearly always.
        const int seeds = 400;
        int nullHits = 0, shiftHits = 0;
        ComparisonOptions o;
        o.bootstrap.resamples = 50;
        for (int seed = 0; seed < seeds; ++seed) {
            std::mt19937_64 rng(std::uint64_t(seed) + 77);
            std::normal_distribution<double> tps(40, 4);
            std::vector<double> b(20), c(20), shifted(20);
            for (std::size_t i = 0; i < 20; ++i) {
                b[i] = tps(rng);
                c[i] = tps(rng);
                shifted[i] = tps(rng) * 0.85;
            }
            const ComparisonSpec spec{"", "decode TPS", "tok/s", ComparisonScope::Metric, Better::Higher, true, "run"};
            nullHits += compareSamples(spec, b, c, o).significant;
            shiftHits += compareSamples(spec, b, shifted, o).significant;
        }
        qInfo("Mann-Whitney at alpha 0.05: %.3f significant without shift, %.3f with a 15%% shift (20 a side)",
              double(nullHits) / seeds, double(shiftHits) / seeds);
        QVERIFY(nullHits >= seeds * 0.02 && nullHits <= seeds * 0.09);
        QVERIFY(shiftHits >= seeds * 0.97);
    }

    void comparesMetricsAndLayers()
    {
        const auto b = runs(1, 4, RunShape{}, 1.0);
        const auto c = runs(2, 4, RunShape{}, 1.2);
        const std::vector<MetricComparison> all = compareRuns("30 tokens", b, c);
        const MetricComparison* tps = find(all, "decode TPS");
        QVERIFY(tps);
        QCOMPARE(tps->spec.sampleKind, std::string("run"));
        QCOMPARE(tps->difference.baselineCount, std::size_t(4));
        QVERIFY(tps->worse && tps->regressionPct > 10);
        QVERIFY(tps->spec.gated);
        const MetricComparison* tokens = find(all, "token latency");
        QVERIFY(tokens);
        QCOMPARE(tokens->difference.baselineCount, std::size_t(4 * 29));
        QVERIFY(tokens->significant && tokens->worse);
        QVERIFY(tokens->difference.changePct.lower > 10 && tokens->difference.changePct.upper < 30);

        const MetricComparison* attn = find(all, "decoder.blocks.0.attn");
        QVERIFY(attn);
        QCOMPARE(attn->spec.scope, ComparisonScope::Layer);
        QCOMPARE(attn->spec.sampleKind, std::string("decode step"));
        QCOMPARE(attn->difference.baselineCount, std::size_t(4 * 29));
        QVERIFY(attn->significant && attn->worse);
        const MetricComparison* mlp = find(all, "decoder.blocks.0.mlp");
        QVERIFY(mlp && !mlp->significant); // untouched by the slowdown (p could rarely dip below 0.05)
        const MetricComparison* vision = find(all, "vision_encoder");
        QVERIFY(vision);
        QCOMPARE(vision->spec.sampleKind, std::string("prefill"));
        QCOMPARE(vision->difference.baselineCount, std::size_t(4));
        const MetricComparison* head = find(all, "decoder.head");
        QVERIFY(head && !head->spec.gated); // a sliver of the time

        const SignificantGateResult gate = significantGate(all, 5);
        QVERIFY(gate.failed());
        std::vector<std::string> names;
        for (const GateVerdict& v : gate.verdicts) {
            if (v.regressed)
                names.push_back(v.comparison.spec.name);
        }
        QVERIFY(std::find(names.begin(), names.end(), "token latency") != names.end());
        QVERIFY(std::find(names.begin(), names.end(), "decoder.blocks.0.attn") != names.end());
        QVERIFY(std::find(names.begin(), names.end(), "decoder.blocks.0.mlp") == names.end());
        for (const std::string& line : gate.regressionMessages())
            QVERIFY2(QString::fromStdString(line).contains(" of 30 tokens: ") && QString::fromStdString(line).contains("95% CI")
                         && QString::fromStdString(line).endsWith(", limit 5%"),
                     line.c_str());
    }

    void discardFirstLeavesOutEarlySteps()
    {
        auto b = runs(1, 2, RunShape{}, 1.0);
        auto c = runs(2, 2, RunShape{}, 1.0);
        for (RunRecord& r : b)
            r.settings.discardFirst = 5;
        const std::vector<MetricComparison> all = compareRuns("", b, c);
        QCOMPARE(find(all, "token latency")->difference.baselineCount, std::size_t(2 * 24));
        QCOMPARE(find(all, "decoder.blocks.0.attn")->difference.baselineCount, std::size_t(2 * 25));
        QCOMPARE(find(all, "decoder.blocks.0.attn")->difference.candidateCount, std::size_t(2 * 29));
    }

    void describesLikeTheIssue()
    {
        MetricComparison c;
        c.spec = {"100 tokens", "decode TPS", "tok/s", ComparisonScope::Metric, Better::Higher, true, "run"};
        c.difference.baselineMedian = 41.2;
        c.difference.candidateMedian = 35.0;
        c.difference.delta = {-6.2, -7.0, -5.3, 0.95};
        c.difference.changePct = {-15.0, -17.1, -12.9, 0.95};
        c.pValue = 0.001;
        c.significant = true;
        c.worse = true;
        c.regressionPct = 15;
        QCOMPARE(QString::fromStdString(describeComparison(c)),
                 QString("decode TPS of 100 tokens: 41.2 -> 35.0 tok/s (-15.0%, 95% CI -17.1% .. -12.9%, p = 0.001)"));
        const SignificantGateResult gate = significantGate({c}, 5);
        QCOMPARE(gate.regressionMessages().size(), std::size_t(1));
        QCOMPARE(QString::fromStdString(gate.regressionMessages()[0]),
                 QString("decode TPS of 100 tokens: 41.2 -> 35.0 tok/s (-15.0%, 95% CI -17.1% .. -12.9%, p = 0.001), limit 5%"));

        c.spec = {"", "decoder.blocks.3.mlp", "ms/step", ComparisonScope::Layer, Better::Lower, true, "decode step"};
        c.difference.baselineMedian = 0.512;
        c.difference.candidateMedian = 0.64;
        c.difference.changePct = {25.0, 20.04, 31.0, 0.95};
        c.pValue = 1e-9;
        QCOMPARE(QString::fromStdString(describeComparison(c)),
                 QString("layer decoder.blocks.3.mlp: 0.512 -> 0.640 ms/step (+25.0%, 95% CI +20.0% .. +31.0%, p < 0.001)"));
    }

    void gateRules_data()
    {
        QTest::addColumn<bool>("gated");
        QTest::addColumn<double>("pValue");
        QTest::addColumn<double>("regressionPct");
        QTest::addColumn<bool>("regressed");
        QTest::newRow("significant and beyond") << true << 0.001 << 12.0 << true;
        QTest::newRow("beyond, not significant") << true << 0.2 << 12.0 << false;
        QTest::newRow("at alpha is not significant") << true << 0.05 << 12.0 << false;
        QTest::newRow("significant, within limit") << true << 0.001 << 4.0 << false;
        QTest::newRow("exactly at the limit") << true << 0.001 << 5.0 << false;
        QTest::newRow("significant improvement") << true << 0.001 << -30.0 << false;
        QTest::newRow("not gated") << false << 0.001 << 50.0 << false;
        QTest::newRow("undefined change") << true << 0.001 << std::nan("") << false;
        QTest::newRow("undefined p") << true << std::nan("") << 50.0 << false;
    }

    void gateRules()
    {
        QFETCH(bool, gated);
        QFETCH(double, pValue);
        QFETCH(double, regressionPct);
        QFETCH(bool, regressed);
        MetricComparison c;
        c.spec.gated = gated;
        c.pValue = pValue;
        c.regressionPct = regressionPct;
        const SignificantGateResult gate = significantGate({c}, 5);
        QCOMPARE(gate.verdicts.at(0).regressed, regressed);
        QCOMPARE(gate.failed(), regressed);
        QCOMPARE(gate.gatedCount(), std::size_t(gated ? 1 : 0));
        QVERIFY_THROWS_EXCEPTION(InputError, significantGate({c}, -1));
        QVERIFY_THROWS_EXCEPTION(InputError, significantGate({c}, 5, 0));
    }

    void holmAdjustsForManyComparisons()
    {
        auto gated = [](double p) {
            MetricComparison c;
            c.spec.gated = true;
            c.pValue = p;
            c.regressionPct = 10;
            return c;
        };
        MetricComparison ungated = gated(1e-6);
        ungated.spec.gated = false; // not part of the family
        // p 0.01, 0.02, 0.04 -> Holm 0.03, 0.04, 0.04: all significant at 0.05.
        SignificantGateResult g = significantGate({gated(0.04), ungated, gated(0.01), gated(0.02)}, 5);
        QCOMPARE(g.regressionCount(), std::size_t(3));
        QVERIFY(std::fabs(g.verdicts[0].adjustedP - 0.04) < 1e-12);
        QVERIFY(std::fabs(g.verdicts[2].adjustedP - 0.03) < 1e-12);
        QVERIFY(std::fabs(g.verdicts[3].adjustedP - 0.04) < 1e-12);
        QVERIFY(std::isnan(g.verdicts[1].adjustedP));
        // p 0.01, 0.03, 0.04 -> Holm 0.03, 0.06, 0.06: only the first.
        g = significantGate({gated(0.01), gated(0.03), gated(0.04)}, 5);
        QCOMPARE(g.regressionCount(), std::size_t(1));
        QVERIFY(g.verdicts[0].regressed);
        QVERIFY(std::fabs(g.verdicts[2].adjustedP - 0.06) < 1e-12);
    }

    void singleValuesHaveNoInterval()
    {
        const ComparisonSpec spec{"", "TTFT", "ms", ComparisonScope::Metric, Better::Lower, true, "run"};
        const MetricComparison c = compareSamples(spec, {100}, {150});
        QCOMPARE(c.difference.changePct.estimate, 50.0);
        QVERIFY(!c.difference.changePct.defined());
        QVERIFY(!c.significant);
        QCOMPARE(c.regressionPct, 50.0);
        QVERIFY(!significantGate({c}, 5).failed());
        QCOMPARE(QString::fromStdString(describeComparison(c)), QString("TTFT: 100 -> 150 ms (+50.0%, p = 1)"));
    }

    void comparesBenchmarkResults()
    {
        BenchmarkSetup setup;
        setup.model = "builtin";
        setup.iterations = 5;
        setup.timestamp = "2025-01-01 00:00:00";
        const BenchmarkResults b = buildBenchmarkResults(setup, {runs(3, 5, RunShape{}, 1.0)});
        const BenchmarkResults c = buildBenchmarkResults(setup, {runs(4, 5, RunShape{}, 1.25)});
        const std::vector<MetricComparison> all = compareBenchmarkResults(b, c);
        const MetricComparison* tps = find(all, "decode TPS");
        QVERIFY(tps);
        QCOMPARE(tps->spec.configuration, std::string("30 tokens, kv on, 2 threads"));
        QCOMPARE(tps->difference.baselineCount, std::size_t(5));
        QVERIFY(tps->significant);
        QVERIFY(significantGate(all, 5).failed());
        BenchmarkResults other = c;
        other.results[0].tokenCount = 99; // no configuration matches
        QVERIFY(compareBenchmarkResults(b, other).empty());
    }
};

QTEST_GUILESS_MAIN(TestComparison)
#include "test_comparison.moc"
