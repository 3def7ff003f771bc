#include "ui/charts/category_chart.h"

#include "ui/charts/chart_markers.h"
#include "ui/charts/horizontal_bars.h"

#include <QActionGroup>
#include <QMenu>
#include <QtCharts/QBarSet>
#include <QtCharts/QChart>
#include <QtCharts/QChartView>
#include <QtCharts/QHorizontalBarSeries>
#include <QtCharts/QLegend>
#include <QtCharts/QLegendMarker>
#include <QtCharts/QPieSeries>
#include <QtCharts/QPieSlice>

#include <algorithm>
#include <cmath>

namespace vlmscope {

namespace {

// Percentages shown with one decimal; the exact ones sum to 100.
double rounded(double percent)
{
    return std::round(percent * 10.0) / 10.0;
}

} // namespace

std::array<CategoryShare, kCategoryCount> categoryShares(const RunRecord& run)
{
    std::array<CategoryShare, kCategoryCount> shares{};
    for (int c = 0; c < kCategoryCount; ++c)
        shares[static_cast<std::size_t>(c)].category = static_cast<ScopeCategory>(c);
    std::int64_t timed = 0;
    for (const ScopeSummary& scope : run.scopes) {
        const std::int64_t ns = std::max<std::int64_t>(scope.selfNs, 0);
        shares[static_cast<std::size_t>(scope.category)].ns += ns;
        timed += ns;
    }
    const std::int64_t outside = std::max<std::int64_t>(run.endNs - timed, 0);
    shares[static_cast<std::size_t>(ScopeCategory::Other)].ns += outside;
    const double total = static_cast<double>(timed + outside);
    if (total > 0) {
        for (CategoryShare& share : shares)
            share.percent = static_cast<double>(share.ns) / total * 100.0;
    }
    return shares;
}

CategoryChart::CategoryChart(QWidget* parent) : ChartViewWidget(parent)
{
    rebuildChart();
}

void CategoryChart::clear()
{
    m_runs.clear();
    m_live = false;
    rebuildChart();
}

void CategoryChart::showLive(const RunRecord& record)
{
    const QString id = QString::fromStdString(record.id);
    const bool restart = !m_live || m_runs.size() != 1 || m_runs[0].id != id;
    if (restart) {
        m_runs.clear();
        m_live = true;
        m_runs.push_back({id, defaultRunLabel(record), {}});
    }
    m_runs[0].shares = categoryShares(record);
    if (restart || !updateInPlace())
        rebuildChart();
}

void CategoryChart::showRuns(const std::vector<RunRecord>& records)
{
    m_runs.clear();
    m_live = false;
    for (const RunRecord& record : records)
        m_runs.push_back({QString::fromStdString(record.id), defaultRunLabel(record), categoryShares(record)});
    rebuildChart();
}

void CategoryChart::setKind(Kind kind)
{
    if (kind == m_kind)
        return;
    m_kind = kind;
    rebuildChart();
}

void CategoryChart::addViewActions(QMenu* menu)
{
    auto* group = new QActionGroup(menu);
    QAction* bars = menu->addAction(tr("Bars"), this, [this] { setKind(Bars); });
    QAction* pie = menu->addAction(tr("Pie"), this, [this] { setKind(Pie); });
    for (QAction* action : {bars, pie}) {
        action->setCheckable(true);
        group->addAction(action);
    }
    bars->setChecked(m_kind == Bars);
    pie->setChecked(m_kind == Pie);
    connect(menu, &QMenu::aboutToShow, this, [this, bars, pie] {
        bars->setChecked(m_kind == Bars);
        pie->setChecked(m_kind == Pie);
    });
}

const std::array<CategoryShare, kCategoryCount>& CategoryChart::shares(int run) const
{
    static const std::array<CategoryShare, kCategoryCount> none{};
    return run >= 0 && run < runCount() ? m_runs[static_cast<std::size_t>(run)].shares : none;
}

QString CategoryChart::labelOf(std::size_t index) const
{
    const int i = static_cast<int>(index);
    if (i < runLabels().size() && !runLabels().at(i).isEmpty())
        return runLabels().at(i);
    return m_runs[index].defaultLabel;
}

QStringList CategoryChart::categoryNames() const
{
    QStringList names;
    for (int c = 0; c < kCategoryCount; ++c)
        names << categoryLabel(static_cast<ScopeCategory>(c));
    return names;
}

void CategoryChart::rebuildChart()
{
    resetChart();
    m_bars = nullptr;
    m_pies.clear();
    chart()->setTitle(QString());
    chart()->legend()->setVisible(true);
    chart()->legend()->setAlignment(Qt::AlignBottom);
    bool any = false;
    for (const Run& run : m_runs) {
        for (const CategoryShare& share : run.shares)
            any = any || share.ns > 0;
    }
    if (m_runs.empty() || !any) {
        markers()->setMessage(m_runs.empty() ? tr("No run to show") : tr("No time measured yet"));
        refreshStyle();
        return;
    }
    markers()->setMessage(QString());
    if (m_kind == Bars)
        buildBars();
    else
        buildPies();
    refreshStyle();
}

void CategoryChart::buildBars()
{
    std::vector<BarRun> runs;
    for (std::size_t i = 0; i < m_runs.size(); ++i) {
        BarRun run{labelOf(i), runColor(static_cast<int>(i), palette()), {}};
        for (const CategoryShare& share : m_runs[i].shares)
            run.values.push_back(rounded(share.percent));
        runs.push_back(std::move(run));
    }
    m_bars = buildHorizontalBars(chart(), markers(), categoryNames(), runs, tr("share of run time (%)"),
                                 QStringLiteral("@value %"));
    adaptToSize(chartView()->size());
    chart()->legend()->setVisible(m_runs.size() > 1 || !runLabels().isEmpty());
}

void CategoryChart::buildPies()
{
    // One ring per run, the primary innermost; the legend lists the categories once.
    const double inner = m_runs.size() > 1 ? 0.25 : 0.0;
    const double outer = 0.78;
    const double ring = (outer - inner) / static_cast<double>(m_runs.size());
    for (std::size_t r = 0; r < m_runs.size(); ++r) {
        auto* pie = new QPieSeries;
        pie->setName(labelOf(r));
        pie->setHoleSize(inner + ring * static_cast<double>(r));
        pie->setPieSize(inner + ring * static_cast<double>(r + 1));
        for (const CategoryShare& share : m_runs[r].shares) {
            QPieSlice* slice = pie->append(categoryLabel(share.category), share.percent);
            const bool labelled = share.percent >= 2.0 && r + 1 == m_runs.size();
            slice->setLabel(QStringLiteral("%1 %2 %").arg(categoryLabel(share.category)).arg(share.percent, 0, 'f', 1));
            slice->setLabelVisible(labelled);
            slice->setLabelPosition(QPieSlice::LabelOutside);
        }
        chart()->addSeries(pie);
        const auto legendMarkers = chart()->legend()->markers(pie);
        for (int i = 0; i < legendMarkers.size(); ++i) {
            QLegendMarker* marker = legendMarkers.at(i);
            marker->setVisible(r == 0 && m_runs[r].shares[static_cast<std::size_t>(i)].ns > 0);
            marker->setLabel(categoryLabel(static_cast<ScopeCategory>(i)));
        }
        m_pies.push_back(pie);
    }
    chart()->legend()->setVisible(true);
    chart()->legend()->setAlignment(Qt::AlignRight);
    refreshLabels(); // names the rings in the title
}

bool CategoryChart::updateInPlace()
{
    // Live frames change values only; rebuilding series 30 times a second would flicker.
    if (m_runs.size() != 1)
        return false;
    const Run& run = m_runs[0];
    if (m_kind == Bars && m_bars) {
        BarRun values{labelOf(0), runColor(0, palette()), {}};
        for (const CategoryShare& share : run.shares)
            values.values.push_back(rounded(share.percent));
        updateHorizontalBars(chart(), m_bars, {values});
        return true;
    }
    if (m_kind == Pie && m_pies.size() == 1) {
        const QList<QPieSlice*> slices = m_pies[0]->slices();
        for (qsizetype i = 0; i < slices.size() && i < kCategoryCount; ++i) {
            const CategoryShare& share = run.shares[static_cast<std::size_t>(i)];
            slices.at(i)->setValue(share.percent);
            slices.at(i)->setLabel(
                QStringLiteral("%1 %2 %").arg(categoryLabel(share.category)).arg(share.percent, 0, 'f', 1));
            slices.at(i)->setLabelVisible(share.percent >= 2.0);
        }
        return true;
    }
    return false;
}

std::vector<double> CategoryChart::shownPercentages(int run) const
{
    if (m_kind == Bars)
        return horizontalBarValues(m_bars, run);
    std::vector<double> out;
    if (run >= 0 && static_cast<std::size_t>(run) < m_pies.size()) {
        for (const QPieSlice* slice : m_pies[static_cast<std::size_t>(run)]->slices())
            out.push_back(slice->value());
    }
    return out;
}

void CategoryChart::refreshLabels()
{
    // Renames in place: the window sets labels right before new runs arrive.
    if (m_bars) {
        const QList<QBarSet*> sets = m_bars->barSets();
        for (qsizetype i = 0; i < sets.size() && static_cast<std::size_t>(i) < m_runs.size(); ++i)
            sets.at(sets.size() - 1 - i)->setLabel(labelOf(static_cast<std::size_t>(i)));
        chart()->legend()->setVisible(m_runs.size() > 1 || !runLabels().isEmpty());
    }
    QStringList rings;
    for (std::size_t i = 0; i < m_pies.size() && i < m_runs.size(); ++i) {
        m_pies[i]->setName(labelOf(i));
        rings << labelOf(i);
    }
    if (m_pies.size() > 1)
        chart()->setTitle(tr("rings from the centre: %1").arg(rings.join(QStringLiteral(", "))));
}

void CategoryChart::adaptToSize(QSizeF size)
{
    fitCategoryLabels(chart(), markers(), size.width(), font());
}

void CategoryChart::refreshStyle()
{
    ChartViewWidget::refreshStyle();
    if (m_bars) {
        const QList<QBarSet*> sets = m_bars->barSets();
        for (qsizetype i = 0; i < sets.size(); ++i) {
            // Sets are stored last run first (see buildHorizontalBars).
            const QColor color = runColor(static_cast<int>(sets.size() - 1 - i), palette());
            sets.at(i)->setColor(color);
            sets.at(i)->setBorderColor(color);
            sets.at(i)->setLabelColor(palette().color(QPalette::Text));
        }
    }
    for (QPieSeries* pie : m_pies) {
        const QList<QPieSlice*> slices = pie->slices();
        for (qsizetype i = 0; i < slices.size() && i < kCategoryCount; ++i) {
            slices.at(i)->setColor(categoryColor(static_cast<ScopeCategory>(i), palette()));
            slices.at(i)->setBorderColor(palette().color(QPalette::Base));
            slices.at(i)->setLabelColor(palette().color(QPalette::Text));
        }
    }
}

} // namespace vlmscope
