// Warm-up detection: where does a latency (or rate) series settle? Finds the leading stretch
// that differs from the rest by a single change point (best two-segment fit), and accepts it
// only when the difference is large, so a stationary series reports no warm-up.
#pragma once

#include "core/metrics/regression_gate.h"

#include <cstddef>
#include <limits>
#include <string>
#include <vector>

namespace vlmscope {

struct WarmupOptions {
    // Which way is worse: Better::Lower for latencies (warm-up is slower, i.e. higher),
    // Better::Higher for rates. Only a worse start counts as warm-up.
    Better better = Better::Lower;
    double minRelativeEffect = 0.10; // warm-up median at least 10% worse than the settled median
    double minRobustZ = 4;           // ... and at least 4 robust sd (1.4826 MAD) of the settled part
    double maxFraction = 0.5;        // warm-up covers at most this share of the series
    std::size_t minPoints = 8;       // shorter series are not judged
    std::string items = "values";    // what the points are, for the reason: "tokens", "iterations"
};

struct WarmupDetection {
    std::size_t excluded = 0; // the first `excluded` points are warm-up
    std::size_t total = 0;
    double warmupMedian = std::numeric_limits<double>::quiet_NaN();
    double settledMedian = std::numeric_limits<double>::quiet_NaN(); // of the points kept
    // One line: "first 3 of 50 tokens excluded as warm-up: median 12.1 vs 4.00 settled
    // (+203%, 25 robust sd)" or why nothing was excluded.
    std::string reason;
    bool detected() const { return excluded > 0; }
};

// The series in order (first token / iteration first). Series with undefined (non-finite)
// values, or shorter than minPoints, are not judged. Throws InputError on options that
// cannot work (negative effects, maxFraction outside (0, 1)).
WarmupDetection detectWarmup(const std::vector<double>& series, const WarmupOptions& options = {});

} // namespace vlmscope
