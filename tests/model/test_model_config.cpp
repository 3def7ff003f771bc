// ModelConfig: both reference configs, round trips, built-in configs and a table of bad
// config.json files.
#include "core/model/model_config.h"
#include "core/util/error.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using namespace vlmscope;
using OrderedJson = nlohmann::ordered_json;

namespace {

QString refConfigPath(const QString& folder)
{
    return QStringLiteral(VLMSCOPE_TEST_DATA "/reference/") + folder + QStringLiteral("/config.json");
}

std::string readText(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll().toStdString();
}

template <typename Fn>
QString errorOf(Fn&& fn)
{
    try {
        fn();
    } catch (const InputError& e) {
        return QString::fromStdString(e.what());
    } catch (const std::exception& e) {
        return QStringLiteral("wrong exception type: ") + QString::fromStdString(e.what());
    }
    return QStringLiteral("no exception");
}

void writeText(const QString& path, const std::string& text)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(text.data(), qint64(text.size()));
}

} // namespace

class TestModelConfig : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void headReference();
    void v222mReference();
    void referenceRoundTripsExactly_data();
    void referenceRoundTripsExactly();
    void builtinConfigs();
    void extraTokensKeepFileOrder();
    void optionalFieldsMayBeAbsent();
    void badConfig_data();
    void badConfig();
    void fileErrorsNameThePath();
};

void TestModelConfig::headReference()
{
    const ModelConfig c = ModelConfig::fromFile(refConfigPath(QStringLiteral("head")).toStdString());
    QCOMPARE(c.generation, ArchGeneration::Current);
    QCOMPARE(c.vitHiddenDim, std::int64_t(64));
    QCOMPARE(c.vitInterDim, std::int64_t(256));
    QCOMPARE(c.vitPatchSize, std::int64_t(16));
    QCOMPARE(c.vitImgSize, std::int64_t(64));
    QCOMPARE(c.vitNHeads, std::int64_t(4));
    QCOMPARE(c.vitNBlocks, std::int64_t(2));
    QCOMPARE(c.vitLnEps, 1e-6);
    QCOMPARE(c.vitClsFlag, false);
    QCOMPARE(c.lmHiddenDim, std::int64_t(64));
    QCOMPARE(c.lmInterDim, std::int64_t(128));
    QCOMPARE(c.lmRmsEps, 1e-5);
    QCOMPARE(c.lmReBase, std::int64_t(100000));
    QCOMPARE(c.lmMaxPositionEmbeddings, std::int64_t(8192));
    QCOMPARE(c.lmVocabSize, std::int64_t(512));
    QCOMPARE(c.lmBaseVocabSize, std::optional<std::int64_t>(446));
    QCOMPARE(c.extraTokenAmount, std::optional<std::int64_t>(66));
    QCOMPARE(c.lmNHeads, std::int64_t(4));
    QCOMPARE(c.lmNKvHeads, std::int64_t(2));
    QCOMPARE(c.lmNBlocks, std::int64_t(2));
    QCOMPARE(c.lmAttnScaling, 1.0);
    QCOMPARE(c.lmMaxLength, std::optional<std::int64_t>(4096));
    QCOMPARE(c.lmTieWeights, true);
    QCOMPARE(c.lmUseTokens, false);
    QVERIFY(!c.lmEosTokenId);
    QVERIFY(!c.lmRopeFactor);
    QCOMPARE(c.lmTokenizer, std::optional<std::string>("HuggingFaceTB/SmolLM2-360M-Instruct"));
    QVERIFY(c.lmChatTemplate && c.lmChatTemplate->find("<|im_start|>") != std::string::npos);
    QCOMPARE(c.mpPixelShuffleFactor, std::int64_t(2));
    QCOMPARE(c.mpImageTokenLength, std::optional<std::int64_t>(4));
    QCOMPARE(c.maxImgSize, std::optional<std::int64_t>(64));
    QCOMPARE(c.resizeToMaxSideLen, std::optional<bool>(true));
    QCOMPARE(c.vlmExtraTokens.size(), std::size_t(66));
    QCOMPARE(c.otherFields.at("hf_repo_name").get<std::string>(), std::string("nanoVLM"));

    QCOMPARE(c.lmHeadDim(), std::int64_t(16));
    QCOMPARE(c.lmKvGroups(), std::int64_t(2));
    QCOMPARE(c.vitNumPatches(), std::int64_t(16));
    QCOMPARE(c.imageTokenLength(), std::int64_t(4));
    QCOMPARE(c.mpInputDim(), std::int64_t(256));
    QVERIFY(c.extraToken("image_token"));
    QCOMPARE(*c.extraToken("image_token"), std::string("<|image|>"));
    QCOMPARE(*c.extraToken("global_image_token"), std::string("<|global_image|>"));
    QVERIFY(!c.extraToken("boi_token"));
}

void TestModelConfig::v222mReference()
{
    const ModelConfig c = ModelConfig::fromFile(refConfigPath(QStringLiteral("v222m-era")).toStdString());
    QCOMPARE(c.generation, ArchGeneration::V222mEra);
    QCOMPARE(QString::fromLatin1(archGenerationName(c.generation)), QStringLiteral("222M era"));
    QCOMPARE(c.vitHiddenDim, std::int64_t(64));
    QCOMPARE(c.lmVocabSize, std::int64_t(512));
    QVERIFY(!c.lmBaseVocabSize);
    QVERIFY(!c.extraTokenAmount);
    QVERIFY(!c.mpImageTokenLength);
    QVERIFY(c.vlmExtraTokens.empty());
    QCOMPARE(c.lmEosTokenId, std::optional<std::int64_t>(0));
    QCOMPARE(c.lmRopeFactor, std::optional<double>(0.7));
    QCOMPARE(c.lmBetaFast, std::optional<std::int64_t>(32));
    QCOMPARE(c.lmBetaSlow, std::optional<std::int64_t>(1));
    QCOMPARE(c.lmMaxLength, std::optional<std::int64_t>(79));
    QCOMPARE(c.lmTokenizer, std::optional<std::string>("HuggingFaceTB/cosmo2-tokenizer"));
    QCOMPARE(c.imageTokenLength(), std::int64_t(4));
    QCOMPARE(c.lmHeadDim(), std::int64_t(16));
    QCOMPARE(c.otherFields.at("vlm_checkpoint_path").get<std::string>(), std::string("checkpoints/nanoVLM-222M"));
}

void TestModelConfig::referenceRoundTripsExactly_data()
{
    QTest::addColumn<QString>("folder");
    QTest::newRow("head") << QStringLiteral("head");
    QTest::newRow("v222m-era") << QStringLiteral("v222m-era");
}

void TestModelConfig::referenceRoundTripsExactly()
{
    QFETCH(QString, folder);
    const std::string text = readText(refConfigPath(folder));
    const ModelConfig c = ModelConfig::fromJson(text, "config.json");
    // Same keys, order and values as the original's json.dumps(asdict(cfg), indent=4).
    QCOMPARE(c.toJson(), OrderedJson::parse(text));
    QCOMPARE(QString::fromStdString(c.toJson().dump(4)), QString::fromStdString(text));
    const ModelConfig again = ModelConfig::fromJson(c.toJson().dump(), "again.json");
    QCOMPARE(again.toJson(), c.toJson());
    QCOMPARE(again.generation, c.generation);
}

void TestModelConfig::builtinConfigs()
{
    const ModelConfig big = ModelConfig::builtin222m();
    big.validate("builtin");
    QCOMPARE(big.generation, ArchGeneration::V222mEra);
    QCOMPARE(big.vitNumPatches(), std::int64_t(196));
    QCOMPARE(big.imageTokenLength(), std::int64_t(49));
    QCOMPARE(big.lmHeadDim(), std::int64_t(64));
    QCOMPARE(big.lmKvGroups(), std::int64_t(3));
    QCOMPARE(big.mpInputDim(), std::int64_t(3072));
    QCOMPARE(big.lmVocabSize, std::int64_t(49152));
    QCOMPARE(big.lmNBlocks, std::int64_t(30));
    QCOMPARE(big.lmMaxLength, std::optional<std::int64_t>(79));
    QCOMPARE(big.lmRopeFactor, std::optional<double>(0.7));

    // toJson() is what 931bef0's VLMConfig() would have saved.
    const OrderedJson expected931 = OrderedJson::parse(R"({
        "vit_hidden_dim": 768, "vit_inter_dim": 3072, "vit_patch_size": 16, "vit_img_size": 224,
        "vit_n_heads": 12, "vit_dropout": 0.0, "vit_n_blocks": 12, "vit_ln_eps": 1e-06,
        "vit_cls_flag": false, "vit_model_type": "google/siglip-base-patch16-224",
        "lm_hidden_dim": 576, "lm_inter_dim": 1536, "lm_rms_eps": 1e-05, "lm_re_base": 100000,
        "lm_max_position_embeddings": 8192, "lm_vocab_size": 49152, "lm_n_heads": 9, "lm_n_kv_heads": 3,
        "lm_dropout": 0.0, "lm_n_blocks": 30, "lm_attn_scaling": 1.0, "lm_max_length": 79,
        "lm_use_tokens": false, "lm_tie_weights": true, "lm_rope_factor": 0.7, "lm_beta_fast": 32,
        "lm_beta_slow": 1, "lm_model_type": "HuggingFaceTB/SmolLM2-135M",
        "lm_tokenizer": "HuggingFaceTB/cosmo2-tokenizer", "lm_eos_token_id": 0,
        "mp_pixel_shuffle_factor": 2, "vlm_load_backbone_weights": true,
        "vlm_checkpoint_path": "checkpoints/nanoVLM-222M"})");
    QCOMPARE(QString::fromStdString(big.toJson().dump()), QString::fromStdString(expected931.dump()));

    const ModelConfig small = ModelConfig::tiny();
    small.validate("tiny");
    QCOMPARE(small.generation, ArchGeneration::V222mEra);
    QCOMPARE(small.vitNumPatches(), std::int64_t(16));
    QCOMPARE(small.imageTokenLength(), std::int64_t(4));
    QCOMPARE(small.lmHeadDim(), std::int64_t(16));
    QCOMPARE(small.lmVocabSize, std::int64_t(49152));

    for (const ModelConfig* c : {&big, &small}) {
        const ModelConfig again = ModelConfig::fromJson(c->toJson().dump(), "builtin.json");
        QCOMPARE(again.toJson(), c->toJson());
    }
}

void TestModelConfig::extraTokensKeepFileOrder()
{
    OrderedJson doc = OrderedJson::parse(readText(refConfigPath(QStringLiteral("head"))));
    doc["vlm_extra_tokens"] = OrderedJson::parse(R"({"zeta": "<z>", "image_token": "<|image|>", "alpha": "<a>"})");
    doc["extra_token_amount"] = 3;
    doc["lm_vocab_size"] = 449;
    const ModelConfig c = ModelConfig::fromJson(doc.dump(), "config.json");
    const std::vector<std::pair<std::string, std::string>> expected{
        {"zeta", "<z>"}, {"image_token", "<|image|>"}, {"alpha", "<a>"}};
    QCOMPARE(c.vlmExtraTokens, expected);
    QCOMPARE(QString::fromStdString(c.toJson().at("vlm_extra_tokens").dump()),
             QStringLiteral(R"({"zeta":"<z>","image_token":"<|image|>","alpha":"<a>"})"));
}

void TestModelConfig::optionalFieldsMayBeAbsent()
{
    OrderedJson doc = OrderedJson::parse(readText(refConfigPath(QStringLiteral("v222m-era"))));
    for (const char* key : {"lm_rope_factor", "lm_beta_fast", "lm_beta_slow", "lm_eos_token_id", "lm_max_length",
                            "vit_dropout", "lm_tokenizer", "vlm_checkpoint_path"})
        doc.erase(key);
    const ModelConfig c = ModelConfig::fromJson(doc.dump(), "config.json");
    QVERIFY(!c.lmRopeFactor);
    QVERIFY(!c.lmEosTokenId);
    QVERIFY(!c.lmTokenizer);
    QCOMPARE(c.toJson(), doc);

    // An intermediate revision (6360627): extra tokens but IMAGE_TOKEN_LENGTH instead of
    // mp_image_token_length. Still the current generation.
    OrderedJson mid = OrderedJson::parse(readText(refConfigPath(QStringLiteral("head"))));
    mid.erase("mp_image_token_length");
    mid["IMAGE_TOKEN_LENGTH"] = 4;
    const ModelConfig m = ModelConfig::fromJson(mid.dump(), "config.json");
    QCOMPARE(m.generation, ArchGeneration::Current);
    QCOMPARE(m.imageTokenLength(), std::int64_t(4));
}

void TestModelConfig::badConfig_data()
{
    QTest::addColumn<QString>("base");
    QTest::addColumn<QString>("key");
    QTest::addColumn<QString>("value");
    QTest::addColumn<QString>("message");
    const QString v1 = QStringLiteral("v222m-era");
    const QString hd = QStringLiteral("head");
    const QString raw = QStringLiteral("raw");
    const QString remove = QStringLiteral("<remove>");
    auto row = [](const char* name, const QString& base, const char* key, const QString& value, const char* message) {
        QTest::newRow(name) << base << QString::fromUtf8(key) << value << QString::fromUtf8(message);
    };

    row("missing lm_n_heads", v1, "lm_n_heads", remove, "field 'lm_n_heads' is missing");
    row("missing vit_img_size", hd, "vit_img_size", remove, "field 'vit_img_size' is missing");
    row("missing pixel shuffle", v1, "mp_pixel_shuffle_factor", remove, "field 'mp_pixel_shuffle_factor' is missing");
    row("missing lm_tie_weights", v1, "lm_tie_weights", remove, "field 'lm_tie_weights' is missing");
    row("unknown field", v1, "lm_flash_attention", QStringLiteral("true"),
        "unknown field 'lm_flash_attention' (not a nanoVLM VLMConfig field)");
    row("TrainConfig field", hd, "batch_size", QStringLiteral("8"), "unknown field 'batch_size'");
    row("int as string", v1, "lm_n_heads", QStringLiteral("\"4\""), "field 'lm_n_heads' must be an integer (got \"4\")");
    row("int as float", v1, "vit_hidden_dim", QStringLiteral("64.5"), "field 'vit_hidden_dim' must be an integer (got 64.5)");
    row("int as null", v1, "lm_n_blocks", QStringLiteral("null"), "field 'lm_n_blocks' must be an integer (got null)");
    row("bool as int", v1, "vit_cls_flag", QStringLiteral("0"), "field 'vit_cls_flag' must be true or false (got 0)");
    row("float as string", v1, "vit_ln_eps", QStringLiteral("\"1e-6\""), "field 'vit_ln_eps' must be a number");
    row("string as int", hd, "lm_tokenizer", QStringLiteral("7"), "field 'lm_tokenizer' must be a string (got 7)");
    row("unused field wrong type", v1, "vit_dropout", QStringLiteral("\"none\""), "field 'vit_dropout' must be a number");
    row("negative blocks", v1, "lm_n_blocks", QStringLiteral("-1"), "field 'lm_n_blocks' must be between 1 and 1024 (got -1)");
    row("zero patch", v1, "vit_patch_size", QStringLiteral("0"), "field 'vit_patch_size' must be between 1 and 1024 (got 0)");
    row("huge hidden", v1, "lm_hidden_dim", QStringLiteral("100000000000"), "field 'lm_hidden_dim' must be between 1 and 65536");
    row("zero eps", v1, "lm_rms_eps", QStringLiteral("0"), "field 'lm_rms_eps' must be a number above 0.0 and below 1.0 (got 0.0)");
    row("heads do not divide hidden", v1, "lm_n_heads", QStringLiteral("3"),
        "field 'lm_hidden_dim' (64) must be divisible by 'lm_n_heads' (3)");
    row("kv heads do not divide heads", v1, "lm_n_kv_heads", QStringLiteral("3"),
        "field 'lm_n_heads' (4) must be divisible by 'lm_n_kv_heads' (3)");
    row("odd head dim", v1, "lm_hidden_dim", QStringLiteral("60"), "lm_hidden_dim / lm_n_heads = 15 must be even");
    row("vit heads", v1, "vit_n_heads", QStringLiteral("5"), "field 'vit_hidden_dim' (64) must be divisible by 'vit_n_heads' (5)");
    row("image not whole patches", v1, "vit_img_size", QStringLiteral("72"),
        "field 'vit_img_size' (72) must be divisible by 'vit_patch_size' (16)");
    row("grid not divisible by shuffle", v1, "mp_pixel_shuffle_factor", QStringLiteral("3"),
        "vit_img_size / vit_patch_size = 4 must be divisible by 'mp_pixel_shuffle_factor' (3)");
    row("max image not whole tiles", hd, "max_img_size", QStringLiteral("100"),
        "field 'max_img_size' (100) must be divisible by 'vit_img_size' (64)");
    row("eos outside vocab", v1, "lm_eos_token_id", QStringLiteral("512"),
        "field 'lm_eos_token_id' must be between 0 and 511 (got 512)");
    row("cls flag", v1, "vit_cls_flag", QStringLiteral("true"), "field 'vit_cls_flag' is true");
    row("use tokens", hd, "lm_use_tokens", QStringLiteral("true"), "field 'lm_use_tokens' is true");
    row("image token length", hd, "mp_image_token_length", QStringLiteral("5"),
        "field 'mp_image_token_length' (5) must equal the projector's output length");
    row("vocab sum", hd, "lm_vocab_size", QStringLiteral("513"),
        "field 'lm_vocab_size' (513) must equal 'lm_base_vocab_size' (446) + 'extra_token_amount' (66)");
    row("current without base vocab", hd, "lm_base_vocab_size", remove, "field 'lm_base_vocab_size' is missing");
    row("current without extra amount", hd, "extra_token_amount", remove, "field 'extra_token_amount' is missing");
    row("extra tokens without image token", hd, "vlm_extra_tokens", QStringLiteral(R"({"boi": "<b>"})"),
        "field 'vlm_extra_tokens' has no 'image_token' entry");
    row("extra tokens not an object", hd, "vlm_extra_tokens", QStringLiteral(R"(["<|image|>"])"),
        "field 'vlm_extra_tokens' must be an object");
    row("extra token not a string", hd, "vlm_extra_tokens", QStringLiteral(R"({"image_token": 5})"),
        "field 'vlm_extra_tokens' entry 'image_token' must be a string (got 5)");
    row("extra token repeated", hd, "vlm_extra_tokens", QStringLiteral(R"({"image_token": "<i>", "other": "<i>"})"),
        "field 'vlm_extra_tokens' maps both 'image_token' and 'other' to the token '<i>'");
    row("extra key twice", hd, "vlm_extra_tokens", QStringLiteral(R"({"image_token": "<i>", "image_token": "<j>"})"),
        "field 'vlm_extra_tokens' has the key 'image_token' twice");
    row("nested too deep", v1, "vit_model_type", QStringLiteral(R"({"a": {"b": 1}})"),
        "field 'vit_model_type' nests deeper than any VLMConfig value");
    row("duplicate field", raw, "", QStringLiteral(R"({"vit_hidden_dim": 64, "vit_hidden_dim": 65})"),
        "field 'vit_hidden_dim' appears twice");
    row("not JSON", raw, "", QStringLiteral("{\"vit_hidden_dim\": 64,"), "not valid JSON");
    row("not JSON at all", raw, "", QStringLiteral("PK\x03\x04"), "not valid JSON");
    row("not an object", raw, "", QStringLiteral("[64, 256]"), "not a JSON object");
    row("empty", raw, "", QString(), "file is empty");
    row("whitespace only", raw, "", QStringLiteral(" \n\t "), "file is empty");
    row("empty object", raw, "", QStringLiteral("{}"), "field 'vit_hidden_dim' is missing");
}

void TestModelConfig::badConfig()
{
    QFETCH(QString, base);
    QFETCH(QString, key);
    QFETCH(QString, value);
    QFETCH(QString, message);
    std::string text;
    if (base == QStringLiteral("raw")) {
        text = value.toStdString();
    } else {
        OrderedJson doc = OrderedJson::parse(readText(refConfigPath(base)));
        const std::string placeholder = "\"@value@\"";
        if (value == QStringLiteral("<remove>")) {
            doc.erase(key.toStdString());
            text = doc.dump(4);
        } else {
            // Spliced in as text, so a row can hold what a parsed document cannot (duplicate keys).
            doc[key.toStdString()] = "@value@";
            text = doc.dump(4);
            text.replace(text.find(placeholder), placeholder.size(), value.toStdString());
        }
    }
    const QString error = errorOf([&] { ModelConfig::fromJson(text, "config.json"); });
    QVERIFY2(error.startsWith(QStringLiteral("config.json: ")), qPrintable(error));
    QVERIFY2(error.contains(message), qPrintable(error));
    QVERIFY2(!error.contains(QLatin1Char('\n')), qPrintable(error));
}

void TestModelConfig::fileErrorsNameThePath()
{
    QTemporaryDir dir;
    const QString missing = dir.filePath(QStringLiteral("config.json"));
    QCOMPARE(errorOf([&] { ModelConfig::fromFile(missing.toStdString()); }), missing + QStringLiteral(": file not found"));

    const QString empty = dir.filePath(QStringLiteral("empty.json"));
    writeText(empty, "");
    QCOMPARE(errorOf([&] { ModelConfig::fromFile(empty.toStdString()); }),
             empty + QStringLiteral(": file is empty (expected a nanoVLM config.json object)"));

    const QString garbage = dir.filePath(QStringLiteral("garbage.json"));
    writeText(garbage, "vit_hidden_dim = 64\n");
    QVERIFY(errorOf([&] { ModelConfig::fromFile(garbage.toStdString()); })
                .startsWith(garbage + QStringLiteral(": not valid JSON (")));

    const QString unknown = dir.filePath(QStringLiteral("unknown.json"));
    OrderedJson doc = OrderedJson::parse(readText(refConfigPath(QStringLiteral("head"))));
    doc["vit_flux_capacitor"] = 1;
    writeText(unknown, doc.dump());
    QCOMPARE(errorOf([&] { ModelConfig::fromFile(unknown.toStdString()); }),
             unknown + QStringLiteral(": unknown field 'vit_flux_capacitor' (not a nanoVLM VLMConfig field)"));

    const QString big = dir.filePath(QStringLiteral("big.json"));
    writeText(big, std::string(2 << 20, ' '));
    QVERIFY(errorOf([&] { ModelConfig::fromFile(big.toStdString()); }).startsWith(big + QStringLiteral(": file too large")));
}

QTEST_GUILESS_MAIN(TestModelConfig)
#include "test_model_config.moc"
