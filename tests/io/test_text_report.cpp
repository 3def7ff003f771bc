// Checks the human-readable report: every section of the original "Token Generation Metrics"
// block and our additions, the exact numbers of a hand-computed run, category shares that sum
// to exactly 100.0%, and "n/a" (never nan or inf) for undefined figures.
#include "core/io/layer_breakdown.h"
#include "core/io/text_format.h"
#include "core/io/text_report.h"
#include "text_fixture.h"

#include <QtTest>

#include <cmath>
#include <limits>

using namespace vlmscope;
using textfixture::fixtureRecord;
using textfixture::kMs;

Q_DECLARE_METATYPE(vlmscope::RunRecord)

namespace {

QStringList lines(const std::string& text) { return QString::fromStdString(text).split(QLatin1Char('\n')); }

// The lines of the section titled `title` (up to the next blank line).
QStringList sectionLines(const std::string& text, const QString& title)
{
    const QStringList all = lines(text);
    QStringList out;
    const int start = static_cast<int>(all.indexOf(title));
    if (start < 0)
        return out;
    for (int i = start + 1; i < all.size() && !all[i].isEmpty(); ++i)
        out << all[i];
    return out;
}

// Sums "12.3%" figures of "- name: 12.3% ..." lines, in tenths to stay exact.
int sumTenths(const QStringList& shareLines)
{
    int tenths = 0;
    for (const QString& line : shareLines) {
        const QString number = line.section(QLatin1String(": "), 1).section(QLatin1Char('%'), 0, 0);
        bool ok = false;
        const double value = number.toDouble(&ok);
        if (!ok)
            return -1;
        tenths += static_cast<int>(std::lround(value * 10));
    }
    return tenths;
}

void checkNoNanOrInf(const std::string& text)
{
    const QRegularExpression undefined("\\b(nan|inf|infinity)\\b", QRegularExpression::CaseInsensitiveOption);
    QVERIFY2(!QString::fromStdString(text).contains(undefined), qPrintable(QString::fromStdString(text)));
}

} // namespace

class TestTextReport : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void reportLines_data()
    {
        QTest::addColumn<QString>("line");
        const char* expected[] = {
            "=== Token Generation Metrics ===",
            "Note: synthetic weights: text not meaningful",
            "Total tokens generated: 82",
            "  - Input tokens: 72",
            "  - Output tokens: 10",
            "Total generation time: 1.70s",
            "Overall tokens per second: 48.24 TPS",
            "  - Input TPS: 144.00 tokens/s",
            "  - Output TPS: 9.00 tokens/s",
            "  - End-to-end output TPS: 5.88 tokens/s",
            "Time to first token (TTFT): 0.60s",
            "Peak TPS: 6.00 tokens/s",
            "  - Peak TPS (8-token window): 10.00 tokens/s",
            "TPS stability:",
            "  - Absolute: ±1.00 TPS",
            "  - Relative: ±20.0% of mean TPS",
            "Latency:",
            "- Total: 1700.000 ms",
            "- Prefill: 500.000 ms",
            "- TTFT: 600.000 ms",
            "- TPOT: 111.111 ms",
            "Inter-token latency (9 intervals):",
            "- Mean: 111.111 ms",
            "- p50: 100.000 ms",
            "- p90: 160.000 ms",
            "- p99: 196.000 ms",
            "- Min: 50.000 ms",
            "- Max: 200.000 ms",
            "Multimodal breakdown:",
            "- Image tokens: 64",
            "- Text tokens: 8",
            "- Vision encoder: 0.200s (11.8% of time)",
            "- Projector: 0.010s (0.6% of time)",
            "- Language model: 1.105s (65.0% of time)",
            "- Outside layer scopes: 0.385s (22.6% of time)",
            "Memory usage:",
            "- Peak: 120.00 MB",
            "- Increase: 20.00 MB",
            "- Per token: 2.000 MB",
            "- Allocator peak: 25.00 MB (increase 15.00 MB, 1.500 MB per token)",
            "- KV cache: 0.32 MB for 81 cached positions (4096 bytes per token)",
            "Layer performance:",
            "- vision_encoder: 11.8% of time (0.200s)",
            "- projector: 0.6% of time (0.010s)",
            "- attention: 23.5% of time (0.400s)",
            "- ffn: 23.5% of time (0.400s)",
            "- norm: 5.9% of time (0.100s)",
            "- embedding: 0.3% of time (0.005s)",
            "- lm_head: 5.9% of time (0.100s)",
            "- other: 28.5% of time (0.485s, of which 0.385s outside layer scopes)",
            "Detailed layer breakdown (top 10):",
            "- decoder.blocks.0.attn: 23.5% (0.400s self, 0.400s inclusive, 10 calls, 40.000 ms per call)",
            "- vision_encoder.blocks.0: 10.6% (0.180s self, 0.180s inclusive, 1 calls, 180.000 ms per call)",
            "- decoder: 2.9% (0.050s self, 1.000s inclusive, 10 calls, 100.000 ms per call)",
            "Phases:",
            "- Image preprocessing: 10.000 ms",
            "- Vision encoder: 200.000 ms",
            "- Prefill: 280.000 ms",
            "- Decode: 1000.000 ms over 9 steps (111.111 ms per step)",
            "TPS per second:",
            "- 0-1s: 4.0, 6.0",
            "Environment:",
            "- CPU: Test CPU, 4 logical cores",
            "- CPU utilisation: 1.50 cores",
        };
        for (const char* line : expected)
            QTest::newRow(line) << QString::fromUtf8(line);
    }

    void reportLines()
    {
        QFETCH(QString, line);
        const std::string report = formatReport(fixtureRecord(), true);
        QVERIFY2(lines(report).contains(line), qPrintable(QString::fromStdString(report)));
    }

    void sectionOrderFollowsOriginal()
    {
        const QStringList all = lines(formatReport(fixtureRecord(), true));
        QCOMPARE(all.first(), QStringLiteral("=== Token Generation Metrics ==="));
        const QStringList order = {"Total tokens generated: 82", "Memory usage:", "Layer performance:",
                                   "Detailed layer breakdown (top 10):", "TPS per second:"};
        qsizetype previous = -1;
        for (const QString& title : order) {
            const qsizetype at = all.indexOf(title);
            QVERIFY2(at > previous, qPrintable(title));
            previous = at;
        }
    }

    void topTenIsBySelfTime()
    {
        const QStringList top = sectionLines(formatReport(fixtureRecord(), true), "Detailed layer breakdown (top 10):");
        QCOMPARE(top.size(), 10);
        QVERIFY(top[0].startsWith("- decoder.blocks.0.attn: "));
        QVERIFY(top[1].startsWith("- decoder.blocks.0.mlp: "));
        QVERIFY(top[2].startsWith("- vision_encoder.blocks.0: "));
        QVERIFY(top[9].startsWith("- decoder.token_embedding: "));
    }

    void categorySharesSumTo100()
    {
        const std::string report = formatReport(fixtureRecord(), false);
        const QStringList categories = sectionLines(report, "Layer performance:");
        QCOMPARE(categories.size(), 8);
        QCOMPARE(sumTenths(categories), 1000);
        const QStringList parts = sectionLines(report, "Multimodal breakdown:").mid(2);
        QCOMPARE(parts.size(), 4);
        int tenths = 0;
        for (const QString& part : parts)
            tenths += static_cast<int>(std::lround(part.section('(', 1).section('%', 0, 0).toDouble() * 10));
        QCOMPARE(tenths, 1000);

        const LayerBreakdown b = computeLayerBreakdown(fixtureRecord());
        double seconds = 0;
        for (const double s : b.categoryS)
            seconds += s;
        QCOMPARE(seconds, b.totalS);
        QCOMPARE(b.totalS, 1.7);
    }

    // Three shares of a third each: naive rounding prints 33.3 three times (99.9%).
    void categorySharesSumTo100WhenRoundingWouldNot()
    {
        RunRecord r = fixtureRecord();
        r.scopes.clear();
        textfixture::addScope(r, "a", ScopeCategory::Attention, -1, 1, 1, 1);
        textfixture::addScope(r, "f", ScopeCategory::Ffn, -1, 1, 1, 1);
        r.endNs = 3 * kMs; // 1 ms outside scopes lands in other
        r.tokens.resize(1);
        r.phases.clear();
        r.memory.clear();
        r.prefillEndNs = 0;
        r.tokens[0].timeNs = 2 * kMs;
        r.computeMetrics();
        const QStringList categories = sectionLines(formatReport(r, false), "Layer performance:");
        QCOMPARE(sumTenths(categories), 1000);
        QVERIFY(categories.contains("- attention: 33.4% of time (0.001s)"));
        QVERIFY(categories.contains("- ffn: 33.3% of time (0.001s)"));
    }

    void syntheticNoteOnlyForSyntheticWeights()
    {
        RunRecord r = fixtureRecord();
        QVERIFY(QString::fromStdString(formatReport(r, false)).contains("synthetic weights: text not meaningful"));
        r.model.synthetic = false;
        QVERIFY(!QString::fromStdString(formatReport(r, false)).contains("synthetic weights"));
    }

    void reducedPrecisionIsLabelled()
    {
        RunRecord r = fixtureRecord();
        r.settings.dtype = "float32";
        QVERIFY(!QString::fromStdString(formatReport(r, false)).contains("Precision:"));
        r.settings.dtype = "bfloat16";
        QVERIFY(QString::fromStdString(formatReport(r, false))
                    .contains("Precision: bfloat16 weight matrices (float32 accumulation, bf16 GEMM inputs in vision and prefill)"));
        r.settings.dtype = "int8";
        QVERIFY(QString::fromStdString(formatReport(r, false)).contains("Precision: int8 linear layers (int8 weights per output channel"));
        // A name from a newer version still gets a label rather than passing as float32.
        r.settings.dtype = "fp4";
        QVERIFY(QString::fromStdString(formatReport(r, false)).contains("Precision: fp4 weights; logits differ from float32"));
    }

    void detailedAddsSections()
    {
        const QString basic = QString::fromStdString(formatReport(fixtureRecord(), false));
        const QString detailed = QString::fromStdString(formatReport(fixtureRecord(), true));
        for (const char* title : {"Detailed layer breakdown (top 10):", "Phases:", "Environment:"}) {
            QVERIFY2(!basic.contains(title), title);
            QVERIFY2(detailed.contains(title), title);
        }
        for (const char* title : {"Layer performance:", "Memory usage:", "Inter-token latency (9 intervals):"})
            QVERIFY2(basic.contains(title), title);
    }

    void statusLineWhenNotFinished()
    {
        RunRecord r = fixtureRecord();
        r.status = RunStatus::Stopped;
        r.statusDetail = "stopped on request\nafter 10 tokens";
        QVERIFY(lines(formatReport(r, false)).contains("Status: stopped (stopped on request\\nafter 10 tokens)"));
    }

    void perSecondChunksOfTen()
    {
        RunRecord r = fixtureRecord();
        r.metrics.perSecondTps.assign(23, 1.0);
        r.metrics.perSecondTps[10] = 12.25;
        const QStringList chunks = sectionLines(formatReport(r, false), "TPS per second:");
        QCOMPARE(chunks.size(), 3);
        QVERIFY(chunks[0].startsWith("- 0-9s: 1.0, 1.0,"));
        QVERIFY(chunks[1].startsWith("- 10-19s: 12.2, 1.0")); // 12.25 rounds half to even
        QCOMPARE(chunks[2], QStringLiteral("- 20-22s: 1.0, 1.0, 1.0"));
    }

    void undefinedFiguresPrintNa_data()
    {
        QTest::addColumn<RunRecord>("record");
        QTest::addColumn<QString>("expectedLine");

        RunRecord none = fixtureRecord();
        none.tokens.clear();
        none.phases.clear();
        none.computeMetrics();
        QTest::newRow("no tokens") << none << "Time to first token (TTFT): n/a";

        RunRecord one = fixtureRecord();
        one.tokens.resize(1);
        one.computeMetrics();
        QTest::newRow("one token") << one << "- p90: n/a";

        RunRecord noMemory = fixtureRecord();
        noMemory.memory.clear();
        noMemory.computeMetrics();
        QTest::newRow("no memory samples") << noMemory << "- Peak: n/a";

        RunRecord instant = fixtureRecord();
        instant.tokens.clear();
        instant.phases.clear();
        instant.memory.clear();
        instant.prefillEndNs = 0;
        instant.endNs = 0;
        for (ScopeSummary& s : instant.scopes)
            s.selfNs = s.inclusiveNs = s.calls = 0;
        instant.computeMetrics();
        QTest::newRow("zero-length run") << instant << "Overall tokens per second: n/a";

        RunRecord off = fixtureRecord();
        for (ScopeSummary& s : off.scopes)
            s.selfNs = s.inclusiveNs = s.calls = 0;
        QTest::newRow("profiling off") << off << "- n/a (layer profiling off)";

        RunRecord uncomputed = fixtureRecord();
        uncomputed.metrics.totalS = std::numeric_limits<double>::quiet_NaN();
        uncomputed.metrics.outputTps = std::numeric_limits<double>::infinity();
        QTest::newRow("non-finite values") << uncomputed << "  - Output TPS: n/a";

        RunRecord noKv = fixtureRecord();
        noKv.settings.kvCache = false;
        QTest::newRow("no kv cache") << noKv << "- KV cache: off (--no-kv-cache)";

        RunRecord stoppedEarly = fixtureRecord();
        stoppedEarly.kvCacheBytes = 0;
        QTest::newRow("no kv bytes") << stoppedEarly << "- KV cache: n/a";
    }

    void undefinedFiguresPrintNa()
    {
        QFETCH(RunRecord, record);
        QFETCH(QString, expectedLine);
        for (const bool detailed : {false, true}) {
            const std::string report = formatReport(record, detailed);
            QVERIFY2(lines(report).contains(expectedLine), qPrintable(QString::fromStdString(report)));
            checkNoNanOrInf(report);
        }
    }

    // Records read from files may hold nonsense: shares stay within 0..100%, nothing negative.
    void hostileScopeValues()
    {
        RunRecord r = fixtureRecord();
        r.scopes[0].selfNs = -5 * kMs;
        r.scopes[1].selfNs = std::numeric_limits<std::int64_t>::max();
        r.scopes[2].category = static_cast<ScopeCategory>(99);
        r.scopes[3].name = "evil\nGENERATION SUMMARY";
        r.phases.push_back({Phase::DecodeStep, 1, std::numeric_limits<std::int64_t>::max(),
                            std::numeric_limits<std::int64_t>::min()});
        const std::string report = formatReport(r, true);
        checkNoNanOrInf(report);
        QCOMPARE(sumTenths(sectionLines(report, "Layer performance:")), 1000);
        QVERIFY(!lines(report).contains("GENERATION SUMMARY"));
        QVERIFY(!QString::fromStdString(report).contains(": -"));
    }

    void formatFixed_data()
    {
        QTest::addColumn<double>("value");
        QTest::addColumn<int>("decimals");
        QTest::addColumn<QString>("expected");
        QTest::newRow("two decimals") << 48.235294 << 2 << "48.24";
        QTest::newRow("zero") << 0.0 << 2 << "0.00";
        QTest::newRow("negative zero") << -0.0 << 1 << "0.0";
        QTest::newRow("tiny negative") << -0.0001 << 2 << "0.00";
        QTest::newRow("negative") << -1.5 << 1 << "-1.5";
        QTest::newRow("no decimals") << 4096.4 << 0 << "4096";
        QTest::newRow("nan") << std::numeric_limits<double>::quiet_NaN() << 2 << "n/a";
        QTest::newRow("inf") << std::numeric_limits<double>::infinity() << 2 << "n/a";
        QTest::newRow("huge") << 1e20 << 2 << "100000000000000000000.00";
    }

    void formatFixed()
    {
        QFETCH(double, value);
        QFETCH(int, decimals);
        QFETCH(QString, expected);
        QCOMPARE(QString::fromStdString(vlmscope::formatFixed(value, decimals)), expected);
    }

    void roundToTotal_data()
    {
        QTest::addColumn<std::vector<double>>("shares");
        QTest::addColumn<std::vector<int>>("expected");
        QTest::newRow("thirds") << std::vector<double>{1, 1, 1} << std::vector<int>{334, 333, 333};
        QTest::newRow("exact") << std::vector<double>{1, 3} << std::vector<int>{250, 750};
        QTest::newRow("all zero") << std::vector<double>{0, 0} << std::vector<int>{0, 0};
        QTest::newRow("negative ignored") << std::vector<double>{-1, 1} << std::vector<int>{0, 1000};
        QTest::newRow("nan ignored") << std::vector<double>{std::nan(""), 2, 2} << std::vector<int>{0, 500, 500};
        QTest::newRow("empty") << std::vector<double>{} << std::vector<int>{};
    }

    void roundToTotal()
    {
        QFETCH(std::vector<double>, shares);
        QFETCH(std::vector<int>, expected);
        QCOMPARE(vlmscope::roundToTotal(shares, 1000), expected);
    }

    void singleLine_data()
    {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<int>("maxBytes");
        QTest::addColumn<QByteArray>("expected");
        QTest::newRow("plain") << QByteArray("What is this?") << 100 << QByteArray("What is this?");
        QTest::newRow("newline") << QByteArray("a\nb\r\tc") << 100 << QByteArray("a\\nb\\r\\tc");
        QTest::newRow("control") << QByteArray("a\x01" "b") << 100 << QByteArray("a\\x01b");
        QTest::newRow("cut") << QByteArray("abcdef") << 3 << QByteArray("abc...");
        QTest::newRow("cut inside utf-8") << QByteArray("ab\xC3\xA9z") << 3 << QByteArray("ab...");
    }

    void singleLine()
    {
        QFETCH(QByteArray, input);
        QFETCH(int, maxBytes);
        QFETCH(QByteArray, expected);
        const std::string out = vlmscope::singleLine(input.toStdString(), static_cast<std::size_t>(maxBytes));
        QCOMPARE(QByteArray::fromStdString(out), expected);
    }

    void logDate_data()
    {
        QTest::addColumn<QString>("iso");
        QTest::addColumn<QString>("expected");
        QTest::newRow("utc with ms") << "2025-05-13T01:51:00.123Z" << "2025-05-13 01:51:00 UTC";
        QTest::newRow("offset") << "2025-05-13T03:51:00+02:00" << "2025-05-13 01:51:00 UTC";
        QTest::newRow("garbage") << "yesterday\n" << "yesterday\\n";
    }

    void logDate()
    {
        QFETCH(QString, iso);
        QFETCH(QString, expected);
        QCOMPARE(QString::fromStdString(formatLogDate(iso.toStdString())), expected);
    }
};

QTEST_GUILESS_MAIN(TestTextReport)
#include "test_text_report.moc"
