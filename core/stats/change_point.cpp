#include "core/stats/change_point.h"

#include "core/stats/bootstrap.h"
#include "core/stats/number_format.h"
#include "core/util/error.h"

#include <algorithm>
#include <cmath>

namespace vlmscope {

namespace {

// Each accepted or rejected split narrows the search; this bounds the work to a few passes.
constexpr int kMaxSplitAttempts = 24;
constexpr double kMadToSd = 1.4826;

struct Settled {
    double median = 0;
    double sigma = 0; // robust standard deviation: 1.4826 MAD
};

std::vector<double> slice(const std::vector<double>& x, std::size_t from, std::size_t to)
{
    return std::vector<double>(x.begin() + static_cast<std::ptrdiff_t>(from), x.begin() + static_cast<std::ptrdiff_t>(to));
}

Settled settledStats(const std::vector<double>& tail)
{
    Settled s;
    s.median = medianOf(tail);
    std::vector<double> deviations;
    deviations.reserve(tail.size());
    for (double v : tail)
        deviations.push_back(std::fabs(v - s.median));
    s.sigma = kMadToSd * medianOf(deviations);
    return s;
}

double worseBy(double value, double reference, Better better)
{
    return better == Better::Lower ? value - reference : reference - value;
}

bool clearlyWorse(double difference, const Settled& settled, const WarmupOptions& o)
{
    if (!(difference > 0))
        return false;
    const bool large = settled.median == 0 || difference / std::fabs(settled.median) >= o.minRelativeEffect;
    const bool beyondNoise = settled.sigma == 0 || difference / settled.sigma >= o.minRobustZ;
    return large && beyondNoise;
}

// The end of the head [start, end), start < end <= maxEnd, whose two-segment fit (head mean,
// tail mean) leaves the least squared error, among heads worse on average than their tail;
// 0 when there is none.
std::size_t bestSplit(const std::vector<double>& x, std::size_t start, std::size_t maxEnd, Better better)
{
    const std::size_t n = x.size();
    const double center = x[start]; // keeps the sums of squares small and exact enough
    double totalSum = 0, totalSquares = 0;
    for (std::size_t i = start; i < n; ++i) {
        totalSum += x[i] - center;
        totalSquares += (x[i] - center) * (x[i] - center);
    }
    std::size_t best = 0;
    double bestError = std::numeric_limits<double>::infinity();
    double headSum = 0, headSquares = 0;
    for (std::size_t end = start + 1; end <= maxEnd && end < n; ++end) {
        const double v = x[end - 1] - center;
        headSum += v;
        headSquares += v * v;
        const double headCount = static_cast<double>(end - start), tailCount = static_cast<double>(n - end);
        const double tailSum = totalSum - headSum;
        const double error = (headSquares - headSum * headSum / headCount)
            + (totalSquares - headSquares - tailSum * tailSum / tailCount);
        if (worseBy(headSum / headCount, tailSum / tailCount, better) > 0 && error < bestError) {
            bestError = error;
            best = end;
        }
    }
    return best;
}

std::string noWarmup(const WarmupOptions& o, const Settled& settled)
{
    return "no warm-up: the first " + o.items + " are within " + formatShort(o.minRelativeEffect * 100) + "% or "
        + formatShort(o.minRobustZ) + " robust sd of the settled median " + formatFigure(settled.median);
}

void validate(const WarmupOptions& o)
{
    if (!(o.minRelativeEffect >= 0) || !std::isfinite(o.minRelativeEffect))
        throw InputError("warm-up detection: the minimum effect must be a non-negative number");
    if (!(o.minRobustZ >= 0) || !std::isfinite(o.minRobustZ))
        throw InputError("warm-up detection: the minimum robust z must be a non-negative number");
    if (!(o.maxFraction > 0 && o.maxFraction < 1))
        throw InputError("warm-up detection: the largest warm-up share must be between 0 and 1");
}

} // namespace

WarmupDetection detectWarmup(const std::vector<double>& series, const WarmupOptions& options)
{
    validate(options);
    WarmupDetection d;
    const std::size_t n = series.size();
    d.total = n;
    if (!std::all_of(series.begin(), series.end(), [](double v) { return std::isfinite(v); })) {
        d.reason = "no warm-up detection: the series holds undefined values";
        return d;
    }
    if (n < std::max<std::size_t>(options.minPoints, 3)) {
        d.reason = "no warm-up detection: " + std::to_string(n) + " " + options.items + ", need at least "
            + std::to_string(std::max<std::size_t>(options.minPoints, 3));
        return d;
    }
    const auto maxExcluded = std::clamp<std::size_t>(static_cast<std::size_t>(options.maxFraction * static_cast<double>(n)), 1, n - 2);
    std::size_t start = 0, limit = maxExcluded;
    for (int attempt = 0; attempt < kMaxSplitAttempts && start < limit; ++attempt) {
        const std::size_t end = bestSplit(series, start, limit, options.better);
        if (end == 0)
            break;
        const Settled tail = settledStats(slice(series, end, n));
        if (clearlyWorse(worseBy(medianOf(slice(series, start, end)), tail.median, options.better), tail, options)) {
            start = end;
            limit = maxExcluded;
        } else {
            limit = end - 1; // look for a shorter, clearer warm-up inside the rejected one
        }
    }
    Settled settled = settledStats(slice(series, start, n));
    if (start == 0) {
        d.settledMedian = settled.median;
        d.reason = noWarmup(options, settled);
        return d;
    }
    // The fit splits a gradual settling in the middle: keep excluding points still clearly worse.
    while (start < maxExcluded && clearlyWorse(worseBy(series[start], settled.median, options.better), settled, options))
        ++start;
    settled = settledStats(slice(series, start, n));
    d.excluded = start;
    d.warmupMedian = medianOf(slice(series, 0, start));
    d.settledMedian = settled.median;
    const double difference = worseBy(d.warmupMedian, settled.median, options.better);
    std::string detail;
    if (settled.median != 0)
        detail = formatPercent((d.warmupMedian - settled.median) / std::fabs(settled.median) * 100);
    if (settled.sigma > 0)
        detail += (detail.empty() ? "" : ", ") + formatShort(difference / settled.sigma) + " robust sd";
    d.reason = "first " + std::to_string(start) + " of " + std::to_string(n) + " " + options.items
        + " excluded as warm-up: median " + formatFigure(d.warmupMedian) + " vs " + formatFigure(settled.median)
        + " settled" + (detail.empty() ? "" : " (" + detail + ")");
    return d;
}

} // namespace vlmscope
