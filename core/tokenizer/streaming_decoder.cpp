#include "core/tokenizer/streaming_decoder.h"

#include "core/tokenizer/bpe_tokenizer.h"
#include "core/tokenizer/utf8.h"

namespace vlmscope {

StreamingDecoder::StreamingDecoder(const BpeTokenizer& tokenizer, bool skipSpecial)
    : m_tokenizer(&tokenizer), m_skipSpecial(skipSpecial)
{
}

std::string StreamingDecoder::push(std::int64_t id)
{
    if (m_skipSpecial && m_tokenizer->isSpecial(id))
        return {};
    m_tokenizer->appendTokenBytes(id, m_pending);
    std::string text;
    // Stopping before an incomplete tail leaves the decoder at a character boundary, so
    // decoding the rest later gives what one pass over all bytes would.
    const std::size_t consumed = appendUtf8Lossy(m_pending, text, false);
    m_pending.erase(0, consumed);
    return text;
}

std::string StreamingDecoder::flush()
{
    std::string text;
    appendUtf8Lossy(m_pending, text, true);
    m_pending.clear();
    return text;
}

} // namespace vlmscope
