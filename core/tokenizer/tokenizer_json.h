// Reads and validates a Hugging Face tokenizer.json into plain data; anything that would make
// our output differ from Hugging Face's is rejected with an InputError naming the file.
#pragma once

#include "core/tokenizer/pre_tokenizer.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace vlmscope {

struct AddedTokenEntry {
    std::int64_t id = 0;
    std::string content;
    bool special = false;
    bool normalized = false; // matched in a second pass, after the non-normalized tokens
};

struct TokenizerJson {
    // Largest accepted file and token id: far above real vocabularies (SmolLM2: 2 MB,
    // 49152 ids), low enough that a hostile file cannot make us allocate gigabytes.
    static constexpr std::size_t kMaxBytes = 64u << 20;
    static constexpr std::int64_t kMaxTokenId = (1 << 24) - 1;

    std::vector<std::pair<std::string, std::int64_t>> vocab;
    std::vector<std::pair<std::string, std::string>> merges; // in rank order
    std::vector<AddedTokenEntry> addedTokens;
    PreTokenizerOptions preTokenizer;
    std::optional<std::string> unkToken;
    bool fuseUnk = false;
    bool ignoreMerges = false;

    // `source` names the file in error messages.
    static TokenizerJson parse(std::string_view json, const std::string& source);
};

// `text` made safe for a one-line message: quoted, controls escaped, long text cut.
std::string quotedForMessage(std::string_view text);
// The same without the quotes, for text that shows its own type (JSON values).
std::string bareForMessage(std::string_view text);

} // namespace vlmscope
