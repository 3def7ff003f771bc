// UTF-8 helpers: strict decoding of one character, and lossy decoding that turns each maximal
// invalid subpart into one U+FFFD (like Rust's String::from_utf8_lossy and the WHATWG decoder).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace vlmscope {

// One character of possibly invalid UTF-8: `length` bytes starting where it was read;
// `valid` is false for a byte that does not start a well-formed sequence (length 1 then).
struct Utf8Char {
    char32_t codePoint = 0;
    std::size_t length = 1;
    bool valid = false;
};

// Reads the character at `pos` (< text.size()). Overlong forms, surrogates and code points
// above U+10FFFF are invalid, as in the Unicode standard's table of well-formed sequences.
Utf8Char readUtf8Char(std::string_view text, std::size_t pos);

// Appends `code` as UTF-8 (code must be a scalar value).
void appendUtf8(std::string& out, char32_t code);

// Appends `bytes` to `out` with every maximal invalid subpart replaced by U+FFFD. When
// `final` is false, a trailing sequence that is incomplete but could still become valid is
// left unread. Returns how many bytes of `bytes` were consumed.
std::size_t appendUtf8Lossy(std::string_view bytes, std::string& out, bool final);

// True when every byte of `text` belongs to a well-formed UTF-8 sequence.
bool isValidUtf8(std::string_view text);

} // namespace vlmscope
