// Content identities for the environment manifest: SHA-256 of a text, and a cheap but honest
// fingerprint of a large weights file.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace vlmscope {

// Lower-case hex SHA-256 of `bytes`.
std::string sha256Hex(std::string_view bytes);

// Files up to this size are hashed whole.
inline constexpr std::int64_t kFullHashLimitBytes = std::int64_t(8) << 20;

// "sha256:<hex>" of the whole file when it is at most kFullHashLimitBytes (the digest the
// Hugging Face Hub lists), else "sampled-sha256/1:<hex>": SHA-256 over the size, the first
// MiB (a safetensors header and the first tensors) and 64 chunks of 64 KiB spread evenly to
// the end — about 5 MiB read instead of hundreds.
//
// Why sampled and not a full hash: a 900 MB checkpoint takes seconds to hash, on every run,
// and a cache of full hashes would need state on disk. Why content only, no mtime: the same
// weights copied to another machine must compare equal there. A retrained checkpoint of the
// same shapes changes every tensor, so the sampled chunks see it; an edit of a few bytes
// between the samples is missed, the price of not reading the file.
// Cached per process by (path, size, mtime). Empty when the file cannot be read.
std::string weightsFileFingerprint(const std::string& path);

} // namespace vlmscope
