// CI outputs of the gate: JUnit XML read back with QXmlStreamReader (testsuites / testsuite /
// testcase / failure, escaping), and the Markdown summary's table shape.
#include "core/stats/ci_reports.h"
#include "core/util/error.h"

#include <QTemporaryDir>
#include <QXmlStreamReader>
#include <QtTest>

#include <cmath>
#include <map>

using namespace vlmscope;

namespace {

MetricComparison comparison(const std::string& configuration, const std::string& name, ComparisonScope scope, bool gated,
                            double baseline, double candidate, double p)
{
    MetricComparison c;
    c.spec = {configuration, name, scope == ComparisonScope::Layer ? "ms/step" : "tok/s", scope,
              scope == ComparisonScope::Layer ? Better::Lower : Better::Higher, gated, "run"};
    c.difference.baselineCount = c.difference.candidateCount = 5;
    c.difference.baselineMedian = baseline;
    c.difference.candidateMedian = candidate;
    const double pct = (candidate - baseline) / baseline * 100;
    c.difference.delta = {candidate - baseline, candidate - baseline - 1, candidate - baseline + 1, 0.95};
    c.difference.changePct = {pct, pct - 2, pct + 2, 0.95};
    c.pValue = p;
    c.significant = p < 0.05;
    c.worse = c.spec.better == Better::Higher ? candidate < baseline : candidate > baseline;
    c.regressionPct = c.spec.better == Better::Higher ? -pct : pct;
    return c;
}

SignificantGateResult sampleGate()
{
    return significantGate({comparison("100 tokens", "decode TPS", ComparisonScope::Metric, true, 41.2, 35.0, 0.001),
                            comparison("100 tokens", "TTFT", ComparisonScope::Metric, true, 40, 40.5, 0.6),
                            comparison("100 tokens", "decoder.head", ComparisonScope::Layer, false, 0.01, 0.02, 0.001),
                            comparison("20 tokens, <kv> & \"off\"", "decoder.blocks.0|attn\x01\xff", ComparisonScope::Layer,
                                       true, 1.0, 0.9, 0.01)},
                           5);
}

struct Case {
    QString name, classname, failureMessage, failureType, text;
    bool failed = false;
};

} // namespace

class TestCiReports : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void junitShape()
    {
        const SignificantGateResult gate = sampleGate();
        QCOMPARE(gate.regressionCount(), std::size_t(1));
        const std::string xml = junitXml(gate, "vlmscope");
        QXmlStreamReader reader(QByteArray::fromStdString(xml));
        std::map<QString, std::vector<Case>> suites;
        QString suite, rootTests, rootFailures;
        std::map<QString, QString> suiteTests, suiteFailures;
        int depth = 0;
        while (!reader.atEnd()) {
            reader.readNext();
            if (reader.isStartElement()) {
                ++depth;
                const QStringView name = reader.name();
                const QXmlStreamAttributes a = reader.attributes();
                if (name == u"testsuites") {
                    QCOMPARE(depth, 1);
                    rootTests = a.value("tests").toString();
                    rootFailures = a.value("failures").toString();
                } else if (name == u"testsuite") {
                    QCOMPARE(depth, 2);
                    suite = a.value("name").toString();
                    suiteTests[suite] = a.value("tests").toString();
                    suiteFailures[suite] = a.value("failures").toString();
                } else if (name == u"testcase") {
                    QCOMPARE(depth, 3);
                    suites[suite].push_back({a.value("name").toString(), a.value("classname").toString(), {}, {}, {}});
                } else if (name == u"failure") {
                    QCOMPARE(depth, 4);
                    Case& c = suites[suite].back();
                    c.failed = true;
                    c.failureMessage = a.value("message").toString();
                    c.failureType = a.value("type").toString();
                    c.text = reader.readElementText();
                    --depth; // readElementText consumed the end element
                }
            } else if (reader.isEndElement()) {
                --depth;
            }
        }
        QVERIFY2(!reader.hasError(), qPrintable(reader.errorString()));
        QCOMPARE(rootTests, QString("3")); // gated comparisons only
        QCOMPARE(rootFailures, QString("1"));
        QCOMPARE(suites.size(), std::size_t(2));
        const std::vector<Case>& first = suites.at("100 tokens");
        QCOMPARE(first.size(), std::size_t(2));
        QCOMPARE(suiteTests.at("100 tokens"), QString("2"));
        QCOMPARE(suiteFailures.at("100 tokens"), QString("1"));
        QCOMPARE(first[0].name, QString("decode TPS"));
        QCOMPARE(first[0].classname, QString("vlmscope.100 tokens"));
        QVERIFY(first[0].failed);
        QCOMPARE(first[0].failureType, QString("regression"));
        QCOMPARE(first[0].failureMessage,
                 QString("decode TPS of 100 tokens: 41.2 -> 35.0 tok/s (-15.0%, 95% CI -17.0% .. -13.0%, p = 0.001), "
                         "limit 5%"));
        QVERIFY(first[0].text.startsWith(first[0].failureMessage + "\n"));
        QVERIFY(first[0].text.contains("Mann-Whitney"));
        QVERIFY(!first[1].failed);

        // Special characters survive escaping; characters XML cannot hold become U+FFFD.
        const QString odd = QString::fromUtf8("20 tokens, <kv> & \"off\"");
        QVERIFY(suites.count(odd));
        QCOMPARE(suites.at(odd).size(), std::size_t(1));
        QCOMPARE(suites.at(odd)[0].name, QString::fromUtf8("layer decoder.blocks.0|attn\xEF\xBF\xBD\xEF\xBF\xBD"));
        QVERIFY(!suites.at(odd)[0].failed); // an improvement
    }

    void junitWithoutComparisons()
    {
        const std::string xml = junitXml(significantGate({}, 5));
        QXmlStreamReader reader(QByteArray::fromStdString(xml));
        while (!reader.atEnd())
            reader.readNext();
        QVERIFY(!reader.hasError());
        QVERIFY(QString::fromStdString(xml).contains("tests=\"0\""));
    }

    void markdownTable()
    {
        const SignificantGateResult gate = sampleGate();
        const QString md = QString::fromStdString(markdownSummary(gate));
        const QStringList lines = md.split('\n', Qt::SkipEmptyParts);
        QCOMPARE(lines[0], QString("## vlmscope regression gate: FAILED"));
        QVERIFY(lines[1].startsWith("1 of 3 gated comparisons regressed."));
        const QStringList table = lines.filter(QRegularExpression("^\\|"));
        QCOMPARE(table.size(), 2 + 4); // header, separator, one row per comparison
        // Every row has as many cells as the header: unescaped pipes only between cells.
        auto cells = [](const QString& row) { return row.count(QRegularExpression("(?<!\\\\)\\|")) - 1; };
        QCOMPARE(cells(table[0]), 10);
        QVERIFY(table[1].contains(QRegularExpression("^\\|( -+:? \\|)+$")));
        for (const QString& row : table)
            QCOMPARE(cells(row), 10);
        QVERIFY(table[0].contains("| 95% CI |"));
        QVERIFY(table[2].contains("| decode TPS (tok/s) | 41.2 | 35.0 | -15.0% | -17.0% .. -13.0% | 0.001 |"));
        QVERIFY(table[2].endsWith("| ❌ regression |"));
        QVERIFY(table[3].endsWith("| ✅ ok |"));
        QVERIFY(table[4].contains("20 tokens, &lt;kv&gt; &amp; \"off\""));
        QVERIFY(table[4].contains("decoder.blocks.0\\|attn"));
        QVERIFY(table[4].endsWith("| ✅ improved |"));
        QVERIFY(table[5].contains("layer decoder.head"));   // not gated: last
        QVERIFY(table[5].endsWith("| worse (not gated) |"));
        QVERIFY(QString::fromStdString(markdownSummary(significantGate({}, 5))).contains("No comparisons"));
        QVERIFY(QString::fromStdString(markdownSummary(significantGate({}, 5))).startsWith("## vlmscope regression gate: passed"));
    }

    void writesFilesAtomically()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::string xmlPath = dir.filePath("gate.xml").toStdString(), mdPath = dir.filePath("summary.md").toStdString();
        writeJunitXml(xmlPath, sampleGate());
        writeMarkdownSummary(mdPath, sampleGate());
        QFile xml(QString::fromStdString(xmlPath)), md(QString::fromStdString(mdPath));
        QVERIFY(xml.open(QIODevice::ReadOnly) && md.open(QIODevice::ReadOnly));
        QCOMPARE(xml.readAll().toStdString(), junitXml(sampleGate()));
        QCOMPARE(md.readAll().toStdString(), markdownSummary(sampleGate()));
        // Below a plain file no directory can be made.
        QVERIFY_THROWS_EXCEPTION(RuntimeFailure, writeJunitXml(xmlPath + "/gate.xml", sampleGate()));
    }
};

QTEST_GUILESS_MAIN(TestCiReports)
#include "test_ci_reports.moc"
