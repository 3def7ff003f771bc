// The CI gate of --baseline: compares each gated metric of each configuration with a saved
// baseline (medians over iterations, so one noisy run cannot fail a build) and reports
// every regression beyond the allowed percentage.
#pragma once

#include <string>
#include <vector>

namespace vlmscope {

enum class Better { Higher, Lower };

struct GateComparison {
    std::string configuration; // "100 tokens, kv on, 2 threads"
    std::string metric;        // "decode TPS"
    std::string unit;          // "tok/s"
    Better better = Better::Higher;
    double baseline = 0;       // median over the baseline's iterations
    double current = 0;        // median over this run's iterations
};

struct GateFinding {
    GateComparison comparison;
    double changePct = 0;   // signed change of the value, current vs baseline
    double regressionPct = 0; // how much worse (positive = worse)
    bool regressed = false;
};

struct GateResult {
    std::vector<GateFinding> findings;
    bool failed() const;
    // One line per regression: "decode TPS of 100 tokens, kv on: 41.2 -> 35.0 tok/s (-15.0%, limit 5%)".
    std::vector<std::string> regressionMessages(double maxRegressionPct) const;
};

// A comparison whose baseline is zero or not finite cannot regress and is reported as such.
GateResult evaluateGate(const std::vector<GateComparison>& comparisons, double maxRegressionPct);

} // namespace vlmscope
