// The SmolLM2 / cosmo2 tokenizer: byte-level BPE from a Hugging Face tokenizer.json, encoding
// and decoding as the Rust `tokenizers` library does (rules: tests/data/reference/tokenizer/).
#pragma once

#include "core/tokenizer/added_token_matcher.h"
#include "core/tokenizer/bpe_merges.h"
#include "core/tokenizer/pre_tokenizer.h"

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace vlmscope {

struct TokenizerJson;

// Immutable after loading except for addSpecialTokens(); const member functions are safe
// to call from several threads at once.
class BpeTokenizer {
public:
    // Reads a tokenizer.json from disk or from a Qt resource (":/vlmscope/tokenizer.json").
    // Throws InputError naming `path` when it is missing, too large, not JSON, or not a
    // byte-level BPE tokenizer that we reproduce exactly.
    static BpeTokenizer fromFile(const std::string& path);
    // The same from bytes in memory; `sourceName` names them in error messages.
    static BpeTokenizer fromJson(std::string_view json, const std::string& sourceName);

    // Appends special tokens after the current vocabulary, in order, as Hugging Face's
    // add_special_tokens does (nanoVLM: <|image|> = 49152, <|global_image|>, <row_1_col_1>,
    // ...). A token that already exists keeps its id and becomes special.
    void addSpecialTokens(const std::vector<std::string>& tokens);

    // Token ids for `utf8`; never adds BOS/EOS. Added tokens anywhere in the text become
    // their ids. Bytes that are not valid UTF-8 are encoded as bytes, each counting as one
    // punctuation-like character when splitting.
    std::vector<std::int64_t> encode(std::string_view utf8) const;

    // Text for `ids`. Never fails: ids outside the vocabulary are skipped and invalid UTF-8
    // becomes U+FFFD per maximal invalid subpart. skipSpecial drops special tokens.
    std::string decode(const std::vector<std::int64_t>& ids, bool skipSpecial = false) const;

    // Id of a token string as the vocabulary spells it ("Ġworld", "<|im_end|>").
    std::optional<std::int64_t> tokenId(std::string_view token) const;
    // The vocabulary spelling of `id` (added tokens: their content); empty if unknown.
    std::string tokenString(std::int64_t id) const;
    // Appends the raw bytes `id` stands for (possibly part of a UTF-8 character); nothing
    // for an unknown id.
    void appendTokenBytes(std::int64_t id, std::string& out) const;

    // One more than the largest id, added tokens included (49152 for SmolLM2).
    std::int64_t vocabSize() const { return static_cast<std::int64_t>(m_tokens.size()); }
    bool isKnown(std::int64_t id) const;
    bool isSpecial(std::int64_t id) const;
    const std::string& sourceName() const { return m_source; }

private:
    enum Flag : std::uint8_t { InVocab = 1, Added = 2, Special = 4 };

    struct TokenEntry {
        std::string text; // vocabulary spelling, or the added token's content
        std::uint8_t flags = 0;
    };

    BpeTokenizer(TokenizerJson&& spec, const std::string& source);
    void buildVocab(TokenizerJson& spec);
    void buildMerges(const TokenizerJson& spec);
    void registerAddedToken(const std::string& content, std::int32_t id, bool special, bool normalized);
    std::int32_t vocabId(const std::string& token) const;

    void encodeAroundAddedTokens(std::string_view text, bool normalizedPass, std::vector<std::int64_t>& ids) const;
    void encodePlainText(std::string_view text, std::vector<std::int64_t>& ids) const;
    void encodePiece(std::string_view piece, std::vector<std::int32_t>& symbols, std::vector<std::int64_t>& ids) const;

    std::string m_source;
    std::vector<TokenEntry> m_tokens; // indexed by id
    std::unordered_map<std::string, std::int32_t> m_vocab;
    BpeMerges m_merges;
    std::array<std::int32_t, 256> m_byteIds{}; // id of each byte's character, -1 if none
    PreTokenizer m_preTokenizer;
    std::unordered_map<std::string, std::int32_t> m_addedIds;
    // Hugging Face matches non-normalized added tokens first, then normalized ones in the gaps.
    AddedTokenMatcher m_rawMatcher;
    AddedTokenMatcher m_normalizedMatcher;
    std::int32_t m_unkId = -1;
    bool m_fuseUnk = false;
    bool m_ignoreMerges = false;
};

} // namespace vlmscope
