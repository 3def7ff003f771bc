// One streaming pass over tokenizer.json: vocab and merges (nearly all of its 2 MB) go straight
// into TokenizerJson, the rest into a small DOM; a full nlohmann DOM cost most of the start-up time.
#pragma once

#include "core/tokenizer/tokenizer_json.h"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace vlmscope {

class TokenizerJsonSax final : public nlohmann::json_sax<nlohmann::json> {
public:
    // Deeper input is refused: real files nest about 5 levels.
    static constexpr std::size_t kMaxNesting = 64;

    explicit TokenizerJsonSax(TokenizerJson& out) : m_out(out) {}

    // Everything but model.vocab and model.merges (those are left as empty containers).
    const nlohmann::json& root() const { return m_root; }
    bool sawVocab() const { return m_sawVocab; }
    bool sawMerges() const { return m_sawMerges; }

    // Set when parsing stopped on content rather than syntax (message without file name).
    const std::optional<std::string>& problem() const { return m_problem; }
    // Set on a syntax error: bytes read when it was found, and whether a number overflowed.
    const std::optional<std::size_t>& syntaxErrorAt() const { return m_syntaxErrorAt; }
    bool numberOverflow() const { return m_numberOverflow; }

    bool null() override;
    bool boolean(bool value) override;
    bool number_integer(number_integer_t value) override;
    bool number_unsigned(number_unsigned_t value) override;
    bool number_float(number_float_t value, const string_t& text) override;
    bool string(string_t& value) override;
    bool binary(binary_t& value) override;
    bool start_object(std::size_t elements) override;
    bool key(string_t& value) override;
    bool end_object() override;
    bool start_array(std::size_t elements) override;
    bool end_array() override;
    bool parse_error(std::size_t position, const std::string& lastToken,
                     const nlohmann::detail::exception& error) override;

private:
    // Dom: building m_root. Vocab: inside model.vocab. Merges: inside model.merges.
    // MergePair: inside one ["left", "right"] entry.
    enum class Mode { Dom, Vocab, Merges, MergePair };
    // Hugging Face reads merges as all "left right" strings or all pairs, never a mix.
    enum class MergeForm { Unknown, Strings, Pairs };

    bool scalar(nlohmann::json&& value, const std::string& text);
    bool startContainer(nlohmann::json&& empty, bool isObject);
    nlohmann::json* place(nlohmann::json&& value);
    bool badVocabId(const std::string& text);
    bool badMerge(const std::string& text);
    bool addMerge(std::string&& text);
    bool checkMergeForm(MergeForm form, const std::string& text);

    TokenizerJson& m_out;
    Mode m_mode = Mode::Dom;
    nlohmann::json m_root;
    std::vector<nlohmann::json*> m_stack;
    std::vector<std::string> m_stackKeys; // the key each open container was stored under
    nlohmann::json* m_slot = nullptr;     // where the next object member goes
    std::string m_key;                    // its key
    std::string m_vocabToken;
    std::vector<std::string> m_pair;
    MergeForm m_mergeForm = MergeForm::Unknown;
    bool m_sawVocab = false;
    bool m_sawMerges = false;
    std::optional<std::string> m_problem;
    std::optional<std::size_t> m_syntaxErrorAt;
    bool m_numberOverflow = false;
};

} // namespace vlmscope
