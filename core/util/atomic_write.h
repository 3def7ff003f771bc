// Whole-file writes that never leave a half-written file: data goes to a temporary file
// in the same directory, which replaces the target only once it is complete (QSaveFile).
#pragma once

#include <string>
#include <string_view>

namespace vlmscope {

// Replaces `path` with `bytes`. Throws RuntimeFailure naming the path and the reason
// (unwritable directory, disk full, ...); the previous file, if any, stays intact.
void writeFileAtomically(const std::string& path, std::string_view bytes);

// Appends `bytes` to `path` by rewriting it atomically: earlier content is never damaged,
// even if the process dies half-way.
void appendFileAtomically(const std::string& path, std::string_view bytes);

// Reads a whole file, refusing files larger than `maxBytes`. Throws InputError.
std::string readFileLimited(const std::string& path, std::size_t maxBytes);

} // namespace vlmscope
