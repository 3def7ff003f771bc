// The base of the Qt Charts based charts: a QChartView with a styled QChart, an optional
// tool row above it, annotation markers, and image export at any size. Keeping Qt Charts
// behind this class is what lets the charts move to Qt Graphs later.
#pragma once

#include "ui/charts/chart_widget.h"

class QChart;
class QChartView;
class QHBoxLayout;

namespace vlmscope {

class ChartMarkers;

class ChartViewWidget : public ChartWidget {
    Q_OBJECT
public:
    QChart* chart() const { return m_chart; }
    QChartView* chartView() const { return m_view; }
    ChartMarkers* markers() const { return m_markers; }

protected:
    explicit ChartViewWidget(QWidget* parent = nullptr);

    // A row above the chart for the chart's own mode switches (created on first use).
    QHBoxLayout* toolRow();
    void paintExport(QPainter& painter, const QRect& target) override;
    void refreshStyle() override;
    // Removes every series and axis (markers stay, with no axes).
    void resetChart();
    // Called before the chart is laid out at `size` (on screen or for export), for
    // adjustments Qt Charts does not make by itself.
    virtual void adaptToSize(QSizeF size) {}
    void resizeEvent(QResizeEvent* event) override;

private:
    QChart* m_chart;
    QChartView* m_view;
    ChartMarkers* m_markers;
    QHBoxLayout* m_toolRow = nullptr;
};

} // namespace vlmscope
