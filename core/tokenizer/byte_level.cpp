#include "core/tokenizer/byte_level.h"

#include "core/tokenizer/utf8.h"

#include <array>

namespace vlmscope {

namespace {

// Printable Latin-1 bytes keep their code point; the 68 others (controls, space, 0x7F-0xA0,
// soft hyphen) take U+0100, U+0101, ... in byte order.
bool keepsItsCodePoint(unsigned b)
{
    return (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
}

struct Alphabet {
    std::array<char32_t, 256> toChar{};
    std::array<std::int16_t, 256 + 68> toByte{}; // indexed by code point, all < 0x144

    Alphabet()
    {
        toByte.fill(-1);
        unsigned shifted = 0;
        for (unsigned b = 0; b < 256; ++b) {
            const char32_t c = keepsItsCodePoint(b) ? b : 256 + shifted++;
            toChar[b] = c;
            toByte[c] = static_cast<std::int16_t>(b);
        }
    }
};

const Alphabet& alphabet()
{
    static const Alphabet instance;
    return instance;
}

} // namespace

char32_t byteLevelChar(std::uint8_t byte) { return alphabet().toChar[byte]; }

int byteFromByteLevelChar(char32_t code)
{
    const auto& table = alphabet().toByte;
    return code < table.size() ? table[code] : -1;
}

std::string toByteLevel(std::string_view bytes)
{
    std::string out;
    out.reserve(bytes.size() * 2);
    for (const char b : bytes)
        appendUtf8(out, byteLevelChar(static_cast<std::uint8_t>(b)));
    return out;
}

void appendByteLevelDecoded(std::string_view token, std::string& out)
{
    const std::size_t start = out.size();
    for (std::size_t pos = 0; pos < token.size();) {
        const Utf8Char ch = readUtf8Char(token, pos);
        const int byte = ch.valid ? byteFromByteLevelChar(ch.codePoint) : -1;
        if (byte < 0) {
            out.resize(start);
            out.append(token);
            return;
        }
        out.push_back(static_cast<char>(byte));
        pos += ch.length;
    }
}

} // namespace vlmscope
