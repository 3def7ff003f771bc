// Test fixtures for the structured-file tests: a realistic RunRecord (nested scopes, three
// steps, tokens whose text holds quotes, commas, line breaks and non-ASCII UTF-8, memory
// samples, op totals) and a field-by-field comparison that names the first difference.
#pragma once

#include "core/engine/run_record.h"

#include <cstdint>
#include <string>

namespace fixture {

constexpr std::int64_t kMs = 1'000'000;

// Token texts of the fixture, in order.
extern const char* const kTokenTexts[3];

// A finished three-token run (prefill + two decode steps) over ten scopes. `timeScale`
// stretches every time (for benchmark iterations); metrics are computed.
vlmscope::RunRecord makeRun(const std::string& id = "run-1", double timeScale = 1.0, std::int64_t maxNewTokens = 3);

// "" when equal, else the path of the first differing field and both values.
std::string firstDifference(const vlmscope::RunRecord& a, const vlmscope::RunRecord& b);

} // namespace fixture
