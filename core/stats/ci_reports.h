// CI outputs of the significance-aware gate: JUnit XML for test reporters (one test case
// per configuration x gated metric) and a Markdown table for a CI step summary.
#pragma once

#include "core/stats/comparison.h"

#include <string>

namespace vlmscope {

// <testsuites> with one <testsuite> per configuration and one <testcase> per gated
// comparison; a regression carries <failure message="..." type="regression">.
std::string junitXml(const SignificantGateResult& gate, const std::string& suiteName = "vlmscope");

// A heading with the verdict and one table row per comparison (gated ones first).
std::string markdownSummary(const SignificantGateResult& gate, const std::string& title = "vlmscope regression gate");

// Atomic writes (core/util/atomic_write.h); throw RuntimeFailure naming the path.
void writeJunitXml(const std::string& path, const SignificantGateResult& gate, const std::string& suiteName = "vlmscope");
void writeMarkdownSummary(const std::string& path, const SignificantGateResult& gate,
                          const std::string& title = "vlmscope regression gate");

} // namespace vlmscope
