#include "core/tokenizer/utf8.h"

#include <cstdint>

namespace vlmscope {

namespace {

// Lead-byte facts from Unicode's Table 3-7: how many continuation bytes follow, and the
// range the first of them must fall in (that range is what excludes overlongs,
// surrogates and values above U+10FFFF).
struct LeadInfo {
    int continuations = -1; // -1: not a lead byte
    std::uint8_t low = 0x80;
    std::uint8_t high = 0xBF;
};

LeadInfo leadInfo(std::uint8_t b)
{
    if (b >= 0xC2 && b <= 0xDF)
        return {1, 0x80, 0xBF};
    if (b == 0xE0)
        return {2, 0xA0, 0xBF};
    if (b == 0xED)
        return {2, 0x80, 0x9F};
    if (b >= 0xE1 && b <= 0xEF)
        return {2, 0x80, 0xBF};
    if (b == 0xF0)
        return {3, 0x90, 0xBF};
    if (b >= 0xF1 && b <= 0xF3)
        return {3, 0x80, 0xBF};
    if (b == 0xF4)
        return {3, 0x80, 0x8F};
    return {};
}

// Outcome of reading the sequence that starts at a lead byte.
enum class SequenceState { Complete, Invalid, Truncated };

struct SequenceScan {
    SequenceState state = SequenceState::Invalid;
    std::size_t length = 1; // bytes in the character, or in the maximal invalid subpart
    char32_t codePoint = 0;
};

SequenceScan scanSequence(std::string_view text, std::size_t pos)
{
    const auto lead = static_cast<std::uint8_t>(text[pos]);
    if (lead < 0x80)
        return {SequenceState::Complete, 1, lead};
    const LeadInfo info = leadInfo(lead);
    if (info.continuations < 0)
        return {SequenceState::Invalid, 1, 0};
    char32_t code = lead & (0x3F >> info.continuations);
    std::size_t next = pos + 1;
    for (int k = 0; k < info.continuations; ++k, ++next) {
        if (next >= text.size())
            return {SequenceState::Truncated, next - pos, 0};
        const auto b = static_cast<std::uint8_t>(text[next]);
        const std::uint8_t low = k == 0 ? info.low : 0x80;
        const std::uint8_t high = k == 0 ? info.high : 0xBF;
        if (b < low || b > high)
            return {SequenceState::Invalid, next - pos, 0};
        code = (code << 6) | (b & 0x3F);
    }
    return {SequenceState::Complete, next - pos, code};
}

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";

} // namespace

Utf8Char readUtf8Char(std::string_view text, std::size_t pos)
{
    const SequenceScan scan = scanSequence(text, pos);
    if (scan.state == SequenceState::Complete)
        return {scan.codePoint, scan.length, true};
    return {0, 1, false};
}

void appendUtf8(std::string& out, char32_t code)
{
    if (code < 0x80) {
        out.push_back(static_cast<char>(code));
    } else if (code < 0x800) {
        out.push_back(static_cast<char>(0xC0 | (code >> 6)));
        out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
    } else if (code < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | (code >> 12)));
        out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | (code >> 18)));
        out.push_back(static_cast<char>(0x80 | ((code >> 12) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
    }
}

std::size_t appendUtf8Lossy(std::string_view bytes, std::string& out, bool final)
{
    std::size_t pos = 0;
    std::size_t cleanStart = 0; // start of the run of valid bytes not yet copied
    while (pos < bytes.size()) {
        if (static_cast<std::uint8_t>(bytes[pos]) < 0x80) {
            ++pos;
            continue;
        }
        const SequenceScan scan = scanSequence(bytes, pos);
        if (scan.state == SequenceState::Complete) {
            pos += scan.length;
            continue;
        }
        out.append(bytes.substr(cleanStart, pos - cleanStart));
        if (scan.state == SequenceState::Truncated && !final)
            return pos;
        out.append(kReplacement);
        pos += scan.length;
        cleanStart = pos;
    }
    out.append(bytes.substr(cleanStart, pos - cleanStart));
    return pos;
}

bool isValidUtf8(std::string_view text)
{
    for (std::size_t pos = 0; pos < text.size();) {
        const SequenceScan scan = scanSequence(text, pos);
        if (scan.state != SequenceState::Complete)
            return false;
        pos += scan.length;
    }
    return true;
}

} // namespace vlmscope
