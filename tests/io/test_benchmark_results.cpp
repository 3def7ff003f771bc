// Checks the benchmark results file: the original benchmark-tps.py fields and their meaning,
// our statistics across iterations, exact round trips, files of the original tool, bad input.
#include "core/io/benchmark_results.h"
#include "core/io/json_reader.h"
#include "core/util/atomic_write.h"
#include "core/util/error.h"
#include "tests/io/run_record_fixture.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <functional>
#include <set>

using namespace vlmscope;
using Json = nlohmann::ordered_json;

namespace {

const std::string kOriginalFile = std::string(VLMSCOPE_TEST_DATA) + "/original/benchmark_results_original.json";
const std::string kOriginalBasicFile = std::string(VLMSCOPE_TEST_DATA) + "/original/benchmark_results_original_basic.json";

std::string errorOf(const std::function<void()>& action)
{
    try {
        action();
    } catch (const InputError& e) {
        return e.what();
    }
    return "(no InputError)";
}

bool close(double a, double b) { return std::abs(a - b) <= 1e-12 * std::max(1.0, std::abs(b)); }

// Equal doubles, NaN equal to NaN (NaN means "undefined" in a Summary).
bool same(double a, double b) { return (std::isnan(a) && std::isnan(b)) || a == b; }

std::string summaryDifference(const std::string& path, const Summary& a, const Summary& b)
{
    if (a.n != b.n || a.ignored != b.ignored || !same(a.mean, b.mean) || !same(a.median, b.median)
        || !same(a.stddev, b.stddev) || !same(a.min, b.min) || !same(a.max, b.max))
        return path;
    return {};
}

#define FIRST_DIFF(expr)                                                                                               \
    do {                                                                                                               \
        if (!(expr))                                                                                                   \
            return #expr;                                                                                              \
    } while (false)

std::string configurationDifference(const BenchmarkConfiguration& a, const BenchmarkConfiguration& b)
{
    FIRST_DIFF(a.tokenCount == b.tokenCount);
    FIRST_DIFF(a.iterations == b.iterations);
    FIRST_DIFF(a.avgTps == b.avgTps);
    FIRST_DIFF(a.avgTime == b.avgTime);
    FIRST_DIFF(a.avgTtft == b.avgTtft);
    FIRST_DIFF(a.peakTps == b.peakTps);
    FIRST_DIFF(a.minTime == b.minTime);
    FIRST_DIFF(a.tpsStability == b.tpsStability);
    FIRST_DIFF(a.detailedResults == b.detailedResults);
    FIRST_DIFF(a.original == b.original);
    FIRST_DIFF(a.kvCache == b.kvCache);
    FIRST_DIFF(a.threads == b.threads);
    FIRST_DIFF(a.contextLength == b.contextLength);
    FIRST_DIFF(a.runs.size() == b.runs.size());
    for (std::size_t i = 0; i < a.runs.size(); ++i) {
        const IterationSummary& x = a.runs[i];
        const IterationSummary& y = b.runs[i];
        FIRST_DIFF(x.runId == y.runId && x.status == y.status && x.inputTokens == y.inputTokens
                   && x.outputTokens == y.outputTokens);
        const RunFigures& f = x.figures;
        const RunFigures& g = y.figures;
        FIRST_DIFF(f.totalS == g.totalS && f.ttftS == g.ttftS && f.prefillS == g.prefillS && f.inputTps == g.inputTps);
        FIRST_DIFF(f.decodeTps == g.decodeTps && f.tpotS == g.tpotS && f.overallTps == g.overallTps
                   && f.e2eOutputTps == g.e2eOutputTps);
        FIRST_DIFF(f.itlMeanS == g.itlMeanS && f.itlP50S == g.itlP50S && f.itlP90S == g.itlP90S && f.itlP99S == g.itlP99S);
        FIRST_DIFF(f.peakTpsPerSecond == g.peakTpsPerSecond && f.peakTpsWindow8 == g.peakTpsWindow8
                   && f.stabilityAbs == g.stabilityAbs && f.stabilityRelPct == g.stabilityRelPct);
        FIRST_DIFF(f.peakRssBytes == g.peakRssBytes && f.rssIncreaseBytes == g.rssIncreaseBytes
                   && f.peakAllocatorBytes == g.peakAllocatorBytes && f.peakKvCacheBytes == g.peakKvCacheBytes
                   && f.cpuUtilization == g.cpuUtilization);
    }
    const FigureSummaries& s = a.summary;
    const FigureSummaries& t = b.summary;
    for (const auto& [name, x, y] :
         std::vector<std::tuple<const char*, const Summary*, const Summary*>>{
             {"totalS", &s.totalS, &t.totalS}, {"ttftS", &s.ttftS, &t.ttftS}, {"prefillS", &s.prefillS, &t.prefillS},
             {"inputTps", &s.inputTps, &t.inputTps}, {"decodeTps", &s.decodeTps, &t.decodeTps},
             {"tpotS", &s.tpotS, &t.tpotS}, {"overallTps", &s.overallTps, &t.overallTps},
             {"e2eOutputTps", &s.e2eOutputTps, &t.e2eOutputTps}, {"itlMeanS", &s.itlMeanS, &t.itlMeanS},
             {"itlP50S", &s.itlP50S, &t.itlP50S}, {"itlP90S", &s.itlP90S, &t.itlP90S}, {"itlP99S", &s.itlP99S, &t.itlP99S},
             {"peakTpsPerSecond", &s.peakTpsPerSecond, &t.peakTpsPerSecond},
             {"peakTpsWindow8", &s.peakTpsWindow8, &t.peakTpsWindow8}, {"stabilityAbs", &s.stabilityAbs, &t.stabilityAbs},
             {"stabilityRelPct", &s.stabilityRelPct, &t.stabilityRelPct},
             {"peakRssBytes", &s.peakRssBytes, &t.peakRssBytes}, {"rssIncreaseBytes", &s.rssIncreaseBytes, &t.rssIncreaseBytes},
             {"peakAllocatorBytes", &s.peakAllocatorBytes, &t.peakAllocatorBytes},
             {"peakKvCacheBytes", &s.peakKvCacheBytes, &t.peakKvCacheBytes},
             {"cpuUtilization", &s.cpuUtilization, &t.cpuUtilization}}) {
        const std::string d = summaryDifference(std::string("summary.") + name, *x, *y);
        if (!d.empty())
            return d;
    }
    return {};
}

std::string resultsDifference(const BenchmarkResults& a, const BenchmarkResults& b)
{
    FIRST_DIFF(a.model == b.model);
    FIRST_DIFF(a.device == b.device);
    FIRST_DIFF(a.prompt == b.prompt);
    FIRST_DIFF(a.iterations == b.iterations);
    FIRST_DIFF(a.timestamp == b.timestamp);
    FIRST_DIFF(a.original == b.original);
    FIRST_DIFF(a.metricDefinitions == b.metricDefinitions);
    FIRST_DIFF(a.sweep == b.sweep);
    FIRST_DIFF(a.warmup == b.warmup);
    FIRST_DIFF(a.discardFirst == b.discardFirst);
    FIRST_DIFF(a.results.size() == b.results.size());
    for (std::size_t i = 0; i < a.results.size(); ++i) {
        const std::string d = configurationDifference(a.results[i], b.results[i]);
        if (!d.empty())
            return "results[" + std::to_string(i) + "]: " + d;
    }
    return {};
}

BenchmarkSetup setup(bool detailed)
{
    BenchmarkSetup s;
    s.model = "builtin";
    s.device = "cpu";
    s.prompt = "What is this?";
    s.timestamp = "2025-05-13 01:53:00";
    s.iterations = 3;
    s.sweep = SweepDimension::MaxTokens;
    s.warmup = 1;
    s.discardFirst = 1;
    s.detailed = detailed;
    return s;
}

// Two configurations (max tokens 3 and 5) of three iterations, times stretched per iteration.
std::vector<std::vector<RunRecord>> sweepRuns()
{
    return {{fixture::makeRun("a1", 1.0, 3), fixture::makeRun("a2", 1.1, 3), fixture::makeRun("a3", 0.9, 3)},
            {fixture::makeRun("b1", 1.2, 5), fixture::makeRun("b2", 1.0, 5), fixture::makeRun("b3", 1.3, 5)}};
}

Json loadJson(const std::string& path) { return parseJsonLimited(readFileLimited(path, 1 << 24), path); }

std::set<std::string> keysOf(const Json& object)
{
    std::set<std::string> keys;
    for (const auto& item : object.items())
        keys.insert(item.key());
    return keys;
}

} // namespace

class TestBenchmarkResults : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void originalFieldsHaveTheOriginalMeaning();
    void statisticsAcrossIterations();
    void layoutMatchesTheOriginal();
    void detailedResultsUseTheOriginalLayout();
    void roundTripFile();
    void readsOriginalFile();
    void readsOriginalBasicFile();
    void statisticsAreRecomputedOnLoad();
    void rejects_data();
    void rejects();
    void rejectsEmptyConfiguration();
    void comparisonSeesDifferences();

private:
    QTemporaryDir m_dir;
};

void TestBenchmarkResults::originalFieldsHaveTheOriginalMeaning()
{
    const BenchmarkResults r = buildBenchmarkResults(setup(false), sweepRuns());
    QCOMPARE(r.results.size(), std::size_t(2));
    const BenchmarkConfiguration& c = r.results[0];
    QCOMPARE(c.tokenCount, std::int64_t(3));
    QCOMPARE(c.iterations, std::int64_t(3));
    // tE - t0 = 100 ms × scale; 3 output tokens.
    QVERIFY(close(*c.avgTime, (0.1 + 0.11 + 0.09) / 3));
    QVERIFY(close(*c.minTime, 0.09));
    // avg_tps: the original dropped the prompt entry, so its "overall" was n_out / total time.
    QVERIFY(close(*c.avgTps, (3 / 0.1 + 3 / 0.11 + 3 / 0.09) / 3));
    // TTFT: first token at 60.1 ms × scale.
    QVERIFY(close(*c.avgTtft, 0.0601 * (1.0 + 1.1 + 0.9) / 3));
    // The two decode tokens (discard-first 1) fall in second 0: peak 2 per second; one
    // second of decode has no spread, which the original counted as 0.
    QCOMPARE(*c.peakTps, 2.0);
    QCOMPARE(*c.tpsStability, 0.0);
    QVERIFY(c.detailedResults.is_null());
    QCOMPARE(r.results[1].tokenCount, std::int64_t(5));
    QCOMPARE(r.model, std::string("builtin"));
    QCOMPARE(r.timestamp, std::string("2025-05-13 01:53:00"));
}

void TestBenchmarkResults::statisticsAcrossIterations()
{
    const std::vector<std::vector<RunRecord>> runs = sweepRuns();
    const BenchmarkResults r = buildBenchmarkResults(setup(false), runs);
    const BenchmarkConfiguration& c = r.results[1];
    QVERIFY(c.kvCache);
    QCOMPARE(c.threads, 2);
    QCOMPARE(c.contextLength, std::int64_t(72));
    QCOMPARE(c.runs.size(), std::size_t(3));
    QCOMPARE(c.runs[2].runId, std::string("b3"));
    QCOMPARE(c.runs[2].outputTokens, std::int64_t(3));
    // Decode TPS: tokens 2 and 3 at 80.05 and 99.02 ms × scale: 1 / 18.97 ms / scale.
    const double base = 1.0 / 0.01897;
    QVERIFY(close(*c.runs[1].figures.decodeTps, base));
    QCOMPARE(c.summary.decodeTps.n, 3);
    QVERIFY(close(c.summary.decodeTps.median, base / 1.2)); // of base / 1.2, base, base / 1.3
    QVERIFY(close(c.summary.decodeTps.min, base / 1.3));
    QVERIFY(close(c.summary.decodeTps.max, base));
    const Summary expected = summarize(std::vector<double>{*c.runs[0].figures.decodeTps, *c.runs[1].figures.decodeTps,
                                                           *c.runs[2].figures.decodeTps});
    QCOMPARE(c.summary.decodeTps.stddev, expected.stddev);
    QVERIFY(close(*c.runs[0].figures.itlP50S, 0.01897 * 1.2));
    QCOMPARE(*c.runs[0].figures.peakRssBytes, 523.0 * 1024 * 1024);
    // One decode second: stability undefined in our figures, left out of the summary.
    QCOMPARE(c.summary.stabilityAbs.n, 0);
    QCOMPARE(c.summary.stabilityAbs.ignored, 3);
    QVERIFY(std::isnan(c.summary.stabilityAbs.mean));

    const Json j = benchmarkResultsToJson(r);
    QCOMPARE(j.at("sweep"), Json::parse(R"({"dimension": "max_tokens", "values": [3, 5]})"));
    QVERIFY(j.at("results").at(1).at("summary").at("stability_abs_tps").at("mean").is_null());
    QCOMPARE(j.at("results").at(1).at("summary").at("decode_tps").at("n").get<int>(), 3);
}

void TestBenchmarkResults::layoutMatchesTheOriginal()
{
    const Json j = benchmarkResultsToJson(buildBenchmarkResults(setup(false), sweepRuns()));
    const Json original = loadJson(kOriginalBasicFile);
    for (const auto& item : original.items())
        QVERIFY2(j.contains(item.key()), item.key().c_str());
    std::vector<std::string> first;
    for (const auto& item : j.at("results").at(0).items())
        first.push_back(item.key());
    std::vector<std::string> expected;
    for (const auto& item : original.at("results").at(0).items())
        expected.push_back(item.key());
    first.resize(expected.size());
    QCOMPARE(first, expected); // the original's keys first, in its order
    QCOMPARE(j.at("schema").get<std::string>(), std::string(kBenchmarkSchema));
}

void TestBenchmarkResults::detailedResultsUseTheOriginalLayout()
{
    const BenchmarkResults r = buildBenchmarkResults(setup(true), sweepRuns());
    const Json& ours = r.results[0].detailedResults;
    QCOMPARE(ours.size(), std::size_t(3));
    const Json theirs = loadJson(kOriginalFile).at("results").at(0).at("detailed_results").at(0);
    QCOMPARE(keysOf(ours.at(0)), keysOf(theirs));
    for (const char* nested : {"timestamps", "memory", "layer_metrics"})
        QCOMPARE(keysOf(ours.at(0).at(nested)), keysOf(theirs.at(nested)));
    QCOMPARE(keysOf(ours.at(0).at("layer_metrics").at("grouped")), keysOf(theirs.at("layer_metrics").at("grouped")));

    const Json& run = ours.at(0);
    QCOMPARE(run.at("total_tokens").get<int>(), 3);
    QCOMPARE(run.at("input_tokens").get<int>(), 8); // text tokens, as input_ids.size(1)
    QVERIFY(close(run.at("overall_tps").get<double>(), 30.0));
    QCOMPARE(run.at("per_token_tps").size(), std::size_t(2));
    QVERIFY(close(run.at("per_token_tps").at(0).get<double>(), 1.0 / 0.01995));
    QCOMPARE(run.at("step_tps").size(), std::size_t(2));
    QVERIFY(close(run.at("timestamps").at("token_timestamps").at(2).get<double>(), 0.09902));
    QVERIFY(close(run.at("memory").at("peak_memory_mb").get<double>(), 523.0));
    QVERIFY(close(run.at("memory").at("memory_increase_mb").get<double>(), 23.0));
    double percent = 0;
    for (const auto& group : run.at("layer_metrics").at("grouped").items())
        percent += group.value().at("percentage").get<double>();
    QVERIFY(close(percent, 100.0)); // self time: nothing counted twice
    QCOMPARE(run.at("layer_metrics").at("detailed").at("decoder.blocks.0.mlp").at("calls").get<int>(), 3);
}

void TestBenchmarkResults::roundTripFile()
{
    for (const bool detailed : {false, true}) {
        const BenchmarkResults built = buildBenchmarkResults(setup(detailed), sweepRuns());
        const std::string path = m_dir.filePath("bench.json").toStdString();
        writeBenchmarkResults(path, built);
        const BenchmarkResults loaded = readBenchmarkResults(path);
        const std::string difference = resultsDifference(built, loaded);
        QVERIFY2(difference.empty(), difference.c_str());
        QCOMPARE(QString::fromStdString(benchmarkResultsToJson(loaded).dump()),
                 QString::fromStdString(benchmarkResultsToJson(built).dump()));
    }
}

void TestBenchmarkResults::readsOriginalFile()
{
    const BenchmarkResults r = readBenchmarkResults(kOriginalFile);
    const Json file = loadJson(kOriginalFile);
    QVERIFY(r.original);
    QCOMPARE(r.model, std::string("lusxvr/nanoVLM-222M"));
    QCOMPARE(r.device, std::string("cpu"));
    QCOMPARE(r.prompt, std::string("What is this?"));
    QCOMPARE(r.iterations, std::int64_t(2));
    QCOMPARE(r.timestamp, std::string("2025-05-13 01:53:00"));
    QCOMPARE(r.results.size(), std::size_t(2));
    const BenchmarkConfiguration& c = r.results[1];
    const Json& f = file.at("results").at(1);
    QVERIFY(c.original);
    QCOMPARE(c.tokenCount, std::int64_t(12));
    QCOMPARE(*c.avgTps, f.at("avg_tps").get<double>());
    QCOMPARE(*c.avgTime, f.at("avg_time").get<double>());
    QCOMPARE(*c.avgTtft, f.at("avg_ttft").get<double>());
    QCOMPARE(*c.peakTps, f.at("peak_tps").get<double>());
    QCOMPARE(*c.minTime, f.at("min_time").get<double>());
    QCOMPARE(*c.tpsStability, f.at("tps_stability").get<double>());
    QCOMPARE(c.detailedResults, f.at("detailed_results"));
    QVERIFY(c.runs.empty());
    // Written back, it is the original's layout and values.
    QCOMPARE(benchmarkResultsToJson(r), file);
}

void TestBenchmarkResults::readsOriginalBasicFile()
{
    const BenchmarkResults r = readBenchmarkResults(kOriginalBasicFile);
    QVERIFY(r.original);
    QCOMPARE(r.iterations, std::int64_t(3));
    QCOMPARE(r.results.size(), std::size_t(4));
    QCOMPARE(r.results[3].tokenCount, std::int64_t(200));
    QVERIFY(r.results[3].detailedResults.is_null());
    QVERIFY(*r.results[3].tpsStability > 0);
    QCOMPARE(benchmarkResultsToJson(r), loadJson(kOriginalBasicFile));
}

void TestBenchmarkResults::statisticsAreRecomputedOnLoad()
{
    const BenchmarkResults built = buildBenchmarkResults(setup(false), sweepRuns());
    Json j = benchmarkResultsToJson(built);
    j["results"][0]["avg_tps"] = 1e6;
    j["results"][0]["summary"]["decode_tps"]["median"] = -3.0;
    const BenchmarkResults loaded = benchmarkResultsFromJson(j, "bench.json");
    QCOMPARE(*loaded.results[0].avgTps, *built.results[0].avgTps);
    QCOMPARE(loaded.results[0].summary.decodeTps.median, built.results[0].summary.decodeTps.median);
}

void TestBenchmarkResults::rejects_data()
{
    QTest::addColumn<bool>("original"); // mutate the original tool's file, else ours
    QTest::addColumn<QString>("pointer");
    QTest::addColumn<QByteArray>("value"); // JSON text; empty: remove the member
    QTest::addColumn<QString>("expected");

    QTest::newRow("newer schema") << false << "/schema" << QByteArray(R"("vlmscope.benchmark/2")")
                                  << "bench.json: schema 'vlmscope.benchmark/2' is not supported (this build reads "
                                     "vlmscope.benchmark/1 and files of the original benchmark-tps.py)";
    QTest::newRow("a run record") << false << "/schema" << QByteArray(R"("vlmscope.run/1")")
                                  << "bench.json: is a run record (vlmscope.run/1), not benchmark results";
    QTest::newRow("not an object") << false << "" << QByteArray("[]") << "bench.json: the top level must be a JSON object (got an array)";
    QTest::newRow("zero token count") << false << "/results/0/token_count" << QByteArray("0")
                                      << "bench.json: results[0].token_count must be a positive integer (got 0)";
    QTest::newRow("avg_tps a string") << false << "/results/1/avg_tps" << QByteArray(R"("fast")")
                                      << R"(bench.json: results[1].avg_tps must be a finite number of at least 0 (got "fast"))";
    QTest::newRow("negative min_time") << false << "/results/1/min_time" << QByteArray("-1")
                                       << "bench.json: results[1].min_time must be a finite number of at least 0 (got -1)";
    QTest::newRow("detailed_results count") << false << "/results/0/detailed_results" << QByteArray("[{}]")
                                            << "bench.json: results[0].detailed_results has 1 entries for 3 iterations";
    QTest::newRow("detailed_results not a list") << false << "/results/0/detailed_results" << QByteArray("5")
                                                 << "bench.json: results[0].detailed_results must be an array (got 5)";
    QTest::newRow("runs missing") << false << "/results/0/runs" << QByteArray() << "bench.json: results[0].runs is missing";
    QTest::newRow("runs count") << false << "/results/0/runs" << QByteArray("[]")
                                << "bench.json: results[0].runs has 0 runs but iterations is 3";
    QTest::newRow("run figure a string") << false << "/results/0/runs/1/decode_tps" << QByteArray(R"("x")")
                                         << R"(bench.json: results[0].runs[1].decode_tps must be a finite number of at least 0 (got "x"))";
    QTest::newRow("run figure negative") << false << "/results/1/runs/2/peak_rss_bytes" << QByteArray("-1")
                                         << "bench.json: results[1].runs[2].peak_rss_bytes must be a finite number of at least 0 (got -1)";
    QTest::newRow("run status unknown") << false << "/results/0/runs/0/status" << QByteArray(R"("ok")")
                                        << "bench.json: results[0].runs[0].status 'ok' is not a known run status";
    QTest::newRow("summary figure missing") << false << "/results/0/summary/decode_tps" << QByteArray()
                                            << "bench.json: results[0].summary.decode_tps is missing";
    QTest::newRow("summary n negative") << false << "/results/1/summary/ttft_s/n" << QByteArray("-1")
                                        << "bench.json: results[1].summary.ttft_s.n must be an integer from 0 to 2147483647 (got -1)";
    QTest::newRow("kv_cache not a bool") << false << "/results/0/kv_cache" << QByteArray(R"("yes")")
                                         << R"(bench.json: results[0].kv_cache must be true or false (got "yes"))";
    QTest::newRow("unknown sweep") << false << "/sweep/dimension" << QByteArray(R"("batch")")
                                   << "bench.json: sweep.dimension 'batch' is not a known sweep";
    QTest::newRow("sweep values count") << false << "/sweep/values" << QByteArray("[3]")
                                        << "bench.json: sweep.values has 1 values for 2 configurations";
    QTest::newRow("sweep value wrong") << false << "/sweep/values/1" << QByteArray("7")
                                       << "bench.json: sweep.values[1] does not match results[1]";
    QTest::newRow("iterations a string") << false << "/iterations" << QByteArray(R"("3")")
                                         << R"(bench.json: iterations must be a positive integer (got "3"))";
    QTest::newRow("original: peak_tps missing") << true << "/results/0/peak_tps" << QByteArray()
                                                << "bench.json: results[0].peak_tps is missing";
    QTest::newRow("original: model missing") << true << "/model" << QByteArray() << "bench.json: model is missing";
    QTest::newRow("original: results not a list") << true << "/results" << QByteArray("{}")
                                                  << "bench.json: results must be an array (got an object)";
    QTest::newRow("original: detailed entry not an object") << true << "/results/1/detailed_results/1" << QByteArray("3")
                                                            << "bench.json: results[1].detailed_results[1] must be a JSON object (got 3)";
    QTest::newRow("original: iterations zero") << true << "/results/0/iterations" << QByteArray("0")
                                               << "bench.json: results[0].iterations must be a positive integer (got 0)";
}

void TestBenchmarkResults::rejects()
{
    QFETCH(bool, original);
    QFETCH(QString, pointer);
    QFETCH(QByteArray, value);
    QFETCH(QString, expected);
    Json document = original ? loadJson(kOriginalFile) : benchmarkResultsToJson(buildBenchmarkResults(setup(true), sweepRuns()));
    const Json::json_pointer at(pointer.toStdString());
    if (value.isEmpty())
        document.at(at.parent_pointer()).erase(at.back());
    else
        document[at] = Json::parse(value.toStdString());
    const QString message = QString::fromStdString(errorOf([&] { benchmarkResultsFromJson(document, "bench.json"); }));
    QVERIFY2(message.startsWith(expected), qPrintable(message));
    QVERIFY2(!message.contains('\n'), qPrintable(message));
}

void TestBenchmarkResults::rejectsEmptyConfiguration()
{
    QVERIFY_THROWS_EXCEPTION(InputError, buildBenchmarkResults(setup(false), {{fixture::makeRun()}, {}}));
    const std::string path = m_dir.filePath("not-json.json").toStdString();
    writeFileAtomically(path, "model: x");
    QVERIFY(errorOf([&] { readBenchmarkResults(path); }).rfind(path + ": not valid JSON at line 1", 0) == 0);
}

void TestBenchmarkResults::comparisonSeesDifferences()
{
    const BenchmarkResults a = buildBenchmarkResults(setup(false), sweepRuns());
    BenchmarkResults b = a;
    b.results[1].summary.itlP99S.max += 1e-9;
    QCOMPARE(QString::fromStdString(resultsDifference(a, b)), QString("results[1]: summary.itlP99S"));
    b = a;
    b.results[0].runs[2].figures.cpuUtilization.reset();
    QVERIFY(!resultsDifference(a, b).empty());
}

QTEST_GUILESS_MAIN(TestBenchmarkResults)
#include "test_benchmark_results.moc"
