#include "core/profiling/scope_profiler.h"

namespace vlmscope {

ScopeProfiler::ScopeProfiler(const ScopeTable& table)
    : m_table(table)
    , m_step(static_cast<std::size_t>(table.size()))
    , m_totals(static_cast<std::size_t>(table.size()))
{
    m_stack.reserve(16);
}

void ScopeProfiler::enter(int scope) noexcept
{
    m_stack.push_back({scope, nowNs(), 0});
}

void ScopeProfiler::exit(int scope) noexcept
{
    const std::int64_t now = nowNs();
    // Unbalanced exits cannot happen with LayerScope; ignore them rather than corrupt.
    if (m_stack.empty() || m_stack.back().scope != scope)
        return;
    const Frame frame = m_stack.back();
    m_stack.pop_back();
    const std::int64_t inclusive = now - frame.startNs;
    const std::int64_t self = inclusive - frame.childNs;
    for (auto* times : {&m_step[static_cast<std::size_t>(scope)], &m_totals[static_cast<std::size_t>(scope)]}) {
        times->calls += 1;
        times->inclusiveNs += inclusive;
        times->selfNs += self;
    }
    if (!m_stack.empty())
        m_stack.back().childNs += inclusive;
}

std::vector<ScopeTimes> ScopeProfiler::takeStep()
{
    std::vector<ScopeTimes> step(static_cast<std::size_t>(m_table.size()));
    step.swap(m_step);
    return step;
}

void ScopeProfiler::reset()
{
    m_stack.clear();
    m_step.assign(static_cast<std::size_t>(m_table.size()), {});
    m_totals.assign(static_cast<std::size_t>(m_table.size()), {});
}

} // namespace vlmscope
