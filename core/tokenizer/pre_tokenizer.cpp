#include "core/tokenizer/pre_tokenizer.h"

#include "core/tokenizer/utf8.h"

#include <QChar>

#include <cstdint>

namespace vlmscope {

namespace {

// The classes of the GPT-2 pattern `'s|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+|
// ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+`. Combining marks are Other, not Letter.
enum class CharClass : std::uint8_t { Letter, Number, Space, Other };

struct ClassifiedChar {
    char32_t code;
    std::size_t length;
    CharClass cls;
};

// Unicode White_Space, which is Oniguruma's \s: includes U+0085, excludes U+200B, U+FEFF
// and U+180E. Not the same list as QChar::isSpace().
bool isWhiteSpace(char32_t c)
{
    return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680
        || (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F || c == 0x205F
        || c == 0x3000;
}

CharClass classOf(char32_t c)
{
    if (c < 0x80) {
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
            return CharClass::Letter;
        if (c >= '0' && c <= '9')
            return CharClass::Number;
        return isWhiteSpace(c) ? CharClass::Space : CharClass::Other;
    }
    if (isWhiteSpace(c))
        return CharClass::Space;
    switch (QChar::category(c)) {
    case QChar::Letter_Uppercase:
    case QChar::Letter_Lowercase:
    case QChar::Letter_Titlecase:
    case QChar::Letter_Modifier:
    case QChar::Letter_Other:
        return CharClass::Letter;
    case QChar::Number_DecimalDigit:
    case QChar::Number_Letter:
    case QChar::Number_Other:
        return CharClass::Number;
    default:
        return CharClass::Other;
    }
}

// An invalid byte gets a code point no pattern literal can equal.
constexpr char32_t kNoCodePoint = 0xFFFFFFFF;

ClassifiedChar charAt(std::string_view text, std::size_t pos)
{
    const auto b = static_cast<std::uint8_t>(text[pos]);
    if (b < 0x80)
        return {b, 1, classOf(b)};
    const Utf8Char ch = readUtf8Char(text, pos);
    if (!ch.valid)
        return {kNoCodePoint, 1, CharClass::Other};
    return {ch.codePoint, ch.length, classOf(ch.codePoint)};
}

// Length of the contraction ('s 't 'm 'd 're 've 'll, lower-case only) at `pos`, or 0.
std::size_t contractionLength(std::string_view text, std::size_t pos)
{
    const std::string_view rest = text.substr(pos + 1);
    if (rest.empty())
        return 0;
    const char c1 = rest[0];
    if (c1 == 's' || c1 == 't' || c1 == 'm' || c1 == 'd')
        return 2;
    if (rest.size() >= 2) {
        const std::string_view two = rest.substr(0, 2);
        if (two == "re" || two == "ve" || two == "ll")
            return 3;
    }
    return 0;
}

std::size_t runEnd(std::string_view text, std::size_t pos, CharClass cls)
{
    while (pos < text.size()) {
        const ClassifiedChar ch = charAt(text, pos);
        if (ch.cls != cls)
            break;
        pos += ch.length;
    }
    return pos;
}

// The whitespace alternatives: `\s+(?!\S)` gives back the last whitespace char of a run
// that a non-space follows, so it can lead the next word; a single such char falls to `\s+`.
std::size_t whitespaceEnd(std::string_view text, std::size_t pos)
{
    std::size_t lastStart = pos;
    std::size_t end = pos;
    while (end < text.size()) {
        const ClassifiedChar ch = charAt(text, end);
        if (ch.cls != CharClass::Space)
            break;
        lastStart = end;
        end += ch.length;
    }
    if (end == text.size() || lastStart == pos)
        return end;
    return lastStart;
}

} // namespace

void PreTokenizer::split(std::string_view text, std::vector<std::string_view>& pieces) const
{
    if (!m_options.splitDigits) {
        splitGpt2(text, pieces);
        return;
    }
    std::size_t chunkStart = 0;
    std::size_t pos = 0;
    while (pos < text.size()) {
        const ClassifiedChar ch = charAt(text, pos);
        if (ch.cls != CharClass::Number) {
            pos += ch.length;
            continue;
        }
        splitGpt2(text.substr(chunkStart, pos - chunkStart), pieces);
        const std::size_t end = m_options.individualDigits ? pos + ch.length : runEnd(text, pos, CharClass::Number);
        // A numeric piece is a single \p{N}+ match, so the pattern would not split it.
        pieces.push_back(text.substr(pos, end - pos));
        pos = end;
        chunkStart = end;
    }
    splitGpt2(text.substr(chunkStart), pieces);
}

void PreTokenizer::splitGpt2(std::string_view text, std::vector<std::string_view>& pieces) const
{
    if (text.empty())
        return;
    if (!m_options.useRegex) {
        pieces.push_back(text);
        return;
    }
    std::size_t pos = 0;
    while (pos < text.size()) {
        const ClassifiedChar ch = charAt(text, pos);
        std::size_t end = 0;
        if (ch.code == '\'' && contractionLength(text, pos) > 0) {
            end = pos + contractionLength(text, pos);
        } else {
            // ` ?X+`: an optional plain space, then a run of one non-space class.
            std::size_t runStart = pos;
            CharClass cls = ch.cls;
            if (ch.code == ' ' && pos + 1 < text.size()) {
                const ClassifiedChar next = charAt(text, pos + 1);
                if (next.cls != CharClass::Space) {
                    runStart = pos + 1;
                    cls = next.cls;
                }
            }
            end = cls == CharClass::Space ? whitespaceEnd(text, pos) : runEnd(text, runStart, cls);
        }
        pieces.push_back(text.substr(pos, end - pos));
        pos = end;
    }
}

} // namespace vlmscope
