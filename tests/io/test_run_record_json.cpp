// Checks the run record file: exact round trips (memory, plain JSON, file), what is written,
// metrics recomputed on load, and one clear message per kind of bad input.
#include "core/io/run_manifest.h"
#include "core/io/run_record_json.h"
#include "core/util/error.h"
#include "tests/io/run_record_fixture.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using namespace vlmscope;
using Json = nlohmann::ordered_json;

namespace {

std::string errorOf(const std::function<void()>& action)
{
    try {
        action();
    } catch (const InputError& e) {
        return e.what();
    }
    return "(no InputError)";
}

void writeText(const QString& path, const QByteArray& bytes)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(bytes);
}

} // namespace

class TestRunRecordJson : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void roundTripInMemory();
    void roundTripThroughPlainJson();
    void roundTripFile();
    void roundTripPartialRun();
    void writesEveryField();
    void undefinedMetricsAreNull();
    void storedMetricsAreRecomputed();
    void metricsMayBeAbsent();
    void invalidUtf8IsReplaced();
    void rejects_data();
    void rejects();
    void rejectsBadFiles_data();
    void rejectsBadFiles();
    void nestingLimitBoundary();
    void writeIsAtomic();
    void comparisonSeesDifferences();
    void writesManifestAndOverhead();
    void olderRecordStillLoads();
    void overheadMayBeNull();

private:
    QTemporaryDir m_dir;
};

void TestRunRecordJson::roundTripInMemory()
{
    const RunRecord original = fixture::makeRun();
    const RunRecord loaded = runRecordFromJson(runRecordToJson(original), "run.json");
    const std::string difference = fixture::firstDifference(original, loaded);
    QVERIFY2(difference.empty(), difference.c_str());
}

void TestRunRecordJson::roundTripThroughPlainJson()
{
    const RunRecord original = fixture::makeRun();
    const nlohmann::json plain = nlohmann::json::parse(runRecordToJson(original).dump());
    const RunRecord loaded = runRecordFromJson(plain, "run.json");
    const std::string difference = fixture::firstDifference(original, loaded);
    QVERIFY2(difference.empty(), difference.c_str());
}

void TestRunRecordJson::roundTripFile()
{
    const RunRecord original = fixture::makeRun();
    const std::string path = m_dir.filePath("run.json").toStdString();
    writeRunRecord(path, original);
    const RunRecord loaded = readRunRecord(path);
    const std::string difference = fixture::firstDifference(original, loaded);
    QVERIFY2(difference.empty(), difference.c_str());
    // Exact, including the key order of the model's config.
    QCOMPARE(QString::fromStdString(loaded.model.config.dump()), QString::fromStdString(original.model.config.dump()));
    QCOMPARE(QString::fromStdString(runRecordToJson(loaded).dump()), QString::fromStdString(runRecordToJson(original).dump()));
}

void TestRunRecordJson::roundTripPartialRun()
{
    RunRecord run;
    run.id = "stopped";
    run.status = RunStatus::Stopped;
    run.statusDetail = "stopped on request before generation started";
    run.endNs = 5 * fixture::kMs;
    run.phases = {{Phase::ImagePreprocess, 0, 0, 4 * fixture::kMs}};
    run.memory = {{0, 1000, std::nullopt, std::nullopt}};
    run.model.config = nullptr;
    run.computeMetrics();
    const RunRecord loaded = runRecordFromJson(runRecordToJson(run), "run.json");
    const std::string difference = fixture::firstDifference(run, loaded);
    QVERIFY2(difference.empty(), difference.c_str());
    QVERIFY(!loaded.prefillEndNs);
    QVERIFY(!loaded.metrics.ttftS);
}

void TestRunRecordJson::writesEveryField()
{
    const RunRecord run = fixture::makeRun();
    const Json j = runRecordToJson(run);
    QCOMPARE(j.at("schema").get<std::string>(), std::string("vlmscope.run/1"));
    QCOMPARE(j.at("metric_definitions").get<std::string>(), std::string(kMetricDefinitionsId));
    for (const char* key : {"id", "started_at", "status", "status_detail", "settings", "model", "environment",
                            "prompt_ids", "input_tokens", "image_tokens", "generated_text", "prefill_end_ns", "end_ns",
                            "phases", "tokens", "scopes", "steps", "memory", "ops", "cpu_utilization",
                            "kv_cache_bytes", "metrics"})
        QVERIFY2(j.contains(key), key);
    QCOMPARE(j.at("settings").size(), std::size_t(18));
    QCOMPARE(j.at("environment").size(), std::size_t(16));
    QVERIFY(j.contains("definitions"));
    QVERIFY(j.contains("profiler_overhead"));
    QCOMPARE(j.at("model").size(), std::size_t(10));
    QCOMPARE(j.at("settings").at("seed").get<std::uint64_t>(), run.settings.seed);
    QCOMPARE(j.at("tokens").at(1).at("text").get<std::string>(), std::string(fixture::kTokenTexts[1]));
    QCOMPARE(j.at("memory").at(0).at("kv_cache_bytes"), Json(nullptr));
    QCOMPARE(j.at("scopes").at(6).at("allocated_bytes").get<std::int64_t>(), std::int64_t(3 * 1024 * 1024));
    const Json& m = j.at("metrics");
    QCOMPARE(m.at("ttft_s").get<double>(), *run.metrics.ttftS);
    QCOMPARE(m.at("output_tps").get<double>(), *run.metrics.outputTps);
    QCOMPARE(m.at("itl").at("p99_s").get<double>(), *run.metrics.itl.p99);
    QCOMPARE(m.at("memory").at("rss").at("peak_bytes").get<std::int64_t>(), *run.metrics.rss.peakBytes);
    QCOMPARE(m.at("per_second_tps").size(), run.metrics.perSecondTps.size());
}

void TestRunRecordJson::undefinedMetricsAreNull()
{
    RunRecord run = fixture::makeRun();
    run.tokens.resize(1);
    run.memory.clear();
    run.settings.discardFirst = 0;
    run.computeMetrics();
    const Json m = runRecordToJson(run).at("metrics");
    QVERIFY(m.at("output_tps").is_null()); // one token: no decode rate
    QVERIFY(m.at("itl").at("mean_s").is_null());
    QVERIFY(m.at("stability_abs_tps").is_null());
    QVERIFY(m.at("memory").at("rss").at("peak_bytes").is_null());
    QVERIFY(m.at("ttft_s").is_number());
}

void TestRunRecordJson::storedMetricsAreRecomputed()
{
    const RunRecord run = fixture::makeRun();
    Json j = runRecordToJson(run);
    j["metrics"]["ttft_s"] = 999.0;
    j["metrics"]["output_tps"] = nullptr;
    j["metric_definitions"] = "vlmscope.metrics/0";
    const RunRecord loaded = runRecordFromJson(j, "run.json");
    QCOMPARE(*loaded.metrics.ttftS, *run.metrics.ttftS);
    QVERIFY(loaded.metrics.outputTps.has_value());
    QCOMPARE(*loaded.metrics.outputTps, *run.metrics.outputTps);
}

void TestRunRecordJson::metricsMayBeAbsent()
{
    const RunRecord run = fixture::makeRun();
    Json j = runRecordToJson(run);
    j.erase("metrics");
    j.erase("metric_definitions");
    const RunRecord loaded = runRecordFromJson(j, "run.json");
    const std::string difference = fixture::firstDifference(run, loaded);
    QVERIFY2(difference.empty(), difference.c_str());
}

void TestRunRecordJson::invalidUtf8IsReplaced()
{
    RunRecord run = fixture::makeRun();
    run.tokens[0].text = "ok\xff";
    const std::string path = m_dir.filePath("utf8.json").toStdString();
    writeRunRecord(path, run);
    QCOMPARE(QString::fromStdString(readRunRecord(path).tokens[0].text), QString::fromUtf8("ok\xEF\xBF\xBD"));
}

void TestRunRecordJson::rejects_data()
{
    QTest::addColumn<QString>("pointer");
    QTest::addColumn<QByteArray>("value"); // JSON text; empty: remove the member
    QTest::addColumn<QString>("expected");

    QTest::newRow("newer schema") << "/schema" << QByteArray(R"("vlmscope.run/2")")
                                  << "run.json: schema 'vlmscope.run/2' is not supported (this build reads vlmscope.run/1)";
    QTest::newRow("no schema") << "/schema" << QByteArray()
                               << "run.json: the top level has no 'schema' field: not a vlmscope run record";
    QTest::newRow("schema not a string") << "/schema" << QByteArray("5") << "run.json: schema must be a string (got 5)";
    QTest::newRow("top level array") << "" << QByteArray("[1]") << "run.json: the top level must be a JSON object (got an array)";
    QTest::newRow("negative token time") << "/tokens/2/time_ns" << QByteArray("-5")
                                         << "run.json: tokens[2].time_ns must be a non-negative integer (got -5)";
    QTest::newRow("fractional token time") << "/tokens/2/time_ns" << QByteArray("1.5")
                                           << "run.json: tokens[2].time_ns must be a non-negative integer (got 1.5)";
    QTest::newRow("token time as string") << "/tokens/2/time_ns" << QByteArray(R"("99020000")")
                                          << R"(run.json: tokens[2].time_ns must be a non-negative integer (got "99020000"))";
    QTest::newRow("token times decrease") << "/tokens/2/time_ns" << QByteArray("70000000")
                                          << "run.json: tokens[2].time_ns (70000000) is before the previous token's (80050000)";
    QTest::newRow("token after run end") << "/tokens/2/time_ns" << QByteArray("200000000")
                                         << "run.json: tokens[2].time_ns (200000000) is after the run end (end_ns 100000000)";
    QTest::newRow("latency disagrees") << "/tokens/1/latency_ns" << QByteArray("5")
                                       << "run.json: tokens[1].latency_ns (5) must equal time_ns minus the previous token's time (19950000)";
    QTest::newRow("token index out of order") << "/tokens/1/index" << QByteArray("2")
                                              << "run.json: tokens[1].index must be an integer from 1 to 1 (got 2)";
    QTest::newRow("token id missing") << "/tokens/1/id" << QByteArray() << "run.json: tokens[1].id is missing";
    QTest::newRow("token id beyond int64") << "/tokens/0/id" << QByteArray("18446744073709551615")
                                           << "run.json: tokens[0].id must be a non-negative integer (got 18446744073709551615)";
    QTest::newRow("token text not a string") << "/tokens/0/text" << QByteArray("5") << "run.json: tokens[0].text must be a string (got 5)";
    QTest::newRow("tokens not an array") << "/tokens" << QByteArray("{}") << "run.json: tokens must be an array (got an object)";
    QTest::newRow("step vector too short") << "/steps/1/self_ns" << QByteArray("[1, 2]")
                                           << "run.json: steps[1].self_ns has 2 values but the run has 10 scopes";
    QTest::newRow("step calls too long") << "/steps/0/calls" << QByteArray("[0,0,0,0,0,0,0,0,0,0,0]")
                                         << "run.json: steps[0].calls has 11 values but the run has 10 scopes";
    QTest::newRow("steps out of order") << "/steps/1/step" << QByteArray("0")
                                        << "run.json: steps[1].step must be an integer from 1 to ";
    QTest::newRow("step self above inclusive") << "/steps/0/self_ns/2" << QByteArray("20000001")
                                               << "run.json: steps[0].self_ns[2] (20000001) exceeds inclusive_ns[2] (20000000)";
    QTest::newRow("step time beyond 7 days") << "/steps/1/self_ns/0" << QByteArray("604800000000001")
                                             << "run.json: steps[1].self_ns[0] must be an integer from 0 to 604800000000000";
    QTest::newRow("op time beyond 7 days") << "/ops/3/total_ns" << QByteArray("9223372036854775807")
                                           << "run.json: ops[3].total_ns must be an integer from 0 to 604800000000000";
    QTest::newRow("negative step time") << "/steps/2/inclusive_ns/9" << QByteArray("-1")
                                        << "run.json: steps[2].inclusive_ns[9] must be an integer from 0 to 604800000000000 (got -1)";
    QTest::newRow("scope parent is itself") << "/scopes/3/parent" << QByteArray("3")
                                            << "run.json: scopes[3].parent (3) must be -1 (a root) or the index of an earlier scope (below 3)";
    QTest::newRow("scope parent out of range") << "/scopes/9/parent" << QByteArray("42")
                                               << "run.json: scopes[9].parent (42) must be -1 (a root) or the index of an earlier scope (below 9)";
    QTest::newRow("scope parent below -1") << "/scopes/2/parent" << QByteArray("-2")
                                           << "run.json: scopes[2].parent must be an integer from -1 to 2147483647 (got -2)";
    QTest::newRow("unknown scope category") << "/scopes/2/category" << QByteArray(R"("mlp")")
                                            << "run.json: scopes[2].category 'mlp' is not a known scope category";
    QTest::newRow("empty scope name") << "/scopes/4/name" << QByteArray(R"("")") << "run.json: scopes[4].name must not be empty";
    QTest::newRow("scope self above inclusive") << "/scopes/5/self_ns" << QByteArray("999999999999")
                                                << "run.json: scopes[5].self_ns must be an integer from 0 to 58000000 (got 999999999999)";
    QTest::newRow("negative allocation") << "/scopes/6/allocated_bytes" << QByteArray("-3")
                                         << "run.json: scopes[6].allocated_bytes must be a non-negative integer (got -3)";
    QTest::newRow("unknown status") << "/status" << QByteArray(R"("done")")
                                    << "run.json: status 'done' is not a known run status";
    QTest::newRow("unknown phase") << "/phases/4/phase" << QByteArray(R"("decode")")
                                   << "run.json: phases[4].phase 'decode' is not a known phase";
    QTest::newRow("phase ends before it begins") << "/phases/1/end_ns" << QByteArray("1000")
                                                 << "run.json: phases[1].end_ns must be an integer from 2000000 to 100000000 (got 1000)";
    QTest::newRow("prefill after end") << "/prefill_end_ns" << QByteArray("100000001")
                                       << "run.json: prefill_end_ns must be an integer from 0 to 100000000 (got 100000001)";
    QTest::newRow("run longer than 7 days") << "/end_ns" << QByteArray("604800000000001")
                                            << "run.json: end_ns must be an integer from 0 to 604800000000000 (got 604800000000001)";
    QTest::newRow("more image than input tokens") << "/image_tokens" << QByteArray("73")
                                                  << "run.json: image_tokens must be an integer from 0 to 72 (got 73)";
    QTest::newRow("memory time goes back") << "/memory/2/time_ns" << QByteArray("1")
                                           << "run.json: memory[2].time_ns must be an integer from 60000000 to 604800000000000 (got 1)";
    QTest::newRow("negative RSS") << "/memory/1/rss_bytes" << QByteArray("-1")
                                  << "run.json: memory[1].rss_bytes must be a non-negative integer (got -1)";
    QTest::newRow("op scope out of range") << "/ops/0/scope" << QByteArray("10")
                                           << "run.json: ops[0].scope must be an integer from -1 to 9 (got 10)";
    QTest::newRow("op self above total") << "/ops/0/self_ns" << QByteArray("20000001")
                                         << "run.json: ops[0].self_ns must be an integer from 0 to 20000000 (got 20000001)";
    QTest::newRow("empty op name") << "/ops/1/op" << QByteArray(R"("")") << "run.json: ops[1].op must not be empty";
    QTest::newRow("top_p above 1") << "/settings/top_p" << QByteArray("2") << "run.json: settings.top_p must be a number from 0 to 1 (got 2)";
    QTest::newRow("negative seed") << "/settings/seed" << QByteArray("-1") << "run.json: settings.seed must be a non-negative integer (got -1)";
    QTest::newRow("threads beyond int") << "/settings/threads" << QByteArray("4294967296")
                                        << "run.json: settings.threads must be an integer from 0 to 2147483647 (got 4294967296)";
    QTest::newRow("kv_cache not a bool") << "/settings/kv_cache" << QByteArray("1") << "run.json: settings.kv_cache must be true or false (got 1)";
    QTest::newRow("unknown profiling level") << "/settings/profiling" << QByteArray(R"("verbose")")
                                             << "run.json: settings.profiling 'verbose' is not a known profiling level";
    QTest::newRow("settings missing") << "/settings" << QByteArray() << "run.json: settings is missing";
    QTest::newRow("config not an object") << "/model/config" << QByteArray("[1]") << "run.json: model.config must be a JSON object (got an array)";
    QTest::newRow("cpu utilization null") << "/cpu_utilization" << QByteArray("null")
                                          << "run.json: cpu_utilization must be a finite number of at least 0 (got null)";
    QTest::newRow("metrics not an object") << "/metrics" << QByteArray(R"("x")") << "run.json: metrics must be a JSON object (got \"x\")";
    QTest::newRow("metric definitions not a string") << "/metric_definitions" << QByteArray("3")
                                                     << "run.json: metric_definitions must be a string (got 3)";
    QTest::newRow("negative prompt id") << "/prompt_ids/0" << QByteArray("-1")
                                        << "run.json: prompt_ids[0] must be a non-negative integer (got -1)";
    QTest::newRow("long string shown short") << "/status" << QByteArray('"' + QByteArray(100, 'x') + '"')
                                             << "run.json: status '" + QString(100, 'x') + "' is not a known run status";
    QTest::newRow("definitions without id") << "/definitions/id" << QByteArray()
                                            << "run.json: definitions.id is missing";
    QTest::newRow("definitions warm-up negative") << "/definitions/warmup_runs" << QByteArray("-1")
                                                  << "run.json: definitions.warmup_runs must be an integer from 0 to 2147483647 (got -1)";
    QTest::newRow("cpu flags not an array") << "/environment/cpu_flags" << QByteArray(R"("avx2")")
                                            << "run.json: environment.cpu_flags must be an array (got \"avx2\")";
    QTest::newRow("weights hash not a string") << "/environment/weights_hash" << QByteArray("1")
                                               << "run.json: environment.weights_hash must be a string (got 1)";
    QTest::newRow("negative scope cost") << "/profiler_overhead/scope_ns" << QByteArray("-1")
                                         << "run.json: profiler_overhead.scope_ns must be a number from 0 to 1000000000 (got -1)";
    QTest::newRow("overhead without counts") << "/profiler_overhead/scopes" << QByteArray()
                                             << "run.json: profiler_overhead.scopes is missing";
    QTest::newRow("environment cores as float") << "/environment/logical_cores" << QByteArray("8.0")
                                                << "run.json: environment.logical_cores must be an integer from 0 to 2147483647 (got 8.0)";
}

void TestRunRecordJson::rejects()
{
    QFETCH(QString, pointer);
    QFETCH(QByteArray, value);
    QFETCH(QString, expected);
    Json document = runRecordToJson(fixture::makeRun());
    const Json::json_pointer at(pointer.toStdString());
    if (value.isEmpty())
        document.at(at.parent_pointer()).erase(at.back());
    else
        document[at] = Json::parse(value.toStdString());
    const QString message = QString::fromStdString(errorOf([&] { runRecordFromJson(document, "run.json"); }));
    QVERIFY2(message.startsWith(expected), qPrintable(message));
    QVERIFY2(!message.contains('\n'), qPrintable(message));
}

void TestRunRecordJson::rejectsBadFiles_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("expected"); // after "<path>: "

    QTest::newRow("empty file") << QByteArray() << "not valid JSON at line 1, column 1: unexpected end of input";
    QTest::newRow("truncated") << QByteArray(R"({"schema": "vlmscope.run/1", "id": )")
                               << "not valid JSON at line 1, column 36: unexpected end of input";
    QTest::newRow("trailing garbage") << QByteArray("{} x") << "not valid JSON at line 1, column 4: invalid literal";
    QTest::newRow("not UTF-8") << QByteArray("{\"schema\": \"\xff\"}")
                               << "not valid JSON at line 1, column 13: invalid string: ill-formed UTF-8 byte; last read: '\"\xEF\xBF\xBD'";
    QTest::newRow("too deep") << QByteArray(200, '[') + QByteArray(200, ']')
                              << "JSON nested deeper than 64 levels: not a file this tool reads";
    QByteArray manyKeys = "{";
    for (int i = 0; i <= 10000; ++i)
        manyKeys += (i ? ",\"k" : "\"k") + QByteArray::number(i) + "\":0";
    manyKeys += "}";
    QTest::newRow("too many keys") << manyKeys << "a JSON object with more than 10000 keys: not a file this tool reads";
    QTest::newRow("number beyond double") << QByteArray(R"({"schema": "vlmscope.run/1", "end_ns": 1e400})")
                                          << "not valid JSON: number overflow parsing '1e400'";
    QTest::newRow("a benchmark file") << QByteArray(R"({"model": "m", "results": []})")
                                      << "the top level has no 'schema' field: not a vlmscope run record";
}

void TestRunRecordJson::rejectsBadFiles()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, expected);
    const QString path = m_dir.filePath("bad.json");
    writeText(path, content);
    const QString message = QString::fromStdString(errorOf([&] { readRunRecord(path.toStdString()); }));
    QVERIFY2(message.startsWith(path + ": " + expected), qPrintable(message));
    QVERIFY2(!message.contains('\n') && message.size() < 400, qPrintable(message));
}

void TestRunRecordJson::nestingLimitBoundary()
{
    const std::string ok = std::string(64, '[') + std::string(64, ']');
    QCOMPARE(parseJsonLimited(ok, "x.json").dump().size(), ok.size());
    const std::string deep = std::string(65, '[') + std::string(65, ']');
    QVERIFY(errorOf([&] { parseJsonLimited(deep, "x.json"); }).find("nested deeper than 64") != std::string::npos);
    QVERIFY(errorOf([&] { readRunRecord(m_dir.filePath("missing.json").toStdString()); }).find("file not found")
            != std::string::npos);
}

void TestRunRecordJson::writeIsAtomic()
{
    QTemporaryDir dir;
    const std::string path = dir.filePath("run.json").toStdString();
    RunRecord first = fixture::makeRun("first");
    writeRunRecord(path, first);
    RunRecord second = fixture::makeRun("second");
    writeRunRecord(path, second);
    QCOMPARE(QString::fromStdString(readRunRecord(path).id), QString("second"));
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden), QStringList{"run.json"});

    // A path whose directory is a file cannot be written: RuntimeFailure, nothing else damaged.
    const std::string blocked = dir.filePath("run.json/inner.json").toStdString();
    QVERIFY_THROWS_EXCEPTION(RuntimeFailure, writeRunRecord(blocked, first));
    QCOMPARE(QString::fromStdString(readRunRecord(path).id), QString("second"));
}

void TestRunRecordJson::comparisonSeesDifferences()
{
    const RunRecord run = fixture::makeRun();
    RunRecord changed = run;
    changed.steps[2].calls[9] += 1;
    QCOMPARE(QString::fromStdString(fixture::firstDifference(run, changed)), QString("steps[2].calls[9]: 1 != 2"));
    changed = run;
    changed.metrics.itl.p99 = std::nullopt;
    QVERIFY(!fixture::firstDifference(run, changed).empty());
    changed = run;
    changed.model.config["nested"]["z"] = 2;
    QVERIFY(!fixture::firstDifference(run, changed).empty());
}

void TestRunRecordJson::writesManifestAndOverhead()
{
    RunRecord run = fixture::makeRun();
    run.settings.warmup = 2;
    run.settings.discardFirst = 1;
    const Json j = runRecordToJson(run);
    const Json& d = j.at("definitions");
    QCOMPARE(d.at("id").get<std::string>(), std::string("vlmscope.metrics/1"));
    QCOMPARE(d.at("warmup_runs").get<int>(), 2);
    QCOMPARE(d.at("discard_first").get<std::int64_t>(), std::int64_t(1));
    QCOMPARE(d.at("ttft").get<std::string>(), std::string(definition::kTtft));
    const Json& e = j.at("environment");
    QCOMPARE(e.at("cpu_flags"), Json::parse(R"(["avx", "avx2", "fma", "avx512f"])"));
    QCOMPARE(e.at("blas_path").get<std::string>(), run.environment.blasPath);
    QCOMPARE(e.at("weights_hash").get<std::string>(), run.environment.weightsHash);
    // estimate = counts x calibrated costs, over the run: (62 x 25.5 + 0 x 180.25 + 400 x 60) ns of 100 ms.
    const Json& o = j.at("profiler_overhead");
    QCOMPARE(o.at("scope_ns").get<double>(), 25.5);
    QCOMPARE(o.at("scopes").get<std::int64_t>(), std::int64_t(62));
    QCOMPARE(o.at("estimated_ms").get<double>(), (62 * 25.5 + 400 * 60.0) / 1e6);
    QCOMPARE(o.at("estimated_pct").get<double>(), (62 * 25.5 + 400 * 60.0) / 100e6 * 100.0);
    // What is read back is what was written (the derived figures recomputed).
    const RunRecord loaded = runRecordFromJson(j, "run.json");
    QCOMPARE(QString::fromStdString(runRecordToJson(loaded).dump()), QString::fromStdString(j.dump()));
}

void TestRunRecordJson::olderRecordStillLoads()
{
    // Written by vlmscope 0.1.0 before the manifest and the overhead estimate existed.
    const std::string path = std::string(VLMSCOPE_TEST_DATA) + "/records/run-before-manifest.json";
    const RunRecord run = readRunRecord(path);
    QCOMPARE(run.tokens.size(), std::size_t(3));
    QCOMPARE(run.environment.threads, 2);
    QCOMPARE(run.environment.gitCommit, std::string("cbb9e93"));
    QVERIFY(run.environment.cpuFlags.empty());
    QVERIFY(run.environment.blasPath.empty());
    QVERIFY(run.environment.weightsHash.empty());
    QVERIFY(!run.overhead);
    // Its definitions follow from its settings; the missing fields are "not recorded".
    const RunManifest manifest = manifestOf(run);
    QCOMPARE(manifest.definitions.id, std::string(kMetricDefinitionsId));
    QCOMPARE(manifest.definitions.warmupRuns, 0);
    RunManifest newer = manifest;
    newer.environment.cpuFlags = {"avx2"};
    newer.environment.weightsHash = "sha256:00";
    QVERIFY(describeManifestDifferences(manifest, newer).empty());
}

void TestRunRecordJson::overheadMayBeNull()
{
    RunRecord run = fixture::makeRun();
    run.overhead.reset();
    const Json j = runRecordToJson(run);
    QVERIFY(j.at("profiler_overhead").is_null());
    QVERIFY(!runRecordFromJson(j, "run.json").overhead);
}

QTEST_GUILESS_MAIN(TestRunRecordJson)
#include "test_run_record_json.moc"
