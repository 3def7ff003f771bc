// The CUDA caching allocator's statistics (bytes allocated and reserved, current and peak,
// cudaMalloc retries and out-of-memory events) where this build's LibTorch has CUDA.
//
// Debian's LibTorch is CPU-only and has no CUDA headers, so the code that reads the
// allocator is compiled only when CMake finds LibTorch's c10_cuda (VLMSCOPE_HAVE_CUDA);
// elsewhere these functions say, truthfully, that there is nothing to read.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace vlmscope {

struct CudaMemoryStats {
    int device = 0;
    std::int64_t allocatedBytes = 0;     // requested by tensors now
    std::int64_t peakAllocatedBytes = 0; // since the last resetCudaPeak
    std::int64_t reservedBytes = 0;      // held by the caching allocator (used + cached)
    std::int64_t peakReservedBytes = 0;
    std::int64_t allocRetries = 0; // cudaMalloc failures that forced a cache flush
    std::int64_t ooms = 0;
};

// True when this binary was built against a CUDA LibTorch.
bool cudaStatsCompiledIn();

// The statistics of `device`, or empty when not compiled in or no such device is visible.
std::optional<CudaMemoryStats> cudaMemoryStats(int device = 0);

// Starts a new peak window (e.g. at the start of a run); no-op where unavailable.
void resetCudaPeak(int device = 0);

// "not compiled in (this LibTorch has no CUDA)", "available (1 device(s))", ...: what every
// run record's environment manifest states.
std::string cudaStatsAvailability();

} // namespace vlmscope
