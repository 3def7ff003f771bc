#include "core/metrics/aggregate.h"

#include "core/util/error.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace vlmscope {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

double sumOfSquaredDeviations(const std::vector<double>& values)
{
    // Two passes (mean first) rather than sum of squares minus square of sum: no cancellation.
    const double mean = arithmeticMean(values);
    double sum = 0;
    for (double v : values)
        sum += (v - mean) * (v - mean);
    return sum;
}

Summary summarizeFinite(std::vector<double> values, int ignored)
{
    Summary s;
    s.n = static_cast<int>(values.size());
    s.ignored = ignored;
    if (values.empty()) {
        s.mean = s.median = s.stddev = s.min = s.max = kNaN;
        return s;
    }
    std::sort(values.begin(), values.end());
    s.mean = arithmeticMean(values);
    s.median = percentileOfSorted(values, 50);
    s.stddev = sampleStddev(values);
    s.min = values.front();
    s.max = values.back();
    return s;
}

} // namespace

double arithmeticMean(const std::vector<double>& values)
{
    if (values.empty())
        return kNaN;
    return std::accumulate(values.begin(), values.end(), 0.0) / static_cast<double>(values.size());
}

double populationStddev(const std::vector<double>& values)
{
    if (values.empty())
        return kNaN;
    return std::sqrt(sumOfSquaredDeviations(values) / static_cast<double>(values.size()));
}

double sampleStddev(const std::vector<double>& values)
{
    if (values.size() < 2)
        return kNaN;
    return std::sqrt(sumOfSquaredDeviations(values) / static_cast<double>(values.size() - 1));
}

double percentileOfSorted(const std::vector<double>& sorted, double pct)
{
    if (!(pct >= 0 && pct <= 100))
        throw InputError("percentile: " + std::to_string(pct) + " is outside [0, 100]");
    if (sorted.empty())
        return kNaN;
    const double rank = static_cast<double>(sorted.size() - 1) * pct / 100.0;
    const auto lower = static_cast<std::size_t>(std::floor(rank));
    if (lower + 1 >= sorted.size())
        return sorted.back();
    const double fraction = rank - static_cast<double>(lower);
    return sorted[lower] + fraction * (sorted[lower + 1] - sorted[lower]);
}

Summary summarize(const std::vector<double>& values)
{
    std::vector<double> finite;
    finite.reserve(values.size());
    for (double v : values) {
        if (std::isfinite(v))
            finite.push_back(v);
    }
    const auto ignored = static_cast<int>(values.size() - finite.size());
    return summarizeFinite(std::move(finite), ignored);
}

Summary summarize(const std::vector<std::optional<double>>& values)
{
    std::vector<double> plain;
    plain.reserve(values.size());
    for (const auto& v : values)
        plain.push_back(v ? *v : kNaN);
    return summarize(plain);
}

} // namespace vlmscope
