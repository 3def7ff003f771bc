#include "core/tokenizer/added_token_matcher.h"

#include <algorithm>

namespace vlmscope {

void AddedTokenMatcher::add(std::string content, std::int32_t id)
{
    const auto first = static_cast<unsigned char>(content.at(0));
    m_tokens.push_back({std::move(content), id});
    auto& bucket = m_byFirstByte[first];
    bucket.push_back(static_cast<std::uint32_t>(m_tokens.size() - 1));
    std::stable_sort(bucket.begin(), bucket.end(), [this](std::uint32_t a, std::uint32_t b) {
        return m_tokens[a].content.size() > m_tokens[b].content.size();
    });
}

std::optional<AddedTokenMatcher::Match> AddedTokenMatcher::find(std::string_view text, std::size_t from) const
{
    if (m_tokens.empty())
        return std::nullopt;
    for (std::size_t pos = from; pos < text.size(); ++pos) {
        const auto& bucket = m_byFirstByte[static_cast<unsigned char>(text[pos])];
        for (const std::uint32_t index : bucket) {
            const Token& token = m_tokens[index];
            if (text.compare(pos, token.content.size(), token.content) == 0)
                return Match{pos, token.content.size(), token.id};
        }
    }
    return std::nullopt;
}

} // namespace vlmscope
