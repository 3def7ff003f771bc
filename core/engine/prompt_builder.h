// Turns a user prompt and an image layout into token ids the way each nanoVLM generation's
// generate.py does (222M era: "Question: {prompt} Answer:", image rows prepended by the
// model; current: ChatML with image-token placeholders in the user turn).
#pragma once

#include "core/model/model_config.h"
#include "core/tokenizer/bpe_tokenizer.h"

#include <string>
#include <vector>

namespace vlmscope {

struct ImageLayout {
    bool present = false;
    int gridRows = 1;
    int gridCols = 1;
};

class PromptBuilder {
public:
    PromptBuilder(const ModelConfig& config, const BpeTokenizer& tokenizer)
        : m_config(config), m_tokenizer(tokenizer) {}

    // The exact prompt text before tokenization (shown in reports).
    std::string promptText(const std::string& prompt, const ImageLayout& image) const;
    std::vector<std::int64_t> promptIds(const std::string& prompt, const ImageLayout& image) const;

    // EOS of each generation: <|im_end|> for current nanoVLM, lm_eos_token_id in the 222M era.
    std::optional<std::int64_t> eosTokenId() const;

private:
    std::string imageString(const ImageLayout& image) const;

    const ModelConfig& m_config;
    const BpeTokenizer& m_tokenizer;
};

} // namespace vlmscope
