// The nanoVLM `VLMConfig` read from a checkpoint's config.json: every field of every
// nanoVLM revision is known, the architecture-shaping ones are checked for consistency.
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vlmscope {

// SPEC §2. V222mEra: image embeddings are prepended to the text (lusxvr/nanoVLM-222M).
// Current: image-token placeholders in the prompt are replaced by image embeddings.
enum class ArchGeneration { V222mEra, Current };

// "222M era" / "current", for messages and reports.
const char* archGenerationName(ArchGeneration generation);

// Plain data: fields are named after the config.json keys (vit_hidden_dim -> vitHiddenDim).
// Fields that only some revisions have are optional; absent ones are left out of toJson().
struct ModelConfig {
    // Vision encoder (SigLIP-style ViT).
    std::int64_t vitHiddenDim = 0;
    std::int64_t vitInterDim = 0;
    std::int64_t vitPatchSize = 0;
    std::int64_t vitImgSize = 0;
    std::int64_t vitNHeads = 0;
    std::int64_t vitNBlocks = 0;
    double vitLnEps = 0.0;
    bool vitClsFlag = false;

    // Language model (SmolLM2-style decoder).
    std::int64_t lmHiddenDim = 0;
    std::int64_t lmInterDim = 0;
    double lmRmsEps = 0.0;
    std::int64_t lmReBase = 0;
    std::int64_t lmMaxPositionEmbeddings = 0;
    std::int64_t lmVocabSize = 0;
    std::optional<std::int64_t> lmBaseVocabSize;  // current generation
    std::optional<std::int64_t> extraTokenAmount; // current generation
    std::int64_t lmNHeads = 0;
    std::int64_t lmNKvHeads = 0;
    std::int64_t lmNBlocks = 0;
    double lmAttnScaling = 1.0;
    std::optional<std::int64_t> lmMaxLength;
    bool lmUseTokens = false;
    bool lmTieWeights = true;
    // RoPE scaling past lm_max_position_embeddings (222M era only).
    std::optional<double> lmRopeFactor;
    std::optional<std::int64_t> lmBetaFast;
    std::optional<std::int64_t> lmBetaSlow;
    std::optional<std::int64_t> lmEosTokenId;
    std::optional<std::string> lmTokenizer;
    std::optional<std::string> lmModelType;
    std::optional<std::string> lmChatTemplate;

    // Modality projector and image handling.
    std::int64_t mpPixelShuffleFactor = 0;
    std::optional<std::int64_t> mpImageTokenLength; // current generation
    std::optional<std::int64_t> maxImgSize;
    std::optional<bool> resizeToMaxSideLen;
    // (key, token) pairs in file order; their ids follow the base vocabulary in this order.
    std::vector<std::pair<std::string, std::string>> vlmExtraTokens;

    ArchGeneration generation = ArchGeneration::V222mEra;
    // Known VLMConfig fields vlmscope does not use (vit_dropout, hf_repo_name, ...), as read.
    nlohmann::ordered_json otherFields = nlohmann::ordered_json::object();

    // Throws InputError "<path>: <problem>" for unreadable, malformed or inconsistent configs.
    static ModelConfig fromFile(const std::string& path);
    // `sourceName` stands for the file in messages.
    static ModelConfig fromJson(std::string_view text, const std::string& sourceName);
    // The nanoVLM-222M shape (931bef0's defaults): what the built-in synthetic model uses.
    static ModelConfig builtin222m();
    // A small 222M-era config (4 image tokens, real 49152-token vocabulary) for fast tests.
    static ModelConfig tiny();

    // Range and cross-field checks; fromJson runs them. Throws InputError "<sourceName>: ...".
    void validate(const std::string& sourceName) const;
    // The config.json document (fromJson(toJson().dump()) gives this config back).
    nlohmann::ordered_json toJson() const;

    std::int64_t vitHeadDim() const { return vitHiddenDim / vitNHeads; }
    std::int64_t vitGridSide() const { return vitImgSize / vitPatchSize; }
    std::int64_t vitNumPatches() const { return vitGridSide() * vitGridSide(); }
    std::int64_t lmHeadDim() const { return lmHiddenDim / lmNHeads; }
    // Query heads sharing one KV head.
    std::int64_t lmKvGroups() const { return lmNHeads / lmNKvHeads; }
    // Width of the projector's input after pixel shuffle.
    std::int64_t mpInputDim() const { return vitHiddenDim * mpPixelShuffleFactor * mpPixelShuffleFactor; }
    // Image embeddings per image view (per tile in the current generation).
    std::int64_t imageTokenLength() const
    {
        return vitNumPatches() / (mpPixelShuffleFactor * mpPixelShuffleFactor);
    }
    // The token string of a vlm_extra_tokens key ("image_token" -> "<|image|>"), or null.
    const std::string* extraToken(std::string_view key) const;
};

} // namespace vlmscope
