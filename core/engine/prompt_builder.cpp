#include "core/engine/prompt_builder.h"

#include "core/util/error.h"

namespace vlmscope {

namespace {
const std::string kImageToken = "<|image|>";
const std::string kGlobalImageToken = "<|global_image|>";
} // namespace

std::string PromptBuilder::imageString(const ImageLayout& image) const
{
    if (!image.present)
        return {};
    std::string repeated;
    for (std::int64_t i = 0; i < m_config.imageTokenLength(); ++i)
        repeated += kImageToken;
    // A global view (or the single tile) first, then one marker + block per tile.
    std::string text = kGlobalImageToken + repeated;
    if (image.gridRows == 1 && image.gridCols == 1)
        return text;
    for (int r = 1; r <= image.gridRows; ++r) {
        for (int c = 1; c <= image.gridCols; ++c)
            text += "<row_" + std::to_string(r) + "_col_" + std::to_string(c) + ">" + repeated;
    }
    return text;
}

std::string PromptBuilder::promptText(const std::string& prompt, const ImageLayout& image) const
{
    if (m_config.generation == ArchGeneration::V222mEra)
        return "Question: " + prompt + " Answer:";
    // lm_chat_template with one user message and add_generation_prompt=True.
    return "<|im_start|>user\n" + imageString(image) + prompt + "<|im_end|>\n<|im_start|>assistant\n";
}

std::vector<std::int64_t> PromptBuilder::promptIds(const std::string& prompt, const ImageLayout& image) const
{
    if (prompt.empty())
        throw InputError("--prompt: the prompt is empty");
    return m_tokenizer.encode(promptText(prompt, image));
}

std::optional<std::int64_t> PromptBuilder::eosTokenId() const
{
    if (m_config.generation == ArchGeneration::V222mEra)
        return m_config.lmEosTokenId.value_or(0);
    return m_tokenizer.tokenId("<|im_end|>");
}

} // namespace vlmscope
