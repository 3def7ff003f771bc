#include "core/model/model_config.h"

#include "core/util/atomic_write.h"
#include "core/util/error.h"

#include <cmath>
#include <map>
#include <set>

namespace vlmscope {

namespace {

using Json = nlohmann::json;
using OrderedJson = nlohmann::ordered_json;

enum class Kind { Int, Float, Bool, String, StringMap };

struct FieldSpec {
    const char* name;
    Kind kind;
    bool used; // false: carried through otherFields only
};

// Every VLMConfig field of every nanoVLM revision (git log -- models/config.py, all
// branches), in an order that contains both 931bef0's and HEAD's declaration order, so
// toJson() writes fields the way the original save_pretrained did.
constexpr FieldSpec kFields[] = {
    {"vit_hidden_dim", Kind::Int, true},
    {"vit_inter_dim", Kind::Int, true},
    {"vit_patch_size", Kind::Int, true},
    {"vit_img_size", Kind::Int, true},
    {"vit_n_heads", Kind::Int, true},
    {"vit_dropout", Kind::Float, false},
    {"vit_n_blocks", Kind::Int, true},
    {"vit_ln_eps", Kind::Float, true},
    {"vit_cls_flag", Kind::Bool, true},
    {"vit_model_type", Kind::String, false},
    {"lm_hidden_dim", Kind::Int, true},
    {"lm_inter_dim", Kind::Int, true},
    {"lm_rms_eps", Kind::Float, true},
    {"lm_re_base", Kind::Int, true},
    {"lm_max_position_embeddings", Kind::Int, true},
    {"lm_base_vocab_size", Kind::Int, true},
    {"extra_token_amount", Kind::Int, true},
    {"lm_vocab_size", Kind::Int, true},
    {"lm_n_heads", Kind::Int, true},
    {"lm_n_kv_heads", Kind::Int, true},
    {"lm_dropout", Kind::Float, false},
    {"lm_n_blocks", Kind::Int, true},
    {"lm_attn_scaling", Kind::Float, true},
    {"IMAGE_TOKEN_LENGTH", Kind::Int, false},
    {"TOTAL_SEQUENCE_LENGTH", Kind::Int, false},
    {"lm_max_length", Kind::Int, true},
    {"lm_use_tokens", Kind::Bool, true},
    {"lm_tie_weights", Kind::Bool, true},
    {"lm_rope_factor", Kind::Float, true},
    {"lm_beta_fast", Kind::Int, true},
    {"lm_beta_slow", Kind::Int, true},
    {"lm_model_type", Kind::String, true},
    {"lm_tokenizer", Kind::String, true},
    {"lm_chat_template", Kind::String, true},
    {"lm_eos_token_id", Kind::Int, true},
    {"mp_pixel_shuffle_factor", Kind::Int, true},
    {"mp_image_token_length", Kind::Int, true},
    {"max_img_size", Kind::Int, true},
    {"resize_to_max_side_len", Kind::Bool, true},
    {"splitted_image_size", Kind::Int, false},
    {"vlm_extra_tokens", Kind::StringMap, true},
    {"vlm_load_backbone_weights", Kind::Bool, false},
    {"vlm_checkpoint_path", Kind::String, false},
    {"hf_repo_name", Kind::String, false},
    {"vlm_snapshot_path", Kind::String, false},
};

// Fields only current-generation revisions have; any of them marks a config as current.
constexpr const char* kCurrentMarkers[] = {"mp_image_token_length", "vlm_extra_tokens", "lm_base_vocab_size",
                                           "extra_token_amount"};

constexpr std::size_t kMaxConfigBytes = 1 << 20;
constexpr std::size_t kMaxExtraTokens = 4096;

const FieldSpec* findField(const std::string& name)
{
    for (const FieldSpec& spec : kFields) {
        if (name == spec.name)
            return &spec;
    }
    return nullptr;
}

// Untrusted text in messages: bounded, cut on a UTF-8 boundary.
std::string clip(std::string text)
{
    constexpr std::size_t kMax = 60;
    if (text.size() <= kMax)
        return text;
    std::size_t cut = kMax;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
        --cut;
    return text.substr(0, cut) + "...";
}

std::string quote(const std::string& text) { return "'" + clip(text) + "'"; }

std::string describe(const Json& value) { return clip(value.dump()); }

std::string numberText(double value)
{
    return clip(Json(value).dump());
}

// Parses config.json, rejecting unknown and duplicate fields as they are met (like the
// original's `VLMConfig(**json)`) and remembering vlm_extra_tokens' key order, which the
// token ids depend on.
Json parseConfig(std::string_view text, const std::string& source, std::vector<std::string>& extraTokenOrder)
{
    std::set<std::string> topKeys;
    std::set<std::string> innerKeys;
    std::string topKey;
    auto guard = [&](int depth, Json::parse_event_t event, Json& parsed) {
        if ((event == Json::parse_event_t::object_start || event == Json::parse_event_t::array_start) && depth >= 2)
            throw InputError(source + ": field " + quote(topKey) + " nests deeper than any VLMConfig value");
        if (event != Json::parse_event_t::key)
            return true;
        const std::string key = parsed.get<std::string>();
        if (depth == 1) {
            if (!findField(key))
                throw InputError(source + ": unknown field " + quote(key) + " (not a nanoVLM VLMConfig field)");
            if (!topKeys.insert(key).second)
                throw InputError(source + ": field " + quote(key) + " appears twice");
            topKey = key;
            innerKeys.clear();
        } else if (depth == 2) {
            if (!innerKeys.insert(key).second)
                throw InputError(source + ": field " + quote(topKey) + " has the key " + quote(key) + " twice");
            if (topKey == "vlm_extra_tokens" && extraTokenOrder.size() <= kMaxExtraTokens)
                extraTokenOrder.push_back(key);
        }
        return true;
    };
    try {
        return Json::parse(text.begin(), text.end(), guard);
    } catch (const Json::exception& e) {
        std::string what = e.what();
        const auto bracket = what.find("] ");
        if (bracket != std::string::npos)
            what = what.substr(bracket + 2);
        throw InputError(source + ": not valid JSON (" + what + ")");
    }
}

class FieldReader {
public:
    FieldReader(const Json& doc, const std::string& source) : m_doc(doc), m_source(source) {}

    bool has(const char* key) const { return m_doc.contains(key); }

    std::int64_t requiredInt(const char* key) const { return toInt(key, require(key)); }
    double requiredFloat(const char* key) const { return toFloat(key, require(key)); }
    bool requiredBool(const char* key) const { return toBool(key, require(key)); }

    std::optional<std::int64_t> optionalInt(const char* key) const
    {
        return has(key) ? std::optional(toInt(key, m_doc.at(key))) : std::nullopt;
    }
    std::optional<double> optionalFloat(const char* key) const
    {
        return has(key) ? std::optional(toFloat(key, m_doc.at(key))) : std::nullopt;
    }
    std::optional<bool> optionalBool(const char* key) const
    {
        return has(key) ? std::optional(toBool(key, m_doc.at(key))) : std::nullopt;
    }
    std::optional<std::string> optionalString(const char* key) const
    {
        if (!has(key))
            return std::nullopt;
        const Json& value = m_doc.at(key);
        if (!value.is_string())
            throw fieldError(key, "must be a string", value);
        return value.get<std::string>();
    }

    // Checks an unused field's JSON type against its declaration; null stands for Python's None.
    void checkUnused(const FieldSpec& spec) const
    {
        const Json& value = m_doc.at(spec.name);
        if (value.is_null())
            return;
        switch (spec.kind) {
        case Kind::Int:
            toInt(spec.name, value);
            break;
        case Kind::Float:
            toFloat(spec.name, value);
            break;
        case Kind::Bool:
            toBool(spec.name, value);
            break;
        case Kind::String:
            if (!value.is_string())
                throw fieldError(spec.name, "must be a string", value);
            break;
        case Kind::StringMap:
            break;
        }
    }

    std::vector<std::pair<std::string, std::string>> extraTokens(const std::vector<std::string>& order) const
    {
        const char* key = "vlm_extra_tokens";
        const Json& value = require(key);
        if (!value.is_object())
            throw fieldError(key, "must be an object mapping names to token strings", value);
        if (value.size() > kMaxExtraTokens)
            throw InputError(m_source + ": field 'vlm_extra_tokens' has " + std::to_string(value.size())
                             + " entries (at most " + std::to_string(kMaxExtraTokens) + ")");
        std::vector<std::pair<std::string, std::string>> tokens;
        for (const std::string& name : order) {
            const Json& token = value.at(name);
            if (!token.is_string())
                throw InputError(m_source + ": field 'vlm_extra_tokens' entry " + quote(name)
                                 + " must be a string (got " + describe(token) + ")");
            tokens.emplace_back(name, token.get<std::string>());
        }
        return tokens;
    }

    const Json& require(const char* key) const
    {
        if (!has(key))
            throw InputError(m_source + ": field '" + key + "' is missing");
        return m_doc.at(key);
    }

private:
    InputError fieldError(const char* key, const char* problem, const Json& value) const
    {
        return InputError(m_source + ": field '" + key + "' " + problem + " (got " + describe(value) + ")");
    }
    std::int64_t toInt(const char* key, const Json& value) const
    {
        if (!value.is_number_integer()
            || (value.is_number_unsigned() && value.get<std::uint64_t>() > std::uint64_t(INT64_MAX)))
            throw fieldError(key, "must be an integer", value);
        return value.get<std::int64_t>();
    }
    double toFloat(const char* key, const Json& value) const
    {
        if (!value.is_number())
            throw fieldError(key, "must be a number", value);
        return value.get<double>();
    }
    bool toBool(const char* key, const Json& value) const
    {
        if (!value.is_boolean())
            throw fieldError(key, "must be true or false", value);
        return value.get<bool>();
    }

    const Json& m_doc;
    const std::string& m_source;
};

ArchGeneration detectGeneration(const Json& doc)
{
    for (const char* marker : kCurrentMarkers) {
        if (doc.contains(marker))
            return ArchGeneration::Current;
    }
    return ArchGeneration::V222mEra;
}

// Range and consistency checks share one message shape: "<source>: field 'x' ...".
class Checker {
public:
    explicit Checker(const std::string& source) : m_source(source) {}

    void range(const char* key, std::int64_t value, std::int64_t lo, std::int64_t hi) const
    {
        if (value < lo || value > hi)
            fail(std::string("field '") + key + "' must be between " + std::to_string(lo) + " and "
                 + std::to_string(hi) + " (got " + std::to_string(value) + ")");
    }
    void range(const char* key, const std::optional<std::int64_t>& value, std::int64_t lo, std::int64_t hi) const
    {
        if (value)
            range(key, *value, lo, hi);
    }
    // Open interval (lo, hi): epsilons and scales must be strictly positive.
    void openRange(const char* key, double value, double lo, double hi) const
    {
        if (!(value > lo && value < hi))
            fail(std::string("field '") + key + "' must be a number above " + numberText(lo) + " and below "
                 + numberText(hi) + " (got " + numberText(value) + ")");
    }
    void divisible(const char* key, std::int64_t value, const char* byKey, std::int64_t by) const
    {
        if (value % by != 0)
            fail(std::string("field '") + key + "' (" + std::to_string(value) + ") must be divisible by '" + byKey
                 + "' (" + std::to_string(by) + ")");
    }
    void require(bool ok, const std::string& problem) const
    {
        if (!ok)
            fail(problem);
    }
    [[noreturn]] void fail(const std::string& problem) const { throw InputError(m_source + ": " + problem); }

private:
    const std::string& m_source;
};

void checkRanges(const ModelConfig& c, const Checker& check)
{
    constexpr std::int64_t kMaxWidth = 1 << 16;
    constexpr std::int64_t kMaxCount = 1024;
    constexpr std::int64_t kMaxVocab = 1 << 22;
    constexpr std::int64_t kMaxPositions = 1 << 24;
    check.range("vit_hidden_dim", c.vitHiddenDim, 1, kMaxWidth);
    check.range("vit_inter_dim", c.vitInterDim, 1, kMaxWidth);
    check.range("vit_patch_size", c.vitPatchSize, 1, 1024);
    check.range("vit_img_size", c.vitImgSize, 1, 8192);
    check.range("vit_n_heads", c.vitNHeads, 1, kMaxCount);
    check.range("vit_n_blocks", c.vitNBlocks, 1, kMaxCount);
    check.openRange("vit_ln_eps", c.vitLnEps, 0.0, 1.0);
    check.range("lm_hidden_dim", c.lmHiddenDim, 1, kMaxWidth);
    check.range("lm_inter_dim", c.lmInterDim, 1, kMaxWidth);
    check.openRange("lm_rms_eps", c.lmRmsEps, 0.0, 1.0);
    check.range("lm_re_base", c.lmReBase, 1, std::int64_t(1) << 40);
    check.range("lm_max_position_embeddings", c.lmMaxPositionEmbeddings, 1, kMaxPositions);
    check.range("lm_vocab_size", c.lmVocabSize, 1, kMaxVocab);
    check.range("lm_base_vocab_size", c.lmBaseVocabSize, 1, kMaxVocab);
    check.range("extra_token_amount", c.extraTokenAmount, 0, std::int64_t(kMaxExtraTokens));
    check.range("lm_n_heads", c.lmNHeads, 1, kMaxCount);
    check.range("lm_n_kv_heads", c.lmNKvHeads, 1, kMaxCount);
    check.range("lm_n_blocks", c.lmNBlocks, 1, kMaxCount);
    check.openRange("lm_attn_scaling", c.lmAttnScaling, 0.0, 1e6);
    check.range("lm_max_length", c.lmMaxLength, 1, kMaxPositions);
    if (c.lmRopeFactor)
        check.openRange("lm_rope_factor", *c.lmRopeFactor, 0.0, 1e6);
    check.range("lm_beta_fast", c.lmBetaFast, -kMaxWidth, kMaxWidth);
    check.range("lm_beta_slow", c.lmBetaSlow, -kMaxWidth, kMaxWidth);
    check.range("lm_eos_token_id", c.lmEosTokenId, 0, c.lmVocabSize - 1);
    check.range("mp_pixel_shuffle_factor", c.mpPixelShuffleFactor, 1, 64);
    check.range("mp_image_token_length", c.mpImageTokenLength, 1, kMaxPositions);
    check.range("max_img_size", c.maxImgSize, 1, 1 << 16);
}

void checkArchitecture(const ModelConfig& c, const Checker& check)
{
    check.require(!c.vitClsFlag, "field 'vit_cls_flag' is true, which nanoVLM cannot run: its projector "
                                 "needs the patch tokens, not a CLS token");
    check.require(!c.lmUseTokens, "field 'lm_use_tokens' is true, but a nanoVLM decoder takes embeddings "
                                  "(image and text), not token ids");
    check.divisible("vit_hidden_dim", c.vitHiddenDim, "vit_n_heads", c.vitNHeads);
    check.divisible("lm_hidden_dim", c.lmHiddenDim, "lm_n_heads", c.lmNHeads);
    check.divisible("lm_n_heads", c.lmNHeads, "lm_n_kv_heads", c.lmNKvHeads);
    check.require(c.lmHeadDim() % 2 == 0, "the decoder head size lm_hidden_dim / lm_n_heads = "
                                              + std::to_string(c.lmHeadDim()) + " must be even for rotary embeddings");
    check.divisible("vit_img_size", c.vitImgSize, "vit_patch_size", c.vitPatchSize);
    // Large images are resized to at most max_img_size and cut into vit_img_size tiles.
    if (c.maxImgSize)
        check.divisible("max_img_size", *c.maxImgSize, "vit_img_size", c.vitImgSize);
    check.require(c.vitGridSide() % c.mpPixelShuffleFactor == 0,
                  "the patch grid side vit_img_size / vit_patch_size = " + std::to_string(c.vitGridSide())
                      + " must be divisible by 'mp_pixel_shuffle_factor' (" + std::to_string(c.mpPixelShuffleFactor)
                      + ")");
}

void checkCurrentGeneration(const ModelConfig& c, const Checker& check)
{
    check.require(c.lmBaseVocabSize.has_value(), "field 'lm_base_vocab_size' is missing (current-generation "
                                                 "configs, which have 'vlm_extra_tokens', need it)");
    check.require(c.extraTokenAmount.has_value(), "field 'extra_token_amount' is missing (current-generation "
                                                  "configs, which have 'vlm_extra_tokens', need it)");
    check.require(!c.vlmExtraTokens.empty(), "field 'vlm_extra_tokens' is missing or empty (current-generation "
                                             "configs need at least 'image_token')");
    check.require(c.extraToken("image_token") != nullptr,
                  "field 'vlm_extra_tokens' has no 'image_token' entry (the placeholder image embeddings replace)");
    check.require(*c.lmBaseVocabSize + *c.extraTokenAmount == c.lmVocabSize,
                  "field 'lm_vocab_size' (" + std::to_string(c.lmVocabSize) + ") must equal 'lm_base_vocab_size' ("
                      + std::to_string(*c.lmBaseVocabSize) + ") + 'extra_token_amount' ("
                      + std::to_string(*c.extraTokenAmount) + ")");
    check.require(static_cast<std::int64_t>(c.vlmExtraTokens.size()) <= *c.extraTokenAmount,
                  "field 'vlm_extra_tokens' has " + std::to_string(c.vlmExtraTokens.size())
                      + " entries but 'extra_token_amount' reserves only " + std::to_string(*c.extraTokenAmount));
    std::map<std::string, std::string> keyOfToken;
    for (const auto& [key, token] : c.vlmExtraTokens) {
        check.require(!token.empty(), "field 'vlm_extra_tokens' entry " + quote(key) + " is an empty string");
        const auto [it, inserted] = keyOfToken.emplace(token, key);
        check.require(inserted, "field 'vlm_extra_tokens' maps both " + quote(it->second) + " and " + quote(key)
                                    + " to the token " + quote(token));
    }
    if (c.mpImageTokenLength)
        check.require(*c.mpImageTokenLength == c.imageTokenLength(),
                      "field 'mp_image_token_length' (" + std::to_string(*c.mpImageTokenLength)
                          + ") must equal the projector's output length (vit_img_size / vit_patch_size)^2 / "
                            "mp_pixel_shuffle_factor^2 = "
                          + std::to_string(c.imageTokenLength()));
}

ModelConfig readConfig(const Json& doc, const std::vector<std::string>& extraTokenOrder, const std::string& source)
{
    const FieldReader in(doc, source);
    ModelConfig c;
    c.generation = detectGeneration(doc);
    c.vitHiddenDim = in.requiredInt("vit_hidden_dim");
    c.vitInterDim = in.requiredInt("vit_inter_dim");
    c.vitPatchSize = in.requiredInt("vit_patch_size");
    c.vitImgSize = in.requiredInt("vit_img_size");
    c.vitNHeads = in.requiredInt("vit_n_heads");
    c.vitNBlocks = in.requiredInt("vit_n_blocks");
    c.vitLnEps = in.requiredFloat("vit_ln_eps");
    c.vitClsFlag = in.requiredBool("vit_cls_flag");

    c.lmHiddenDim = in.requiredInt("lm_hidden_dim");
    c.lmInterDim = in.requiredInt("lm_inter_dim");
    c.lmRmsEps = in.requiredFloat("lm_rms_eps");
    c.lmReBase = in.requiredInt("lm_re_base");
    c.lmMaxPositionEmbeddings = in.requiredInt("lm_max_position_embeddings");
    c.lmVocabSize = in.requiredInt("lm_vocab_size");
    c.lmBaseVocabSize = in.optionalInt("lm_base_vocab_size");
    c.extraTokenAmount = in.optionalInt("extra_token_amount");
    c.lmNHeads = in.requiredInt("lm_n_heads");
    c.lmNKvHeads = in.requiredInt("lm_n_kv_heads");
    c.lmNBlocks = in.requiredInt("lm_n_blocks");
    c.lmAttnScaling = in.requiredFloat("lm_attn_scaling");
    c.lmMaxLength = in.optionalInt("lm_max_length");
    c.lmUseTokens = in.requiredBool("lm_use_tokens");
    c.lmTieWeights = in.requiredBool("lm_tie_weights");
    c.lmRopeFactor = in.optionalFloat("lm_rope_factor");
    c.lmBetaFast = in.optionalInt("lm_beta_fast");
    c.lmBetaSlow = in.optionalInt("lm_beta_slow");
    c.lmEosTokenId = in.optionalInt("lm_eos_token_id");
    c.lmTokenizer = in.optionalString("lm_tokenizer");
    c.lmModelType = in.optionalString("lm_model_type");
    c.lmChatTemplate = in.optionalString("lm_chat_template");

    c.mpPixelShuffleFactor = in.requiredInt("mp_pixel_shuffle_factor");
    c.mpImageTokenLength = in.optionalInt("mp_image_token_length");
    c.maxImgSize = in.optionalInt("max_img_size");
    c.resizeToMaxSideLen = in.optionalBool("resize_to_max_side_len");
    if (in.has("vlm_extra_tokens"))
        c.vlmExtraTokens = in.extraTokens(extraTokenOrder);

    for (const FieldSpec& spec : kFields) {
        if (!spec.used && in.has(spec.name)) {
            in.checkUnused(spec);
            c.otherFields[spec.name] = OrderedJson(doc.at(spec.name));
        }
    }
    return c;
}

// 931bef0's defaults for what vlmscope does not interpret, so toJson() of a built-in config
// loads in the original too.
void setV222mOtherFields(ModelConfig& c, const std::string& checkpointPath)
{
    c.otherFields = OrderedJson::object();
    c.otherFields["vit_dropout"] = 0.0;
    c.otherFields["vit_model_type"] = "google/siglip-base-patch16-224";
    c.otherFields["lm_dropout"] = 0.0;
    c.otherFields["vlm_load_backbone_weights"] = true;
    c.otherFields["vlm_checkpoint_path"] = checkpointPath;
}

} // namespace

const char* archGenerationName(ArchGeneration generation)
{
    return generation == ArchGeneration::Current ? "current" : "222M era";
}

ModelConfig ModelConfig::fromFile(const std::string& path)
{
    return fromJson(readFileLimited(path, kMaxConfigBytes), path);
}

ModelConfig ModelConfig::fromJson(std::string_view text, const std::string& sourceName)
{
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos)
        throw InputError(sourceName + ": file is empty (expected a nanoVLM config.json object)");
    std::vector<std::string> extraTokenOrder;
    const Json doc = parseConfig(text, sourceName, extraTokenOrder);
    if (!doc.is_object())
        throw InputError(sourceName + ": not a JSON object (expected a nanoVLM config.json)");
    const ModelConfig config = readConfig(doc, extraTokenOrder, sourceName);
    config.validate(sourceName);
    return config;
}

void ModelConfig::validate(const std::string& sourceName) const
{
    const Checker check(sourceName);
    checkRanges(*this, check);
    checkArchitecture(*this, check);
    if (generation == ArchGeneration::Current)
        checkCurrentGeneration(*this, check);
}

OrderedJson ModelConfig::toJson() const
{
    std::map<std::string, OrderedJson> values;
    auto put = [&values](const char* key, const auto& value) { values[key] = value; };
    auto putOptional = [&values](const char* key, const auto& value) {
        if (value)
            values[key] = *value;
    };
    put("vit_hidden_dim", vitHiddenDim);
    put("vit_inter_dim", vitInterDim);
    put("vit_patch_size", vitPatchSize);
    put("vit_img_size", vitImgSize);
    put("vit_n_heads", vitNHeads);
    put("vit_n_blocks", vitNBlocks);
    put("vit_ln_eps", vitLnEps);
    put("vit_cls_flag", vitClsFlag);
    put("lm_hidden_dim", lmHiddenDim);
    put("lm_inter_dim", lmInterDim);
    put("lm_rms_eps", lmRmsEps);
    put("lm_re_base", lmReBase);
    put("lm_max_position_embeddings", lmMaxPositionEmbeddings);
    putOptional("lm_base_vocab_size", lmBaseVocabSize);
    putOptional("extra_token_amount", extraTokenAmount);
    put("lm_vocab_size", lmVocabSize);
    put("lm_n_heads", lmNHeads);
    put("lm_n_kv_heads", lmNKvHeads);
    put("lm_n_blocks", lmNBlocks);
    put("lm_attn_scaling", lmAttnScaling);
    putOptional("lm_max_length", lmMaxLength);
    put("lm_use_tokens", lmUseTokens);
    put("lm_tie_weights", lmTieWeights);
    putOptional("lm_rope_factor", lmRopeFactor);
    putOptional("lm_beta_fast", lmBetaFast);
    putOptional("lm_beta_slow", lmBetaSlow);
    putOptional("lm_model_type", lmModelType);
    putOptional("lm_tokenizer", lmTokenizer);
    putOptional("lm_chat_template", lmChatTemplate);
    putOptional("lm_eos_token_id", lmEosTokenId);
    put("mp_pixel_shuffle_factor", mpPixelShuffleFactor);
    putOptional("mp_image_token_length", mpImageTokenLength);
    putOptional("max_img_size", maxImgSize);
    putOptional("resize_to_max_side_len", resizeToMaxSideLen);
    if (generation == ArchGeneration::Current || !vlmExtraTokens.empty()) {
        OrderedJson tokens = OrderedJson::object();
        for (const auto& [key, token] : vlmExtraTokens)
            tokens[key] = token;
        values["vlm_extra_tokens"] = tokens;
    }

    OrderedJson out = OrderedJson::object();
    for (const FieldSpec& spec : kFields) {
        if (const auto it = values.find(spec.name); it != values.end())
            out[spec.name] = it->second;
        else if (otherFields.contains(spec.name))
            out[spec.name] = otherFields.at(spec.name);
    }
    return out;
}

const std::string* ModelConfig::extraToken(std::string_view key) const
{
    for (const auto& [name, token] : vlmExtraTokens) {
        if (name == key)
            return &token;
    }
    return nullptr;
}

ModelConfig ModelConfig::builtin222m()
{
    ModelConfig c;
    c.generation = ArchGeneration::V222mEra;
    c.vitHiddenDim = 768;
    c.vitInterDim = 4 * 768;
    c.vitPatchSize = 16;
    c.vitImgSize = 224;
    c.vitNHeads = 12;
    c.vitNBlocks = 12;
    c.vitLnEps = 1e-6;
    c.vitClsFlag = false;
    c.lmHiddenDim = 576;
    c.lmInterDim = 1536;
    c.lmRmsEps = 1e-5;
    c.lmReBase = 100000;
    c.lmMaxPositionEmbeddings = 8192;
    c.lmVocabSize = 49152;
    c.lmNHeads = 9;
    c.lmNKvHeads = 3;
    c.lmNBlocks = 30;
    c.lmAttnScaling = 1.0;
    c.lmMaxLength = 128 - 49; // 931bef0: a 128-token sequence minus the 49 image tokens
    c.lmUseTokens = false;
    c.lmTieWeights = true;
    c.lmRopeFactor = 0.7;
    c.lmBetaFast = 32;
    c.lmBetaSlow = 1;
    c.lmModelType = "HuggingFaceTB/SmolLM2-135M";
    c.lmTokenizer = "HuggingFaceTB/cosmo2-tokenizer";
    c.lmEosTokenId = 0;
    c.mpPixelShuffleFactor = 2;
    setV222mOtherFields(c, "checkpoints/nanoVLM-222M");
    return c;
}

ModelConfig ModelConfig::tiny()
{
    ModelConfig c = builtin222m();
    c.vitHiddenDim = 64;
    c.vitInterDim = 256;
    c.vitImgSize = 64;
    c.vitNHeads = 4;
    c.vitNBlocks = 2;
    c.lmHiddenDim = 64;
    c.lmInterDim = 128;
    c.lmNHeads = 4;
    c.lmNKvHeads = 2;
    c.lmNBlocks = 2;
    setV222mOtherFields(c, "checkpoints/vlmscope-tiny");
    return c;
}

} // namespace vlmscope
