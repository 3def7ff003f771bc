// The Mann-Whitney U test (Wilcoxon rank-sum) of two independent samples: does one tend to
// take larger values than the other? Two-sided, with the method choice of scipy's
// scipy.stats.mannwhitneyu(x, y, method="auto") so results can be checked against it.
#pragma once

#include <cstddef>
#include <limits>
#include <vector>

namespace vlmscope {

// Largest other sample for which the exact distribution is computed (see mannWhitneyU).
inline constexpr std::size_t kMaxExactMannWhitneySide = 400;

enum class MannWhitneyMethod { Auto, Exact, Normal };

struct MannWhitneyResult {
    std::size_t n1 = 0; // finite values of x
    std::size_t n2 = 0; // finite values of y
    // U of x: the number of pairs (x_i, y_j) with x_i > y_j, ties counting one half.
    // U of y is n1 * n2 - u.
    double u = std::numeric_limits<double>::quiet_NaN();
    // Normal approximation only: signed like u - n1 n2 / 2, continuity-corrected; 0 otherwise.
    double z = 0;
    // Two-sided p-value; NaN when a sample has no finite values.
    double pValue = std::numeric_limits<double>::quiet_NaN();
    bool exact = false; // exact null distribution, else the normal approximation
};

// Non-finite values are left out. Method (as scipy's "auto"):
//  - exact when there are no ties and the smaller sample has at most 8 values (and the
//    larger at most kMaxExactMannWhitneySide): p = 2 P(U >= max(U1, U2)) under the null
//    distribution of U, counted with the recursion on the largest element;
//  - otherwise the normal approximation: mean n1 n2 / 2, variance with the tie correction
//    n1 n2 / 12 ((N + 1) - sum(t^3 - t) / (N (N - 1))), continuity correction 0.5.
// p is capped at 1; all values equal gives p = 1. Exact also computes the exact distribution
// for samples up to n1 n2 <= 2500; it still falls back to the normal approximation on ties.
MannWhitneyResult mannWhitneyU(const std::vector<double>& x, const std::vector<double>& y,
                               MannWhitneyMethod method = MannWhitneyMethod::Auto);

} // namespace vlmscope
