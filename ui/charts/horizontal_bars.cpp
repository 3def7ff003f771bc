#include "ui/charts/horizontal_bars.h"

#include "ui/charts/chart_style.h"

#include <QtCharts/QBarCategoryAxis>
#include <QtCharts/QBarSet>
#include <QtCharts/QChart>
#include <QtCharts/QHorizontalBarSeries>
#include <QtCharts/QLegend>
#include <QtCharts/QValueAxis>

#include "ui/charts/chart_markers.h"

#include <QFontMetricsF>

#include <algorithm>

namespace vlmscope {

namespace {

// Qt puts category 0 at the bottom; we list the largest first, so everything is reversed.
QList<qreal> reversedValues(const std::vector<double>& values, qsizetype count)
{
    QList<qreal> out;
    out.reserve(count);
    for (qsizetype i = count - 1; i >= 0; --i)
        out.append(static_cast<std::size_t>(i) < values.size() ? values[static_cast<std::size_t>(i)] : 0.0);
    return out;
}

double largest(const std::vector<BarRun>& runs)
{
    double top = 0;
    for (const BarRun& run : runs) {
        for (double v : run.values)
            top = std::max(top, v);
    }
    return top;
}

QValueAxis* valueAxis(QChart* chart)
{
    const auto axes = chart->axes(Qt::Horizontal);
    return axes.isEmpty() ? nullptr : qobject_cast<QValueAxis*>(axes.first());
}

} // namespace

QHorizontalBarSeries* buildHorizontalBars(QChart* chart, ChartMarkers* markers, const QStringList& categories,
                                          const std::vector<BarRun>& runs, const QString& valueTitle,
                                          const QString& labelFormat)
{
    // Qt stacks a category's sets bottom-up: append them last run first so the primary is
    // on top, and reverse the legend so it still lists the primary first.
    auto* series = new QHorizontalBarSeries;
    for (auto it = runs.rbegin(); it != runs.rend(); ++it) {
        const BarRun& run = *it;
        auto* set = new QBarSet(run.label);
        set->append(reversedValues(run.values, categories.size()));
        set->setColor(run.color);
        set->setBorderColor(run.color);
        series->append(set);
    }
    series->setLabelsVisible(true);
    series->setLabelsFormat(labelFormat);
    series->setLabelsPosition(QAbstractBarSeries::LabelsOutsideEnd);
    series->setLabelsPrecision(4);
    series->setBarWidth(runs.size() > 1 ? 0.85 : 0.7);
    chart->addSeries(series);
    chart->legend()->setReverseMarkers(true);

    auto* names = new QBarCategoryAxis;
    QStringList reversed(categories.crbegin(), categories.crend());
    names->append(reversed);
    names->setLabelsVisible(false); // drawn by the markers item instead: never elided to "..."
    markers->setRowLabels(categories);
    auto* values = new QValueAxis;
    values->setTitleText(valueTitle);
    chart->addAxis(names, Qt::AlignLeft);
    chart->addAxis(values, Qt::AlignBottom);
    series->attachAxis(names);
    series->attachAxis(values);
    // Room on the right for the value labels.
    setAxisRange(values, 0, paddedMax(std::max(largest(runs), 1e-9), 1.18), 6);
    return series;
}

void updateHorizontalBars(QChart* chart, QHorizontalBarSeries* series, const std::vector<BarRun>& runs)
{
    const QList<QBarSet*> sets = series->barSets();
    for (qsizetype r = 0; r < sets.size() && static_cast<std::size_t>(r) < runs.size(); ++r) {
        QBarSet* set = sets.at(sets.size() - 1 - r);
        const QList<qreal> values = reversedValues(runs[static_cast<std::size_t>(r)].values, set->count());
        for (qsizetype i = 0; i < values.size(); ++i) {
            if (set->at(i) != values.at(i))
                set->replace(i, values.at(i));
        }
    }
    if (QValueAxis* axis = valueAxis(chart)) {
        const double need = largest(runs) * 1.18;
        // Grow with headroom, shrink only when far too wide, so labels don't jump every frame.
        if (need > axis->max() || need < axis->max() * 0.4)
            setAxisRange(axis, 0, paddedMax(std::max(need, 1e-9), 1.1), 6);
    }
}

void fitCategoryLabels(QChart* chart, const ChartMarkers* markers, double chartWidth, const QFont& font)
{
    const QFontMetricsF metrics(font);
    double widest = 0;
    for (const QString& name : markers->rowLabels())
        widest = std::max(widest, metrics.horizontalAdvance(name));
    const int left = markers->rowLabels().isEmpty()
                         ? 6
                         : static_cast<int>(std::clamp(widest + 12, 40.0, std::max(40.0, chartWidth * 0.35)));
    QMargins margins = chart->margins();
    if (margins.left() != left) {
        margins.setLeft(left);
        chart->setMargins(margins);
    }
}

std::vector<double> horizontalBarValues(const QHorizontalBarSeries* series, int run)
{
    std::vector<double> out;
    const QList<QBarSet*> sets = series ? series->barSets() : QList<QBarSet*>();
    if (run < 0 || run >= sets.size())
        return out;
    const QBarSet* set = sets.at(sets.size() - 1 - run);
    for (qsizetype i = set->count() - 1; i >= 0; --i)
        out.push_back(set->at(i));
    return out;
}

} // namespace vlmscope
