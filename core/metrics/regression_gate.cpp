#include "core/metrics/regression_gate.h"

#include <cmath>
#include <cstdio>

namespace vlmscope {

bool GateResult::failed() const
{
    for (const GateFinding& finding : findings) {
        if (finding.regressed)
            return true;
    }
    return false;
}

std::vector<std::string> GateResult::regressionMessages(double maxRegressionPct) const
{
    std::vector<std::string> lines;
    for (const GateFinding& f : findings) {
        if (!f.regressed)
            continue;
        char line[512];
        std::snprintf(line, sizeof line, "%s of %s: %.4g -> %.4g %s (%+.1f%%, limit %.4g%%)", f.comparison.metric.c_str(),
                      f.comparison.configuration.c_str(), f.comparison.baseline, f.comparison.current,
                      f.comparison.unit.c_str(), f.changePct, maxRegressionPct);
        lines.emplace_back(line);
    }
    return lines;
}

GateResult evaluateGate(const std::vector<GateComparison>& comparisons, double maxRegressionPct)
{
    GateResult result;
    for (const GateComparison& c : comparisons) {
        GateFinding finding{c, 0, 0, false};
        if (std::isfinite(c.baseline) && std::isfinite(c.current) && c.baseline != 0) {
            finding.changePct = (c.current - c.baseline) / std::fabs(c.baseline) * 100.0;
            finding.regressionPct = c.better == Better::Higher ? -finding.changePct : finding.changePct;
            finding.regressed = finding.regressionPct > maxRegressionPct;
        }
        result.findings.push_back(finding);
    }
    return result;
}

} // namespace vlmscope
