// A line chart of aggregate figures over a swept parameter (decode TPS vs max tokens,
// TTFT vs context length, ...): one line per configuration family. Used for benchmark
// plots and the comparison view.
#pragma once

#include "ui/charts/chart_style.h"

#include <QPointF>
#include <QWidget>

#include <vector>

class QChart;
class QChartView;

namespace vlmscope {

struct SweepSeries {
    QString name;
    std::vector<QPointF> points; // x = swept value, y = figure
};

class SweepChart : public QWidget {
    Q_OBJECT
public:
    explicit SweepChart(QWidget* parent = nullptr);

    void setSweep(const QString& title, const QString& xTitle, const QString& yTitle,
                  const std::vector<SweepSeries>& series);
    int seriesCount() const { return m_seriesCount; }
    bool saveImage(const QString& path, QString* error = nullptr, QSize size = kDefaultExportSize);

private:
    QChart* m_chart;
    QChartView* m_view;
    int m_seriesCount = 0;
};

} // namespace vlmscope
