// Turns generated ids into text as they arrive, holding back a character split across tokens,
// so the pieces always concatenate to BpeTokenizer::decode of all the ids.
#pragma once

#include <cstdint>
#include <string>

namespace vlmscope {

class BpeTokenizer;

class StreamingDecoder {
public:
    // `tokenizer` must outlive the decoder.
    explicit StreamingDecoder(const BpeTokenizer& tokenizer, bool skipSpecial = false);

    // The text that became printable with `id` (often empty while a character is split).
    std::string push(std::int64_t id);
    // The rest at the end of generation: an unfinished character becomes U+FFFD.
    std::string flush();
    // Forgets held bytes, for reuse on a new sequence.
    void reset() { m_pending.clear(); }
    bool hasPending() const { return !m_pending.empty(); }

private:
    const BpeTokenizer* m_tokenizer;
    bool m_skipSpecial;
    std::string m_pending; // bytes of an incomplete UTF-8 sequence, at most 3
};

} // namespace vlmscope
