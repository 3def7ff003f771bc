// Loading tokenizer.json files: every bad input gets an InputError that names the file and
// the problem, and the options of non-SmolLM2 byte-level files behave as in Hugging Face.
#include "core/tokenizer/bpe_tokenizer.h"
#include "core/tokenizer/byte_level.h"
#include "core/util/error.h"

#include <nlohmann/json.hpp>

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <functional>

using namespace vlmscope;
using nlohmann::json;
using Ids = std::vector<std::int64_t>;

namespace {

const std::string kRealTokenizer = std::string(VLMSCOPE_TEST_DATA) + "/reference/tokenizer/tokenizer.json";

// A small valid file shaped like SmolLM2's: ids 0..255 are the byte characters, then
// Ġt, he, Ġthe, 12, abc (no merge makes abc) and the special <s>.
json tinyTokenizer()
{
    json vocab = json::object();
    for (int b = 0; b < 256; ++b)
        vocab[toByteLevel(std::string(1, static_cast<char>(b)))] = b;
    vocab["Ġt"] = 256;
    vocab["he"] = 257;
    vocab["Ġthe"] = 258;
    vocab["12"] = 259;
    vocab["abc"] = 260;
    vocab["<s>"] = 261;
    return json{
        {"version", "1.0"},
        {"truncation", nullptr},
        {"padding", nullptr},
        {"added_tokens",
         json::array({{{"id", 261},
                       {"content", "<s>"},
                       {"single_word", false},
                       {"lstrip", false},
                       {"rstrip", false},
                       {"normalized", false},
                       {"special", true}}})},
        {"normalizer", nullptr},
        {"pre_tokenizer",
         {{"type", "Sequence"},
          {"pretokenizers",
           json::array({{{"type", "Digits"}, {"individual_digits", true}},
                        {{"type", "ByteLevel"},
                         {"add_prefix_space", false},
                         {"trim_offsets", true},
                         {"use_regex", true}}})}}},
        {"post_processor", nullptr},
        {"decoder", {{"type", "ByteLevel"}, {"add_prefix_space", true}, {"trim_offsets", true}, {"use_regex", true}}},
        {"model",
         {{"type", "BPE"},
          {"dropout", nullptr},
          {"unk_token", nullptr},
          {"continuing_subword_prefix", nullptr},
          {"end_of_word_suffix", nullptr},
          {"fuse_unk", false},
          {"byte_fallback", false},
          {"ignore_merges", false},
          {"vocab", vocab},
          {"merges", json::array({"Ġ t", "h e", "Ġt he", "1 2"})}}}};
}

using Mutation = std::function<void(json&)>;

QByteArray mutated(const Mutation& change)
{
    json j = tinyTokenizer();
    change(j);
    return QByteArray::fromStdString(j.dump());
}

std::string loadError(const std::function<void()>& load)
{
    try {
        load();
    } catch (const InputError& e) {
        return e.what();
    }
    return "(no error)";
}

Ids ids(std::initializer_list<std::int64_t> list) { return Ids(list); }

} // namespace

class TestTokenizerJson : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void tinyTokenizerLoads();
    void badContent_data();
    void badContent();
    void badFiles();
    void digitRuns();
    void ignoreMerges();
    void unknownToken();
    void normalizedAddedTokensComeSecond();
    void noRegexSplit();
    void pairMerges();
};

void TestTokenizerJson::tinyTokenizerLoads()
{
    const BpeTokenizer tokenizer = BpeTokenizer::fromJson(tinyTokenizer().dump(), "tiny.json");
    QCOMPARE(tokenizer.vocabSize(), 262);
    QCOMPARE(tokenizer.encode(" the"), ids({258}));
    QCOMPARE(tokenizer.encode("the"), ids({'t', 257}));
    QCOMPARE(tokenizer.encode("x12<s>"), ids({'x', '1', '2', 261}));
    QCOMPARE(tokenizer.decode(tokenizer.encode("the 12 <s>x")), std::string("the 12 <s>x"));
    QCOMPARE(tokenizer.decode({258, 261}, true), std::string(" the"));
}

void TestTokenizerJson::badContent_data()
{
    QTest::addColumn<QByteArray>("content");
    QTest::addColumn<QString>("expected");

    QTest::newRow("empty") << QByteArray() << "not valid JSON (the file is empty)";
    QTest::newRow("not JSON") << QByteArray("hello, I am not JSON")
                              << "not valid JSON (syntax error at line 1, column 1)";
    QTest::newRow("syntax error line 2") << QByteArray("{\n  \"model\": nope}") << "syntax error at line 2, column 13";
    QTest::newRow("truncated") << QByteArray::fromStdString(tinyTokenizer().dump()).chopped(10) << "it ends early";
    QTest::newRow("invalid UTF-8 in a string") << QByteArray("{\"a\": \"\xff\"}") << "not valid JSON";
    QTest::newRow("number overflow") << QByteArray("{\"model\": 1e999}") << "not valid JSON";
    QTest::newRow("deep nesting") << QByteArray(100000, '[') << "nested deeper than 64 levels";
    QTest::newRow("top-level array") << QByteArray("[1, 2]") << "top-level JSON value is not an object";
    QTest::newRow("JSON but not a tokenizer") << QByteArray(R"({"name": "config", "hidden": 576})")
                                              << "not a tokenizer.json (no \"model\" object)";
    QTest::newRow("wrong model type") << mutated([](json& j) { j["model"]["type"] = "WordPiece"; })
                                      << "model type 'WordPiece' is not supported";
    QTest::newRow("model type not a string") << mutated([](json& j) { j["model"]["type"] = 3; })
                                             << "model type 3 is not supported";
    QTest::newRow("missing vocab") << mutated([](json& j) { j["model"].erase("vocab"); }) << "model.vocab is missing";
    QTest::newRow("vocab is an array") << mutated([](json& j) { j["model"]["vocab"] = json::array(); })
                                       << "model.vocab is missing or not an object";
    QTest::newRow("empty vocab") << mutated([](json& j) {
        j["model"]["vocab"] = json::object();
        j["model"]["merges"] = json::array();
        j["added_tokens"] = json::array();
    }) << "model.vocab is empty";
    QTest::newRow("negative id") << mutated([](json& j) { j["model"]["vocab"]["he"] = -1; }) << "token 'he' has id -1";
    QTest::newRow("fractional id") << mutated([](json& j) { j["model"]["vocab"]["he"] = 1.5; }) << "has id 1.5";
    QTest::newRow("string id") << mutated([](json& j) { j["model"]["vocab"]["he"] = "7"; }) << "has id \"7\"";
    QTest::newRow("id too large") << mutated([](json& j) { j["model"]["vocab"]["he"] = 1LL << 40; })
                                  << "ids must be whole numbers from 0 to 16777215";
    QTest::newRow("sparse ids") << mutated([](json& j) { j["model"]["vocab"]["he"] = 10000000; })
                                << "token ids are not contiguous";
    QTest::newRow("duplicate ids") << mutated([](json& j) { j["model"]["vocab"]["he"] = 256; }) << "is used by both";
    QTest::newRow("duplicate vocab key") << QByteArray::fromStdString([] {
        std::string text = tinyTokenizer().dump();
        const std::string key = "\"he\":257";
        return text.replace(text.find(key), key.size(), key + "," + "\"he\":262");
    }()) << "model.vocab: token 'he' appears twice";
    QTest::newRow("missing merges") << mutated([](json& j) { j["model"].erase("merges"); })
                                    << "model.merges is missing";
    QTest::newRow("merge is a number") << mutated([](json& j) { j["model"]["merges"][1] = 42; })
                                       << "model.merges entry 1 is 42, not \"left right\"";
    QTest::newRow("merge with two spaces") << mutated([](json& j) { j["model"]["merges"][0] = "Ġ t x"; })
                                           << "model.merges entry 0 is";
    QTest::newRow("merge pair of three") << mutated([](json& j) {
        j["model"]["merges"] = json::array({json::array({"Ġ", "t"}), json::array({"h", "e", "x"})});
    }) << "model.merges entry 1 is [...], not \"left right\" or [\"left\", \"right\"]";
    QTest::newRow("mixed merge forms") << mutated([](json& j) { j["model"]["merges"][2] = {"Ġt", "he"}; })
                                       << "model.merges entry 2 is [...], but entry 0 is a \"left right\" string";
    QTest::newRow("mixed merge forms, pairs first") << mutated([](json& j) {
        j["model"]["merges"] = json::array({json::array({"Ġ", "t"}), "h e"});
    }) << "model.merges entry 1 is \"h e\", but entry 0 is a [\"left\", \"right\"] pair";
    QTest::newRow("merge of unknown token") << mutated([](json& j) { j["model"]["merges"][3] = "1 zz"; })
                                            << "model.merges entry 3 uses 'zz', which is not in the vocab";
    QTest::newRow("merge result unknown") << mutated([](json& j) { j["model"]["merges"][3] = "2 1"; })
                                          << "uses '21', which is not in the vocab";
    QTest::newRow("added token without content") << mutated([](json& j) { j["added_tokens"][0].erase("content"); })
                                                 << "added_tokens[0] has no content";
    QTest::newRow("added token without id") << mutated([](json& j) { j["added_tokens"][0].erase("id"); })
                                            << "added_tokens[0] has no valid id";
    QTest::newRow("added token twice") << mutated([](json& j) { j["added_tokens"].push_back(j["added_tokens"][0]); })
                                       << "appears twice";
    QTest::newRow("added token lstrip") << mutated([](json& j) { j["added_tokens"][0]["lstrip"] = true; })
                                        << "'<s>': lstrip=true is not supported";
    QTest::newRow("flag not a bool") << mutated([](json& j) { j["added_tokens"][0]["special"] = "yes"; })
                                     << "added_tokens[0].special must be true or false";
    QTest::newRow("normalizer") << mutated([](json& j) { j["normalizer"] = {{"type", "NFC"}}; })
                                << "normalizer 'NFC' is not supported";
    QTest::newRow("no pre_tokenizer") << mutated([](json& j) { j["pre_tokenizer"] = nullptr; })
                                      << "pre_tokenizer is missing: not a byte-level BPE tokenizer";
    QTest::newRow("Metaspace") << mutated([](json& j) { j["pre_tokenizer"] = {{"type", "Metaspace"}}; })
                               << "pre_tokenizer step 'Metaspace' is not supported";
    QTest::newRow("Digits only") << mutated([](json& j) { j["pre_tokenizer"]["pretokenizers"].erase(1); })
                                 << "pre_tokenizer has no ByteLevel step";
    QTest::newRow("add_prefix_space") << mutated([](json& j) {
        j["pre_tokenizer"]["pretokenizers"][1]["add_prefix_space"] = true;
    }) << "add_prefix_space=true is not supported";
    QTest::newRow("no decoder") << mutated([](json& j) { j.erase("decoder"); }) << "decoder is missing";
    QTest::newRow("WordPiece decoder") << mutated([](json& j) { j["decoder"] = {{"type", "WordPiece"}}; })
                                       << "decoder 'WordPiece' is not supported";
    QTest::newRow("byte_fallback") << mutated([](json& j) { j["model"]["byte_fallback"] = true; })
                                   << "model.byte_fallback is not supported";
    QTest::newRow("dropout") << mutated([](json& j) { j["model"]["dropout"] = 0.1; })
                             << "model.dropout 0.1 is not supported";
    QTest::newRow("word suffix") << mutated([](json& j) { j["model"]["end_of_word_suffix"] = "</w>"; })
                                 << "model.end_of_word_suffix is not supported";
    QTest::newRow("unk not in vocab") << mutated([](json& j) { j["model"]["unk_token"] = "<unk>"; })
                                      << "model.unk_token '<unk>' is not in the vocab";
    QTest::newRow("control chars in message") << mutated([](json& j) { j["model"]["vocab"]["a\nb"] = -2; })
                                              << "token 'a\\x0ab' has id -2";
}

void TestTokenizerJson::badContent()
{
    QFETCH(QByteArray, content);
    QFETCH(QString, expected);
    const std::string message = loadError([&] { BpeTokenizer::fromJson(content.toStdString(), "my/tokenizer.json"); });
    QVERIFY2(message.rfind("my/tokenizer.json: ", 0) == 0, message.c_str());
    QVERIFY2(QString::fromStdString(message).contains(expected), message.c_str());
    QVERIFY2(message.find('\n') == std::string::npos, message.c_str());
}

void TestTokenizerJson::badFiles()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const auto path = [&](const char* name) { return dir.filePath(name).toStdString(); };
    const auto write = [&](const char* name, const QByteArray& content) {
        QFile file(dir.filePath(name));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(content);
    };
    const auto expectError = [&](const std::string& file, const char* expected) {
        const std::string message = loadError([&] { BpeTokenizer::fromFile(file); });
        QVERIFY2(message.rfind(file + ": ", 0) == 0, message.c_str());
        QVERIFY2(message.find(expected) != std::string::npos, message.c_str());
    };

    expectError(path("missing.json"), "file not found");

    QFile real(QString::fromStdString(kRealTokenizer));
    QVERIFY(real.open(QIODevice::ReadOnly));
    write("truncated.json", real.read(1000000));
    expectError(path("truncated.json"), "not valid JSON (it ends early, at byte 1000000: truncated file?)");

    write("notjson.json", "\x89PNG\r\n\x1a\n binary junk");
    expectError(path("notjson.json"), "not valid JSON");

    {
        QFile huge(dir.filePath("huge.json"));
        QVERIFY(huge.open(QIODevice::WriteOnly));
        QVERIFY(huge.resize(qint64(65) << 20)); // sparse: costs no disk
    }
    expectError(path("huge.json"), "file too large");

    QVERIFY(QDir(dir.path()).mkdir("a_directory.json"));
    expectError(path("a_directory.json"), "a_directory.json: ");
}

void TestTokenizerJson::digitRuns()
{
    json j = tinyTokenizer();
    QCOMPARE(BpeTokenizer::fromJson(j.dump(), "t").encode("x123"), ids({'x', '1', '2', '3'}));
    j["pre_tokenizer"]["pretokenizers"][0]["individual_digits"] = false;
    QCOMPARE(BpeTokenizer::fromJson(j.dump(), "t").encode("x123"), ids({'x', 259, '3'}));
    j["pre_tokenizer"] = j["pre_tokenizer"]["pretokenizers"][1]; // ByteLevel alone: \p{N}+ runs
    QCOMPARE(BpeTokenizer::fromJson(j.dump(), "t").encode("x123 45"), ids({'x', 259, '3', ' ', '4', '5'}));
}

void TestTokenizerJson::ignoreMerges()
{
    json j = tinyTokenizer();
    QCOMPARE(BpeTokenizer::fromJson(j.dump(), "t").encode("abc"), ids({'a', 'b', 'c'}));
    j["model"]["ignore_merges"] = true;
    QCOMPARE(BpeTokenizer::fromJson(j.dump(), "t").encode("abc"), ids({260}));
}

void TestTokenizerJson::unknownToken()
{
    json j = tinyTokenizer();
    j["model"]["vocab"].erase("q");
    QCOMPARE(BpeTokenizer::fromJson(j.dump(), "t").encode("aqqb"), ids({'a', 'b'}));
    j["model"]["unk_token"] = "<s>";
    QCOMPARE(BpeTokenizer::fromJson(j.dump(), "t").encode("aqqb"), ids({'a', 261, 261, 'b'}));
    j["model"]["fuse_unk"] = true;
    QCOMPARE(BpeTokenizer::fromJson(j.dump(), "t").encode("aqqb"), ids({'a', 261, 'b'}));
}

void TestTokenizerJson::normalizedAddedTokensComeSecond()
{
    json j = tinyTokenizer();
    j["model"]["vocab"]["a<"] = 262;
    j["added_tokens"].push_back({{"id", 262}, {"content", "a<"}, {"special", false}, {"normalized", true}});
    const BpeTokenizer tokenizer = BpeTokenizer::fromJson(j.dump(), "t");
    // The non-normalized <s> is extracted first although a< starts earlier.
    QCOMPARE(tokenizer.encode("a<s>"), ids({'a', 261}));
    QCOMPARE(tokenizer.encode("a<b"), ids({262, 'b'}));
    QVERIFY(!tokenizer.isSpecial(262));
}

void TestTokenizerJson::noRegexSplit()
{
    json j = tinyTokenizer();
    j["model"]["vocab"]["eĠ"] = 262;
    j["model"]["merges"].insert(j["model"]["merges"].begin(), "e Ġ");
    // With the pattern, "e" and " he" are separate pieces and "eĠ" cannot form.
    QCOMPARE(BpeTokenizer::fromJson(j.dump(), "t").encode("he he"), ids({257, ' ', 257}));
    j["pre_tokenizer"]["pretokenizers"][1]["use_regex"] = false;
    QCOMPARE(BpeTokenizer::fromJson(j.dump(), "t").encode("he he"), ids({'h', 262, 257}));
}

void TestTokenizerJson::pairMerges()
{
    // Newer tokenizer.json files write merges as ["left", "right"] pairs.
    json j = tinyTokenizer();
    json pairs = json::array();
    for (const json& merge : j["model"]["merges"]) {
        const std::string text = merge.get<std::string>();
        pairs.push_back({text.substr(0, text.find(' ')), text.substr(text.find(' ') + 1)});
    }
    j["model"]["merges"] = pairs;
    const BpeTokenizer tokenizer = BpeTokenizer::fromJson(j.dump(), "t");
    QCOMPARE(tokenizer.encode(" the"), ids({258}));
    QCOMPARE(tokenizer.encode("12"), ids({'1', '2'}));
    QCOMPARE(tokenizer.encode("x 12"), ids({'x', ' ', '1', '2'}));
}

QTEST_GUILESS_MAIN(TestTokenizerJson)
#include "test_tokenizer_json.moc"
