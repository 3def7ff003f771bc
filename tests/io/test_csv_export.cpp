// Checks the CSV export by parsing it back with a strict RFC 4180 reader: quoting of text with
// quotes, commas and line breaks, exact decimal times, per-layer and per-step tables.
#include "core/io/csv_export.h"
#include "tests/io/run_record_fixture.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using namespace vlmscope;

namespace {

using Table = std::vector<std::vector<std::string>>;

// Strict RFC 4180: CRLF after every record, quotes only around whole fields, "" inside
// quotes for a quote. Throws std::runtime_error on anything else.
Table parseCsv(const std::string& text)
{
    Table table;
    std::vector<std::string> record;
    std::string field;
    std::size_t i = 0;
    while (i < text.size()) {
        if (text[i] == '"') {
            ++i;
            for (;;) {
                if (i >= text.size())
                    throw std::runtime_error("unterminated quote");
                if (text[i] == '"') {
                    if (i + 1 < text.size() && text[i + 1] == '"') {
                        field += '"';
                        i += 2;
                        continue;
                    }
                    ++i;
                    break;
                }
                field += text[i++];
            }
        } else {
            while (i < text.size() && text[i] != ',' && text[i] != '\r') {
                if (text[i] == '"' || text[i] == '\n')
                    throw std::runtime_error("quote or line feed in an unquoted field");
                field += text[i++];
            }
        }
        if (i < text.size() && text[i] == ',') {
            record.push_back(field);
            field.clear();
            ++i;
        } else if (text.compare(i, 2, "\r\n") == 0) {
            record.push_back(field);
            field.clear();
            table.push_back(record);
            record.clear();
            i += 2;
        } else {
            throw std::runtime_error("record not ended by CRLF at byte " + std::to_string(i));
        }
    }
    if (!record.empty() || !field.empty())
        throw std::runtime_error("last record not ended by CRLF");
    return table;
}

std::string readAll(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll().toStdString();
}

} // namespace

class TestCsvExport : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void field_data();
    void field();
    void tokensParseBack();
    void layersParseBack();
    void stepsParseBack();
    void awkwardScopeNamesAreQuoted();
    void writesThreeFiles();
    void parserRejectsBrokenCsv();
};

void TestCsvExport::field_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("plain") << QByteArray("abc") << QByteArray("abc");
    QTest::newRow("empty") << QByteArray("") << QByteArray("");
    QTest::newRow("spaces kept bare") << QByteArray(" a b ") << QByteArray(" a b ");
    QTest::newRow("comma") << QByteArray("a,b") << QByteArray("\"a,b\"");
    QTest::newRow("quote doubled") << QByteArray("say \"hi\"") << QByteArray("\"say \"\"hi\"\"\"");
    QTest::newRow("line feed") << QByteArray("a\nb") << QByteArray("\"a\nb\"");
    QTest::newRow("carriage return") << QByteArray("a\rb") << QByteArray("\"a\rb\"");
    QTest::newRow("only a quote") << QByteArray("\"") << QByteArray("\"\"\"\"");
    QTest::newRow("UTF-8 untouched") << QByteArray("ünï 😀") << QByteArray("ünï 😀");
}

void TestCsvExport::field()
{
    QFETCH(QByteArray, text);
    QFETCH(QByteArray, expected);
    QCOMPARE(QByteArray::fromStdString(csvField(text.toStdString())), expected);
}

void TestCsvExport::tokensParseBack()
{
    const RunRecord run = fixture::makeRun();
    const Table table = parseCsv(tokensCsv(run));
    QCOMPARE(table.size(), std::size_t(4));
    QCOMPARE(table[0], (std::vector<std::string>{"index", "id", "text", "time_s", "latency_ms"}));
    for (std::size_t i = 0; i < 3; ++i) {
        QCOMPARE(table[i + 1].size(), std::size_t(5));
        QCOMPARE(table[i + 1][0], std::to_string(i));
        QCOMPARE(table[i + 1][1], std::to_string(run.tokens[i].id));
        QCOMPARE(table[i + 1][2], std::string(fixture::kTokenTexts[i]));
    }
    QCOMPARE(table[1][3], std::string("0.060100000"));
    QCOMPARE(table[1][4], std::string("60.100000"));
    QCOMPARE(table[2][3], std::string("0.080050000"));
    QCOMPARE(table[2][4], std::string("19.950000"));
}

void TestCsvExport::layersParseBack()
{
    const RunRecord run = fixture::makeRun();
    const Table table = parseCsv(layersCsv(run));
    QCOMPARE(table.size(), run.scopes.size() + 1);
    QCOMPARE(table[0], (std::vector<std::string>{"scope", "category", "parent", "calls", "inclusive_ms", "self_ms",
                                                 "self_pct", "mean_per_call_us"}));
    double percent = 0;
    for (std::size_t k = 0; k < run.scopes.size(); ++k) {
        const std::vector<std::string>& row = table[k + 1];
        QCOMPARE(row.size(), std::size_t(8));
        QCOMPARE(row[0], run.scopes[k].name);
        QCOMPARE(row[1], std::string(categoryName(run.scopes[k].category)));
        percent += std::stod(row[6]);
    }
    QVERIFY(std::abs(percent - 100.0) < 0.01); // self times: nothing counted twice
    const std::vector<std::string>& attn = table[7]; // decoder.blocks.0.attn
    QCOMPARE(attn[2], std::string("decoder.blocks.0"));
    QCOMPARE(attn[3], std::string("3"));
    QCOMPARE(attn[4], std::string("30.600000"));
    QCOMPARE(attn[5], std::string("30.600000"));
    QCOMPARE(attn[7], std::string("10200.000")); // 30.6 ms over 3 calls
    QCOMPARE(table[1][2], std::string());          // a root has no parent
    QCOMPARE(table[2][7], std::string("26000.000"));
}

void TestCsvExport::stepsParseBack()
{
    const RunRecord run = fixture::makeRun();
    const Table table = parseCsv(stepsCsv(run));
    QCOMPARE(table.size(), run.steps.size() * run.scopes.size() + 1);
    QCOMPARE(table[0], (std::vector<std::string>{"step", "scope", "calls", "self_ms", "inclusive_ms"}));
    const std::vector<std::string>& head1 = table[1 + 1 * run.scopes.size() + 9]; // step 1, decoder.head
    QCOMPARE(head1, (std::vector<std::string>{"1", "decoder.head", "1", "1.200000", "1.200000"}));
    const std::vector<std::string>& vision2 = table[1 + 2 * run.scopes.size()]; // step 2, vision_encoder
    QCOMPARE(vision2, (std::vector<std::string>{"2", "vision_encoder", "0", "0.000000", "0.000000"}));
}

void TestCsvExport::awkwardScopeNamesAreQuoted()
{
    RunRecord run = fixture::makeRun();
    run.scopes[5].name = "odd,\"block\"\nname";
    const Table layers = parseCsv(layersCsv(run));
    QCOMPARE(layers[6][0], run.scopes[5].name);
    QCOMPARE(layers[7][2], run.scopes[5].name); // as the parent of its children
    const Table steps = parseCsv(stepsCsv(run));
    QCOMPARE(steps[6][1], run.scopes[5].name);
}

void TestCsvExport::writesThreeFiles()
{
    QTemporaryDir dir;
    const QString target = dir.filePath("exports/run-1");
    const RunRecord run = fixture::makeRun();
    writeCsv(target.toStdString(), run);
    QCOMPARE(QDir(target).entryList(QDir::Files | QDir::Hidden, QDir::Name),
             (QStringList{"layers.csv", "manifest.json", "steps.csv", "tokens.csv"}));
    QCOMPARE(readAll(target + "/tokens.csv"), tokensCsv(run));
    QCOMPARE(readAll(target + "/layers.csv"), layersCsv(run));
    QCOMPARE(readAll(target + "/steps.csv"), stepsCsv(run));
    // The sidecar names the run and carries its manifest; the tables stay plain RFC 4180.
    const auto manifest = nlohmann::json::parse(readAll(target + "/manifest.json"));
    QCOMPARE(manifest.at("run").get<std::string>(), run.id);
    QCOMPARE(manifest.at("definitions").at("id").get<std::string>(), std::string("vlmscope.metrics/1"));
    QCOMPARE(manifest.at("environment").at("weights_hash").get<std::string>(), run.environment.weightsHash);
}

void TestCsvExport::parserRejectsBrokenCsv()
{
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, parseCsv("a,\"b\r\n"));
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, parseCsv("a,b\n"));
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, parseCsv("a,b\"c\r\n"));
    QCOMPARE(parseCsv("\"a\r\nb\",\"\"\"\"\r\n"), (Table{{"a\r\nb", "\""}}));
}

QTEST_GUILESS_MAIN(TestCsvExport)
#include "test_csv_export.moc"
