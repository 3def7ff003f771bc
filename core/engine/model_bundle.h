// Everything a run needs from --model/--tokenizer/--image: the model (a checkpoint directory
// or a built-in synthetic one), its tokenizer, and images preprocessed for its generation.
#pragma once

#include "core/engine/prompt_builder.h"
#include "core/model/nanovlm_model.h"
#include "core/tokenizer/bpe_tokenizer.h"

#include <memory>
#include <string>

namespace vlmscope {

constexpr const char* kBuiltinTokenizerPath = ":/vlmscope/tokenizer.json";
constexpr const char* kSampleImagePath = ":/vlmscope/sample.png";

struct ModelBundle {
    std::unique_ptr<NanoVlmModel> model;
    std::unique_ptr<BpeTokenizer> tokenizer;
    std::string source;         // "builtin", "tiny" or the checkpoint directory
    std::string displayName;    // what reports show
    bool synthetic = false;     // built-in weights: timings are real, text is meaningless
    std::string tokenizerSource;
    std::vector<std::string> notices; // things the user should know (fallbacks)
    double loadSeconds = 0;
};

// `spec` is "builtin" (nanoVLM-222M shape), "tiny", or a directory with config.json and
// model.safetensors (+ tokenizer.json unless `tokenizerPath` is given), its matrices held in
// `precision`. Throws InputError.
ModelBundle loadModelBundle(const std::string& spec, const std::string& tokenizerPath = {},
                            WeightPrecision precision = WeightPrecision::Float32);

struct ImageInput {
    torch::Tensor pixels; // [views, 3, S, S]
    ImageLayout layout;
    std::string source;
};

// An image file (PNG, JPEG, ...) preprocessed the way the model's generation does, or a
// .safetensors file holding an already-preprocessed pixel tensor ("image" or
// "pixel_values", [views, 3, S, S] or [3, S, S]).
ImageInput loadImageInput(const std::string& path, const ModelConfig& config);

} // namespace vlmscope
