// Operator-level profiling: an at::RecordFunction callback on the generating thread that
// aggregates every ATen op per layer scope (count, total and self time), like
// torch.profiler's key averages, without keeping individual events.
#pragma once

#include "core/engine/run_record.h"
#include "core/profiling/scope_profiler.h"

#include <ATen/record_function.h>

#include <map>
#include <set>
#include <vector>

namespace vlmscope {

class OpProfiler {
public:
    explicit OpProfiler(const ScopeProfiler& scopes);
    ~OpProfiler();
    OpProfiler(const OpProfiler&) = delete;
    OpProfiler& operator=(const OpProfiler&) = delete;

    // Registers the callback for the calling thread; stop() (or the destructor) removes it.
    void start();
    void stop();
    std::vector<OpStat> results() const;

private:
    static std::unique_ptr<at::ObserverContext> onStart(const at::RecordFunction& fn);
    static void onEnd(const at::RecordFunction& fn, at::ObserverContext* context);

    struct Totals {
        std::int64_t count = 0;
        std::int64_t totalNs = 0;
        std::int64_t selfNs = 0;
    };
    struct Frame {
        Totals* totals;
        std::int64_t startNs;
        std::int64_t childNs;
    };

    const ScopeProfiler& m_scopes;
    at::CallbackHandle m_handle = 0;
    bool m_active = false;
    const char* stableName(const at::RecordFunction& fn);

    // Keyed by the op name's pointer (stable for registered operators and interned user
    // scopes); merged by text later.
    std::map<std::pair<int, const char*>, Totals> m_totals;
    std::set<std::string> m_userScopeNames;
    std::vector<Frame> m_stack;
};

} // namespace vlmscope
