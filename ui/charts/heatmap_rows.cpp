#include "ui/charts/heatmap_rows.h"

#include <algorithm>

namespace vlmscope {

namespace {

// Parents must come earlier in the table; anything else (bad files) is treated as a root,
// which also rules out cycles.
int validParent(const std::vector<ScopeSummary>& scopes, std::size_t i)
{
    const int parent = scopes[i].parent;
    return parent >= 0 && static_cast<std::size_t>(parent) < i ? parent : -1;
}

int groupOf(ScopeCategory rootCategory)
{
    if (rootCategory == ScopeCategory::VisionEncoder)
        return 0;
    if (rootCategory == ScopeCategory::Projector)
        return 1;
    return 2;
}

} // namespace

bool isBlockScope(const std::string& name)
{
    const std::size_t dot = name.rfind('.');
    if (dot == std::string::npos || dot + 1 >= name.size())
        return false;
    return std::all_of(name.begin() + static_cast<std::ptrdiff_t>(dot) + 1, name.end(),
                       [](char c) { return c >= '0' && c <= '9'; });
}

QString heatmapGroupName(int group)
{
    switch (group) {
    case 0:
        return QStringLiteral("vision");
    case 1:
        return QStringLiteral("projector");
    default:
        return QStringLiteral("decoder");
    }
}

std::vector<HeatmapRow> buildHeatmapRows(const std::vector<ScopeSummary>& scopes, HeatmapGrouping grouping)
{
    const std::size_t n = scopes.size();
    std::vector<std::vector<int>> children(n);
    std::vector<int> roots;
    std::vector<int> root(n);      // the tree root of each scope
    std::vector<int> block(n, -1); // the outermost block enclosing (or being) each scope
    for (std::size_t i = 0; i < n; ++i) {
        const int parent = validParent(scopes, i);
        const int self = static_cast<int>(i);
        if (parent < 0) {
            roots.push_back(self);
            root[i] = self;
        } else {
            children[static_cast<std::size_t>(parent)].push_back(self);
            root[i] = root[static_cast<std::size_t>(parent)];
            block[i] = block[static_cast<std::size_t>(parent)];
        }
        if (block[i] < 0 && isBlockScope(scopes[i].name))
            block[i] = self;
    }

    std::vector<HeatmapRow> rows;
    std::vector<int> stack(roots.rbegin(), roots.rend());
    while (!stack.empty()) {
        const int s = stack.back();
        stack.pop_back();
        const std::size_t i = static_cast<std::size_t>(s);
        for (auto it = children[i].rbegin(); it != children[i].rend(); ++it)
            stack.push_back(*it);
        const int group = groupOf(scopes[static_cast<std::size_t>(root[i])].category);
        const QString name = QString::fromStdString(scopes[i].name);
        if (grouping == HeatmapGrouping::Expanded) {
            rows.push_back({name, group, false, {s}});
        } else if (block[i] == s) {
            rows.push_back({name, group, true, {s}});
        } else if (block[i] >= 0) {
            // Inside a collapsed block: charged to the block's row (pre-order: it exists).
            auto row = std::find_if(rows.rbegin(), rows.rend(),
                                    [&](const HeatmapRow& r) { return r.collapsed && r.scopes.front() == block[i]; });
            if (row != rows.rend())
                row->scopes.push_back(s);
        } else {
            rows.push_back({name, group, false, {s}});
        }
    }
    std::stable_sort(rows.begin(), rows.end(),
                     [](const HeatmapRow& a, const HeatmapRow& b) { return a.group < b.group; });
    return rows;
}

} // namespace vlmscope
