#include "core/io/layer_breakdown.h"

#include "core/io/text_format.h"

#include <algorithm>
#include <numeric>

namespace vlmscope {

namespace {

// Records can come from files: negative or absurd values must not turn into negative shares.
double seconds(std::int64_t ns) { return ns > 0 ? static_cast<double>(ns) / 1e9 : 0.0; }

std::size_t categoryIndex(ScopeCategory category)
{
    const auto index = static_cast<std::size_t>(category);
    return index < static_cast<std::size_t>(kCategoryCount) ? index : static_cast<std::size_t>(ScopeCategory::Other);
}

template <std::size_t N>
std::array<int, N> tenths(const std::array<double, N>& shares)
{
    const std::vector<int> rounded = roundToTotal(std::vector<double>(shares.begin(), shares.end()), 1000);
    std::array<int, N> out{};
    std::copy(rounded.begin(), rounded.end(), out.begin());
    return out;
}

} // namespace

LayerBreakdown computeLayerBreakdown(const RunRecord& record)
{
    LayerBreakdown b;
    double scopedS = 0;
    for (const ScopeSummary& scope : record.scopes) {
        const double self = seconds(scope.selfNs);
        b.profiled = b.profiled || scope.calls > 0;
        b.categoryS[categoryIndex(scope.category)] += self;
        scopedS += self;
        if (scope.category == ScopeCategory::VisionEncoder)
            b.visionS += self;
        else if (scope.category == ScopeCategory::Projector)
            b.projectorS += self;
        else
            b.languageS += self;
    }
    if (!b.profiled) {
        // Profiling off: no shares to report, only the run time.
        LayerBreakdown off;
        off.totalS = off.unscopedS = seconds(record.endNs);
        return off;
    }

    b.totalS = std::max(seconds(record.endNs), scopedS);
    b.unscopedS = b.totalS - scopedS;
    b.categoryS[static_cast<std::size_t>(ScopeCategory::Other)] += b.unscopedS;
    b.categoryTenths = tenths(b.categoryS);
    b.modalityTenths = tenths(std::array<double, 4>{b.visionS, b.projectorS, b.languageS, b.unscopedS});

    b.scopesBySelf.resize(record.scopes.size());
    std::iota(b.scopesBySelf.begin(), b.scopesBySelf.end(), 0);
    std::stable_sort(b.scopesBySelf.begin(), b.scopesBySelf.end(), [&](std::size_t x, std::size_t y) {
        return std::max<std::int64_t>(record.scopes[x].selfNs, 0) > std::max<std::int64_t>(record.scopes[y].selfNs, 0);
    });
    return b;
}

PhaseTotals computePhaseTotals(const RunRecord& record)
{
    PhaseTotals t;
    for (const PhaseSpan& span : record.phases) {
        // In double: spans from a file may be far enough apart to overflow int64.
        const double s = std::max(0.0, (static_cast<double>(span.endNs) - static_cast<double>(span.beginNs)) / 1e9);
        switch (span.phase) {
        case Phase::ImagePreprocess: t.imagePreprocessS += s; break;
        case Phase::VisionEncoder: t.visionEncoderS += s; break;
        case Phase::Projector: t.projectorS += s; break;
        case Phase::Prefill: t.prefillS += s; break;
        case Phase::DecodeStep:
            t.decodeS += s;
            ++t.decodeSteps;
            break;
        }
    }
    return t;
}

} // namespace vlmscope
