// Layer-scope timing: each module forward opens a LayerScope; the profiler keeps inclusive
// and self (exclusive) time per scope, so nested scopes are never double counted.
// Disabled (null profiler or not enabled) a LayerScope costs one branch.
#pragma once

#include "core/profiling/scope_table.h"

#include <chrono>
#include <cstdint>
#include <vector>

namespace vlmscope {

struct ScopeTimes {
    std::int64_t calls = 0;
    std::int64_t inclusiveNs = 0;
    std::int64_t selfNs = 0;
};

class ScopeProfiler {
public:
    explicit ScopeProfiler(const ScopeTable& table);

    void setEnabled(bool enabled) { m_enabled = enabled; }
    bool enabled() const { return m_enabled; }

    void enter(int scope) noexcept;
    void exit(int scope) noexcept;

    // The innermost open scope, or -1 (for charging ops and allocations).
    int currentScope() const noexcept { return m_stack.empty() ? -1 : m_stack.back().scope; }

    // Per-step times since the last takeStep() call; totals keep accumulating.
    std::vector<ScopeTimes> takeStep();
    const std::vector<ScopeTimes>& totals() const { return m_totals; }
    void reset();

    static std::int64_t nowNs() noexcept
    {
        return std::chrono::duration_cast<std::chrono::nanoseconds>(
                   std::chrono::steady_clock::now().time_since_epoch())
            .count();
    }

private:
    struct Frame {
        int scope;
        std::int64_t startNs;
        std::int64_t childNs;
    };

    const ScopeTable& m_table;
    bool m_enabled = false;
    std::vector<Frame> m_stack;
    std::vector<ScopeTimes> m_step;
    std::vector<ScopeTimes> m_totals;
};

// RAII guard placed at the top of each module forward.
class LayerScope {
public:
    LayerScope(ScopeProfiler* profiler, int scope) noexcept
        : m_profiler(profiler && profiler->enabled() ? profiler : nullptr), m_scope(scope)
    {
        if (m_profiler)
            m_profiler->enter(m_scope);
    }
    ~LayerScope()
    {
        if (m_profiler)
            m_profiler->exit(m_scope);
    }
    LayerScope(const LayerScope&) = delete;
    LayerScope& operator=(const LayerScope&) = delete;

private:
    ScopeProfiler* m_profiler;
    int m_scope;
};

} // namespace vlmscope
