#include "core/profiling/op_profiler.h"

#include <cstring>

namespace vlmscope {

namespace {
// RecordFunction callbacks are plain function pointers: find the profiler of this thread.
thread_local OpProfiler* t_activeProfiler = nullptr;
} // namespace

OpProfiler::OpProfiler(const ScopeProfiler& scopes) : m_scopes(scopes)
{
    m_stack.reserve(32);
}

OpProfiler::~OpProfiler() { stop(); }

void OpProfiler::start()
{
    if (m_active)
        return;
    t_activeProfiler = this;
    m_handle = at::addThreadLocalCallback(
        at::RecordFunctionCallback(&OpProfiler::onStart, &OpProfiler::onEnd).scopes({at::RecordScope::FUNCTION, at::RecordScope::USER_SCOPE}));
    m_active = true;
}

void OpProfiler::stop()
{
    if (!m_active)
        return;
    at::removeCallback(m_handle);
    if (t_activeProfiler == this)
        t_activeProfiler = nullptr;
    m_active = false;
    m_stack.clear();
}

std::unique_ptr<at::ObserverContext> OpProfiler::onStart(const at::RecordFunction& fn)
{
    OpProfiler* self = t_activeProfiler;
    if (self) {
        Totals* totals = &self->m_totals[{self->m_scopes.currentScope(), self->stableName(fn)}];
        self->m_stack.push_back({totals, ScopeProfiler::nowNs(), 0});
    }
    return nullptr;
}

const char* OpProfiler::stableName(const at::RecordFunction& fn)
{
    // Operators' names live in the dispatcher's registry; a user scope's name is a string
    // owned by its RecordFunction, gone when the scope ends, so it is interned here.
    if (fn.scope() != at::RecordScope::USER_SCOPE)
        return fn.name();
    return m_userScopeNames.insert(fn.name()).first->c_str();
}

void OpProfiler::onEnd(const at::RecordFunction&, at::ObserverContext*)
{
    OpProfiler* self = t_activeProfiler;
    if (!self || self->m_stack.empty())
        return;
    const Frame frame = self->m_stack.back();
    self->m_stack.pop_back();
    const std::int64_t total = ScopeProfiler::nowNs() - frame.startNs;
    frame.totals->count += 1;
    frame.totals->totalNs += total;
    frame.totals->selfNs += total - frame.childNs;
    if (!self->m_stack.empty())
        self->m_stack.back().childNs += total;
}

std::vector<OpStat> OpProfiler::results() const
{
    std::map<std::pair<int, std::string>, OpStat> merged;
    for (const auto& [key, totals] : m_totals) {
        OpStat& stat = merged[{key.first, key.second}];
        stat.scope = key.first;
        stat.op = key.second;
        stat.count += totals.count;
        stat.totalNs += totals.totalNs;
        stat.selfNs += totals.selfNs;
    }
    std::vector<OpStat> stats;
    stats.reserve(merged.size());
    for (auto& entry : merged)
        stats.push_back(std::move(entry.second));
    return stats;
}

} // namespace vlmscope
