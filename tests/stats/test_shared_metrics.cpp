// vlmscope runs compared with other tools' results on the figures both carry: the runs'
// samples in the external shape, the pairing, the sample kinds and the reported percentiles.
#include "core/stats/shared_metrics.h"

#include "../ui/synthetic_run.h"

#include "external_fixture.h"

#include <QtTest>

#include <cmath>

using namespace vlmscope;
using namespace externalfixture;

namespace {

// Three runs of 21 tokens: TTFT 50 ms, then a token every 20 ms (decode 50 tok/s).
std::vector<RunRecord> steadyRuns()
{
    std::vector<RunRecord> runs;
    for (int i = 0; i < 3; ++i)
        runs.push_back(testing::syntheticRun(21, 50'000'000, 20'000'000));
    return runs;
}

} // namespace

class TestSharedMetrics : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void runsAsExternalResult()
    {
        const ExternalRun r = externalRunFromRuns(steadyRuns(), ExternalTool::VllmServing, "three runs");
        QCOMPARE(r.tool, ExternalTool::VllmServing);
        QCOMPARE(r.label, std::string("three runs"));
        QCOMPARE(r.repetitions, std::int64_t(3));
        QCOMPARE(r.decodeTps.samples.size(), std::size_t(3));
        QVERIFY(near(r.decodeTps.samples[0], 50));
        QVERIFY(near(*r.decodeTps.mean, 50));
        QCOMPARE(r.ttft.samplesMs.size(), std::size_t(3));
        QVERIFY(near(r.ttft.samplesMs[2], 50));
        QCOMPARE(r.itl.samplesMs.size(), std::size_t(60)); // 20 gaps per run, pooled
        QVERIFY(near(*r.itl.percentile(99), 20));
        QVERIFY(near(*r.itl.medianMs, 20));
        QVERIFY(near(*r.tpot.percentile(50), 20));
        QVERIFY(r.promptTps.samples.empty() && !r.promptTps.mean && !r.throughputTps.mean);
    }

    void percentilesOfSamples()
    {
        std::vector<RunRecord> runs = steadyRuns();
        // One slow token in the first run: 40 ms instead of 20 (later tokens shift with it).
        for (std::size_t i = 10; i < runs[0].tokens.size(); ++i)
            runs[0].tokens[i].timeNs += 20'000'000;
        runs[0].endNs += 20'000'000;
        runs[0].computeMetrics();
        const ExternalRun r = externalRunFromRuns(runs, ExternalTool::LlamaBench, "x");
        // 60 gaps, one of 40 ms: p99 at rank 58.41 interpolates 20 + 0.41 * 20.
        QVERIFY(near(*r.itl.percentile(99), 28.2));
        QVERIFY(near(*r.itl.percentile(90), 20));
    }

    void againstVllm()
    {
        const ExternalRun vllm = readExternalResults(dataFile("vllm-serving-detailed.json")).front();
        const std::vector<MetricComparison> all = compareRunsWithExternal(steadyRuns(), vllm, true);
        const MetricComparison* tokens = find(all, "token latency");
        QVERIFY(tokens);
        QCOMPARE(tokens->spec.sampleKind, std::string("token vs token"));
        QCOMPARE(tokens->difference.candidateCount, std::size_t(60));
        QVERIFY(near(tokens->difference.candidateMedian, 20));
        QVERIFY(tokens->significant && tokens->worse); // ~11 ms per token there, 20 here
        const MetricComparison* tps = find(all, "decode TPS");
        QVERIFY(tps);
        QCOMPARE(tps->spec.sampleKind, std::string("request vs run"));
        QVERIFY(near(tps->difference.candidateMedian, 50));
        QVERIFY(tps->worse);
        const MetricComparison* p50 = find(all, "ITL p50");
        QVERIFY(p50);
        QVERIFY(near(p50->difference.baselineMedian, 11.244)); // as vLLM reported it
        QVERIFY(near(p50->difference.candidateMedian, 20));
        QVERIFY(std::isnan(p50->pValue) && !p50->significant && !std::isfinite(p50->difference.delta.lower));
        const MetricComparison* ttft99 = find(all, "TTFT p99");
        QVERIFY(ttft99);
        QVERIFY(near(ttft99->difference.baselineMedian, 87.26627));
        QVERIFY(near(ttft99->difference.candidateMedian, 50));
        QVERIFY(!ttft99->worse);
        QVERIFY(find(all, "TPOT p90") && find(all, "TTFT") && find(all, "TPOT"));
        QVERIFY(!find(all, "prompt TPS") && !find(all, "throughput")); // not the same figures
    }

    void againstLlamaBenchAsCandidate()
    {
        const std::vector<ExternalRun> llama = readExternalResults(dataFile("llama-bench.json"));
        const ExternalRun& tg = llama[1];
        const std::vector<MetricComparison> all = compareRunsWithExternal(steadyRuns(), tg, false);
        const MetricComparison* tps = find(all, "decode TPS");
        QVERIFY(tps);
        QCOMPARE(tps->spec.sampleKind, std::string("run vs repetition"));
        QVERIFY(near(tps->difference.baselineMedian, 50));
        QCOMPARE(tps->difference.candidateCount, std::size_t(5));
        QVERIFY(tps->significant && !tps->worse); // llama-bench decodes ~212 tok/s
        QVERIFY(!find(all, "TTFT") && !find(all, "token latency")); // llama-bench has neither
        QVERIFY(!find(all, "prompt TPS"));
    }
};

QTEST_GUILESS_MAIN(TestSharedMetrics)
#include "test_shared_metrics.moc"
