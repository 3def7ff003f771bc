// Process and machine facts read from the OS: resident memory, CPU time, CPU model.
// Cheap enough to call once per decode step (one small /proc read).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace vlmscope {

// Resident set size of this process in bytes (0 if unavailable).
std::int64_t currentRssBytes();
// Hands the heap's free memory back to the system (glibc keeps large freed blocks once its
// mmap threshold has grown), so that a run's RSS is not inflated by a previous run's
// activations. A no-op where the C library has no malloc_trim.
void releaseFreeHeapMemory();
// CPU time used by all threads of this process, in nanoseconds.
std::int64_t processCpuNs();
// Monotonic clock in nanoseconds (the clock of every run timestamp).
std::int64_t monotonicNs();
// "Intel(R) Xeon(R) Platinum 8480+" or "unknown CPU".
std::string cpuModelName();
// The CPU features LibTorch's and BLAS's kernels dispatch on (kKernelCpuFlags) that this
// CPU has, in that order; empty when /proc/cpuinfo has no flags line (non-x86).
std::vector<std::string> cpuKernelFlags();
// The same from one "flags : fpu vme ... avx2 ..." line of /proc/cpuinfo.
std::vector<std::string> kernelFlagsOf(std::string_view flagsLine);
// Which features decide kernel speed: vector widths, FMA, bf16/fp16 and int8 dot products,
// AMX tiles. The full list (100+ flags) would drown the ones that matter.
inline constexpr const char* kKernelCpuFlags[] = {
    "sse4_2",   "avx",      "avx2",        "fma",         "f16c",        "avx_vnni", "avx512f",
    "avx512bw", "avx512vl", "avx512dq",    "avx512_vnni", "avx512_bf16", "avx512_fp16",
    "amx_tile", "amx_bf16", "amx_int8",    "asimd",       "sve",         "sve2",     "bf16",
    "i8mm"};
// "Debian GNU/Linux 12 (bookworm), Linux 6.1.0"
std::string osDescription();
// Bytes of memory the kernel says are available to new allocations (MemAvailable).
std::int64_t availableMemoryBytes();

} // namespace vlmscope
