#include "ui/charts/layer_bars_chart.h"

#include "ui/charts/chart_markers.h"
#include "ui/charts/horizontal_bars.h"

#include <QActionGroup>
#include <QMenu>
#include <QtCharts/QBarCategoryAxis>
#include <QtCharts/QBarSet>
#include <QtCharts/QChart>
#include <QtCharts/QChartView>
#include <QtCharts/QHorizontalBarSeries>
#include <QtCharts/QLegend>

#include <algorithm>
#include <numeric>

namespace vlmscope {

LayerBarsChart::LayerBarsChart(QWidget* parent) : ChartViewWidget(parent)
{
    rebuildChart();
}

void LayerBarsChart::clear()
{
    m_runs.clear();
    m_live = false;
    rebuildChart();
}

void LayerBarsChart::setTopCount(int count)
{
    count = std::clamp(count, 1, 100);
    if (count == m_topCount)
        return;
    m_topCount = count;
    rebuildChart();
}

void LayerBarsChart::showLive(const RunRecord& record)
{
    const QString id = QString::fromStdString(record.id);
    const bool restart = !m_live || m_runs.size() != 1 || m_runs[0].id != id;
    if (restart) {
        m_runs.clear();
        m_live = true;
        m_runs.push_back({id, defaultRunLabel(record), {}});
    }
    Run& run = m_runs[0];
    run.selfNs.resize(record.scopes.size());
    for (std::size_t i = 0; i < record.scopes.size(); ++i) {
        if (run.selfNs[i].first.isEmpty())
            run.selfNs[i].first = QString::fromStdString(record.scopes[i].name);
        run.selfNs[i].second = record.scopes[i].selfNs;
    }
    // Same ranking: new values only; a new ranking rebuilds the bars.
    if (!restart && m_bars && chooseTop() == m_names)
        updateHorizontalBars(chart(), m_bars, {{labelOf(0), runColor(0, palette()), valuesFor(run)}});
    else
        rebuildChart();
}

void LayerBarsChart::showRuns(const std::vector<RunRecord>& records)
{
    m_runs.clear();
    m_live = false;
    for (const RunRecord& record : records) {
        Run run{QString::fromStdString(record.id), defaultRunLabel(record), {}};
        for (const ScopeSummary& scope : record.scopes)
            run.selfNs.emplace_back(QString::fromStdString(scope.name), scope.selfNs);
        m_runs.push_back(std::move(run));
    }
    rebuildChart();
}

QStringList LayerBarsChart::chooseTop() const
{
    if (m_runs.empty())
        return {};
    const auto& scopes = m_runs[0].selfNs;
    std::vector<std::size_t> order(scopes.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    const std::size_t n = std::min(order.size(), static_cast<std::size_t>(m_topCount));
    std::partial_sort(order.begin(), order.begin() + static_cast<std::ptrdiff_t>(n), order.end(),
                      [&](std::size_t a, std::size_t b) {
                          return scopes[a].second != scopes[b].second ? scopes[a].second > scopes[b].second : a < b;
                      });
    QStringList names;
    for (std::size_t i = 0; i < n; ++i) {
        if (scopes[order[i]].second > 0)
            names << scopes[order[i]].first;
    }
    return names;
}

std::vector<double> LayerBarsChart::valuesFor(const Run& run) const
{
    std::vector<double> values;
    for (const QString& name : m_names) {
        auto it = std::find_if(run.selfNs.begin(), run.selfNs.end(), [&](const auto& s) { return s.first == name; });
        values.push_back(it == run.selfNs.end() ? 0.0 : static_cast<double>(it->second) / 1e6);
    }
    return values;
}

QString LayerBarsChart::labelOf(std::size_t index) const
{
    const int i = static_cast<int>(index);
    if (i < runLabels().size() && !runLabels().at(i).isEmpty())
        return runLabels().at(i);
    return m_runs[index].defaultLabel;
}

void LayerBarsChart::rebuildChart()
{
    resetChart();
    m_bars = nullptr;
    m_names = chooseTop();
    if (m_names.isEmpty()) {
        markers()->setMessage(m_runs.empty() ? tr("No run to show") : tr("No layer time measured yet"));
        refreshStyle();
        return;
    }
    markers()->setMessage(QString());
    std::vector<BarRun> runs;
    for (std::size_t i = 0; i < m_runs.size(); ++i)
        runs.push_back({labelOf(i), runColor(static_cast<int>(i), palette()), valuesFor(m_runs[i])});
    m_bars = buildHorizontalBars(chart(), markers(), m_names, runs, tr("self time (ms)"), QStringLiteral("@value ms"));
    adaptToSize(chartView()->size());
    chart()->legend()->setVisible(m_runs.size() > 1 || !runLabels().isEmpty());
    refreshStyle();
}

std::vector<double> LayerBarsChart::shownMilliseconds(int run) const
{
    return horizontalBarValues(m_bars, run);
}

void LayerBarsChart::addViewActions(QMenu* menu)
{
    QMenu* top = menu->addMenu(tr("Show top"));
    auto* group = new QActionGroup(top);
    for (int n : {5, 10, 15, 20, 30, 50}) {
        QAction* action = top->addAction(QString::number(n), this, [this, n] { setTopCount(n); });
        action->setCheckable(true);
        action->setData(n);
        group->addAction(action);
    }
    connect(top, &QMenu::aboutToShow, this, [this, top] {
        for (QAction* action : top->actions())
            action->setChecked(action->data().toInt() == m_topCount);
    });
}

void LayerBarsChart::refreshLabels()
{
    // Renames in place: the window sets labels right before new runs arrive.
    if (!m_bars)
        return;
    const QList<QBarSet*> sets = m_bars->barSets();
    for (qsizetype i = 0; i < sets.size() && static_cast<std::size_t>(i) < m_runs.size(); ++i)
        sets.at(sets.size() - 1 - i)->setLabel(labelOf(static_cast<std::size_t>(i)));
    chart()->legend()->setVisible(m_runs.size() > 1 || !runLabels().isEmpty());
}

void LayerBarsChart::adaptToSize(QSizeF size)
{
    fitCategoryLabels(chart(), markers(), size.width(), font());
}

void LayerBarsChart::refreshStyle()
{
    ChartViewWidget::refreshStyle();
    if (!m_bars)
        return;
    const QList<QBarSet*> sets = m_bars->barSets();
    for (qsizetype i = 0; i < sets.size(); ++i) {
        // Sets are stored last run first (see buildHorizontalBars).
        const QColor color = runColor(static_cast<int>(sets.size() - 1 - i), palette());
        sets.at(i)->setColor(color);
        sets.at(i)->setBorderColor(color);
        sets.at(i)->setLabelColor(palette().color(QPalette::Text));
    }
}

} // namespace vlmscope
