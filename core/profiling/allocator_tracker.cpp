#include "core/profiling/allocator_tracker.h"

namespace vlmscope {

AllocatorTracker::AllocatorTracker(const ScopeProfiler* scopes, int scopeCount)
    : m_scopes(scopes), m_owner(std::this_thread::get_id()), m_perScope(static_cast<std::size_t>(scopeCount), 0)
{
}

void AllocatorTracker::reportMemoryUsage(void*, int64_t allocSize, int64_t totalAllocated, int64_t, c10::Device device)
{
    if (device.type() != c10::DeviceType::CPU)
        return;
    if (allocSize > 0)
        m_allocations.fetch_add(1, std::memory_order_relaxed);
    m_current.store(totalAllocated, std::memory_order_relaxed);
    std::int64_t peak = m_peak.load(std::memory_order_relaxed);
    while (totalAllocated > peak && !m_peak.compare_exchange_weak(peak, totalAllocated, std::memory_order_relaxed)) {
    }
    // Intra-op worker threads inherit this hook; only the owner may read the scope stack.
    if (allocSize > 0 && m_scopes && std::this_thread::get_id() == m_owner) {
        const int scope = m_scopes->currentScope();
        if (scope >= 0 && scope < static_cast<int>(m_perScope.size()))
            m_perScope[static_cast<std::size_t>(scope)] += allocSize;
    }
}

} // namespace vlmscope
