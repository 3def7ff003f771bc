// Percentile bootstrap confidence intervals of medians (of one sample, and of the difference
// between two independent samples), and the stop-when-stable rule built on them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace vlmscope {

inline constexpr int kMaxBootstrapResamples = 1'000'000;

// Every interval is reproducible: the same values, options and seed give the same bounds.
struct BootstrapOptions {
    int resamples = 2000;
    double level = 0.95; // two-sided coverage, 0 < level < 1
    std::uint64_t seed = 0;
};

// Throws InputError ("bootstrap: ...") when resamples or level are out of range.
void validateBootstrapOptions(const BootstrapOptions& options);

// A statistic and its percentile interval. Everything NaN when it is undefined (no values).
struct ConfidenceInterval {
    double estimate = std::numeric_limits<double>::quiet_NaN();
    double lower = std::numeric_limits<double>::quiet_NaN();
    double upper = std::numeric_limits<double>::quiet_NaN();
    double level = 0.95;
    bool defined() const;
};

// The median of the finite values (the mean of the middle two for an even count); NaN when
// there are none.
double medianOf(std::vector<double> values);

// The sample median and its interval. Non-finite values are left out.
ConfidenceInterval bootstrapMedian(const std::vector<double>& sample, const BootstrapOptions& options = {});

// candidate vs baseline, each resampled independently. Non-finite values are left out.
struct MedianDifference {
    std::size_t baselineCount = 0;  // finite values used
    std::size_t candidateCount = 0;
    double baselineMedian = std::numeric_limits<double>::quiet_NaN();
    double candidateMedian = std::numeric_limits<double>::quiet_NaN();
    ConfidenceInterval delta;     // candidate - baseline, in the unit of the values
    ConfidenceInterval changePct; // delta / |baseline median| * 100; undefined for a zero baseline
};

MedianDifference bootstrapMedianDifference(const std::vector<double>& baseline, const std::vector<double>& candidate,
                                           const BootstrapOptions& options = {});

// "Stop when stable": iterate until the interval of the median lies within ±maxHalfWidthPct
// of the median, or maxSamples is reached.
struct StabilityOptions {
    double maxHalfWidthPct = 5;
    std::size_t minSamples = 3; // never converge on fewer finite values
    std::size_t maxSamples = 30;
    BootstrapOptions bootstrap;
};

struct StabilityStatus {
    std::size_t samples = 0; // values added, undefined ones included
    std::size_t used = 0;    // finite values the interval is made of
    ConfidenceInterval interval;
    double halfWidthPct = std::numeric_limits<double>::quiet_NaN(); // the wider side, % of |median|
    bool converged = false;
    bool exhausted = false; // maxSamples reached without converging
    bool done() const { return converged || exhausted; }
    // "decode TPS 41.2 tok/s, 95% CI 40.1 .. 42.0 (±2.7%) after 7 iterations: converged (limit ±5%)"
    std::string summary(const std::string& metric, const std::string& unit, double maxHalfWidthPct) const;
};

// One figure of a growing series of iterations (decode TPS, TTFT, ...); keep one per figure.
class StabilityCheck {
public:
    // Throws InputError ("stability: ...") on options that cannot work.
    explicit StabilityCheck(StabilityOptions options = {});

    void add(double value); // NaN or inf: an iteration where the figure is undefined
    const std::vector<double>& values() const { return m_values; }
    const StabilityOptions& options() const { return m_options; }
    StabilityStatus status() const;

private:
    StabilityOptions m_options;
    std::vector<double> m_values;
};

} // namespace vlmscope
