// LibTorch's memory-reporting hook: while installed on the generating thread it receives
// every CPU allocation and free with the allocator's running total, so we know allocator
// bytes (current/peak) and which layer scope allocated what.
#pragma once

#include "core/profiling/scope_profiler.h"

#include <c10/core/Allocator.h>
#include <c10/util/ThreadLocalDebugInfo.h>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

namespace vlmscope {

class AllocatorTracker : public c10::MemoryReportingInfoBase {
public:
    // `scopes` may be null (no per-scope charging).
    AllocatorTracker(const ScopeProfiler* scopes, int scopeCount);

    void reportMemoryUsage(void* ptr, int64_t allocSize, int64_t totalAllocated, int64_t totalReserved,
                           c10::Device device) override;
    bool memoryProfilingEnabled() const override { return true; }

    // Bytes LibTorch's CPU allocator holds now / at most since install (-1 until the first
    // report).
    std::int64_t currentBytes() const { return m_current.load(std::memory_order_relaxed); }
    std::int64_t peakBytes() const { return m_peak.load(std::memory_order_relaxed); }
    // Allocations reported on every thread since install (each costs the hook a call).
    std::int64_t allocations() const { return m_allocations.load(std::memory_order_relaxed); }
    // Bytes allocated while each scope was the innermost one (engine thread only).
    const std::vector<std::int64_t>& allocatedPerScope() const { return m_perScope; }

private:
    const ScopeProfiler* m_scopes;
    std::thread::id m_owner;
    std::atomic<std::int64_t> m_current{-1};
    std::atomic<std::int64_t> m_peak{-1};
    std::atomic<std::int64_t> m_allocations{0};
    std::vector<std::int64_t> m_perScope;
};

// Installs a tracker on the current thread for the guard's lifetime.
class AllocatorTrackingGuard {
public:
    explicit AllocatorTrackingGuard(std::shared_ptr<AllocatorTracker> tracker)
        : m_guard(c10::DebugInfoKind::PROFILER_STATE, std::move(tracker)) {}

private:
    c10::DebugInfoGuard m_guard;
};

} // namespace vlmscope
