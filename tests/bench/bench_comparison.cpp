// How long the comparison tab's statistics take (compareSides on the worker thread) for
// realistic sizes: decides whether they may run on the GUI thread (they may not above
// ~100 ms). Prints milliseconds per comparison; never fails on time.
#include "tests/ui/synthetic_run.h"
#include "ui/stat_comparison_model.h"

#include <chrono>
#include <cstdio>
#include <memory>

using namespace vlmscope;

namespace {

ComparisonSide sideOf(int runs, int tokens, int layers, std::int64_t itlNs)
{
    ComparisonSide side;
    for (int i = 0; i < runs; ++i)
        side.runs.push_back(std::make_shared<const RunRecord>(testing::syntheticRun(tokens, 50'000'000, itlNs, layers)));
    return side;
}

} // namespace

int main()
{
    struct Case {
        int runs, tokens, layers;
    };
    for (const Case c : {Case{1, 100, 4}, Case{1, 100, 30}, Case{5, 100, 30}, Case{5, 500, 30}, Case{10, 200, 30}}) {
        const ComparisonSide baseline = sideOf(c.runs, c.tokens, c.layers, 20'000'000);
        const ComparisonSide candidate = sideOf(c.runs, c.tokens, c.layers, 21'000'000);
        const auto start = std::chrono::steady_clock::now();
        const std::size_t rows = compareSides(baseline, candidate, interactiveOptions()).size();
        const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
        std::printf("%2d runs x %3d tokens, %2d blocks (%zu rows, 1000 resamples): %8.1f ms\n", c.runs, c.tokens,
                    c.layers, rows, ms);
    }
    return 0;
}
