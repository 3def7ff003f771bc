// GPT-2's bytes_to_unicode alphabet: byte-level BPE vocabularies spell every byte as one
// printable character, so token strings are valid UTF-8 whatever bytes they stand for.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace vlmscope {

// The character that stands for `byte` (space -> U+0120 'Ġ', '\n' -> U+010A 'Ċ').
char32_t byteLevelChar(std::uint8_t byte);

// The byte that `code` stands for, or -1 when `code` is not in the alphabet.
int byteFromByteLevelChar(char32_t code);

// The byte-level spelling of `bytes` (UTF-8 of the mapped characters).
std::string toByteLevel(std::string_view bytes);

// Appends the bytes a token string stands for. Hugging Face's ByteLevel decoder falls back
// to the token's own UTF-8 when any of its characters is outside the alphabet (added
// tokens written with a plain space, for instance), and so do we.
void appendByteLevelDecoded(std::string_view token, std::string& out);

} // namespace vlmscope
