#include "core/stats/mann_whitney.h"

#include <algorithm>
#include <cmath>
#include <utility>

namespace vlmscope {

namespace {

constexpr std::size_t kMaxExactSmallSide = 8;
constexpr std::size_t kMaxExactCells = 2500; // n1 n2 where Exact is asked for explicitly

struct Ranking {
    double rankSumX = 0;
    double tieTerm = 0; // sum over tie groups of t^3 - t
};

Ranking rank(const std::vector<double>& x, const std::vector<double>& y)
{
    std::vector<std::pair<double, bool>> all; // value, from x
    all.reserve(x.size() + y.size());
    for (double v : x)
        all.emplace_back(v, true);
    for (double v : y)
        all.emplace_back(v, false);
    std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    Ranking r;
    for (std::size_t i = 0; i < all.size();) {
        std::size_t j = i;
        while (j < all.size() && all[j].first == all[i].first)
            ++j;
        const double t = static_cast<double>(j - i);
        const double averageRank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2;
        for (std::size_t k = i; k < j; ++k) {
            if (all[k].second)
                r.rankSumX += averageRank;
        }
        r.tieTerm += t * t * t - t;
        i = j;
    }
    return r;
}

// Number of arrangements giving each U (index 0 .. m n) for samples of sizes m and n: the
// largest element is either from the first sample (adding n to U) or from the second.
std::vector<double> exactCounts(std::size_t m, std::size_t n)
{
    std::vector<std::vector<double>> f(m + 1, std::vector<double>(1, 1.0)); // sizes (a, 0)
    for (std::size_t b = 1; b <= n; ++b) {
        for (std::size_t a = 1; a <= m; ++a) {
            std::vector<double> next(a * b + 1, 0.0);
            for (std::size_t u = 0; u < f[a - 1].size(); ++u)
                next[u + b] += f[a - 1][u]; // f[a - 1] already holds size (a - 1, b)
            for (std::size_t u = 0; u < f[a].size(); ++u)
                next[u] += f[a][u];         // f[a] still holds size (a, b - 1)
            f[a] = std::move(next);
        }
    }
    return f[m];
}

double exactPValue(double u1, std::size_t n1, std::size_t n2)
{
    const std::vector<double> counts = exactCounts(std::min(n1, n2), std::max(n1, n2));
    const double total = static_cast<double>(n1) * static_cast<double>(n2);
    const auto upper = static_cast<std::size_t>(std::llround(std::max(u1, total - u1)));
    double tail = 0, all = 0;
    for (std::size_t u = 0; u < counts.size(); ++u) {
        all += counts[u];
        if (u >= upper)
            tail += counts[u];
    }
    return std::min(1.0, 2 * tail / all);
}

} // namespace

MannWhitneyResult mannWhitneyU(const std::vector<double>& x, const std::vector<double>& y, MannWhitneyMethod method)
{
    std::vector<double> a, b;
    std::copy_if(x.begin(), x.end(), std::back_inserter(a), [](double v) { return std::isfinite(v); });
    std::copy_if(y.begin(), y.end(), std::back_inserter(b), [](double v) { return std::isfinite(v); });
    MannWhitneyResult r;
    r.n1 = a.size();
    r.n2 = b.size();
    if (a.empty() || b.empty())
        return r;
    const Ranking ranking = rank(a, b);
    const double n1 = static_cast<double>(r.n1), n2 = static_cast<double>(r.n2), n = n1 + n2;
    r.u = ranking.rankSumX - n1 * (n1 + 1) / 2;

    const bool small = std::min(r.n1, r.n2) <= kMaxExactSmallSide && std::max(r.n1, r.n2) <= kMaxExactMannWhitneySide;
    const bool exactAsked = method == MannWhitneyMethod::Exact && r.n1 * r.n2 <= kMaxExactCells;
    if (ranking.tieTerm == 0 && method != MannWhitneyMethod::Normal && (small || exactAsked)) {
        r.exact = true;
        r.pValue = exactPValue(r.u, r.n1, r.n2);
        return r;
    }
    const double mean = n1 * n2 / 2;
    const double variance = n1 * n2 / 12 * ((n + 1) - ranking.tieTerm / (n * (n - 1)));
    if (!(variance > 0)) { // every value the same: no evidence either way
        r.pValue = 1;
        return r;
    }
    const double distance = std::max(0.0, std::fabs(r.u - mean) - 0.5);
    r.z = std::copysign(distance / std::sqrt(variance), r.u - mean);
    r.pValue = std::min(1.0, std::erfc(distance / std::sqrt(variance) / std::sqrt(2.0)));
    return r;
}

} // namespace vlmscope
