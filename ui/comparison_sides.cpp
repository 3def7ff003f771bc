#include "ui/comparison_sides.h"

#include "ui/run_list_model.h"

#include <QObject>

#include <algorithm>
#include <tuple>

namespace vlmscope {

namespace {

using GroupKey = std::tuple<QString, std::string, std::int64_t, std::int64_t, bool, int>;

GroupKey keyOf(const RunListModel& runs, int row)
{
    const RunRecord& r = runs.run(row);
    return {runs.origin(row), r.model.name.empty() ? r.settings.model : r.model.name, r.inputTokens,
            r.settings.maxNewTokens, r.settings.kvCache, r.settings.threads};
}

QString groupLabel(const RunListModel& runs, const std::vector<int>& rows)
{
    const RunRecord& r = runs.run(rows.front());
    QStringList numbers;
    for (int row : rows)
        numbers << runs.label(row).section(QLatin1Char(' '), 0, 0);
    return QObject::tr("%1 runs of %2, %3 tokens (%4)")
        .arg(rows.size())
        .arg(QString::fromStdString(r.model.name.empty() ? r.settings.model : r.model.name))
        .arg(r.settings.maxNewTokens)
        .arg(numbers.join(QStringLiteral(" ")));
}

bool overlaps(const std::vector<int>& a, const std::vector<int>& b)
{
    return std::any_of(a.begin(), a.end(), [&b](int row) { return std::find(b.begin(), b.end(), row) != b.end(); });
}

} // namespace

std::vector<ComparisonChoice> comparisonChoices(const RunListModel& runs, const std::vector<int>& rows)
{
    std::vector<GroupKey> keys;
    std::vector<std::vector<int>> groups;
    for (int row : rows) {
        if (runs.isExternal(row))
            continue;
        const GroupKey key = keyOf(runs, row);
        const auto found = std::find(keys.begin(), keys.end(), key);
        if (found == keys.end()) {
            keys.push_back(key);
            groups.push_back({row});
        } else {
            groups[static_cast<std::size_t>(found - keys.begin())].push_back(row);
        }
    }
    std::vector<ComparisonChoice> choices;
    for (const std::vector<int>& group : groups) {
        if (group.size() < 2)
            continue;
        ComparisonChoice choice;
        choice.rows = group;
        choice.side.label = groupLabel(runs, group);
        for (int row : group)
            choice.side.runs.push_back(runs.sharedRun(row));
        choices.push_back(std::move(choice));
    }
    for (int row : rows) {
        ComparisonChoice choice;
        choice.rows = {row};
        choice.side.label = runs.label(row);
        if (runs.isExternal(row))
            choice.side.external = runs.external(row);
        else
            choice.side.runs = {runs.sharedRun(row)};
        choices.push_back(std::move(choice));
    }
    return choices;
}

int defaultCandidate(const std::vector<ComparisonChoice>& choices, int baseline)
{
    if (baseline < 0 || baseline >= static_cast<int>(choices.size()))
        return -1;
    const std::vector<int>& base = choices[static_cast<std::size_t>(baseline)].rows;
    for (std::size_t step = 1; step < choices.size(); ++step) {
        const std::size_t i = (static_cast<std::size_t>(baseline) + step) % choices.size();
        if (!overlaps(choices[i].rows, base))
            return static_cast<int>(i);
    }
    return -1;
}

} // namespace vlmscope
