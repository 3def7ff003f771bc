// Where a run's time went, worked out once for the text report and the .log: self time per
// category (nested scopes never double counted), modality shares, phase totals, top scopes.
#pragma once

#include "core/engine/run_record.h"

#include <array>
#include <cstddef>
#include <vector>

namespace vlmscope {

// Shares are tenths of a percent rounded so that they add up to exactly 1000 (100.0%).
struct LayerBreakdown {
    bool profiled = false; // some scope was entered; otherwise every share is 0
    double totalS = 0;     // the run's wall time tE - t0 (the scoped sum if inconsistent data exceeds it)
    double unscopedS = 0;  // time outside every layer scope: preprocessing, sampling, decoding text
    std::array<double, kCategoryCount> categoryS{}; // self time; Other includes unscopedS
    std::array<int, kCategoryCount> categoryTenths{};
    double visionS = 0;    // self time of vision_encoder scopes
    double projectorS = 0; // self time of projector scopes
    double languageS = 0;  // self time of every other scope (decoder, embedding, head)
    std::array<int, 4> modalityTenths{}; // vision, projector, language, outside scopes
    std::vector<std::size_t> scopesBySelf; // indices into RunRecord::scopes, largest self time first
};

struct PhaseTotals {
    double imagePreprocessS = 0;
    double visionEncoderS = 0;
    double projectorS = 0;
    double prefillS = 0; // the decoder prefill span alone (TTFT also covers the image phases)
    double decodeS = 0;
    std::int64_t decodeSteps = 0;
};

LayerBreakdown computeLayerBreakdown(const RunRecord& record);
PhaseTotals computePhaseTotals(const RunRecord& record);

} // namespace vlmscope
