#include "core/stats/bootstrap.h"

#include "core/metrics/aggregate.h"
#include "core/stats/number_format.h"
#include "core/util/error.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace vlmscope {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::vector<double> finiteValues(const std::vector<double>& values)
{
    std::vector<double> out;
    out.reserve(values.size());
    for (double v : values) {
        if (std::isfinite(v))
            out.push_back(v);
    }
    return out;
}

// Rejection keeps every index equally likely and the sequence the same on every platform
// (std::uniform_int_distribution is implementation-defined).
std::size_t uniformIndex(std::mt19937_64& rng, std::size_t n)
{
    const std::uint64_t range = n;
    const std::uint64_t limit = UINT64_MAX - UINT64_MAX % range;
    std::uint64_t x = rng();
    while (x >= limit)
        x = rng();
    return static_cast<std::size_t>(x % range);
}

double medianInPlace(std::vector<double>& v)
{
    const auto mid = v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2);
    std::nth_element(v.begin(), mid, v.end());
    const double upper = *mid;
    if (v.size() % 2 == 1)
        return upper;
    return (*std::max_element(v.begin(), mid) + upper) / 2;
}

// The median of one resample drawn with replacement from `from` into `scratch`.
double resampledMedian(const std::vector<double>& from, std::vector<double>& scratch, std::mt19937_64& rng)
{
    scratch.resize(from.size());
    for (double& slot : scratch)
        slot = from[uniformIndex(rng, from.size())];
    return medianInPlace(scratch);
}

// Percentile interval of the bootstrap distribution `stats` (finite values only).
void setBounds(ConfidenceInterval& ci, std::vector<double> stats)
{
    stats = finiteValues(stats);
    if (stats.empty())
        return;
    std::sort(stats.begin(), stats.end());
    const double tail = (1 - ci.level) / 2 * 100;
    ci.lower = percentileOfSorted(stats, tail);
    ci.upper = percentileOfSorted(stats, 100 - tail);
}

} // namespace

void validateBootstrapOptions(const BootstrapOptions& options)
{
    if (options.resamples < 1 || options.resamples > kMaxBootstrapResamples)
        throw InputError("bootstrap: resamples must be from 1 to " + std::to_string(kMaxBootstrapResamples) + " (got "
                         + std::to_string(options.resamples) + ")");
    if (!(options.level > 0 && options.level < 1))
        throw InputError("bootstrap: confidence level must be between 0 and 1 (got " + formatShort(options.level)
                         + ")");
}

bool ConfidenceInterval::defined() const
{
    return std::isfinite(estimate) && std::isfinite(lower) && std::isfinite(upper);
}

double medianOf(std::vector<double> values)
{
    values = finiteValues(values);
    return values.empty() ? kNaN : medianInPlace(values);
}

ConfidenceInterval bootstrapMedian(const std::vector<double>& sample, const BootstrapOptions& options)
{
    validateBootstrapOptions(options);
    ConfidenceInterval ci;
    ci.level = options.level;
    const std::vector<double> values = finiteValues(sample);
    if (values.empty())
        return ci;
    ci.estimate = medianOf(values);
    std::mt19937_64 rng(options.seed);
    std::vector<double> scratch;
    std::vector<double> medians(static_cast<std::size_t>(options.resamples));
    for (double& m : medians)
        m = resampledMedian(values, scratch, rng);
    setBounds(ci, std::move(medians));
    return ci;
}

MedianDifference bootstrapMedianDifference(const std::vector<double>& baseline, const std::vector<double>& candidate,
                                           const BootstrapOptions& options)
{
    validateBootstrapOptions(options);
    MedianDifference d;
    d.delta.level = d.changePct.level = options.level;
    const std::vector<double> b = finiteValues(baseline);
    const std::vector<double> c = finiteValues(candidate);
    d.baselineCount = b.size();
    d.candidateCount = c.size();
    if (b.empty() || c.empty())
        return d;
    d.baselineMedian = medianOf(b);
    d.candidateMedian = medianOf(c);
    d.delta.estimate = d.candidateMedian - d.baselineMedian;
    if (d.baselineMedian != 0)
        d.changePct.estimate = d.delta.estimate / std::fabs(d.baselineMedian) * 100;

    std::mt19937_64 rng(options.seed);
    std::vector<double> scratch;
    const auto count = static_cast<std::size_t>(options.resamples);
    std::vector<double> deltas(count), pcts(count, kNaN);
    std::size_t zeroBaselines = 0;
    for (std::size_t i = 0; i < count; ++i) {
        const double mb = resampledMedian(b, scratch, rng);
        const double mc = resampledMedian(c, scratch, rng);
        deltas[i] = mc - mb;
        if (mb != 0)
            pcts[i] = (mc - mb) / std::fabs(mb) * 100;
        else
            ++zeroBaselines;
    }
    setBounds(d.delta, std::move(deltas));
    // A relative change is only meaningful when (almost) every resample has a baseline to divide by.
    if (std::isfinite(d.changePct.estimate) && zeroBaselines * 20 <= count)
        setBounds(d.changePct, std::move(pcts));
    return d;
}

std::string StabilityStatus::summary(const std::string& metric, const std::string& unit, double maxHalfWidthPct) const
{
    const std::string levelPct = std::to_string(static_cast<int>(std::lround(interval.level * 100)));
    std::string text = metric + " " + formatFigure(interval.estimate) + (unit.empty() ? "" : " " + unit);
    if (interval.defined()) {
        text += ", " + levelPct + "% CI " + formatFigure(interval.lower) + " .. " + formatFigure(interval.upper)
            + " (±" + formatShort(halfWidthPct) + "%)";
    }
    text += " after " + std::to_string(samples) + (samples == 1 ? " iteration" : " iterations");
    if (used != samples)
        text += " (" + std::to_string(samples - used) + " undefined)";
    const std::string limit = " (limit ±" + formatShort(maxHalfWidthPct) + "%)";
    if (converged)
        return text + ": converged" + limit;
    if (exhausted)
        return text + ": not converged, iteration limit reached" + limit;
    return text + ": not converged yet" + limit;
}

StabilityCheck::StabilityCheck(StabilityOptions options)
    : m_options(std::move(options))
{
    validateBootstrapOptions(m_options.bootstrap);
    if (!(m_options.maxHalfWidthPct > 0 && std::isfinite(m_options.maxHalfWidthPct)))
        throw InputError("stability: the interval limit must be a positive percentage (got "
                         + formatShort(m_options.maxHalfWidthPct) + ")");
    if (m_options.minSamples < 2)
        throw InputError("stability: at least 2 iterations are needed before an interval means anything");
    if (m_options.maxSamples < m_options.minSamples)
        throw InputError("stability: the iteration limit " + std::to_string(m_options.maxSamples)
                         + " is below the minimum of " + std::to_string(m_options.minSamples));
}

void StabilityCheck::add(double value) { m_values.push_back(value); }

StabilityStatus StabilityCheck::status() const
{
    StabilityStatus s;
    s.samples = m_values.size();
    s.used = finiteValues(m_values).size();
    s.interval = bootstrapMedian(m_values, m_options.bootstrap);
    const double median = s.interval.estimate;
    if (s.interval.defined() && median != 0) {
        const double wider = std::max(median - s.interval.lower, s.interval.upper - median);
        s.halfWidthPct = wider / std::fabs(median) * 100;
    } else if (s.interval.defined() && s.interval.lower == 0 && s.interval.upper == 0) {
        s.halfWidthPct = 0; // a figure that is always exactly zero is as stable as it gets
    }
    s.converged = s.used >= m_options.minSamples && s.halfWidthPct <= m_options.maxHalfWidthPct;
    s.exhausted = !s.converged && s.samples >= m_options.maxSamples;
    return s;
}

} // namespace vlmscope
