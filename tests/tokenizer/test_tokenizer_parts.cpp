// The tokenizer's building blocks: UTF-8 replacement by maximal invalid subparts, the
// byte-level alphabet, the GPT-2 pre-tokenizer rules and the two BPE merge strategies.
#include "core/tokenizer/bpe_merges.h"
#include "core/tokenizer/byte_level.h"
#include "core/tokenizer/pre_tokenizer.h"
#include "core/tokenizer/tokenizer_json.h"
#include "core/tokenizer/utf8.h"

#include <QFile>
#include <QRandomGenerator>
#include <QtTest>

#include <unordered_map>

using namespace vlmscope;

namespace {

QByteArray bytes(const std::string& s) { return QByteArray(s.data(), static_cast<int>(s.size())); }

std::string lossy(const QByteArray& in)
{
    std::string out;
    appendUtf8Lossy(std::string_view(in.constData(), static_cast<std::size_t>(in.size())), out, true);
    return out;
}

QString idsText(const std::vector<std::int32_t>& ids)
{
    QStringList parts;
    for (const auto id : ids)
        parts << QString::number(id);
    return parts.join(',');
}

} // namespace

class TestTokenizerParts : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void utf8Lossy_data();
    void utf8Lossy();
    void utf8LossyHoldsIncompleteTail();
    void byteLevelAlphabet();
    void preTokenizer_data();
    void preTokenizer();
    void mergeStrategiesAgreeOnRandomTables();
    void mergeStrategiesAgreeOnSmolLm2();
};

void TestTokenizerParts::utf8Lossy_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QByteArray>("expected");
    const QByteArray r = "\xEF\xBF\xBD";
    QTest::newRow("valid") << QByteArray("a\xC3\xA9\xF0\x9F\x98\x80z") << QByteArray("a\xC3\xA9\xF0\x9F\x98\x80z");
    QTest::newRow("F0 9F at end") << QByteArray("\xF0\x9F") << r;
    QTest::newRow("F3 B0 80") << QByteArray("\xF3\xB0\x80") << r;
    QTest::newRow("80 80") << QByteArray("\x80\x80") << r + r;
    QTest::newRow("8F B4 F3") << QByteArray("\x8F\xB4\xF3") << r + r + r;
    QTest::newRow("truncated in middle") << QByteArray("a\xF0\x9F" "b") << "a" + r + "b";
    QTest::newRow("overlong C0 AF") << QByteArray("\xC0\xAF") << r + r;
    QTest::newRow("overlong E0 80 80") << QByteArray("\xE0\x80\x80") << r + r + r;
    QTest::newRow("surrogate ED A0 80") << QByteArray("\xED\xA0\x80") << r + r + r;
    QTest::newRow("above U+10FFFF") << QByteArray("\xF4\x90\x80\x80") << r + r + r + r;
    QTest::newRow("F5 and FF") << QByteArray("\xF5\xFF") << r + r;
    QTest::newRow("E2 82 then ASCII") << QByteArray("\xE2\x82" "b") << r + "b";
    QTest::newRow("BOM kept") << QByteArray("\xEF\xBB\xBFx") << QByteArray("\xEF\xBB\xBFx");
    QTest::newRow("NUL kept") << QByteArray("a\0b", 3) << QByteArray("a\0b", 3);
}

void TestTokenizerParts::utf8Lossy()
{
    QFETCH(QByteArray, input);
    QFETCH(QByteArray, expected);
    QCOMPARE(bytes(lossy(input)), expected);
    QVERIFY(isValidUtf8(lossy(input)));
    const std::string_view view(input.constData(), static_cast<std::size_t>(input.size()));
    QCOMPARE(isValidUtf8(view), input == expected);
}

void TestTokenizerParts::utf8LossyHoldsIncompleteTail()
{
    std::string out;
    QCOMPARE(appendUtf8Lossy("a\xF0\x9F", out, false), std::size_t(1));
    QCOMPARE(out, std::string("a"));
    out.clear();
    // Proven invalid already: nothing to hold back.
    QCOMPARE(appendUtf8Lossy("a\xF0\x41", out, false), std::size_t(3));
    QCOMPARE(out, std::string("a\xEF\xBF\xBD" "A"));
}

void TestTokenizerParts::byteLevelAlphabet()
{
    QCOMPARE(byteLevelChar(' '), char32_t(0x120));
    QCOMPARE(byteLevelChar('\n'), char32_t(0x10A));
    QCOMPARE(byteLevelChar('\r'), char32_t(0x10D));
    QCOMPARE(byteLevelChar(0x00), char32_t(0x100));
    QCOMPARE(byteLevelChar(0xAD), char32_t(0x143));
    QCOMPARE(byteLevelChar('A'), char32_t('A'));
    QCOMPARE(byteLevelChar(0xE9), char32_t(0xE9));
    for (int b = 0; b < 256; ++b)
        QCOMPARE(byteFromByteLevelChar(byteLevelChar(static_cast<std::uint8_t>(b))), b);
    QCOMPARE(byteFromByteLevelChar(' '), -1);
    QCOMPARE(byteFromByteLevelChar(0x144), -1);
    QCOMPARE(toByteLevel("a b\n"), std::string("aĠbĊ"));
    std::string out;
    appendByteLevelDecoded("ĠhelloĊ", out);
    QCOMPARE(out, std::string(" hello\n"));
    out.clear();
    appendByteLevelDecoded("a b", out); // a plain space is outside the alphabet: kept as is
    QCOMPARE(out, std::string("a b"));
}

void TestTokenizerParts::preTokenizer_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<QByteArray>("pieces");
    // SmolLM2's setup: Digits(individual) then ByteLevel's GPT-2 pattern.
    const auto row = [](const char* name, const QByteArray& text, const QByteArray& pieces) {
        QTest::newRow(name) << text << pieces;
    };
    row("words", "hello world!!", "hello| world|!!");
    row("spaces before word", "a   b", "a|  | b");
    row("newlines", "x\n\n\ny", "x|\n\n|\n|y");
    row("crlf", "Windows\r\nline", "Windows|\r|\n|line");
    row("trailing spaces", "x  ", "x|  ");
    row("leading spaces", "  two", " | two");
    row("indent", "\n    return", "\n   | return");
    row("space tab space", "a \t b", "a| \t| b");
    row("contraction", "don't", "don|'t");
    row("contractions", "we've I'll she'd 're", "we|'ve| I|'ll| she|'d| '|re");
    row("upper contraction", "DON'T", "DON|'|T");
    row("contraction first", "'sa", "'s|a");
    row("apostrophe run", "!!'s", "!!'|s");
    row("digits", "call 555", "call| |5|5|5");
    row("digits in word", "abc123def", "abc|1|2|3|def");
    row("vulgar fraction", " \xC2\xBD", " |\xC2\xBD");
    row("superscript", "m\xC2\xB2", "m|\xC2\xB2");
    row("circled one", "a\xE2\x91\xA0" "b", "a|\xE2\x91\xA0|b");
    row("roman numeral Nl", "x\xE2\x85\xAB", "x|\xE2\x85\xAB");
    row("arabic-indic digit", "\xD9\xA3\xD9\xA3", "\xD9\xA3|\xD9\xA3");
    row("math digit zero", "\xF0\x9D\x9F\x98", "\xF0\x9D\x9F\x98");
    row("combining acute", "e\xCC\x81", "e|\xCC\x81");
    row("precomposed", "caf\xC3\xA9!", "caf\xC3\xA9|!");
    row("NEL is space", "a\xC2\x85" "b", "a|\xC2\x85|b");
    row("NBSP run", "a\xC2\xA0\xC2\xA0" "b", "a|\xC2\xA0|\xC2\xA0|b"); // only U+0020 leads a word
    row("ZWSP is not space", "a\xE2\x80\x8B" "b", "a|\xE2\x80\x8B|b");
    row("FEFF is not space", "\xEF\xBB\xBFhi", "\xEF\xBB\xBF|hi");
    row("ideographic space", "\xE4\xBD\xA0\xE3\x80\x80\xE5\xA5\xBD", "\xE4\xBD\xA0|\xE3\x80\x80|\xE5\xA5\xBD");
    row("emoji", "\xF0\x9F\x98\x80 emoji", "\xF0\x9F\x98\x80| emoji");
    row("space before punctuation", "a (b)", "a| (|b|)");
    row("invalid bytes are other", "a\xFF\xFE!b", "a|\xFF\xFE!|b");
    row("lone space", " ", " ");
}

void TestTokenizerParts::preTokenizer()
{
    QFETCH(QByteArray, text);
    QFETCH(QByteArray, pieces);
    const PreTokenizer splitter(PreTokenizerOptions{true, true, true});
    std::vector<std::string_view> out;
    splitter.split(std::string_view(text.constData(), static_cast<std::size_t>(text.size())), out);
    QByteArray joined;
    for (std::size_t i = 0; i < out.size(); ++i) {
        QVERIFY(!out[i].empty());
        joined += (i ? "|" : "") + QByteArray(out[i].data(), static_cast<int>(out[i].size()));
    }
    QCOMPARE(joined, pieces);
}

void TestTokenizerParts::mergeStrategiesAgreeOnRandomTables()
{
    // A small alphabet and many merges give lots of ties and overlapping pairs.
    QRandomGenerator rng(42);
    for (int table = 0; table < 50; ++table) {
        BpeMerges merges;
        std::int32_t nextId = 4;
        const int count = rng.bounded(5, 40);
        for (int rank = 0; rank < count; ++rank) {
            const auto left = static_cast<std::int32_t>(rng.bounded(nextId));
            const auto right = static_cast<std::int32_t>(rng.bounded(nextId));
            merges.add(left, right, rank, nextId++);
        }
        for (int round = 0; round < 200; ++round) {
            std::vector<std::int32_t> symbols(static_cast<std::size_t>(rng.bounded(1, 150)));
            for (auto& s : symbols)
                s = static_cast<std::int32_t>(rng.bounded(4));
            std::vector<std::int32_t> byScan = symbols;
            std::vector<std::int32_t> byHeap = symbols;
            merges.applyByScan(byScan);
            merges.applyByHeap(byHeap);
            QCOMPARE(idsText(byHeap), idsText(byScan));
        }
    }
}

void TestTokenizerParts::mergeStrategiesAgreeOnSmolLm2()
{
    QFile file(QStringLiteral(VLMSCOPE_TEST_DATA "/reference/tokenizer/tokenizer.json"));
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray content = file.readAll();
    const TokenizerJson spec = TokenizerJson::parse(content.toStdString(), "tokenizer.json");
    std::unordered_map<std::string, std::int32_t> vocab;
    for (const auto& [token, id] : spec.vocab)
        vocab.emplace(token, static_cast<std::int32_t>(id));
    BpeMerges merges;
    for (std::size_t rank = 0; rank < spec.merges.size(); ++rank) {
        const auto& [left, right] = spec.merges[rank];
        merges.add(vocab.at(left), vocab.at(right), static_cast<std::int32_t>(rank), vocab.at(left + right));
    }
    QRandomGenerator rng(7);
    const std::string alphabet = "etaoinshrdlucmfwypvbgkjqxz ";
    for (int round = 0; round < 500; ++round) {
        std::string text(static_cast<std::size_t>(rng.bounded(1, 300)), ' ');
        for (char& c : text)
            c = alphabet[static_cast<std::size_t>(rng.bounded(int(alphabet.size())))];
        std::vector<std::int32_t> symbols;
        for (const char c : text)
            symbols.push_back(vocab.at(toByteLevel(std::string(1, c))));
        std::vector<std::int32_t> byScan = symbols;
        std::vector<std::int32_t> byHeap = symbols;
        merges.applyByScan(byScan);
        merges.applyByHeap(byHeap);
        QCOMPARE(idsText(byHeap), idsText(byScan));
    }
}

QTEST_GUILESS_MAIN(TestTokenizerParts)
#include "test_tokenizer_parts.moc"
