// Finds added tokens (<|im_start|>, <|image|>, ...) in raw text the way Hugging Face's
// leftmost-longest Aho-Corasick does: the earliest match wins, the longest at that position.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vlmscope {

class AddedTokenMatcher {
public:
    struct Match {
        std::size_t pos;
        std::size_t length;
        std::int32_t id;
    };

    // `content` must not be empty.
    void add(std::string content, std::int32_t id);
    bool empty() const { return m_tokens.empty(); }

    // The first match at or after `from`, if any.
    std::optional<Match> find(std::string_view text, std::size_t from) const;

private:
    struct Token {
        std::string content;
        std::int32_t id;
    };

    std::vector<Token> m_tokens;
    // Indexes into m_tokens by first byte, longest first, so few comparisons run per byte.
    std::array<std::vector<std::uint32_t>, 256> m_byFirstByte;
};

} // namespace vlmscope
