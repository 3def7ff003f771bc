// Importing llama-bench (-o json / -o jsonl) and vLLM benchmark_serving.py results from
// sample files written in their documented formats, bad inputs, and comparisons of them.
#include "core/stats/comparison.h"
#include "core/stats/external_results.h"
#include "core/util/error.h"

#include "external_fixture.h"

#include <QtTest>

#include <cmath>

using namespace vlmscope;
using namespace externalfixture;

class TestExternalResults : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void llamaBenchJson()
    {
        const std::vector<ExternalRun> runs = readExternalResults(dataFile("llama-bench.json"));
        QCOMPARE(runs.size(), std::size_t(2));
        const ExternalRun& pp = runs[0];
        QCOMPARE(pp.tool, ExternalTool::LlamaBench);
        QCOMPARE(pp.model, std::string("llama 135M Q8_0"));
        QCOMPARE(pp.configuration, std::string("pp512, 8 threads, batch 2048"));
        QCOMPARE(pp.label, std::string("llama 135M Q8_0, pp512, 8 threads, batch 2048"));
        QVERIFY(pp.promptTps.mean && !pp.decodeTps.mean && !pp.throughputTps.mean);
        QCOMPARE(pp.promptTps.samples.size(), std::size_t(5));
        QCOMPARE(*pp.promptTokens, std::int64_t(512));

        const ExternalRun& tg = runs[1];
        QCOMPARE(tg.configuration, std::string("tg128, 8 threads"));
        QCOMPARE(tg.date, std::string("2025-03-02T10:15:33Z"));
        QCOMPARE(*tg.threads, std::int64_t(8));
        QCOMPARE(*tg.generatedTokens, std::int64_t(128));
        QCOMPARE(tg.repetitions, std::int64_t(5));
        QVERIFY(near(*tg.decodeTps.mean, 212.301981));
        QVERIFY(near(tg.decodeTps.samples[0], 213.441891));
        // avg_ns 602934151 over 128 tokens.
        QVERIFY(near(*tg.tpot.meanMs, 602934151 / 128.0 / 1e6));
        QCOMPARE(tg.tpot.samplesMs.size(), std::size_t(5));
        QVERIFY(!tg.ttft.meanMs);
    }

    void llamaBenchJsonLines()
    {
        const std::vector<ExternalRun> runs = readExternalResults(dataFile("llama-bench-candidate.jsonl"));
        QCOMPARE(runs.size(), std::size_t(2));
        QCOMPARE(runs[1].configuration, std::string("tg128, 8 threads"));
        QVERIFY(near(*runs[1].decodeTps.mean, 178.981084));
        QCOMPARE(runs[1].source, dataFile("llama-bench-candidate.jsonl"));
        // One object on one line reads as well, through either entry point.
        const std::string one = "{\"n_prompt\": 0, \"n_gen\": 16, \"avg_ts\": 40.5, \"n_threads\": 2}\n";
        QCOMPARE(externalRunsFromText(one, "one.jsonl").size(), std::size_t(1));
        QCOMPARE(llamaBenchFromText(one, "one.jsonl").front().configuration, std::string("tg16, 2 threads"));
    }

    void vllmSummary()
    {
        const std::vector<ExternalRun> runs = readExternalResults(dataFile("vllm-serving.json"));
        QCOMPARE(runs.size(), std::size_t(1));
        const ExternalRun& r = runs[0];
        QCOMPARE(r.tool, ExternalTool::VllmServing);
        QCOMPARE(r.model, std::string("HuggingFaceTB/SmolVLM-256M-Instruct"));
        QCOMPARE(r.configuration, std::string("vllm, rate inf, concurrency 4"));
        QCOMPARE(r.repetitions, std::int64_t(8));
        QCOMPARE(*r.generatedTokens, std::int64_t(945));
        QVERIFY(near(*r.throughputTps.mean, 138.1578947368421));
        QVERIFY(near(*r.ttft.medianMs, 59.57449999999999));
        QVERIFY(near(*r.decodeTps.mean, 1000 / *r.tpot.medianMs));
        QCOMPARE(r.itl.percentilesMs.size(), std::size_t(4));
        QCOMPARE(r.itl.percentilesMs[3].first, 99.9);
        QVERIFY(r.itl.percentile(99.9));
        QVERIFY(r.e2el.percentile(90));
        QVERIFY(!r.itl.percentile(95));
        QVERIFY(r.ttft.samplesMs.empty() && r.itl.samplesMs.empty());
    }

    void vllmDetailed()
    {
        const ExternalRun r = readExternalResults(dataFile("vllm-serving-detailed.json")).front();
        QCOMPARE(r.ttft.samplesMs.size(), std::size_t(8)); // the failed request is left out
        QCOMPARE(r.itl.samplesMs.size(), std::size_t(937));
        QCOMPARE(r.decodeTps.samples.size(), std::size_t(8));
        for (double v : r.ttft.samplesMs)
            QVERIFY(v >= 45 && v <= 90); // seconds in the file, milliseconds here
    }

    void comparesLlamaBenchBuilds()
    {
        const std::vector<MetricComparison> all = compareExternalResults(readExternalResults(dataFile("llama-bench.json")),
                                                                         readExternalResults(dataFile("llama-bench-candidate.jsonl")));
        const MetricComparison* tg = find(all, "decode TPS");
        QVERIFY(tg);
        QCOMPARE(tg->spec.configuration, std::string("tg128, 8 threads"));
        QCOMPARE(tg->spec.sampleKind, std::string("repetition"));
        QVERIFY(tg->difference.changePct.estimate < -14 && tg->difference.changePct.estimate > -17);
        QVERIFY(near(tg->pValue, 2.0 / 252)); // 5 vs 5 repetitions, fully separated
        const MetricComparison* pp = find(all, "prompt TPS");
        QVERIFY(pp && !pp->significant);
        const SignificantGateResult gate = significantGate(all, 5);
        QCOMPARE(gate.regressionCount(), std::size_t(1));
        QVERIFY(QString::fromStdString(gate.regressionMessages()[0]).startsWith("decode TPS of tg128, 8 threads: 213 -> 179 tok/s (-15.7%, 95% CI "));
    }

    void comparesVllmResults()
    {
        const std::vector<MetricComparison> all = compareExternalResults(readExternalResults(dataFile("vllm-serving-detailed.json")),
                                                                         readExternalResults(dataFile("vllm-serving-candidate.json")));
        const MetricComparison* itl = find(all, "token latency");
        QVERIFY(itl);
        QCOMPARE(itl->difference.baselineCount, std::size_t(937));
        QVERIFY(itl->significant && itl->worse);
        QVERIFY(itl->difference.changePct.lower > 5 && itl->difference.changePct.upper < 20);
        QVERIFY(significantGate(all, 5).failed());
        // Summary figures alone: compared, never significant.
        const std::vector<MetricComparison> summary = compareExternalResults(readExternalResults(dataFile("vllm-serving.json")),
                                                                             readExternalResults(dataFile("vllm-serving-candidate.json")));
        const MetricComparison* ttft = find(summary, "TTFT");
        QVERIFY(ttft && ttft->difference.baselineCount == 1 && !ttft->significant);
    }

    void rejectsBadInput_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("message"); // the start of it
        QTest::newRow("empty") << "  \n" << "x.json: the file is empty";
        QTest::newRow("not json") << "hello" << "x.json: not valid JSON";
        QTest::newRow("a number") << "42" << "x.json: the top level must be a JSON object (got 42)";
        QTest::newRow("empty array") << "[]" << "x.json: no llama-bench results (an empty array)";
        QTest::newRow("array of numbers") << "[1]" << "x.json: [0] must be a JSON object (got 1)";
        QTest::newRow("no test") << R"([{"n_prompt": 0, "n_gen": 0, "avg_ts": 1}])"
                                 << "x.json: [0] has n_prompt and n_gen both 0: not a llama-bench test";
        QTest::newRow("missing n_gen") << R"([{"n_prompt": 512, "avg_ts": 1}])" << "x.json: [0].n_gen is missing";
        QTest::newRow("negative n_prompt") << R"([{"n_prompt": -1, "n_gen": 1, "avg_ts": 1}])"
                                           << "x.json: [0].n_prompt must be an integer from 0 to 1099511627776 (got -1)";
        QTest::newRow("rate as text") << R"([{"n_prompt": 0, "n_gen": 1, "avg_ts": "fast"}])"
                                      << "x.json: [0].avg_ts must be a finite number of at least 0 (got \"fast\")";
        QTest::newRow("negative sample") << R"([{"n_prompt": 0, "n_gen": 1, "avg_ts": 1, "samples_ts": [1, -2]}])"
                                         << "x.json: [0].samples_ts[1] must be a finite number of at least 0 (got -2)";
        QTest::newRow("samples not an array") << R"([{"n_prompt": 0, "n_gen": 1, "avg_ts": 1, "samples_ns": 5}])"
                                              << "x.json: [0].samples_ns must be an array (got 5)";
        QTest::newRow("bad jsonl line") << "{\"n_prompt\": 0, \"n_gen\": 1, \"avg_ts\": 1}\n{\"n_prompt\": \n"
                                        << "x.json line 2: not valid JSON";
        QTest::newRow("jsonl line not a test") << "{\"n_prompt\": 0, \"n_gen\": 1, \"avg_ts\": 1}\n{\"n_gen\": 1}\n"
                                               << "x.json line 2: n_prompt is missing";
        QTest::newRow("unknown object") << R"({"foo": 1})"
                                        << "x.json: not a llama-bench or vLLM benchmark_serving result (no avg_ts, "
                                           "output_throughput or mean_ttft_ms field)";
        QTest::newRow("vllm without completed") << R"({"output_throughput": 5})" << "x.json: completed is missing";
        QTest::newRow("vllm bad rate") << R"({"completed": 1, "mean_ttft_ms": 1, "request_rate": "fast"})"
                                       << "x.json: request_rate must be a number or \"inf\" (got \"fast\")";
        QTest::newRow("vllm negative ttft") << R"({"completed": 1, "mean_ttft_ms": -3})"
                                            << "x.json: mean_ttft_ms must be a finite number of at least 0 (got -3)";
        QTest::newRow("vllm bad percentile value") << R"({"completed": 1, "mean_itl_ms": 1, "p99_itl_ms": "x"})"
                                                   << "x.json: p99_itl_ms must be a finite number of at least 0";
        QTest::newRow("vllm itls not lists") << R"({"completed": 1, "mean_itl_ms": 1, "itls": [[0.01], "x"]})"
                                             << "x.json: itls[1] must be an array (got \"x\")";
        QTest::newRow("vllm errors misaligned") << R"({"completed": 1, "mean_ttft_ms": 1, "ttfts": [0.1, 0.2], "errors": [""]})"
                                                << "x.json: errors has 1 entries but there are 2 requests";
        QTest::newRow("vllm error not text") << R"({"completed": 1, "mean_ttft_ms": 1, "ttfts": [0.1], "errors": [3]})"
                                             << "x.json: errors[0] must be a string (got 3)";
    }

    void rejectsBadInput()
    {
        QFETCH(QString, text);
        QFETCH(QString, message);
        try {
            externalRunsFromText(text.toStdString(), "x.json");
            QFAIL("no error");
        } catch (const InputError& e) {
            QVERIFY2(QString(e.what()).startsWith(message), e.what());
            QVERIFY(!QString(e.what()).contains('\n'));
        }
    }

    void missingFile()
    {
        QVERIFY_THROWS_EXCEPTION(InputError, readExternalResults(dataFile("no-such-file.json")));
    }

    void oddButValidVllmFields()
    {
        // A numeric rate, no concurrency limit, nulls where a figure was not measured.
        const std::string text = R"({"completed": 3, "request_rate": 4.0, "max_concurrency": null, "backend": "openai",
            "mean_ttft_ms": 12.5, "median_ttft_ms": null, "p99_ttft_ms": 20, "p99.9abc_ttft_ms": 1, "pxx_ttft_ms": 2})";
        const ExternalRun r = externalRunsFromText(text, "v.json").front();
        QCOMPARE(r.configuration, std::string("openai, rate 4"));
        QVERIFY(!r.ttft.medianMs);
        QCOMPARE(r.ttft.percentilesMs.size(), std::size_t(1));
        QVERIFY(!r.decodeTps.mean);
    }
};

QTEST_GUILESS_MAIN(TestExternalResults)
#include "test_external_results.moc"
