#include "ui/charts/sweep_chart.h"

#include <QChart>
#include <QChartView>
#include <QGraphicsLayout>
#include <QLegendMarker>
#include <QLineSeries>
#include <QPainter>
#include <QScatterSeries>
#include <QVBoxLayout>
#include <QValueAxis>

#include <algorithm>

namespace vlmscope {

SweepChart::SweepChart(QWidget* parent) : QWidget(parent), m_chart(new QChart), m_view(new QChartView(m_chart))
{
    m_view->setRenderHint(QPainter::Antialiasing);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_view);
}

void SweepChart::setSweep(const QString& title, const QString& xTitle, const QString& yTitle,
                          const std::vector<SweepSeries>& series)
{
    const ValueAxes axes = resetToValueAxes(m_chart, title, xTitle, yTitle);
    QValueAxis* x = axes.x;
    QValueAxis* y = axes.y;

    double maxX = 1, maxY = 1;
    bool first = true;
    for (std::size_t i = 0; i < series.size(); ++i) {
        const QColor color = runColor(static_cast<int>(i), palette());
        auto* line = new QLineSeries;
        auto* dots = new QScatterSeries;
        line->setName(series[i].name);
        line->setPen(QPen(color, 2));
        dots->setColor(color);
        dots->setBorderColor(color);
        dots->setMarkerSize(8);
        std::vector<QPointF> points = series[i].points;
        std::sort(points.begin(), points.end(), [](const QPointF& a, const QPointF& b) { return a.x() < b.x(); });
        for (const QPointF& p : points) {
            line->append(p);
            dots->append(p);
            maxX = first ? p.x() : std::max(maxX, p.x());
            maxY = std::max(maxY, p.y());
            first = false;
        }
        m_chart->addSeries(line);
        m_chart->addSeries(dots);
        for (QAbstractSeries* s : {static_cast<QAbstractSeries*>(line), static_cast<QAbstractSeries*>(dots)}) {
            s->attachAxis(x);
            s->attachAxis(y);
        }
        m_chart->legend()->markers(dots).first()->setVisible(false);
    }
    m_seriesCount = static_cast<int>(series.size());
    setAxisRange(x, 0, paddedMax(maxX));
    setAxisRange(y, 0, paddedMax(maxY));
    m_chart->legend()->setVisible(series.size() > 1);
    m_chart->legend()->setAlignment(Qt::AlignBottom);
    styleChart(m_chart, palette());
}

bool SweepChart::saveImage(const QString& path, QString* error, QSize size)
{
    return exportImage(
        path, size, palette().color(QPalette::Base),
        [this](QPainter& painter, const QRect& target) { renderChartAt(m_chart, painter, target); },
        error);
}

} // namespace vlmscope
