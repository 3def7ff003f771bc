#include "core/profiling/overhead_calibration.h"

#include "core/profiling/allocator_tracker.h"
#include "core/profiling/op_profiler.h"
#include "core/profiling/system_probe.h"

#include <torch/torch.h>

#include <algorithm>
#include <mutex>

namespace vlmscope {

namespace {

constexpr int kBatches = 9;
constexpr int kScopeIterations = 2000;
constexpr int kOpIterations = 400;

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    return values[values.size() / 2];
}

template <typename Body>
double nsPerIteration(int iterations, Body& body)
{
    const std::int64_t start = monotonicNs();
    for (int i = 0; i < iterations; ++i)
        body();
    return static_cast<double>(monotonicNs() - start) / iterations;
}

// Plain and instrumented batches alternate so that a clock or load change hits both alike;
// the first pair only warms caches. The median batch difference shrugs off interruptions.
template <typename Setup, typename Body>
double costPerIteration(int iterations, Setup& instrument, Body& body)
{
    std::vector<double> differences;
    for (int batch = 0; batch <= kBatches; ++batch) {
        const double plain = nsPerIteration(iterations, body);
        double instrumented = 0;
        {
            auto guard = instrument();
            instrumented = nsPerIteration(iterations, body);
        }
        if (batch > 0)
            differences.push_back(instrumented - plain);
    }
    return std::max(0.0, median(differences));
}

// An empty scope nested in an open one, as layer scopes are: the exit also charges the parent.
double scopeCost()
{
    ScopeTable table;
    const int outer = table.add("calibration", ScopeCategory::Other, -1);
    const int inner = table.add("calibration.empty", ScopeCategory::Other, outer);
    ScopeProfiler profiler(table);
    auto body = [&] { LayerScope scope(&profiler, inner); }; // a branch while disabled
    auto instrument = [&] {
        profiler.setEnabled(true);
        profiler.enter(outer);
        struct Disable {
            ScopeProfiler& p;
            int outer;
            ~Disable()
            {
                p.exit(outer);
                p.setEnabled(false);
            }
        };
        return Disable{profiler, outer};
    };
    return costPerIteration(kScopeIterations, instrument, body);
}

// at::empty({0}) is about the cheapest op the dispatcher records; divided by the callbacks
// the profiler actually saw per iteration.
double opCallbackCost()
{
    torch::NoGradGuard noGrad;
    ScopeTable table;
    ScopeProfiler scopes(table);
    std::int64_t callbacks = 0;
    auto body = [] { (void)at::empty({0}); };
    auto instrument = [&] {
        auto ops = std::make_unique<OpProfiler>(scopes);
        ops->start();
        struct Count {
            std::unique_ptr<OpProfiler> ops;
            std::int64_t& callbacks;
            ~Count()
            {
                ops->stop();
                for (const OpStat& stat : ops->results())
                    callbacks += stat.count;
            }
        };
        return Count{std::move(ops), callbacks};
    };
    const double perIteration = costPerIteration(kOpIterations, instrument, body);
    const double callbacksPerIteration = static_cast<double>(callbacks) / ((kBatches + 1.0) * kOpIterations);
    return callbacksPerIteration > 0 ? perIteration / callbacksPerIteration : 0.0;
}

// One allocation and its free (1 KiB) with the allocator hook installed.
double allocationCost()
{
    torch::NoGradGuard noGrad;
    ScopeTable table;
    ScopeProfiler scopes(table);
    auto body = [] { (void)at::empty({256}, at::kFloat); };
    auto instrument = [&] {
        return std::make_unique<AllocatorTrackingGuard>(std::make_shared<AllocatorTracker>(&scopes, table.size()));
    };
    return costPerIteration(kOpIterations, instrument, body);
}

} // namespace

ProfilerCalibration measureProfilerCalibration()
{
    ProfilerCalibration c;
    c.scopeNs = scopeCost();
    c.opCallbackNs = opCallbackCost();
    c.allocationNs = allocationCost();
    return c;
}

const ProfilerCalibration& profilerCalibration()
{
    static std::once_flag once;
    static ProfilerCalibration calibration;
    std::call_once(once, [] { calibration = measureProfilerCalibration(); });
    return calibration;
}

} // namespace vlmscope
