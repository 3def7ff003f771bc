// "Results that hold" end to end on the tiny model: --until-stable (converged and not), the
// significance-aware --baseline gate against every kind of baseline (planted 1000x
// regressions caught, 1000x improvements passed, gates that cannot reach significance say
// so), --junit / --summary-md shapes, the ITL plots, and bad values of the new options.
#include <QDir>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QXmlStreamReader>
#include <QtTest>

#include <functional>

namespace {

struct Result {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
    QJsonObject json() const { return QJsonDocument::fromJson(out).object(); }
};

Result runIn(const QString& dir, const QStringList& arguments)
{
    QProcess process;
    process.setWorkingDirectory(dir);
    process.start(VLMSCOPE_BINARY, QStringList{"--batch", "--model", "tiny"} + arguments);
    process.waitForFinished(300000);
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1, process.readAllStandardOutput(),
            process.readAllStandardError()};
}

QJsonObject readJson(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return QJsonDocument::fromJson(file.readAll()).object();
}

QByteArray readBytes(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

void writeJson(const QString& path, const QJsonValue& value)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(value.isArray() ? QJsonDocument(value.toArray()).toJson() : QJsonDocument(value.toObject()).toJson());
}

// Every number the key filter accepts, anywhere in the document, through `scale`.
QJsonValue scaled(const QJsonValue& value, const std::function<double(const QString&, double)>& scale,
                  const QString& key = {})
{
    if (value.isObject()) {
        QJsonObject object = value.toObject();
        for (auto it = object.begin(); it != object.end(); ++it)
            it.value() = scaled(it.value(), scale, it.key());
        return object;
    }
    if (value.isArray()) {
        QJsonArray array = value.toArray();
        for (auto it = array.begin(); it != array.end(); ++it)
            *it = scaled(*it, scale, key);
        return array;
    }
    return value.isDouble() ? QJsonValue(scale(key, value.toDouble())) : value;
}

// Consecutive lines starting with '|'.
QList<QStringList> markdownTables(const QString& text)
{
    QList<QStringList> tables;
    bool inTable = false;
    for (const QString& line : text.split('\n')) {
        if (!line.startsWith('|')) {
            inTable = false;
            continue;
        }
        if (!inTable)
            tables.append(QStringList());
        tables.last().append(line);
        inTable = true;
    }
    return tables;
}

int cellCount(const QString& row)
{
    return static_cast<int>(row.count(QRegularExpression(R"((?<!\\)\|)"))) - 1;
}

// Header, a separator of --- cells, then `rows` rows with as many cells as the header.
void verifyTable(const QStringList& table, int rows)
{
    QVERIFY2(table.size() >= 2, qPrintable(table.join('\n')));
    QVERIFY(table[0].contains("| Configuration | Metric |"));
    QVERIFY2(QRegularExpression(R"(^\|( :?-{3,}:? \|)+$)").match(table[1]).hasMatch(), qPrintable(table[1]));
    QCOMPARE(table.size() - 2, rows);
    for (const QString& row : table)
        QCOMPARE(cellCount(row), cellCount(table[0]));
}

struct JunitShape {
    int suites = 0;
    int cases = 0;
    int failures = 0;
    int declaredTests = -1;
    int declaredFailures = -1;
    QStringList failingCases; // "suite / case"
    QString firstFailureMessage;
};

JunitShape parseJunit(const QString& path)
{
    JunitShape shape;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return shape;
    QXmlStreamReader xml(&file);
    QString suite, testcase;
    int depth = 0;
    while (!xml.atEnd()) {
        xml.readNext();
        if (xml.isStartElement()) {
            ++depth;
            const QString name = xml.name().toString();
            if (name == "testsuites" && depth == 1) {
                shape.declaredTests = xml.attributes().value("tests").toInt();
                shape.declaredFailures = xml.attributes().value("failures").toInt();
            } else if (name == "testsuite" && depth == 2) {
                ++shape.suites;
                suite = xml.attributes().value("name").toString();
            } else if (name == "testcase" && depth == 3) {
                ++shape.cases;
                testcase = xml.attributes().value("name").toString();
            } else if (name == "failure" && depth == 4) {
                ++shape.failures;
                shape.failingCases << suite + " / " + testcase;
                if (shape.firstFailureMessage.isEmpty())
                    shape.firstFailureMessage = xml.attributes().value("message").toString();
            }
        } else if (xml.isEndElement()) {
            --depth;
        }
    }
    if (xml.hasError())
        shape.suites = -1;
    return shape;
}

QString external(const QString& name) { return QString(VLMSCOPE_TEST_DATA) + "/external/" + name; }

int countRegressedComparisons(const QJsonObject& gate)
{
    int n = 0;
    for (const QJsonValue& c : gate["comparisons"].toArray())
        n += c.toObject()["regressed"].toBool() ? 1 : 0;
    return n;
}

} // namespace

class TestBatchStatistics : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;

    QString dir(const QString& name)
    {
        const QString path = m_dir.filePath(name);
        QDir().mkpath(path);
        return path;
    }

private Q_SLOTS:
    void untilStableConvergesOnAnEasyTarget()
    {
        const QString d = dir("easy");
        // ±100000% is met as soon as an interval exists, however loaded the machine: after
        // exactly the minimum of 3.
        const Result r = runIn(d, {"--benchmark", "--max-tokens", "6", "--warmup", "0", "--until-stable", "100000",
                                   "--max-iterations", "5", "--no-log", "--output", "r.json", "--json"});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject config = r.json()["results"].toArray().first().toObject();
        const QJsonObject stability = config["stability"].toObject();
        QCOMPARE(stability["converged"].toBool(), true);
        QCOMPARE(stability["iterations_run"].toInt(), 3);
        QCOMPARE(stability["iterations_used"].toInt(), 3);
        QCOMPARE(stability["target_pct"].toDouble(), 100000.0);
        for (const char* figure : {"decode_tps", "ttft_ms"}) {
            const QJsonObject f = stability[figure].toObject();
            QVERIFY2(f["lower"].toDouble() <= f["median"].toDouble(), figure);
            QVERIFY(f["median"].toDouble() <= f["upper"].toDouble());
            QVERIFY(f["median"].toDouble() > 0);
            QVERIFY(f["half_width_pct"].toDouble() <= 100000);
            QCOMPARE(f["converged"].toBool(), true);
            QCOMPARE(f["samples"].toInt(), 3);
        }
        QCOMPARE(r.json()["until_stable"].toObject()["max_iterations"].toInt(), 5);
        QVERIFY(r.err.contains("stability after 3 iterations: decode TPS"));
        QVERIFY(r.err.contains("target ±100000%: converged"));
        QVERIFY(r.err.contains("Until stable: 1 of 1 configurations converged"));

        // The file has the same, the original layout intact, and 5 latencies per 6-token run.
        const QJsonObject file = readJson(d + "/r.json");
        for (const char* key : {"model", "device", "prompt", "iterations", "timestamp", "results"})
            QVERIFY2(file.contains(key), key);
        const QJsonObject fileConfig = file["results"].toArray().first().toObject();
        QCOMPARE(fileConfig["iterations"].toInt(), 3);
        QCOMPARE(fileConfig["stability"].toObject()["converged"].toBool(), true);
        const QJsonObject warmup = fileConfig["warmup_detection"].toObject();
        QCOMPARE(warmup["iterations"].toObject()["excluded"].toInt(), 0);
        QVERIFY(warmup["iterations"].toObject()["reason"].toString().contains("need at least 8"));
        QCOMPARE(warmup["tokens"].toObject()["excluded_from_statistics"].toBool(), false);
        for (const QJsonValue& run : fileConfig["runs"].toArray())
            QCOMPARE(run.toObject()["token_latencies_ms"].toArray().size(), 5);
    }

    void untilStableReportsNotConverged()
    {
        const Result r = runIn(dir("hard"), {"--benchmark", "--max-tokens", "4", "--warmup", "0", "--until-stable",
                                             "0.001", "--max-iterations", "2", "--no-log", "--output", "r.json",
                                             "--json"});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject stability = r.json()["results"].toArray().first().toObject()["stability"].toObject();
        QCOMPARE(stability["converged"].toBool(), false);
        QCOMPARE(stability["iterations_run"].toInt(), 2);
        QCOMPARE(stability["min_iterations"].toInt(), 2);
        QVERIFY(r.err.contains("not converged, iteration limit reached (limit ±0.001%)"));
        QVERIFY(r.err.contains("Until stable: 0 of 1 configurations converged"));
    }

    void generateModeTakesNumGenerationsAsTheMinimum()
    {
        const Result r = runIn(dir("gen"), {"--max-tokens", "4", "--ignore-eos", "--num-generations", "4",
                                            "--until-stable", "100000", "--max-iterations", "6", "--json"});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject doc = r.json();
        QCOMPARE(doc["runs"].toArray().size(), 4);
        QCOMPARE(doc["stability"].toObject()["iterations_run"].toInt(), 4);
        QCOMPARE(doc["stability"].toObject()["converged"].toBool(), true);
        QVERIFY(doc["warmup_detection"].toObject().contains("tokens"));
        QVERIFY(doc["gate"].isNull());
    }

    void ciReportsWithoutBaseline()
    {
        const QString d = dir("ci");
        const Result r = runIn(d, {"--benchmark", "--max-tokens", "4,6", "--iterations", "2", "--warmup", "0",
                                   "--no-log", "--output", "r.json", "--junit", "junit.xml", "--summary-md",
                                   "summary.md"});
        QCOMPARE(r.exitCode, 0);
        const JunitShape junit = parseJunit(d + "/junit.xml");
        QCOMPARE(junit.suites, 2);
        QCOMPARE(junit.cases, 6);
        QCOMPARE(junit.declaredTests, 6);
        QCOMPARE(junit.failures, 0);
        QCOMPARE(junit.declaredFailures, 0);
        const QList<QStringList> tables = markdownTables(QString::fromUtf8(readBytes(d + "/summary.md")));
        QCOMPARE(tables.size(), 1);
        verifyTable(tables[0], 6); // 2 configurations x decode TPS, TTFT, token latency
        QVERIFY(tables[0][2].startsWith("| 4 tokens, kv on, all threads | decode TPS (tok/s) |"));
    }

    void gateOnResultsCatchesAPlantedRegression()
    {
        const QString d = dir("results");
        const QStringList shape{"--benchmark", "--warmup", "0", "--max-tokens", "6,10",
                                "--iterations", "2", "--no-log"};
        QCOMPARE(runIn(d, shape + QStringList{"--output", "base.json"}).exitCode, 0);
        const QJsonObject base = readJson(d + "/base.json");
        auto speed = [](double factor) {
            return [factor](const QString& key, double v) {
                if (key == "decode_tps")
                    return v * factor;
                if (key == "ttft_s" || key == "peak_rss_bytes" || key == "token_latencies_ms")
                    return v / factor;
                return v;
            };
        };
        writeJson(d + "/faster.json", scaled(base, speed(1000)));
        writeJson(d + "/slower.json", scaled(base, speed(0.001)));
        const QStringList common = shape + QStringList{"--output", "again.json", "--max-regression", "50", "--json"};

        const Result failing = runIn(d, common + QStringList{"--baseline", "faster.json", "--junit", "junit.xml",
                                                             "--summary-md", "summary.md"});
        QCOMPARE(failing.exitCode, 3);
        // 2 vs 2 runs cannot reach significance; 10 vs 10 and 18 vs 18 token latencies can.
        QVERIFY2(failing.err.contains("regression: token latency of 6 tokens, kv on, all threads: "),
                 failing.err.constData());
        QVERIFY(failing.err.contains("regression: token latency of 10 tokens, kv on, all threads: "));
        QVERIFY(failing.err.contains(", limit 50%, Holm-adjusted p"));
        QVERIFY(failing.err.contains("cannot judge: decode TPS of 6 tokens, kv on, all threads ("));
        QVERIFY(failing.err.contains("): 2 baseline and 2 candidate samples (one per run): even complete separation "
                                     "gives p = 0.33, 1 after Holm over 8 gated comparisons, not below 0.05"));
        const QJsonObject gate = failing.json()["gate"].toObject();
        QCOMPARE(failing.json()["regression"].toBool(), true);
        QCOMPARE(gate["baseline_kind"].toString(), QString("vlmscope benchmark results"));
        QCOMPARE(gate["gated"].toInt(), 8);
        QCOMPARE(gate["judgeable"].toInt(), 2);
        QCOMPARE(gate["regressions"].toInt(), 2);
        QCOMPARE(countRegressedComparisons(gate), 2);

        const JunitShape junit = parseJunit(d + "/junit.xml");
        QCOMPARE(junit.suites, 2);
        QCOMPARE(junit.cases, 8);
        QCOMPARE(junit.failures, 2);
        QCOMPARE(junit.declaredFailures, 2);
        QCOMPARE(junit.failingCases, QStringList({"6 tokens, kv on, all threads / token latency",
                                                   "10 tokens, kv on, all threads / token latency"}));
        QVERIFY(junit.firstFailureMessage.endsWith(", limit 50%"));

        const QString md = QString::fromUtf8(readBytes(d + "/summary.md"));
        QVERIFY(md.startsWith("## vlmscope regression gate vs faster.json: FAILED"));
        QVERIFY(md.contains("**Could not reach significance**"));
        const QList<QStringList> tables = markdownTables(md);
        QCOMPARE(tables.size(), 2); // the gate, then the measurements
        verifyTable(tables[0], gate["comparisons"].toArray().size());
        verifyTable(tables[1], 6);

        const Result passing = runIn(d, common + QStringList{"--baseline", "slower.json"});
        QCOMPARE(passing.exitCode, 0);
        QVERIFY(!passing.err.contains("regression:"));
        QCOMPARE(passing.json()["gate"].toObject()["regressions"].toInt(), 0);
        QCOMPARE(passing.json()["regression"].toBool(), false);
    }

    void gateOnRunRecords()
    {
        const QString d = dir("records");
        QCOMPARE(runIn(d, {"--max-tokens", "12", "--ignore-eos", "--num-generations", "2", "--output", "base/run.json"})
                     .exitCode,
                 0);
        // Baselines 1000x faster and slower: every time in the records scaled.
        for (const auto& [name, factor] : {std::pair<QString, double>{"faster", 0.001}, {"slower", 1000.0}}) {
            QDir().mkpath(d + "/" + name);
            for (int g = 1; g <= 2; ++g) {
                const QJsonObject record = readJson(QString("%1/base/run-%2.json").arg(d).arg(g));
                QVERIFY(!record.isEmpty());
                QJsonObject times = scaled(record, [factor = factor](const QString& key, double v) {
                                        return key.endsWith("_ns") ? std::round(v * factor) : v;
                                    }).toObject();
                // Rounded times: each token's latency is its time minus the previous one's again.
                QJsonArray tokens = times["tokens"].toArray();
                for (qsizetype i = 0; i < tokens.size(); ++i) {
                    QJsonObject token = tokens[i].toObject();
                    const double previous = i > 0 ? tokens[i - 1].toObject()["time_ns"].toDouble() : 0;
                    token["latency_ns"] = token["time_ns"].toDouble() - previous;
                    tokens[i] = token;
                }
                times["tokens"] = tokens;
                writeJson(QString("%1/%2/run-%3.json").arg(d, name).arg(g), times);
            }
        }
        const QStringList common{"--max-tokens", "12", "--ignore-eos", "--num-generations", "2", "--max-regression",
                                 "50", "--json"};
        const Result failing = runIn(d, common + QStringList{"--baseline", "faster"});
        QCOMPARE(failing.exitCode, 3);
        QVERIFY2(failing.err.contains("regression: token latency of 12 tokens, kv on, all threads: "),
                 failing.err.constData());
        const QJsonObject gate = failing.json()["gate"].toObject();
        QCOMPARE(gate["baseline_kind"].toString(), QString("run records"));
        bool layerCompared = false;
        for (const QJsonValue& c : gate["comparisons"].toArray())
            layerCompared = layerCompared || c.toObject()["scope"].toString() == "layer";
        QVERIFY(layerCompared);

        // Two files given one by one are the same baseline as their folder.
        const Result passing = runIn(d, common + QStringList{"--baseline", "slower/run-1.json", "--baseline",
                                                             "slower/run-2.json"});
        QCOMPARE(passing.exitCode, 0);
        QVERIFY(!passing.err.contains("regression:"));
        QCOMPARE(passing.json()["gate"].toObject()["baseline"].toArray().size(), 2);
    }

    void gateOnLogSaysItCannotFail()
    {
        const QString d = dir("log");
        QCOMPARE(runIn(d, {"--max-tokens", "6", "--ignore-eos", "--num-generations", "3", "--metrics", "--log-file",
                           "base.log", "--quiet"})
                     .exitCode,
                 0);
        const Result r = runIn(d, {"--max-tokens", "6", "--ignore-eos", "--num-generations", "3", "--baseline",
                                   "base.log", "--no-log", "--json"});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject gate = r.json()["gate"].toObject();
        QCOMPARE(gate["baseline_kind"].toString(), QString("vlmscope log"));
        QCOMPARE(gate["gated"].toInt(), 2); // decode TPS and TTFT, one figure per run
        QCOMPARE(gate["judgeable"].toInt(), 0);
        QVERIFY(r.err.contains("warning: no gated comparison can reach significance with these samples, so this gate "
                               "cannot fail"));
    }

    void gateOnExternalResults_data()
    {
        QTest::addColumn<QString>("file");
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QStringList>("metrics");
        QTest::addColumn<int>("judgeable");
        QTest::newRow("llama-bench json") << "llama-bench.json" << "llama-bench"
                                          << QStringList{"prompt TPS", "decode TPS", "TPOT"} << 0;
        QTest::newRow("llama-bench jsonl") << "llama-bench-candidate.jsonl" << "llama-bench"
                                           << QStringList{"prompt TPS", "decode TPS", "TPOT"} << 0;
        QTest::newRow("vllm summary") << "vllm-serving.json" << "vllm benchmark_serving"
                                      << QStringList{"decode TPS", "TTFT", "TPOT", "token latency"} << 0;
        QTest::newRow("vllm detailed") << "vllm-serving-detailed.json" << "vllm benchmark_serving"
                                       << QStringList{"decode TPS", "TTFT", "TPOT", "token latency"} << 3;
    }

    void gateOnExternalResults()
    {
        QFETCH(QString, file);
        QFETCH(QString, kind);
        QFETCH(QStringList, metrics);
        QFETCH(int, judgeable);
        const Result r = runIn(dir("external"), {"--benchmark", "--warmup", "0", "--max-tokens", "10", "--iterations",
                                                 "3", "--no-log", "--output", "r.json",
                                                 // The other tool's figures come from other hardware: the limit is
                                                 // the largest allowed, so machine load cannot fail this test.
                                                 "--max-regression", "1000000", "--json", "--baseline", external(file)});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject gate = r.json()["gate"].toObject();
        QCOMPARE(gate["baseline_kind"].toString(), kind);
        QStringList compared;
        for (const QJsonValue& c : gate["comparisons"].toArray()) {
            compared << c.toObject()["metric"].toString();
            QVERIFY(c.toObject()["configuration"].toString().startsWith("10 tokens, kv on, all threads vs " + kind));
        }
        QCOMPARE(compared, metrics);
        QCOMPARE(gate["judgeable"].toInt(), judgeable);
        QVERIFY(r.err.contains("note: "));
        if (judgeable == 0)
            QVERIFY(r.err.contains("this gate cannot fail"));
    }

    void gateOnPlantedExternalRegression()
    {
        const QString d = dir("external-fast");
        QFile source(external("vllm-serving-detailed.json"));
        QVERIFY(source.open(QIODevice::ReadOnly));
        // The same server, 1000x faster: every latency and duration divided, every rate multiplied.
        const auto faster = [](const QString& key, double v) {
            if (key.endsWith("_ms") || key == "ttfts" || key == "itls" || key == "duration")
                return v / 1000;
            return key.endsWith("throughput") ? v * 1000 : v;
        };
        const QJsonObject fast = scaled(QJsonDocument::fromJson(source.readAll()).object(), faster).toObject();
        writeJson(d + "/fast.json", fast);
        const Result r = runIn(d, {"--benchmark", "--warmup", "0", "--max-tokens", "10", "--iterations", "3",
                                   "--no-log", "--output", "r.json", "--max-regression", "50", "--baseline",
                                   "fast.json"});
        QCOMPARE(r.exitCode, 3);
        QVERIFY2(r.err.contains("regression: token latency of 10 tokens, kv on, all threads vs vllm benchmark_serving"),
                 r.err.constData());
    }

    void badValuesNameTheOption_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("message");
        QTest::newRow("until-stable 0") << QStringList{"--until-stable", "0"}
                                        << "--until-stable 0: expected a percentage above 0";
        QTest::newRow("until-stable text") << QStringList{"--until-stable", "abc"} << "--until-stable abc: expected";
        QTest::newRow("until-stable negative") << QStringList{"--until-stable", "-3"} << "--until-stable -3: expected";
        QTest::newRow("max-iterations 1") << QStringList{"--until-stable", "5", "--max-iterations", "1"}
                                          << "--max-iterations 1: expected an integer in [2, 100000]";
        QTest::newRow("max-iterations alone") << QStringList{"--max-iterations", "10"}
                                              << "--max-iterations needs --until-stable PCT";
        QTest::newRow("iterations above limit")
            << QStringList{"--benchmark", "--iterations", "40", "--until-stable", "5", "--max-iterations", "10"}
            << "--iterations 40 exceeds --max-iterations 10";
        QTest::newRow("generations above limit")
            << QStringList{"--num-generations", "40", "--until-stable", "5", "--max-iterations", "10"}
            << "--num-generations 40 exceeds --max-iterations 10";
        QTest::newRow("junit empty") << QStringList{"--junit", ""} << "--junit: the file name is empty";
        QTest::newRow("summary-md empty") << QStringList{"--summary-md", ""} << "--summary-md: the file name is empty";
        QTest::newRow("baseline missing") << QStringList{"--baseline", "no-such-baseline.json"}
                                          << "--baseline no-such-baseline.json: no such file or folder";
    }

    void badValuesNameTheOption()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, message);
        const Result r = runIn(m_dir.path(), arguments + QStringList{"--max-tokens", "2"});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(message.toUtf8()), r.err.constData());
    }

    void baselineOfNoKnownKindIsAnInputError()
    {
        const QString d = dir("bad-baseline");
        QFile file(d + "/other.json");
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(R"({"hello": "world"})");
        file.close();
        const Result r = runIn(d, {"--max-tokens", "2", "--baseline", "other.json"});
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains("other.json: not a run record, benchmark results, llama-bench or vLLM result file"),
                 r.err.constData());
    }

    void plotsLatencyByPositionAndDepth()
    {
        const QString d = dir("plots");
        const Result r = runIn(d, {"--benchmark", "--max-tokens", "8", "--context-lengths", "8,40", "--iterations",
                                   "2", "--warmup", "0", "--no-log", "--output", "p.json", "--plot"});
        QCOMPARE(r.exitCode, 0);
        for (const char* chart : {"itl_position", "itl_depth", "run_itl_position"}) {
            const QImage image(QString("%1/p_%2.png").arg(d, chart));
            QVERIFY2(!image.isNull(), chart);
            QCOMPARE(image.size(), QSize(1400, 800));
            const QByteArray svg = readBytes(QString("%1/p_%2.svg").arg(d, chart));
            QVERIFY(svg.contains("Inter-token latency by"));
        }
        QVERIFY(readBytes(d + "/p_itl_depth.svg").contains("prompt positions before decoding"));
    }
};

QTEST_GUILESS_MAIN(TestBatchStatistics)
#include "test_batch_statistics.moc"
