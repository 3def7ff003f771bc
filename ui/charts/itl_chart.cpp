#include "ui/charts/itl_chart.h"

#include "core/metrics/aggregate.h"

#include <QAction>
#include <QActionGroup>
#include <QChart>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>

#include <algorithm>
#include <map>
#include <tuple>

namespace vlmscope {

namespace {

constexpr qint64 kLiveRedrawMs = 500; // the curves settle slowly; Qt Charts rebuilds are not free

double gapMs(const RunRecord& run, std::size_t i)
{
    return static_cast<double>(run.tokens[i].timeNs - run.tokens[i - 1].timeNs) / 1e6;
}

} // namespace

BandSeries itlBand(const QString& name, const std::vector<const RunRecord*>& runs, ItlAxis axis)
{
    // x of each token in each run; the same x across runs is pooled.
    std::map<double, std::vector<double>> byX;
    for (const RunRecord* run : runs) {
        for (std::size_t i = 1; i < run->tokens.size(); ++i) {
            const double x = axis == ItlAxis::Position ? static_cast<double>(i + 1)
                                                       : static_cast<double>(run->inputTokens + static_cast<std::int64_t>(i));
            byX[x].push_back(gapMs(*run, i));
        }
    }
    BandSeries band;
    band.name = name;
    for (auto& [x, values] : byX) {
        std::sort(values.begin(), values.end());
        band.x.push_back(x);
        band.median.push_back(percentileOfSorted(values, 50));
        band.lower.push_back(values.front());
        band.upper.push_back(values.back());
    }
    return band;
}

std::vector<ItlGroup> groupRunsForItl(const std::vector<RunRecord>& runs)
{
    using Key = std::tuple<std::string, std::int64_t, std::int64_t, bool, int>;
    std::vector<Key> keys;
    std::vector<ItlGroup> groups;
    for (std::size_t i = 0; i < runs.size(); ++i) {
        const RunRecord& r = runs[i];
        if (r.tokens.size() < 2)
            continue;
        const Key key{r.model.name.empty() ? r.settings.model : r.model.name, r.inputTokens, r.settings.maxNewTokens,
                      r.settings.kvCache, r.settings.threads};
        const auto found = std::find(keys.begin(), keys.end(), key);
        const std::size_t g = static_cast<std::size_t>(found - keys.begin());
        if (found == keys.end()) {
            keys.push_back(key);
            groups.emplace_back();
        }
        groups[g].runs.push_back(&r);
        groups[g].indexes.push_back(static_cast<int>(i));
    }
    return groups;
}

ItlChart::ItlChart(QWidget* parent) : ChartViewWidget(parent)
{
    m_axisBox = new QComboBox(this);
    m_axisBox->setObjectName(QStringLiteral("itlAxis"));
    m_axisBox->addItem(tr("ITL vs output position"), static_cast<int>(ItlAxis::Position));
    m_axisBox->addItem(tr("ITL vs context depth"), static_cast<int>(ItlAxis::Depth));
    m_axisBox->setToolTip(tr("Output position: the token's index in the answer. Context depth: decoder positions "
                             "before it (prompt length + index), which separates runs with different prompt lengths."));
    toolRow()->addWidget(new QLabel(tr("Plot:"), this));
    toolRow()->addWidget(m_axisBox);
    toolRow()->addStretch(1);
    connect(m_axisBox, &QComboBox::currentIndexChanged, this,
            [this](int index) { setAxis(static_cast<ItlAxis>(m_axisBox->itemData(index).toInt())); });
    rebuild();
}

void ItlChart::setAxis(ItlAxis axis)
{
    if (m_axis == axis)
        return;
    m_axis = axis;
    {
        const QSignalBlocker block(m_axisBox);
        m_axisBox->setCurrentIndex(m_axisBox->findData(static_cast<int>(axis)));
    }
    rebuild();
    Q_EMIT axisChanged(axis);
}

void ItlChart::showLive(const RunRecord& run)
{
    // A full rebuild per token would cost more than the run; a few per second suffice.
    const bool due = !m_lastLiveDraw.isValid() || m_lastLiveDraw.elapsed() >= kLiveRedrawMs;
    if (!due && !m_runs.empty() && m_runs.front().id == run.id)
        return;
    m_lastLiveDraw.start();
    m_runs = {run};
    rebuild();
}

void ItlChart::showRuns(const std::vector<RunRecord>& runs)
{
    m_runs = runs;
    rebuild();
}

void ItlChart::clear()
{
    m_runs.clear();
    rebuild();
}

QString ItlChart::groupName(const ItlGroup& group) const
{
    const RunRecord& first = *group.runs.front();
    const QString label = runLabel(group.indexes.front(), first);
    if (group.runs.size() == 1)
        return label;
    return tr("%1 + %n more, prompt %2", nullptr, static_cast<int>(group.runs.size() - 1))
        .arg(label)
        .arg(first.inputTokens);
}

void ItlChart::rebuild()
{
    m_series.clear();
    for (const ItlGroup& group : groupRunsForItl(m_runs))
        m_series.push_back(itlBand(groupName(group), group.runs, m_axis));
    const bool position = m_axis == ItlAxis::Position;
    drawBands(chart(), palette(),
              position ? tr("Inter-token latency by output position") : tr("Inter-token latency by context depth"),
              position ? tr("output token position") : tr("context depth (prompt + output positions)"),
              tr("inter-token latency (ms)"), tr("min–max over runs"), m_series);
}

void ItlChart::addViewActions(QMenu* menu)
{
    auto* group = new QActionGroup(menu);
    for (int i = 0; i < m_axisBox->count(); ++i) {
        QAction* action = menu->addAction(m_axisBox->itemText(i));
        action->setCheckable(true);
        group->addAction(action);
        const auto axis = static_cast<ItlAxis>(m_axisBox->itemData(i).toInt());
        action->setChecked(axis == m_axis);
        connect(action, &QAction::triggered, this, [this, axis] { setAxis(axis); });
        connect(this, &ItlChart::axisChanged, action, [action, axis](ItlAxis now) { action->setChecked(now == axis); });
    }
}

void ItlChart::refreshLabels() { rebuild(); }

void ItlChart::refreshStyle()
{
    ChartViewWidget::refreshStyle();
    rebuild();
}

} // namespace vlmscope
