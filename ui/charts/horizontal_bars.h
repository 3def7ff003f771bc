// Horizontal grouped bars on a Qt chart, first category on top, a bar set per run, value
// labels at the bar ends. Shared by the category and the top-layers charts.
#pragma once

#include <QColor>
#include <QFont>
#include <QString>
#include <QStringList>

#include <vector>

class QChart;
class QHorizontalBarSeries;

namespace vlmscope {

class ChartMarkers;

struct BarRun {
    QString label;
    QColor color;
    std::vector<double> values; // one per category, in category order
};

// Fills an empty `chart`; `markers` draws the category names. `labelFormat` is Qt's bar
// label format, e.g. "@value %".
QHorizontalBarSeries* buildHorizontalBars(QChart* chart, ChartMarkers* markers, const QStringList& categories,
                                          const std::vector<BarRun>& runs, const QString& valueTitle,
                                          const QString& labelFormat);
// New values for the same categories and runs (live updates without rebuilding).
void updateHorizontalBars(QChart* chart, QHorizontalBarSeries* series, const std::vector<BarRun>& runs);
// Leaves room left of the plot for the category names at chart width `chartWidth`.
void fitCategoryLabels(QChart* chart, const ChartMarkers* markers, double chartWidth, const QFont& font);
// The values shown for run `run` in category order (for tests).
std::vector<double> horizontalBarValues(const QHorizontalBarSeries* series, int run);

} // namespace vlmscope
