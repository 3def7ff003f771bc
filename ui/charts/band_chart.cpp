#include "ui/charts/band_chart.h"

#include "ui/charts/series_decimator.h"

#include <QAreaSeries>
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
#include <cmath>

namespace vlmscope {

BandSeries decimatedBand(const BandSeries& s, std::size_t maxPoints)
{
    const std::size_t n = s.x.size();
    if (n <= maxPoints || maxPoints == 0)
        return s;
    const std::size_t bucket = (n + maxPoints - 1) / maxPoints;
    BandSeries out;
    out.name = s.name;
    for (std::size_t begin = 0; begin < n; begin += bucket) {
        const std::size_t end = std::min(n, begin + bucket);
        const std::size_t middle = begin + (end - begin) / 2;
        out.x.push_back(s.x[middle]);
        out.median.push_back(s.median[middle]);
        out.lower.push_back(*std::min_element(s.lower.begin() + static_cast<std::ptrdiff_t>(begin),
                                              s.lower.begin() + static_cast<std::ptrdiff_t>(end)));
        out.upper.push_back(*std::max_element(s.upper.begin() + static_cast<std::ptrdiff_t>(begin),
                                              s.upper.begin() + static_cast<std::ptrdiff_t>(end)));
    }
    return out;
}

BandChart::BandChart(QWidget* parent) : QWidget(parent), m_chart(new QChart), m_view(new QChartView(m_chart))
{
    m_view->setRenderHint(QPainter::Antialiasing);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_view);
}

int drawBands(QChart* chart, const QPalette& palette, const QString& title, const QString& xTitle,
              const QString& yTitle, const QString& bandName, const std::vector<BandSeries>& series, bool dots)
{
    const ValueAxes axes = resetToValueAxes(chart, title, xTitle, yTitle);
    QValueAxis* x = axes.x;
    QValueAxis* y = axes.y;

    double minX = 0, maxX = 1, maxY = 0;
    bool first = true;
    auto attach = [&](QAbstractSeries* s) {
        chart->addSeries(s);
        s->attachAxis(x);
        s->attachAxis(y);
    };
    for (std::size_t i = 0; i < series.size(); ++i) {
        const BandSeries band = decimatedBand(series[i], static_cast<std::size_t>(kMaxDrawnPoints));
        const QColor color = runColor(static_cast<int>(i), palette);
        auto* area = new QAreaSeries;
        auto* upper = new QLineSeries(area);
        auto* lower = new QLineSeries(area);
        auto* line = new QLineSeries;
        for (std::size_t k = 0; k < band.x.size(); ++k) {
            upper->append(band.x[k], band.upper[k]);
            lower->append(band.x[k], band.lower[k]);
            line->append(band.x[k], band.median[k]);
            minX = first ? band.x[k] : std::min(minX, band.x[k]);
            maxX = first ? band.x[k] : std::max(maxX, band.x[k]);
            maxY = std::max({maxY, band.upper[k], band.median[k]});
            first = false;
        }
        area->setUpperSeries(upper);
        area->setLowerSeries(lower);
        QColor fill = color;
        fill.setAlpha(60);
        area->setBrush(fill);
        area->setPen(Qt::NoPen);
        area->setName(bandName);
        line->setName(band.name);
        line->setPen(QPen(color, 2));
        attach(area);
        attach(line);
        // One legend entry says what the bands are; the lines name the configurations.
        chart->legend()->markers(area).first()->setVisible(i == 0);
        if (dots) {
            auto* points = new QScatterSeries;
            points->setColor(color);
            points->setBorderColor(color);
            points->setMarkerSize(8);
            for (std::size_t k = 0; k < band.x.size(); ++k)
                points->append(band.x[k], band.median[k]);
            attach(points);
            chart->legend()->markers(points).first()->setVisible(false);
        }
    }
    // Start the x axis at 0 unless the data sits far from it (deep contexts).
    const double xMin = minX > 0 && minX > (maxX - minX) ? std::floor(minX * 0.9) : 0;
    setAxisRange(x, xMin, paddedMax(maxX), 6, 1);
    setAxisRange(y, 0, paddedMax(maxY > 0 ? maxY : 1));
    chart->legend()->setVisible(!series.empty());
    chart->legend()->setAlignment(Qt::AlignBottom);
    styleChart(chart, palette);
    return static_cast<int>(series.size());
}

void BandChart::setBands(const QString& title, const QString& xTitle, const QString& yTitle, const QString& bandName,
                         const std::vector<BandSeries>& series, bool dots)
{
    m_seriesCount = drawBands(m_chart, palette(), title, xTitle, yTitle, bandName, series, dots);
}

bool BandChart::saveImage(const QString& path, QString* error, QSize size)
{
    return exportImage(
        path, size, palette().color(QPalette::Base),
        [this](QPainter& painter, const QRect& target) { renderChartAt(m_chart, painter, target); },
        error);
}

} // namespace vlmscope
