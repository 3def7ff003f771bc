// A line chart with an uncertainty band around each line: inter-token latency by output
// position (median over runs, band min..max) and by context depth (median, band IQR). Used
// for --plot; drawn from every point, at most kMaxDrawnPoints per line (buckets merged).
#pragma once

#include "ui/charts/chart_style.h"

#include <QWidget>

#include <vector>

class QChart;
class QChartView;

namespace vlmscope {

struct BandSeries {
    QString name;
    // Same length, x ascending.
    std::vector<double> x, median, lower, upper;
};

class BandChart : public QWidget {
    Q_OBJECT
public:
    explicit BandChart(QWidget* parent = nullptr);

    // `bandName` says what the band is ("min-max over runs") in the legend; `dots` marks
    // each point (for a handful of x values such as a context sweep).
    void setBands(const QString& title, const QString& xTitle, const QString& yTitle, const QString& bandName,
                  const std::vector<BandSeries>& series, bool dots = false);
    int seriesCount() const { return m_seriesCount; }
    bool saveImage(const QString& path, QString* error = nullptr, QSize size = kDefaultExportSize);

private:
    QChart* m_chart;
    QChartView* m_view;
    int m_seriesCount = 0;
};

// Draws `series` into `chart` (its series and axes replaced) the way BandChart does;
// returns how many series were drawn. For charts that embed bands in their own view.
int drawBands(QChart* chart, const QPalette& palette, const QString& title, const QString& xTitle,
              const QString& yTitle, const QString& bandName, const std::vector<BandSeries>& series, bool dots = false);

// At most `maxPoints` points: consecutive points merged into buckets (x and median: the
// bucket's middle point, lower: its minimum, upper: its maximum), so spikes stay visible.
BandSeries decimatedBand(const BandSeries& series, std::size_t maxPoints);

} // namespace vlmscope
