// Checks the consolidated .log: the original "GENERATION SUMMARY" layout at both levels,
// written -> read back to the same figures, safe appends that never touch earlier bytes,
// automatic names, the benchmark section, and the reader on damaged or foreign files.
#include "core/io/generation_log.h"
#include "core/io/generation_log_reader.h"
#include "core/io/text_format.h"
#include "core/util/error.h"
#include "text_fixture.h"

#include <QtTest>

#include <cmath>

using namespace vlmscope;
using textfixture::fixtureRecord;
using textfixture::kMs;

namespace {

QStringList lines(const std::string& text) { return QString::fromStdString(text).split(QLatin1Char('\n')); }

QByteArray readAll(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

void writeAll(const QString& path, const QByteArray& bytes)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    QCOMPARE(file.write(bytes), bytes.size());
}

// A run like the fixture with `tokens` output tokens (100 ms apart after a 600 ms TTFT).
RunRecord runWithTokens(int tokens)
{
    RunRecord r = fixtureRecord();
    r.tokens.clear();
    r.phases.resize(4);
    for (int i = 0; i < tokens; ++i)
        r.tokens.push_back({i, 7, "x", (600 + 100 * i) * kMs, 100 * kMs});
    r.endNs = (600 + 100 * tokens) * kMs;
    r.settings.maxNewTokens = tokens;
    r.statusDetail = "reached --max-tokens " + std::to_string(tokens);
    r.computeMetrics();
    return r;
}

// Figures printed with `decimals` digits come back within half a unit of the last digit.
void checkClose(const std::optional<double>& read, const std::optional<double>& written, int decimals,
                double scale, const char* what)
{
    QVERIFY2(read.has_value() == written.has_value(), what);
    if (!read)
        return;
    const double tolerance = 0.5 * std::pow(10.0, -decimals) * scale + 1e-12;
    QVERIFY2(std::abs(*read - *written) <= tolerance,
             qPrintable(QString("%1: read %2, written %3").arg(what).arg(*read, 0, 'g', 12).arg(*written, 0, 'g', 12)));
}

// The original tool's log of two runs: the first entry has no closing separator, and the
// second entry's banner follows its last line without a newline.
const char* kOriginalLog =
    "==================================================\n"
    "GENERATION SUMMARY\n"
    "==================================================\n"
    "Model: nanoVLM-222M\n"
    "Date: 2025-05-13 01:51:00\n"
    "Device: mps\n"
    "\n"
    "-------------------- PERFORMANCE METRICS --------------------\n"
    "Total tokens generated: 20\n"
    "  - Input tokens: 8\n"
    "  - Output tokens: 20\n"
    "Total generation time: 1.96s\n"
    "Overall tokens per second: 10.22 TPS\n"
    "  - Input TPS: 81.00 tokens/s\n"
    "  - Output TPS: 10.77 tokens/s\n"
    "Time to first token (TTFT): 0.27s\n"
    "Peak TPS: 20.00 tokens/s\n"
    "TPS stability:\n"
    "  - Absolute: ±0.00 TPS\n"
    "  - Relative: ±0.0% of mean TPS\n"
    "\n"
    "Memory usage:\n"
    "- Peak: 1542.34 MB\n"
    "\n"
    "Layer performance:\n"
    "- attention: 27.7% of time (0.87s)\n"
    "- ffn: 12.0% of time (0.38s)\n"
    "- vision_encoder: 2.3% (0.07s)\n"
    "- other: 58.0% (1.82s)\n"
    "\n"
    "Detailed layer breakdown (top 10):\n"
    "- decoder.blocks.0: 25.5% (0.80s, 20 calls)\n"
    "- vision_encoder.blocks.0: 1.4% (0.04s, 1 calls)\n"
    "\n"
    "TPS per second:\n"
    "- 0-1s: 20.0"
    "==================================================\n"
    "GENERATION SUMMARY\n"
    "==================================================\n"
    "Model: nanoVLM-222M\n"
    "Date: 2025-05-13 01:51:03\n"
    "Device: mps\n"
    "\n"
    "-------------------- PERFORMANCE METRICS --------------------\n"
    "Total tokens generated: 28\n"
    "  - Input tokens: 8\n"
    "  - Output tokens: 20\n"
    "Total generation time: 2.01s\n"
    "\n"
    "TPS per second:\n"
    "- 0-1s: 12.0\n"
    "- 1-2s: 8.0\n"
    "\n"
    "================================================================================\n"
    "\n";

} // namespace

class TestGenerationLog : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void entryLayout()
    {
        const std::string entry = formatLogEntry(fixtureRecord(), LogLevel::Detailed, 3);
        const QStringList all = lines(entry);
        const QString banner(50, QLatin1Char('='));
        QCOMPARE(all.mid(0, 9), QStringList({banner, "GENERATION SUMMARY", banner, "Model: nanoVLM-222M",
                                             "Date: 2025-05-13 01:51:00 UTC", "Device: cpu", "Generation: 3",
                                             "Prompt: What is in this image?", "Max tokens: 10"}));
        QVERIFY(all.contains("Status: finished (reached --max-tokens 10)"));
        QVERIFY(all.contains("Note: synthetic weights: text not meaningful"));
        QVERIFY(all.contains("-------------------- PERFORMANCE METRICS --------------------"));
        QVERIFY(all.contains("- 0-1s: 4.0"));
        QVERIFY(all.contains("- 1-2s: 6.0"));
        QVERIFY(QString::fromStdString(entry).endsWith("\n\n" + QString(80, QLatin1Char('=')) + "\n\n"));
    }

    void levels_data()
    {
        QTest::addColumn<QString>("line");
        QTest::addColumn<bool>("inBasic");
        QTest::addColumn<bool>("inDetailed");
        QTest::newRow("figures") << "Overall tokens per second: 48.24 TPS" << true << true;
        QTest::newRow("memory") << "Memory usage:" << true << true;
        QTest::newRow("rss") << "- Peak: 120.00 MB" << true << true;
        QTest::newRow("layers") << "Layer performance:" << true << true;
        QTest::newRow("per second") << "TPS per second:" << true << true;
        QTest::newRow("top layers") << "Detailed layer breakdown (top 10):" << false << true;
        QTest::newRow("latency") << "Latency:" << false << true;
        QTest::newRow("itl") << "Inter-token latency (9 intervals):" << false << true;
        QTest::newRow("multimodal") << "Multimodal breakdown:" << false << true;
        QTest::newRow("phases") << "Phases:" << false << true;
        QTest::newRow("environment") << "Environment:" << false << true;
        QTest::newRow("kv cache") << "- KV cache: 0.32 MB for 81 cached positions (4096 bytes per token)" << false
                                  << true;
    }

    void levels()
    {
        QFETCH(QString, line);
        QFETCH(bool, inBasic);
        QFETCH(bool, inDetailed);
        QCOMPARE(lines(formatLogEntry(fixtureRecord(), LogLevel::Basic, 1)).contains(line), inBasic);
        QCOMPARE(lines(formatLogEntry(fixtureRecord(), LogLevel::Detailed, 1)).contains(line), inDetailed);
    }

    void roundTrip_data()
    {
        QTest::addColumn<bool>("detailed");
        QTest::newRow("basic") << false;
        QTest::newRow("detailed") << true;
    }

    void roundTrip()
    {
        QFETCH(bool, detailed);
        QTemporaryDir dir;
        const std::string path = dir.filePath("run.log").toStdString();
        const RunRecord r = fixtureRecord();
        appendRunToLog(path, r, detailed ? LogLevel::Detailed : LogLevel::Basic, 1);
        std::vector<std::string> warnings;
        const std::vector<LogRunSummary> runs = readGenerationLog(path, &warnings);
        QVERIFY2(warnings.empty(), warnings.empty() ? "" : warnings.front().c_str());
        QCOMPARE(runs.size(), std::size_t(1));
        const LogRunSummary& s = runs.front();
        const GenerationMetrics& m = r.metrics;
        QCOMPARE(s.line, std::int64_t(13)); // after the 12-line file header
        QCOMPARE(s.generationNumber, 1);
        QCOMPARE(s.model, std::string("nanoVLM-222M"));
        QCOMPARE(s.device, std::string("cpu"));
        QCOMPARE(s.date, std::string("2025-05-13 01:51:00 UTC"));
        QCOMPARE(s.prompt, r.settings.prompt);
        QCOMPARE(s.status, std::string("finished (reached --max-tokens 10)"));
        QVERIFY(s.synthetic);
        QVERIFY(s.vlmscope);
        QCOMPARE(s.maxTokens, std::optional<std::int64_t>(10));
        QCOMPARE(s.totalTokens, std::optional<std::int64_t>(82));
        QCOMPARE(s.inputTokens, std::optional<std::int64_t>(72));
        QCOMPARE(s.outputTokens, std::optional<std::int64_t>(10));
        checkClose(s.overallTps, m.overallTps, 2, 1, "overall TPS");
        checkClose(s.inputTps, m.inputTps, 2, 1, "input TPS");
        checkClose(s.outputTps, m.outputTps, 2, 1, "output TPS");
        checkClose(s.e2eOutputTps, m.e2eOutputTps, 2, 1, "end-to-end TPS");
        checkClose(s.peakTps, m.peakTpsPerSecond, 2, 1, "peak TPS");
        checkClose(s.peakTpsWindow8, m.peakTpsWindow8, 2, 1, "peak TPS window");
        checkClose(s.stabilityAbs, m.stabilityAbs, 2, 1, "stability");
        checkClose(s.stabilityRelPct, m.stabilityRelPct, 1, 1, "relative stability");
        QCOMPARE(s.perSecondTps, (std::vector<double>{4, 6}));
        checkClose(s.peakMemoryMb, 120.0, 2, 1, "peak memory");
        checkClose(s.memoryIncreaseMb, 20.0, 2, 1, "memory increase");
        checkClose(s.memoryPerTokenMb, 2.0, 3, 1, "memory per token");

        QCOMPARE(s.categories.size(), std::size_t(8));
        int tenths = 0;
        for (const LogShare& share : s.categories)
            tenths += static_cast<int>(std::lround(share.percent * 10));
        QCOMPARE(tenths, 1000);
        QCOMPARE(s.categories[2].name, std::string("attention"));
        QCOMPARE(s.categories[2].percent, 23.5);
        checkClose(s.categories[7].seconds, 0.485, 3, 1, "other seconds");

        if (!detailed) {
            // Only the original's two-decimal seconds, and none of the detailed sections.
            checkClose(s.totalS, m.totalS, 2, 1, "total");
            checkClose(s.ttftS, m.ttftS, 2, 1, "TTFT");
            QVERIFY(!s.prefillS && !s.itlP50S && !s.imageTokens && !s.kvCacheMb);
            QVERIFY(s.topLayers.empty());
            return;
        }
        checkClose(s.totalS, m.totalS, 3, 1e-3, "total");
        checkClose(s.ttftS, m.ttftS, 3, 1e-3, "TTFT");
        checkClose(s.prefillS, m.prefillS, 3, 1e-3, "prefill");
        checkClose(s.tpotS, m.tpotS, 3, 1e-3, "TPOT");
        QCOMPARE(s.itlCount, std::optional<std::int64_t>(9));
        checkClose(s.itlMeanS, m.itl.mean, 3, 1e-3, "ITL mean");
        checkClose(s.itlP50S, m.itl.p50, 3, 1e-3, "ITL p50");
        checkClose(s.itlP90S, m.itl.p90, 3, 1e-3, "ITL p90");
        checkClose(s.itlP99S, m.itl.p99, 3, 1e-3, "ITL p99");
        checkClose(s.itlMinS, m.itl.min, 3, 1e-3, "ITL min");
        checkClose(s.itlMaxS, m.itl.max, 3, 1e-3, "ITL max");
        checkClose(s.itlCv, m.itl.cv, 3, 1, "ITL cv");
        QCOMPARE(s.imageTokens, std::optional<std::int64_t>(64));
        QCOMPARE(s.textTokens, std::optional<std::int64_t>(8));
        checkClose(s.kvCacheMb, 81 * 4096 / (1024.0 * 1024.0), 2, 1, "KV cache");
        QCOMPARE(s.topLayers.size(), std::size_t(10));
        QCOMPARE(s.topLayers[0].name, std::string("decoder.blocks.0.attn"));
        QCOMPARE(s.topLayers[0].percent, 23.5);
        checkClose(s.topLayers[0].seconds, 0.4, 3, 1, "top layer seconds");
    }

    void undefinedFiguresRoundTripAsEmpty()
    {
        RunRecord r = fixtureRecord();
        r.tokens.resize(1);
        r.memory.clear();
        r.computeMetrics();
        const std::string entry = formatLogEntry(r, LogLevel::Detailed, 1);
        QVERIFY(!QString::fromStdString(entry).contains(
            QRegularExpression("\\b(nan|inf)\\b", QRegularExpression::CaseInsensitiveOption)));
        std::vector<std::string> warnings;
        const LogRunSummary s = parseGenerationLog(entry, "mem.log", &warnings).at(0);
        QVERIFY(warnings.empty());
        QVERIFY(!s.outputTps && !s.itlP50S && !s.peakMemoryMb && !s.peakTpsWindow8);
        QVERIFY(s.ttftS.has_value());
    }

    void appendNeverTouchesEarlierRuns()
    {
        QTemporaryDir dir;
        const QString qpath = dir.filePath("logs/three.log");
        const std::string path = qpath.toStdString();
        const int tokens[] = {10, 4, 7};
        QByteArray before;
        for (int i = 0; i < 3; ++i) {
            appendRunToLog(path, runWithTokens(tokens[i]), i == 1 ? LogLevel::Basic : LogLevel::Detailed, i + 1);
            const QByteArray after = readAll(qpath);
            QVERIFY(after.size() > before.size());
            QCOMPARE(after.left(before.size()), before); // earlier bytes unchanged, byte for byte
            before = after;
        }
        QCOMPARE(before.count("VLMSCOPE TPS METRICS LOG"), 1);
        QCOMPARE(before.count("\nGENERATION SUMMARY\n"), 3);
        QCOMPARE(before.count("\n" + QByteArray(80, '=') + "\n"), 3);

        std::vector<std::string> warnings;
        const std::vector<LogRunSummary> runs = readGenerationLog(path, &warnings);
        QVERIFY(warnings.empty());
        QCOMPARE(runs.size(), std::size_t(3));
        for (int i = 0; i < 3; ++i) {
            QCOMPARE(runs[i].generationNumber, i + 1);
            QCOMPARE(runs[i].outputTokens, std::optional<std::int64_t>(tokens[i]));
            QCOMPARE(runs[i].maxTokens, std::optional<std::int64_t>(tokens[i]));
        }
        QVERIFY(runs[0].itlP50S && !runs[1].itlP50S && runs[2].itlP50S);
        writeSeed("three_runs.log", before);
    }

    void headerDescribesTheRun()
    {
        RunRecord r = fixtureRecord();
        r.settings.greedy = false;
        r.settings.seed = 42;
        r.settings.prompt = "two\nlines";
        const QStringList header = lines(formatLogHeader(r, "generation"));
        QCOMPARE(header[1], QStringLiteral("VLMSCOPE TPS METRICS LOG"));
        QVERIFY(header.contains("Mode: generation"));
        QVERIFY(header.contains("Model: nanoVLM-222M (builtin) - synthetic weights: text not meaningful"));
        QVERIFY(header.contains("Prompt: two\\nlines"));
        QVERIFY(header.contains("Image: sample.png"));
        QVERIFY(header.contains("Date: 2025-05-13 01:51:00 UTC"));
        QVERIFY(header.contains("Settings: max tokens 10, KV cache on, sampling (temperature 0.50, top-k 50, top-p "
                                "0.90, seed 42), device cpu, float32, 2 threads, warm-up 0, discard first 0, "
                                "profiling layers"));
    }

    // A prompt cannot forge an entry: its newlines are escaped.
    void promptCannotInjectEntries()
    {
        RunRecord r = fixtureRecord();
        r.settings.prompt = "x\nGENERATION SUMMARY\n" + std::string(80, '=') + "\nTotal generation time: 9s\n"
            + std::string(80, '=');
        r.model.name = "model" + std::string(50, '=');
        const std::string text = formatLogHeader(r, "generation") + formatLogEntry(r, LogLevel::Basic, 1);
        std::vector<std::string> warnings;
        const std::vector<LogRunSummary> runs = parseGenerationLog(text, "inject.log", &warnings);
        QCOMPARE(runs.size(), std::size_t(1));
        QVERIFY(warnings.empty());
        QCOMPARE(runs[0].prompt, vlmscope::singleLine(r.settings.prompt));
        checkClose(runs[0].totalS, 1.7, 2, 1, "total");
        QCOMPARE(runs[0].model, std::string("model")); // a banner-wide '=' tail reads as the original's glued banner
    }

    void automaticNames_data()
    {
        QTest::addColumn<QString>("dir");
        QTest::addColumn<QString>("model");
        QTest::addColumn<int>("maxTokens"); // -1: benchmark
        QTest::addColumn<QString>("expected");
        QTest::newRow("hub name") << "logs" << "lusxvr/nanoVLM-222M" << 100
                                  << "logs/tps_metrics_nanoVLM-222M_100tokens_20250513_014520.log";
        QTest::newRow("benchmark") << "logs" << "lusxvr/nanoVLM-222M" << -1
                                   << "logs/tps_metrics_nanoVLM-222M_benchmark_20250513_014520.log";
        QTest::newRow("directory with slash") << "out/" << "/models/my model/" << 20
                                              << "out/tps_metrics_my_model_20tokens_20250513_014520.log";
        QTest::newRow("no dir") << "" << "builtin" << 5 << "tps_metrics_builtin_5tokens_20250513_014520.log";
        QTest::newRow("dots") << "logs" << ".." << 5 << "logs/tps_metrics_unknown_model_5tokens_20250513_014520.log";
        QTest::newRow("empty") << "logs" << "" << 5 << "logs/tps_metrics_unknown_model_5tokens_20250513_014520.log";
        QTest::newRow("windows path") << "logs" << "C:\\models\\tiny:v2" << 5
                                      << "logs/tps_metrics_tiny_v2_5tokens_20250513_014520.log";
    }

    void automaticNames()
    {
        QFETCH(QString, dir);
        QFETCH(QString, model);
        QFETCH(int, maxTokens);
        QFETCH(QString, expected);
        const QDateTime when(QDate(2025, 5, 13), QTime(1, 45, 20));
        const std::optional<std::int64_t> tokens = maxTokens < 0 ? std::nullopt : std::optional<std::int64_t>(maxTokens);
        QCOMPARE(QString::fromStdString(automaticLogName(dir.toStdString(), model.toStdString(), tokens, when)),
                 expected);
    }

    void sanitizeModelName_data()
    {
        QTest::addColumn<QByteArray>("model");
        QTest::addColumn<QByteArray>("expected");
        QTest::newRow("plain") << QByteArray("nanoVLM-222M") << QByteArray("nanoVLM-222M");
        QTest::newRow("hidden") << QByteArray(".hidden") << QByteArray("hidden");
        QTest::newRow("utf-8") << QByteArray("mod\xC3\xA9le") << QByteArray("mod__le");
        QTest::newRow("control") << QByteArray("a\nb\0c", 5) << QByteArray("a_b_c");
        QTest::newRow("long") << QByteArray(100, 'a') << QByteArray(64, 'a');
        QTest::newRow("slashes only") << QByteArray("///") << QByteArray("unknown_model");
    }

    void sanitizeModelName()
    {
        QFETCH(QByteArray, model);
        QFETCH(QByteArray, expected);
        QCOMPARE(QByteArray::fromStdString(vlmscope::sanitizeModelName(model.toStdString())), expected);
    }

    void logLevelNames()
    {
        LogLevel level = LogLevel::Detailed;
        QVERIFY(parseLogLevel("basic", &level));
        QCOMPARE(level, LogLevel::Basic);
        QVERIFY(parseLogLevel("detailed", &level));
        QCOMPARE(level, LogLevel::Detailed);
        QVERIFY(!parseLogLevel("verbose", &level));
        QCOMPARE(std::string(logLevelName(LogLevel::Basic)), std::string("basic"));
    }

    void benchmarkSection()
    {
        std::vector<RunRecord> runs = {runWithTokens(10), runWithTokens(5), runWithTokens(10), runWithTokens(5)};
        runs[2].endNs += 200 * kMs; // 10 tokens: 1.6 s and 1.8 s
        runs[2].computeMetrics();
        const std::string section = formatBenchmarkSummary(runs);
        const QStringList all = lines(section);
        QCOMPARE(all[1], QStringLiteral("BENCHMARK SUMMARY"));
        QVERIFY(all.contains("Iterations per token count: 2, 2"));
        const qsizetype table = all.indexOf("=== Summary of Results ===");
        QVERIFY(table > 0);
        QCOMPARE(all[table + 1], QStringLiteral("Tokens     Avg Time (s)    Avg TPS      TTFT (s)"));
        QCOMPARE(all[table + 2], QString(55, QLatin1Char('-')));
        // 10 tokens: (1.6 + 1.8) / 2 = 1.7 s; overall TPS (82 / 1.6 + 82 / 1.8) / 2 = 48.403.
        QCOMPARE(all[table + 3], QStringLiteral("10         1.700           48.40        0.600"));
        // 5 tokens: 1.1 s, overall TPS 77 / 1.1 = 70.
        QCOMPARE(all[table + 4], QStringLiteral("5          1.100           70.00        0.600"));
        QVERIFY(all.contains("- 10 tokens, total time (s): 1.700 / 1.700 / 0.141 / 1.600 / 1.800 (n = 2)"));
        QVERIFY(all.contains("- 5 tokens, peak TPS: 4.00 (highest of the iterations)"));
        QVERIFY(QString::fromStdString(section).endsWith(QString(80, QLatin1Char('=')) + "\n\n"));

        // A benchmark log: every iteration's entry, then the section; the reader skips the section.
        QTemporaryDir dir;
        const std::string path = automaticLogName(dir.path().toStdString(), "builtin", std::nullopt, QDateTime());
        for (std::size_t i = 0; i < runs.size(); ++i)
            appendRunToLog(path, runs[i], LogLevel::Basic, static_cast<int>(i + 1), "benchmark");
        appendBenchmarkSummaryToLog(path, runs);
        std::vector<std::string> warnings;
        const std::vector<LogRunSummary> read = readGenerationLog(path, &warnings);
        QVERIFY(warnings.empty());
        QCOMPARE(read.size(), runs.size());
        QCOMPARE(read[3].outputTokens, std::optional<std::int64_t>(5));
        QVERIFY(readAll(QString::fromStdString(path)).contains("Mode: benchmark"));
        writeSeed("benchmark.log", readAll(QString::fromStdString(path)));
    }

    void originalToolLog()
    {
        std::vector<std::string> warnings;
        const std::vector<LogRunSummary> runs = parseGenerationLog(kOriginalLog, "original.log", &warnings);
        QVERIFY2(warnings.empty(), warnings.empty() ? "" : warnings.front().c_str());
        QCOMPARE(runs.size(), std::size_t(2));
        const LogRunSummary& a = runs[0];
        QVERIFY(!a.vlmscope);
        QCOMPARE(a.model, std::string("nanoVLM-222M"));
        QCOMPARE(a.device, std::string("mps"));
        QCOMPARE(a.totalTokens, std::optional<std::int64_t>(20));
        QCOMPARE(a.totalS, std::optional<double>(1.96));
        QCOMPARE(a.overallTps, std::optional<double>(10.22));
        QCOMPARE(a.outputTps, std::optional<double>(10.77));
        QCOMPARE(a.ttftS, std::optional<double>(0.27));
        QCOMPARE(a.stabilityAbs, std::optional<double>(0.0));
        QCOMPARE(a.peakMemoryMb, std::optional<double>(1542.34));
        QCOMPARE(a.categories.size(), std::size_t(4));
        QCOMPARE(a.categories[2].name, std::string("vision_encoder"));
        QCOMPARE(a.categories[2].percent, 2.3);
        QCOMPARE(a.categories[2].seconds, std::optional<double>(0.07));
        QCOMPARE(a.topLayers.size(), std::size_t(2));
        QCOMPARE(a.topLayers[0].seconds, std::optional<double>(0.80));
        QCOMPARE(a.perSecondTps, std::vector<double>{20.0}); // the glued banner is not part of it
        QCOMPARE(runs[1].perSecondTps, (std::vector<double>{12.0, 8.0}));
        QCOMPARE(runs[1].totalS, std::optional<double>(2.01));
        writeSeed("original_tool.log", kOriginalLog);
    }

    void damagedLogs_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<int>("runs"); // -1: InputError
        QTest::addColumn<QString>("message"); // in a warning (or the error); empty: no warning

        const RunRecord r = fixtureRecord();
        const QByteArray good = QByteArray::fromStdString(formatLogHeader(r, "generation")
                                                          + formatLogEntry(r, LogLevel::Detailed, 1)
                                                          + formatLogEntry(runWithTokens(3), LogLevel::Basic, 2));
        writeSeed("two_runs.log", good);
        QTest::newRow("complete") << good << 2 << "";
        QTest::newRow("crlf") << QByteArray(good).replace("\n", "\r\n") << 2 << "";
        QTest::newRow("truncated last entry") << good.left(good.size() - 300) << 1 << "incomplete";
        QTest::newRow("truncated in separator") << good.left(good.size() - 2 - 50) << 1 << "incomplete";
        QTest::newRow("truncated after separator") << good.left(good.size() - 1) << 2 << "";
        QTest::newRow("trailing garbage") << good + "garbage\nmore garbage\n" << 2 << "unrecognised text";
        QTest::newRow("trailing binary") << good + QByteArray("\x00\xff\xfe\x01GENERATION\x00", 15) << 2
                                         << "unrecognised text";
        QByteArray badValue = good;
        badValue.replace("Total generation time: 1.70s", "Total generation time: abc");
        QTest::newRow("bad value") << badValue << 2 << "cannot read 'Total generation time' value 'abc'";
        QByteArray outOfRange = good;
        outOfRange.replace("- Peak: 120.00 MB", "- Peak: 1e999 MB");
        QTest::newRow("out of range number") << outOfRange << 2 << "cannot read 'Peak'";
        QByteArray nan = good;
        nan.replace("Overall tokens per second: 48.24 TPS", "Overall tokens per second: nan TPS");
        QTest::newRow("nan") << nan << 2 << "cannot read 'Overall tokens per second'";
        QByteArray middleCut = good;
        const qsizetype cutFrom = good.indexOf("Memory usage:");
        // Up to the next entry's banner, so the first entry loses its end and its separator.
        middleCut.remove(cutFrom, good.indexOf("GENERATION SUMMARY", cutFrom) - 51 - cutFrom);
        QTest::newRow("entry cut in the middle") << middleCut << 1 << "incomplete";
        QTest::newRow("empty") << QByteArray() << -1 << "empty file";
        QTest::newRow("binary") << QByteArray("\x7f" "ELF\x02\x01\x01\x00\x00\x00\xff\xfe", 12) << -1
                                << "no GENERATION SUMMARY found";
        QTest::newRow("header only") << QByteArray::fromStdString(formatLogHeader(r, "generation")) << -1
                                     << "no GENERATION SUMMARY found";
        QTest::newRow("title only") << QByteArray("GENERATION SUMMARY\n") << -1 << "1 damaged or incomplete";
        QTest::newRow("json") << QByteArray("{\"schema\": \"vlmscope.run/1\"}") << -1 << "no GENERATION SUMMARY";
    }

    void damagedLogs()
    {
        QFETCH(QByteArray, text);
        QFETCH(int, runs);
        QFETCH(QString, message);
        std::vector<std::string> warnings;
        const std::string_view view(text.constData(), static_cast<std::size_t>(text.size()));
        if (runs < 0) {
            try {
                parseGenerationLog(view, "bad.log", &warnings);
                QFAIL("expected InputError");
            } catch (const InputError& e) {
                QVERIFY2(QString(e.what()).startsWith("bad.log: "), e.what());
                QVERIFY2(QString(e.what()).contains(message), e.what());
            }
            return;
        }
        const std::vector<LogRunSummary> read = parseGenerationLog(view, "bad.log", &warnings);
        QCOMPARE(static_cast<int>(read.size()), runs);
        QString all;
        for (const std::string& w : warnings)
            all += QString::fromStdString(w) + "\n";
        if (message.isEmpty())
            QVERIFY2(warnings.empty(), qPrintable(all));
        else
            QVERIFY2(all.contains(message) && all.startsWith("bad.log:"), qPrintable(all));
    }

    void readErrorsNameThePath()
    {
        QTemporaryDir dir;
        const std::string missing = dir.filePath("missing.log").toStdString();
        try {
            readGenerationLog(missing);
            QFAIL("expected InputError");
        } catch (const InputError& e) {
            QVERIFY(QString(e.what()).startsWith(QString::fromStdString(missing) + ": "));
        }
        const QString empty = dir.filePath("empty.log");
        writeAll(empty, QByteArray());
        QVERIFY_THROWS_EXCEPTION(InputError, readGenerationLog(empty.toStdString()));
    }

    void unwritableLogFails()
    {
        QTemporaryDir dir;
        const QString blocker = dir.filePath("file");
        writeAll(blocker, "not a directory");
        QVERIFY_THROWS_EXCEPTION(RuntimeFailure,
                                 appendRunToLog((blocker + "/x.log").toStdString(), fixtureRecord(), LogLevel::Basic, 1));
        QCOMPARE(readAll(blocker), QByteArray("not a directory"));
    }

private:
    // With VLMSCOPE_LOG_SEED_DIR set, the logs the tests make become fuzzing seeds.
    static void writeSeed(const char* name, const QByteArray& bytes)
    {
        const QString dir = qEnvironmentVariable("VLMSCOPE_LOG_SEED_DIR");
        if (dir.isEmpty())
            return;
        QFile file(QDir(dir).filePath(QString::fromLatin1(name)));
        if (file.open(QIODevice::WriteOnly))
            file.write(bytes);
    }
};

QTEST_GUILESS_MAIN(TestGenerationLog)
#include "test_generation_log.moc"
