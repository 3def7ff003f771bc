// What can be compared in the comparison tab: from the ticked runs, every group of
// vlmscope runs measured alike (same file or recorded here, same model, prompt length,
// token count, KV cache and threads: iterations of a benchmark, repeated generations),
// then every run on its own, external results included.
#pragma once

#include "ui/stat_comparison_model.h"

#include <vector>

namespace vlmscope {

class RunListModel;

struct ComparisonChoice {
    ComparisonSide side;
    std::vector<int> rows; // rows of the runs list
};

std::vector<ComparisonChoice> comparisonChoices(const RunListModel& runs, const std::vector<int>& rows);

// The candidate shown first for `baseline`: the next choice sharing no run with it.
int defaultCandidate(const std::vector<ComparisonChoice>& choices, int baseline);

} // namespace vlmscope
