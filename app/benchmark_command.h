// `vlmscope --batch --benchmark` (the original benchmark-tps.py, plus sweeps): every
// configuration x iterations after a warm-up, per-configuration aggregates, the summary
// table, results JSON compatible with the original, one benchmark log, plots, the gate.
#pragma once

#include "app/batch_context.h"

#include <optional>
#include <string>
#include <vector>

namespace vlmscope {

struct SweepPoint {
    std::int64_t maxTokens = 20;
    std::optional<std::int64_t> contextLength; // prompt text tokens, when swept
    bool kvCache = true;
    int threads = 0;
    std::string label() const; // "100 tokens, kv on, 2 threads"
};

// The cartesian product of the sweeps, in a stable order (threads, kv, context, tokens).
std::vector<SweepPoint> planConfigurations(const BatchOptions& options);

int runBenchmarkCommand(const BatchContext& context);

} // namespace vlmscope
