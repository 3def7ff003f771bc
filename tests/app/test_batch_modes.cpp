// --batch generate and benchmark modes end to end on the tiny model: every output file
// parsed back and checked for consistency, logs appended, exit codes 0/2/3/130, --json,
// plots, and Ctrl-C leaving valid files.
#include "core/io/benchmark_results.h"
#include "core/io/generation_log_reader.h"
#include "core/io/run_record_json.h"

#include <QDir>
#include <QImage>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>
#include <nlohmann/json.hpp>

using namespace vlmscope;

namespace {

struct Result {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

// Runs vlmscope in `dir`. With `interruptAfterMs` >= 0, sends SIGINT that long after the
// generation has started (its progress line says "running").
Result runIn(const QString& dir, const QStringList& arguments, int interruptAfterMs = -1)
{
    QProcess process;
    process.setWorkingDirectory(dir);
    process.start(VLMSCOPE_BINARY, arguments);
    process.waitForStarted();
    QByteArray err;
    if (interruptAfterMs >= 0) {
        process.setReadChannel(QProcess::StandardError);
        while (!err.contains("running") && process.state() == QProcess::Running) {
            process.waitForReadyRead(100);
            err += process.readAllStandardError();
        }
        QTest::qWait(interruptAfterMs);
        // Only a live child: kill(0, ...) would signal our whole process group (ctest, CI).
        const qint64 pid = process.processId();
        if (process.state() == QProcess::Running && pid > 0)
            ::kill(static_cast<pid_t>(pid), SIGINT);
    }
    process.waitForFinished(300000);
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1, process.readAllStandardOutput(),
            err + process.readAllStandardError()};
}

QStringList filesIn(const QString& dir, const QString& pattern)
{
    return QDir(dir).entryList({pattern}, QDir::Files, QDir::Name);
}

} // namespace

class TestBatchModes : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;

private Q_SLOTS:
    void generateWritesEveryExport()
    {
        const QString d = m_dir.filePath("gen");
        QDir().mkpath(d);
        const Result r = runIn(d, {"--batch", "--model", "tiny", "--max-tokens", "6", "--ignore-eos", "--metrics",
                                   "--num-generations", "3", "--output", "run.json", "--trace", "trace.json", "--csv",
                                   "csv", "--plot"});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("=== Token Generation Metrics ==="));
        QCOMPARE(r.out.count("  >> Generation "), 3);

        // One log for the three generations, parsed back.
        const QStringList logs = filesIn(d + "/logs", "tps_metrics_tiny_6tokens_*.log");
        QCOMPARE(logs.size(), 1);
        const std::vector<LogRunSummary> summaries = readGenerationLog((d + "/logs/" + logs.first()).toStdString());
        QCOMPARE(summaries.size(), std::size_t(3));

        for (int g = 1; g <= 3; ++g) {
            const RunRecord record = readRunRecord(QString("%1/run-%2.json").arg(d).arg(g).toStdString());
            QCOMPARE(record.tokens.size(), std::size_t(6));
            QCOMPARE(record.status, RunStatus::Finished);
            QCOMPARE(summaries[static_cast<std::size_t>(g - 1)].outputTokens.value_or(-1), std::int64_t(6));
            QVERIFY(QFile::exists(QString("%1/csv/generation-%2/tokens.csv").arg(d).arg(g)));
        }
        QFile trace(d + "/trace.json");
        QVERIFY(trace.open(QIODevice::ReadOnly));
        QVERIFY(QJsonDocument::fromJson(trace.readAll()).object().contains("traceEvents"));

        for (const char* chart : {"tps", "latency", "per_second_tps", "layers", "categories", "heatmap", "memory"}) {
            const QImage image(QString("%1/run_%2.png").arg(d, chart));
            QVERIFY2(!image.isNull(), chart);
            QCOMPARE(image.size(), QSize(1400, 800));
            QVERIFY(QFileInfo(QString("%1/run_%2.svg").arg(d, chart)).size() > 1000);
        }
    }

    void benchmarkResultsAreConsistent()
    {
        const QString d = m_dir.filePath("bench");
        QDir().mkpath(d);
        const Result r = runIn(d, {"--batch", "--benchmark", "--model", "tiny", "--max-tokens", "3,5", "--iterations",
                                   "2", "--warmup", "1", "--output", "results.json", "--json", "--plot"});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject doc = QJsonDocument::fromJson(r.out).object();
        QVERIFY2(!doc.isEmpty(), r.out.left(200).constData());
        QVERIFY(r.err.contains("Summary of Results"));

        const BenchmarkResults results = readBenchmarkResults((d + "/results.json").toStdString());
        QCOMPARE(results.results.size(), std::size_t(2));
        for (const BenchmarkConfiguration& config : results.results) {
            QCOMPARE(config.iterations, std::int64_t(2));
            QCOMPARE(config.runs.size(), std::size_t(2));
            double sum = 0;
            for (const IterationSummary& run : config.runs) {
                QCOMPARE(run.outputTokens, config.tokenCount);
                sum += run.figures.e2eOutputTps.value_or(0);
            }
            // avg_tps is the mean of the per-run figures.
            QVERIFY(std::fabs(*config.avgTps - sum / 2) < 1e-9 * sum);
        }
        // The file also loads as the original tool's layout.
        QFile file(d + "/results.json");
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonObject original = QJsonDocument::fromJson(file.readAll()).object();
        for (const char* key : {"model", "device", "prompt", "iterations", "timestamp", "results"})
            QVERIFY2(original.contains(key), key);
        const QStringList logs = filesIn(d + "/logs", "tps_metrics_tiny_benchmark_*.log");
        QCOMPARE(logs.size(), 1);
        QCOMPARE(readGenerationLog((d + "/logs/" + logs.first()).toStdString()).size(), std::size_t(4));
        QVERIFY(!QImage(d + "/results_decode_tps.png").isNull());
        QVERIFY(!QImage(d + "/results_ttft.png").isNull());
    }

    void baselineGateFailsOnRegression()
    {
        const QString d = m_dir.filePath("bench"); // results.json from the previous test
        // Baselines scaled far beyond run-to-run noise (tiny runs vary 30x on a loaded machine):
        // one much faster, one much slower.
        auto writeScaled = [&d](const QString& name, double speed) {
            QFile in(d + "/results.json");
            QVERIFY(in.open(QIODevice::ReadOnly));
            nlohmann::json doc = nlohmann::json::parse(in.readAll().toStdString());
            for (auto& config : doc["results"]) {
                for (auto& run : config["runs"]) {
                    run["decode_tps"] = run["decode_tps"].get<double>() * speed;
                    run["ttft_s"] = run["ttft_s"].get<double>() / speed;
                    run["peak_rss_bytes"] = run["peak_rss_bytes"].get<double>() / speed;
                    for (auto& latency : run["token_latencies_ms"])
                        latency = latency.get<double>() / speed;
                }
            }
            QFile out(d + "/" + name);
            QVERIFY(out.open(QIODevice::WriteOnly));
            out.write(QByteArray::fromStdString(doc.dump()));
        };
        writeScaled("faster-baseline.json", 1000);
        writeScaled("slower-baseline.json", 0.001);
        const QStringList common{"--batch", "--benchmark", "--model", "tiny", "--max-tokens", "3,5", "--iterations",
                                 "2", "--no-log", "--output", "again.json", "--max-regression", "50"};
        const Result failing = runIn(d, common + QStringList{"--baseline", d + "/faster-baseline.json"});
        // The gate fails only on significant regressions: 2 vs 2 runs (and 4 vs 4 latencies of
        // 3-token runs) cannot reach significance and say so; 8 vs 8 latencies of 5 tokens can.
        QCOMPARE(failing.exitCode, 3);
        QVERIFY2(failing.err.contains("regression: token latency of 5 tokens, kv on, all threads: "),
                 failing.err.constData());
        QVERIFY(!failing.err.contains("regression: decode TPS"));
        QVERIFY(failing.err.contains("cannot judge: decode TPS of 3 tokens, kv on, all threads ("));
        QVERIFY(failing.err.contains("cannot judge: TTFT of 5 tokens, kv on, all threads ("));
        QVERIFY(failing.err.contains("cannot judge: peak RSS of 3 tokens, kv on, all threads ("));
        QVERIFY(failing.err.contains("cannot judge: token latency of 3 tokens, kv on, all threads ("));
        const Result passing = runIn(d, common + QStringList{"--baseline", d + "/slower-baseline.json"});
        QCOMPARE(passing.exitCode, 0);
        QVERIFY(!passing.err.contains("regression:"));
    }

    // The A/B pass prints the measured overhead next to the estimate, and --json carries both.
    void overheadCheckPrintsBothFigures()
    {
        const QString d = m_dir.filePath("overhead");
        QDir().mkpath(d);
        const QStringList common{"--batch", "--model", "tiny", "--max-tokens", "6", "--no-image", "--prompt", "Hi",
                                 "--ignore-eos", "--overhead-check"};
        const Result text = runIn(d, common);
        QCOMPARE(text.exitCode, 0);
        QVERIFY2(text.out.contains("Overhead check (layers vs off, 3 alternating pairs, medians):"), text.out.constData());
        QVERIFY(text.out.contains("  decode TPS: "));
        QVERIFY(text.out.contains(" -> measured overhead "));
        QVERIFY(text.out.contains("  estimated overhead: "));
        QVERIFY(text.out.contains(" ns per scope, "));

        const Result json = runIn(d, common + QStringList{"--json", "--profile", "ops"});
        QCOMPARE(json.exitCode, 0);
        const nlohmann::json doc = nlohmann::json::parse(json.out.toStdString());
        const nlohmann::json& check = doc.at("overhead_check");
        QCOMPARE(check.at("profiling").get<std::string>(), std::string("ops"));
        QCOMPARE(check.at("pairs").get<int>(), 3);
        QVERIFY(check.at("measured_decode_tps_overhead_pct").is_number());
        QVERIFY(check.at("measured_ttft_overhead_pct").is_number());
        QVERIFY(check.at("estimated_overhead_pct").get<double>() > 0);
        QVERIFY(check.at("op_callback_ns").get<double>() > 0);
        // The run itself states its estimate.
        QVERIFY(doc.at("runs").at(0).contains("metrics"));

        const Result refused = runIn(d, common + QStringList{"--profile", "off"});
        QCOMPARE(refused.exitCode, 1);
        QVERIFY(refused.err.contains("--overhead-check measures the cost of --profile layers or ops"));
    }

    // A baseline measured with other settings or elsewhere is still compared, with a warning.
    void baselineDifferencesAreWarned()
    {
        const QString d = m_dir.filePath("manifest");
        QDir().mkpath(d);
        const QStringList common{"--batch", "--model", "tiny", "--max-tokens", "4", "--no-image", "--prompt", "Hi",
                                 "--ignore-eos", "--no-log"};
        QCOMPARE(runIn(d, common + QStringList{"--threads", "1", "--output", "base.json"}).exitCode, 0);
        const Result same = runIn(d, common + QStringList{"--threads", "1", "--baseline", "base.json"});
        QVERIFY2(!same.err.contains("baseline differs"), same.err.constData());
        const Result other = runIn(d, common + QStringList{"--threads", "2", "--warmup", "1", "--baseline", "base.json",
                                                           "--json"});
        QVERIFY2(other.err.contains("warning: baseline differs (base.json vs this run): warm-up runs 0 vs 1, threads 1 vs 2"),
                 other.err.constData());
        const nlohmann::json doc = nlohmann::json::parse(other.out.toStdString());
        const std::string notes = doc.at("gate").at("notes").dump();
        QVERIFY2(notes.find("threads 1 vs 2") != std::string::npos, notes.c_str());
    }

    void runtimeFailureExitsTwo()
    {
        const Result r = runIn(m_dir.path(), {"--batch", "--model", "tiny", "--max-tokens", "2", "--output",
                                              "/proc/vlmscope-cannot-write/run.json"});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains("/proc/vlmscope-cannot-write/run.json"));
    }

    void interruptKeepsWhatWasMeasured()
    {
        const QString d = m_dir.filePath("interrupt");
        QDir().mkpath(d);
        // 8000 tokens take tiny a few seconds even on an idle machine; stop 300 ms in.
        const Result r = runIn(d, {"--batch", "--model", "tiny", "--max-tokens", "8000", "--ignore-eos", "--metrics",
                                   "--output", "run.json"},
                               300);
        QCOMPARE(r.exitCode, 130);
        const RunRecord record = readRunRecord((d + "/run.json").toStdString());
        QCOMPARE(record.status, RunStatus::Stopped);
        QVERIFY(!record.tokens.empty());
        QVERIFY(record.tokens.size() < 8000);
        QCOMPARE(filesIn(d + "/logs", "*.log").size(), 1);
    }
};

QTEST_GUILESS_MAIN(TestBatchModes)
#include "test_batch_modes.moc"
