// Opening and exporting runs as the dashboard does: run records, benchmark results (ours
// and benchmark-tps.py's) and .log files come back as runs with their figures; bad files
// give one-line errors naming the file; exports carry SPEC §5 names.
#include "core/io/benchmark_results.h"
#include "core/util/error.h"
#include "tests/ui/synthetic_run.h"
#include "ui/run_files.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

using namespace vlmscope;
using namespace vlmscope::testing;

namespace {

void writeText(const QString& path, const QByteArray& text)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(text);
}

bool near(std::optional<double> a, std::optional<double> b, double rel = 1e-3)
{
    if (!a || !b)
        return !a && !b;
    return std::fabs(*a - *b) <= rel * std::max(std::fabs(*a), std::fabs(*b)) + 1e-9;
}

} // namespace

class TestRunFiles : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;

    QString path(const QString& name) const { return m_dir.filePath(name); }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void runRecordRoundTrip()
    {
        const RunRecord run = syntheticRun(25, 250'000'000, 12'000'000);
        writeRunRecordFile(path("run.json"), run);
        const LoadedRuns loaded = loadRunFile(path("run.json"));
        QCOMPARE(loaded.kind, QStringLiteral("run record"));
        QCOMPARE(loaded.runs.size(), std::size_t(1));
        const RunRecord& back = loaded.runs[0];
        QCOMPARE(back.id, run.id);
        QCOMPARE(back.tokens.size(), run.tokens.size());
        QCOMPARE(back.steps.size(), run.steps.size());
        QCOMPARE(back.scopes.size(), run.scopes.size());
        QCOMPARE(back.model.synthetic, true);
        QVERIFY(near(back.metrics.ttftS, run.metrics.ttftS, 1e-12));
        QVERIFY(near(back.metrics.outputTps, run.metrics.outputTps, 1e-12));
    }

    void benchmarkResults()
    {
        const std::vector<std::vector<RunRecord>> configs = {
            {syntheticRun(10, 200'000'000, 10'000'000), syntheticRun(10, 220'000'000, 11'000'000)},
            {syntheticRun(20, 200'000'000, 10'000'000)}};
        BenchmarkSetup setup;
        setup.model = "tiny";
        setup.device = "cpu";
        setup.prompt = "What is in this image?";
        setup.iterations = 2;
        writeBenchmarkResults(path("bench.json").toStdString(), buildBenchmarkResults(setup, configs));
        const LoadedRuns loaded = loadRunFile(path("bench.json"));
        QCOMPARE(loaded.kind, QStringLiteral("benchmark results"));
        QCOMPARE(loaded.runs.size(), std::size_t(3));
        QVERIFY(near(loaded.runs[1].metrics.ttftS, 0.22));
        QVERIFY(near(loaded.runs[0].metrics.outputTps, configs[0][0].metrics.outputTps));
        QCOMPARE(loaded.runs[2].settings.maxNewTokens, 20);
        QCOMPARE(loaded.runs[2].metrics.outputTokens, 20);
    }

    void originalBenchmarkResults()
    {
        // The layout benchmark-tps.py writes: averages only.
        writeText(path("original.json"), R"({"model": "lusxvr/nanoVLM-222M", "device": "cpu",
            "prompt": "What is this?", "iterations": 3, "timestamp": "2025-03-01 10:00:00",
            "results": [{"token_count": 50, "iterations": 3, "avg_tps": 12.5, "avg_time": 4.0,
                         "avg_ttft": 0.5, "peak_tps": 14.0, "min_time": 3.8, "tps_stability": 0.7,
                         "detailed_results": null}]})");
        const LoadedRuns loaded = loadRunFile(path("original.json"));
        QCOMPARE(loaded.runs.size(), std::size_t(1));
        const RunRecord& r = loaded.runs[0];
        QCOMPARE(r.model.name, std::string("lusxvr/nanoVLM-222M"));
        QVERIFY(near(r.metrics.ttftS, 0.5));
        QVERIFY(near(r.metrics.e2eOutputTps, 12.5));
        QVERIFY(near(r.metrics.peakTpsPerSecond, 14.0));
        QCOMPARE(r.metrics.totalS, 4.0);
    }

    void consolidatedLog()
    {
        const RunRecord a = syntheticRun(30, 300'000'000, 20'000'000);
        const RunRecord b = syntheticRun(30, 150'000'000, 10'000'000);
        QFile::remove(path("runs.log"));
        appendRunLogFile(path("runs.log"), a);
        appendRunLogFile(path("runs.log"), b);
        const LoadedRuns loaded = loadRunFile(path("runs.log"));
        QCOMPARE(loaded.kind, QStringLiteral("log"));
        QCOMPARE(loaded.runs.size(), std::size_t(2));
        QVERIFY(near(loaded.runs[0].metrics.ttftS, 0.3));
        QVERIFY(near(loaded.runs[1].metrics.ttftS, 0.15));
        QVERIFY(near(loaded.runs[1].metrics.outputTps, 100.0));
        QCOMPARE(loaded.runs[0].metrics.outputTokens, 30);
        QVERIFY(loaded.runs[0].model.synthetic);
    }

    void badFiles_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("expected");
        QTest::newRow("empty") << "empty.json" << QByteArray() << "empty.json";
        QTest::newRow("truncated run") << "truncated.json" << QByteArray(R"({"schema": "vlmscope.run/1", "id": )") << "truncated.json";
        QTest::newRow("wrong field type") << "badfield.json" << QByteArray(R"({"schema": "vlmscope.run/1", "id": 5})") << "badfield.json";
        QTest::newRow("unknown schema") << "other.json" << QByteArray(R"({"schema": "something/9"})") << "unknown schema";
        QTest::newRow("trace") << "trace.json" << QByteArray(R"({"traceEvents": []})") << "Chrome trace";
        QTest::newRow("array") << "array.json" << QByteArray("[1, 2]") << "not a vlmscope";
        QTest::newRow("random text") << "notes.txt" << QByteArray("hello\nworld\n") << "notes.txt";
        QTest::newRow("binary") << "noise.log" << QByteArray("\x89PNG\r\n\x1a\n\0\0\0", 11) << "noise.log";
        QTest::newRow("deep nesting") << "deep.json" << QByteArray(100000, '[') << "deep.json";
    }

    void badFiles()
    {
        QFETCH(QString, name);
        QFETCH(QByteArray, content);
        QFETCH(QString, expected);
        writeText(path(name), content);
        try {
            loadRunFile(path(name));
            QFAIL("no error");
        } catch (const InputError& error) {
            const QString message = QString::fromUtf8(error.what());
            QVERIFY2(message.contains(expected), qPrintable(message));
            QVERIFY2(!message.contains(QLatin1Char('\n')), "one line");
        }
    }

    void missingFile()
    {
        QVERIFY_THROWS_EXCEPTION(InputError, loadRunFile(path("nope.json")));
    }

    void exportNames()
    {
        const RunRecord run = syntheticRun(30, 1000, 1000);
        static const QRegularExpression log(QStringLiteral(R"(^tps_metrics_tiny_30tokens_\d{8}_\d{6}\.log$)"));
        QVERIFY2(log.match(defaultExportName(run, ExportKind::Log)).hasMatch(), qPrintable(defaultExportName(run, ExportKind::Log)));
        static const QRegularExpression record(QStringLiteral(R"(^vlmscope_run_tiny_30tokens_\d{8}_\d{6}\.json$)"));
        QVERIFY(record.match(defaultExportName(run, ExportKind::RunRecord)).hasMatch());
        QVERIFY(defaultExportName(run, ExportKind::Trace).startsWith(QStringLiteral("vlmscope_trace_tiny_30tokens_")));
        QVERIFY(defaultChartName(run, QStringLiteral("tps"), QStringLiteral("svg")).endsWith(QStringLiteral(".svg")));
        RunRecord folder = run;
        folder.model.name = "/home/me/models/nano VLM";
        QVERIFY(defaultExportName(folder, ExportKind::Log).startsWith(QStringLiteral("tps_metrics_nano_VLM_30tokens_")));
    }

    void exportTraceAndCsv()
    {
        const RunRecord run = syntheticRun(12, 100'000'000, 5'000'000);
        writeTraceFile(path("trace.out.json"), run);
        QFile trace(path("trace.out.json"));
        QVERIFY(trace.open(QIODevice::ReadOnly));
        const QJsonDocument doc = QJsonDocument::fromJson(trace.readAll());
        QVERIFY(doc.isObject());
        QVERIFY(doc.object().value(QStringLiteral("traceEvents")).toArray().size() > 12);

        const QStringList files = writeCsvFiles(path("csv"), run);
        QCOMPARE(files.size(), 3);
        QFile tokens(path("csv/tokens.csv"));
        QVERIFY(tokens.open(QIODevice::ReadOnly));
        const QList<QByteArray> lines = tokens.readAll().split('\n');
        QCOMPARE(lines.size(), 1 + 12 + 1); // header, rows, the empty piece after the last CRLF
        QVERIFY(lines[0].startsWith("index,id,text"));
    }
};

QTEST_MAIN(TestRunFiles)
#include "test_run_files.moc"
