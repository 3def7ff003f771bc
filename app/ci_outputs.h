// --junit and --summary-md of a --batch invocation. With --baseline: the gate's JUnit XML and
// Markdown table (core/stats/ci_reports.h), the Markdown followed by the figures that could
// not reach significance and the measurements. Without: one test case / table row per
// configuration x measured figure (median, 95% bootstrap interval, stability), no failures.
#pragma once

#include "app/baseline_gate.h"
#include "app/configuration_statistics.h"

#include <string>
#include <vector>

namespace vlmscope {

struct MeasuredConfiguration {
    std::string label;
    const ConfigurationStatistics* statistics = nullptr;
};

std::string measurementJunitXml(const std::vector<MeasuredConfiguration>& measured);
std::string measurementMarkdown(const std::vector<MeasuredConfiguration>& measured, const std::string& heading);
// The gate's Markdown (ci_reports), a list of the gated comparisons that cannot reach
// significance, then the measurements under a smaller heading.
std::string gateMarkdown(const BaselineGateOutcome& gate, const std::vector<MeasuredConfiguration>& measured);

// Writes --junit / --summary-md (atomically) when asked; `gate` is null without --baseline.
void writeCiOutputs(const BatchOptions& options, const std::vector<MeasuredConfiguration>& measured,
                    const BaselineGateOutcome* gate, std::ostream& human);

} // namespace vlmscope
