// Out-of-memory guard: refuse work whose estimated memory exceeds what the machine has
// available, with the estimate in the message, instead of being killed by the OOM killer
// half-way through a run (or taking the desktop down with it).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace vlmscope {

// Bytes a piece of work will allocate, by kind.
struct MemoryEstimate {
    std::int64_t weightsBytes = 0;
    std::int64_t kvCacheBytes = 0;
    std::int64_t activationBytes = 0;

    std::int64_t total() const { return weightsBytes + kvCacheBytes + activationBytes; }
    // "1.2 GiB (weights 800 MiB + KV cache 300 MiB + activations 100 MiB)"; zero parts left out.
    std::string describe() const;
};

// MemAvailable from /proc/meminfo, or $VLMSCOPE_AVAILABLE_MEMORY_BYTES when set (a test hook:
// lets tests pretend to be a small machine). Empty when neither can be read.
std::optional<std::int64_t> usableMemoryBytes();

// Throws InputError "<subject>: needs about <estimate> but only <available> is available"
// when the estimate exceeds `available`; does nothing when `available` is unknown.
void requireMemory(const MemoryEstimate& estimate, const std::string& subject,
                   std::optional<std::int64_t> available = usableMemoryBytes());

// "512 KiB", "1.5 GiB".
std::string bytesText(std::int64_t bytes);

} // namespace vlmscope
