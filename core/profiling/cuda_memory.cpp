#include "core/profiling/cuda_memory.h"

#include <torch/cuda.h>

#if VLMSCOPE_HAVE_CUDA
#include <c10/cuda/CUDACachingAllocator.h>
#endif

namespace vlmscope {

bool cudaStatsCompiledIn() { return VLMSCOPE_HAVE_CUDA != 0; }

namespace {

bool deviceVisible(int device)
{
    return device >= 0 && torch::cuda::is_available() && static_cast<std::size_t>(device) < torch::cuda::device_count();
}

} // namespace

std::optional<CudaMemoryStats> cudaMemoryStats(int device)
{
#if VLMSCOPE_HAVE_CUDA
    if (!deviceVisible(device))
        return std::nullopt;
    namespace allocator = c10::cuda::CUDACachingAllocator;
    const allocator::DeviceStats stats = allocator::getDeviceStats(device);
    constexpr auto all = static_cast<std::size_t>(allocator::StatType::AGGREGATE);
    CudaMemoryStats out;
    out.device = device;
    out.allocatedBytes = stats.allocated_bytes[all].current;
    out.peakAllocatedBytes = stats.allocated_bytes[all].peak;
    out.reservedBytes = stats.reserved_bytes[all].current;
    out.peakReservedBytes = stats.reserved_bytes[all].peak;
    out.allocRetries = stats.num_alloc_retries;
    out.ooms = stats.num_ooms;
    return out;
#else
    (void)device;
    (void)deviceVisible;
    return std::nullopt;
#endif
}

void resetCudaPeak(int device)
{
#if VLMSCOPE_HAVE_CUDA
    if (deviceVisible(device))
        c10::cuda::CUDACachingAllocator::resetPeakStats(device);
#else
    (void)device;
#endif
}

std::string cudaStatsAvailability()
{
    if (!cudaStatsCompiledIn())
        return "not compiled in (this LibTorch has no CUDA)";
    if (!deviceVisible(0))
        return "compiled in, but no CUDA device is visible";
    return "available (" + std::to_string(torch::cuda::device_count()) + " device(s))";
}

} // namespace vlmscope
