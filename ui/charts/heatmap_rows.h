// Which rows the layer heatmap shows for a scope table: every scope (expanded), or each
// numbered block collapsed into one row with its sub-scopes (blocks). Rows come in scope
// tree order, grouped vision → projector → decoder.
#pragma once

#include "core/engine/run_record.h"

#include <QString>

#include <vector>

namespace vlmscope {

struct HeatmapRow {
    QString name;            // scope name (the block's name for a collapsed block)
    int group = 0;           // 0 vision, 1 projector, 2 decoder and the rest
    bool collapsed = false;  // sums a block and its sub-scopes
    std::vector<int> scopes; // scope indices whose self times add up to the row
};

enum class HeatmapGrouping { Blocks, Expanded };

// A scope is a block when its last name component is a number ("decoder.blocks.7").
bool isBlockScope(const std::string& name);
std::vector<HeatmapRow> buildHeatmapRows(const std::vector<ScopeSummary>& scopes, HeatmapGrouping grouping);
QString heatmapGroupName(int group);

} // namespace vlmscope
