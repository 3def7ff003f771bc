// Golden encode/decode cases of the SmolLM2 tokenizer (made by Hugging Face's Rust
// `tokenizers`, see tests/data/reference/tokenizer/README.md), nanoVLM's extra tokens,
// the streaming decoder, and the API around them.
#include "core/tokenizer/bpe_tokenizer.h"
#include "core/tokenizer/byte_level.h"
#include "core/tokenizer/streaming_decoder.h"
#include "core/tokenizer/utf8.h"
#include "core/util/error.h"

#include <nlohmann/json.hpp>

#include <QElapsedTimer>
#include <QFile>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QtTest>

#include <optional>

using namespace vlmscope;
using Ids = std::vector<std::int64_t>;
Q_DECLARE_METATYPE(Ids)

namespace {

const std::string kTokenizerDir = std::string(VLMSCOPE_TEST_DATA) + "/reference/tokenizer/";

nlohmann::json readJson(const std::string& name)
{
    QFile file(QString::fromStdString(kTokenizerDir + name));
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", name.c_str());
    return nlohmann::json::parse(file.readAll().toStdString());
}

Ids idsOf(const nlohmann::json& array) { return array.get<Ids>(); }

QString idsText(const Ids& ids)
{
    QStringList parts;
    for (const std::int64_t id : ids)
        parts << QString::number(id);
    return parts.join(',');
}

QByteArray bytes(const std::string& s) { return QByteArray(s.data(), static_cast<int>(s.size())); }

// nanoVLM's vlm_extra_tokens, in dict order: ids 49152..49217.
std::vector<std::string> nanoVlmExtraTokens()
{
    std::vector<std::string> tokens = {"<|image|>", "<|global_image|>"};
    for (int row = 1; row <= 8; ++row) {
        for (int col = 1; col <= 8; ++col)
            tokens.push_back("<row_" + std::to_string(row) + "_col_" + std::to_string(col) + ">");
    }
    return tokens;
}

std::string streamDecode(const BpeTokenizer& tokenizer, const Ids& ids, bool skipSpecial, bool* piecesValid)
{
    StreamingDecoder decoder(tokenizer, skipSpecial);
    std::string text;
    *piecesValid = true;
    for (const std::int64_t id : ids) {
        const std::string piece = decoder.push(id);
        *piecesValid = *piecesValid && isValidUtf8(piece);
        text += piece;
    }
    const std::string rest = decoder.flush();
    *piecesValid = *piecesValid && isValidUtf8(rest) && !decoder.hasPending();
    return text + rest;
}

} // namespace

class TestBpeTokenizer : public QObject {
    Q_OBJECT

private:
    std::optional<BpeTokenizer> m_base;
    std::optional<BpeTokenizer> m_nanoVlm; // with the 66 extra tokens

    void addCaseRows(const char* file, bool withSkipColumn);

private Q_SLOTS:
    void initTestCase();
    void encodeGolden_data();
    void encodeGolden();
    void decodeGolden_data();
    void decodeGolden();
    void roundTrip_data();
    void roundTrip();
    void nanoVlmGolden_data();
    void nanoVlmGolden();
    void extraTokenIds();
    void streamingMatchesDecode_data();
    void streamingMatchesDecode();
    void streamingRandomBytes();
    void outOfVocabularyIdsAreSkipped();
    void lookups();
    void addSpecialTokensThatExist();
    void addedTokensLeftmostLongest();
    void invalidUtf8Input();
    void leadingByteOrderMarkKept();
    void longInputs();
    void embeddedResource();
    void loadTime();
};

void TestBpeTokenizer::initTestCase()
{
    m_base = BpeTokenizer::fromFile(kTokenizerDir + "tokenizer.json");
    m_nanoVlm = *m_base;
    m_nanoVlm->addSpecialTokens(nanoVlmExtraTokens());
}

void TestBpeTokenizer::encodeGolden_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<Ids>("expected");
    for (const auto& c : readJson("cases.json"))
        QTest::newRow(c["name"].get<std::string>().c_str()) << bytes(c["text"].get<std::string>()) << idsOf(c["ids"]);
}

void TestBpeTokenizer::encodeGolden()
{
    QFETCH(QByteArray, text);
    QFETCH(Ids, expected);
    QCOMPARE(idsText(m_base->encode(text.toStdString())), idsText(expected));
    // The extra nanoVLM tokens change nothing for text that does not contain them.
    QCOMPARE(idsText(m_nanoVlm->encode(text.toStdString())), idsText(expected));
}

void TestBpeTokenizer::addCaseRows(const char* file, bool withSkipColumn)
{
    for (const auto& c : readJson(file)) {
        const std::string decoded = c["decoded"].get<std::string>();
        const std::string skipped = withSkipColumn ? c["decoded_skip_special"].get<std::string>() : std::string();
        QTest::newRow((std::string(file) + ":" + c["name"].get<std::string>()).c_str())
            << idsOf(c["ids"]) << bytes(decoded) << withSkipColumn << bytes(skipped);
    }
}

void TestBpeTokenizer::decodeGolden_data()
{
    QTest::addColumn<Ids>("ids");
    QTest::addColumn<QByteArray>("expected");
    QTest::addColumn<bool>("hasSkipped");
    QTest::addColumn<QByteArray>("expectedSkipped");
    addCaseRows("cases.json", false);
    addCaseRows("decode_cases.json", true);
}

void TestBpeTokenizer::decodeGolden()
{
    QFETCH(Ids, ids);
    QFETCH(QByteArray, expected);
    QFETCH(bool, hasSkipped);
    QFETCH(QByteArray, expectedSkipped);
    QCOMPARE(bytes(m_base->decode(ids)), expected);
    if (hasSkipped)
        QCOMPARE(bytes(m_base->decode(ids, true)), expectedSkipped);
}

void TestBpeTokenizer::roundTrip_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<bool>("lossy");
    for (const auto& c : readJson("cases.json"))
        QTest::newRow(c["name"].get<std::string>().c_str())
            << bytes(c["text"].get<std::string>()) << c.contains("note");
}

void TestBpeTokenizer::roundTrip()
{
    QFETCH(QByteArray, text);
    QFETCH(bool, lossy);
    const std::string decoded = m_base->decode(m_base->encode(text.toStdString()));
    if (lossy)
        QVERIFY(bytes(decoded) != text);
    else
        QCOMPARE(bytes(decoded), text);
}

void TestBpeTokenizer::nanoVlmGolden_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<Ids>("expected");
    QTest::addColumn<QByteArray>("decoded");
    for (const auto& c : readJson("nanovlm_extra_tokens_cases.json")) {
        QTest::newRow(c["name"].get<std::string>().c_str())
            << bytes(c["text"].get<std::string>()) << idsOf(c["ids"]) << bytes(c["decoded"].get<std::string>());
    }
}

void TestBpeTokenizer::nanoVlmGolden()
{
    QFETCH(QByteArray, text);
    QFETCH(Ids, expected);
    QFETCH(QByteArray, decoded);
    QCOMPARE(idsText(m_nanoVlm->encode(text.toStdString())), idsText(expected));
    QCOMPARE(bytes(m_nanoVlm->decode(expected)), decoded);
    // Skipping special tokens removes exactly their text: chat markers and image tokens.
    static const QRegularExpression specials(
        R"(<\|image\|>|<\|global_image\|>|<row_[1-8]_col_[1-8]>|<\|im_start\|>|<\|im_end\|>|<\|endoftext\|>)");
    QCOMPARE(QString::fromStdString(m_nanoVlm->decode(expected, true)), QString::fromUtf8(decoded).remove(specials));
}

void TestBpeTokenizer::extraTokenIds()
{
    QCOMPARE(m_base->vocabSize(), 49152);
    QCOMPARE(m_nanoVlm->vocabSize(), 49218);
    QCOMPARE(m_nanoVlm->tokenId("<|image|>").value_or(-1), 49152);
    QCOMPARE(m_nanoVlm->tokenId("<|global_image|>").value_or(-1), 49153);
    QCOMPARE(m_nanoVlm->tokenId("<row_1_col_1>").value_or(-1), 49154);
    QCOMPARE(m_nanoVlm->tokenId("<row_1_col_2>").value_or(-1), 49155);
    QCOMPARE(m_nanoVlm->tokenId("<row_2_col_1>").value_or(-1), 49162);
    QCOMPARE(m_nanoVlm->tokenId("<row_8_col_8>").value_or(-1), 49217);
    for (std::int64_t id = 49152; id <= 49217; ++id)
        QVERIFY(m_nanoVlm->isSpecial(id));
    QVERIFY(!m_base->tokenId("<|image|>").has_value());
    QCOMPARE(m_nanoVlm->tokenString(49153), std::string("<|global_image|>"));
}

void TestBpeTokenizer::streamingMatchesDecode_data()
{
    QTest::addColumn<Ids>("ids");
    QTest::addColumn<bool>("skipSpecial");
    for (const char* file : {"cases.json", "decode_cases.json", "nanovlm_extra_tokens_cases.json"}) {
        for (const auto& c : readJson(file)) {
            for (const bool skip : {false, true}) {
                const std::string name =
                    std::string(file) + ":" + c["name"].get<std::string>() + (skip ? ":skip" : "");
                QTest::newRow(name.c_str()) << idsOf(c["ids"]) << skip;
            }
        }
    }
    // Ids outside the vocabulary between the bytes of a split character.
    QTest::newRow("unknown ids inside an emoji") << Ids{10813, 99999, 242, -1, 218} << false;
    QTest::newRow("special inside an emoji, skipped") << Ids{10813, 242, 0, 218} << true;
}

void TestBpeTokenizer::streamingMatchesDecode()
{
    QFETCH(Ids, ids);
    QFETCH(bool, skipSpecial);
    bool piecesValid = false;
    const std::string streamed = streamDecode(*m_nanoVlm, ids, skipSpecial, &piecesValid);
    QCOMPARE(bytes(streamed), bytes(m_nanoVlm->decode(ids, skipSpecial)));
    QVERIFY(piecesValid);
}

void TestBpeTokenizer::streamingRandomBytes()
{
    // Random runs of single-byte tokens hit every kind of invalid and split sequence.
    std::vector<std::int64_t> byteIds;
    for (int b = 0; b < 256; ++b) {
        if (const auto id = m_base->tokenId(toByteLevel(std::string(1, static_cast<char>(b)))))
            byteIds.push_back(*id);
    }
    QCOMPARE(byteIds.size(), std::size_t(256 - 21)); // the README's 21 bytes without a token
    QRandomGenerator rng(1234);
    for (int round = 0; round < 3000; ++round) {
        Ids ids(static_cast<std::size_t>(rng.bounded(1, 12)));
        for (auto& id : ids)
            id = rng.bounded(8) == 0 ? rng.bounded(49160)
                                     : byteIds[static_cast<std::size_t>(rng.bounded(int(byteIds.size())))];
        bool piecesValid = false;
        const std::string streamed = streamDecode(*m_base, ids, false, &piecesValid);
        const std::string whole = m_base->decode(ids);
        if (streamed != whole || !piecesValid)
            QFAIL(qPrintable("streaming differs for ids " + idsText(ids)));
        QVERIFY(isValidUtf8(whole));
    }
}

void TestBpeTokenizer::outOfVocabularyIdsAreSkipped()
{
    const Ids ids = {19556, 49152, -1, std::int64_t(1) << 40, 905};
    QCOMPARE(bytes(m_base->decode(ids)), QByteArray("Hello world"));
    QCOMPARE(bytes(m_base->decode({49152})), QByteArray());
    QVERIFY(!m_base->isKnown(49152));
    QVERIFY(!m_base->isSpecial(-3));
    QCOMPARE(m_base->tokenString(-3), std::string());
    QCOMPARE(bytes(m_nanoVlm->decode(ids)), QByteArray("Hello<|image|> world"));
}

void TestBpeTokenizer::lookups()
{
    QCOMPARE(m_base->tokenId("Ġworld").value_or(-1), 905);
    QCOMPARE(m_base->tokenId("<|im_end|>").value_or(-1), 2);
    QVERIFY(!m_base->tokenId("no such token").has_value());
    QCOMPARE(m_base->tokenString(905), std::string("Ġworld"));
    QCOMPARE(m_base->tokenString(0), std::string("<|endoftext|>"));
    for (std::int64_t id = 0; id <= 16; ++id)
        QVERIFY2(m_base->isSpecial(id), qPrintable(QString::number(id)));
    QVERIFY(!m_base->isSpecial(17));
    QVERIFY(!m_base->isSpecial(905));
    std::string raw;
    m_base->appendTokenBytes(10813, raw);
    QCOMPARE(bytes(raw), QByteArray("\xF0\x9F"));
}

void TestBpeTokenizer::addSpecialTokensThatExist()
{
    BpeTokenizer tokenizer = *m_base;
    tokenizer.addSpecialTokens({"<|im_end|>", "Hello"});
    QCOMPARE(tokenizer.vocabSize(), 49152);
    QCOMPARE(tokenizer.tokenId("<|im_end|>").value_or(-1), 2);
    QVERIFY(tokenizer.isSpecial(19556));
    // "Hello" is now matched as a whole token even inside a word.
    QCOMPARE(idsText(tokenizer.encode("xHello world")), idsText({104, 19556, 905}));
    QCOMPARE(bytes(tokenizer.decode({104, 19556, 905}, true)), QByteArray("x world"));
    QVERIFY_THROWS_EXCEPTION(InputError, tokenizer.addSpecialTokens({""}));
}

void TestBpeTokenizer::addedTokensLeftmostLongest()
{
    BpeTokenizer tokenizer = *m_base;
    tokenizer.addSpecialTokens({"<a>", "<a>b", "b<c>"});
    const std::int64_t a = *tokenizer.tokenId("<a>");
    const std::int64_t ab = *tokenizer.tokenId("<a>b");
    const std::int64_t bc = *tokenizer.tokenId("b<c>");
    QCOMPARE(a, 49152);
    QCOMPARE(bc, 49154);
    QCOMPARE(idsText(tokenizer.encode("<a>b<c>")), idsText({ab, 44, 83, 46})); // '<' 'c' '>'
    QCOMPARE(idsText(tokenizer.encode("<a><a>")), idsText({a, a}));
    QCOMPARE(idsText(tokenizer.encode("xb<c>")), idsText({104, bc}));
}

void TestBpeTokenizer::invalidUtf8Input()
{
    // Invalid bytes are encoded as bytes and decode as U+FFFD; bytes without a token vanish.
    QCOMPARE(bytes(m_base->decode(m_base->encode("a\x80" "b"))), QByteArray("a\xEF\xBF\xBD" "b"));
    QCOMPARE(bytes(m_base->decode(m_base->encode("a\xC3"))), QByteArray("a\xEF\xBF\xBD"));
    QCOMPARE(bytes(m_base->decode(m_base->encode("\xFF\xFE"))), QByteArray());
    QCOMPARE(bytes(m_base->decode(m_base->encode(std::string("nul\0byte", 8)))), QByteArray("nul\0byte", 8));
}

void TestBpeTokenizer::leadingByteOrderMarkKept()
{
    // U+FEFF is text to the tokenizer, not a BOM to strip (JS TextDecoder would strip it).
    const std::string text = "\xEF\xBB\xBFhi";
    const Ids ids = m_base->encode(text);
    QCOMPARE(m_base->decode(ids), text);
    StreamingDecoder decoder(*m_base);
    std::string streamed;
    for (const std::int64_t id : ids)
        streamed += decoder.push(id);
    QCOMPARE(streamed + decoder.flush(), text);
}

void TestBpeTokenizer::longInputs()
{
    // One huge piece each: letters, whitespace, punctuation, digits.
    for (const char c : {'a', ' ', '!', '7', '\n'}) {
        const std::string text(200000, c);
        QElapsedTimer timer;
        timer.start();
        const Ids ids = m_base->encode(text);
        QVERIFY2(timer.elapsed() < 20000, "encoding is not linearithmic");
        QCOMPARE(m_base->decode(ids), text);
    }
    std::string words;
    for (int i = 0; i < 20000; ++i)
        words += "abcdefghij"[i % 10];
    QCOMPARE(m_base->decode(m_base->encode(words)), words);
}

void TestBpeTokenizer::embeddedResource()
{
    if (!QFile::exists(":/vlmscope/tokenizer.json"))
        QSKIP("resources/tokenizer.json is not compiled into this build");
    const BpeTokenizer embedded = BpeTokenizer::fromFile(":/vlmscope/tokenizer.json");
    QCOMPARE(embedded.vocabSize(), 49152);
    QCOMPARE(idsText(embedded.encode("Hello world")), idsText({19556, 905}));
}

void TestBpeTokenizer::loadTime()
{
    QElapsedTimer timer;
    timer.start();
    const BpeTokenizer tokenizer = BpeTokenizer::fromFile(kTokenizerDir + "tokenizer.json");
    // Printed, not asserted: the budget (well under 200 ms) is for Release builds.
    qInfo("loading tokenizer.json took %lld ms", static_cast<long long>(timer.elapsed()));
    QCOMPARE(tokenizer.vocabSize(), 49152);
}

QTEST_GUILESS_MAIN(TestBpeTokenizer)
#include "test_bpe_tokenizer.moc"
