// Splits text into the pieces BPE merges never cross (Hugging Face's Digits and ByteLevel steps);
// the GPT-2 pattern is evaluated by hand, as no regex engine here has Oniguruma's \s, \p{L}, \p{N}.
#pragma once

#include <string_view>
#include <vector>

namespace vlmscope {

struct PreTokenizerOptions {
    bool splitDigits = false;     // a Digits step runs before ByteLevel
    bool individualDigits = true; // Digits(individual_digits): one piece per numeric char
    bool useRegex = true;         // ByteLevel(use_regex): split with the GPT-2 pattern
};

class PreTokenizer {
public:
    explicit PreTokenizer(PreTokenizerOptions options = {}) : m_options(options) {}

    // Appends the pieces of `text` to `pieces`; together they tile `text` exactly.
    // Bytes that are not valid UTF-8 count as single characters of the "other" class.
    void split(std::string_view text, std::vector<std::string_view>& pieces) const;

    const PreTokenizerOptions& options() const { return m_options; }

private:
    void splitGpt2(std::string_view text, std::vector<std::string_view>& pieces) const;

    PreTokenizerOptions m_options;
};

} // namespace vlmscope
