// Descriptive statistics shared by the metric definitions (core/metrics/METRICS.md): the
// percentile method, standard deviations, and the summary of one figure across repetitions.
#pragma once

#include <optional>
#include <vector>

namespace vlmscope {

// One figure across benchmark repetitions. Undefined values (NaN, ±inf, empty optionals)
// are left out and counted in `ignored`; `n` counts the values used. Fields that need more
// values than there are hold NaN: everything when n == 0, stddev when n < 2.
struct Summary {
    int n = 0;
    int ignored = 0;
    double mean = 0;
    double median = 0;
    double stddev = 0; // sample standard deviation (divides by n - 1)
    double min = 0;
    double max = 0;
};

Summary summarize(const std::vector<double>& values);
Summary summarize(const std::vector<std::optional<double>>& values);

// Arithmetic mean; NaN for an empty vector.
double arithmeticMean(const std::vector<double>& values);

// Square root of the mean squared deviation (divides by n, numpy's std default);
// NaN for an empty vector.
double populationStddev(const std::vector<double>& values);

// Square root of the squared deviations divided by n - 1; NaN below two values.
double sampleStddev(const std::vector<double>& values);

// Percentile `pct` (0..100) of ascending `sorted` values by linear interpolation between
// closest ranks (numpy's default "linear" method): h = (n - 1) * pct / 100, result =
// x[floor h] + (h - floor h) * (x[floor h + 1] - x[floor h]). NaN for an empty vector.
// Throws InputError when pct is outside [0, 100] or not a number.
double percentileOfSorted(const std::vector<double>& sorted, double pct);

} // namespace vlmscope
