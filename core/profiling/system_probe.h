// Process and machine facts read from the OS: resident memory, CPU time, CPU model.
// Cheap enough to call once per decode step (one small /proc read).
#pragma once

#include <cstdint>
#include <string>

namespace vlmscope {

// Resident set size of this process in bytes (0 if unavailable).
std::int64_t currentRssBytes();
// CPU time used by all threads of this process, in nanoseconds.
std::int64_t processCpuNs();
// Monotonic clock in nanoseconds (the clock of every run timestamp).
std::int64_t monotonicNs();
// "Intel(R) Xeon(R) Platinum 8480+" or "unknown CPU".
std::string cpuModelName();
// "Debian GNU/Linux 12 (bookworm), Linux 6.1.0"
std::string osDescription();
// Bytes of memory the kernel says are available to new allocations (MemAvailable).
std::int64_t availableMemoryBytes();

} // namespace vlmscope
