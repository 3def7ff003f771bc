#include "ui/charts/chart_markers.h"

#include <QFontMetricsF>
#include <QPainter>
#include <QtCharts/QChart>
#include <QtCharts/QValueAxis>

#include <algorithm>

namespace vlmscope {

ChartMarkers::ChartMarkers(QChart* chart) : QGraphicsObject(chart), m_chart(chart)
{
    setZValue(1000); // above every series
    setAcceptedMouseButtons(Qt::NoButton);
    connect(chart, &QChart::plotAreaChanged, this, [this] { update(); });
    connect(chart, &QGraphicsWidget::geometryChanged, this, [this] { prepareGeometryChange(); });
}

void ChartMarkers::setAxes(QValueAxis* x, QValueAxis* y)
{
    for (const QMetaObject::Connection& c : m_axisConnections)
        disconnect(c);
    m_axisConnections.clear();
    m_x = x;
    m_y = y;
    for (QValueAxis* axis : {x, y}) {
        if (axis)
            m_axisConnections.push_back(connect(axis, &QValueAxis::rangeChanged, this, [this] { update(); }));
    }
    update();
}

void ChartMarkers::setMarkers(std::vector<ChartMarker> markers)
{
    m_markers = std::move(markers);
    update();
}

void ChartMarkers::setMessage(const QString& message)
{
    if (message == m_message)
        return;
    m_message = message;
    update();
}

void ChartMarkers::setRowLabels(const QStringList& topFirst)
{
    m_rowLabels = topFirst;
    update();
}

void ChartMarkers::drawRowLabels(QPainter* painter) const
{
    const QRectF plot = m_chart->plotArea();
    const double rowHeight = plot.height() / m_rowLabels.size();
    QFont font = painter->font();
    QFontMetricsF metrics(font);
    if (metrics.height() > rowHeight && font.pixelSize() > 0)
        font.setPixelSize(std::max(7, static_cast<int>(rowHeight)));
    else if (metrics.height() > rowHeight && font.pointSizeF() > 0)
        font.setPointSizeF(std::max(5.5, font.pointSizeF() * rowHeight / metrics.height()));
    painter->setFont(font);
    metrics = QFontMetricsF(font);
    const double left = m_chart->rect().left() + 4;
    const double width = plot.left() - 8 - left;
    if (width < 8)
        return;
    painter->setPen(m_text);
    double lastBottom = -1e9;
    for (int i = 0; i < m_rowLabels.size(); ++i) {
        const double centre = plot.top() + (i + 0.5) * rowHeight;
        if (centre - metrics.height() / 2 < lastBottom)
            continue; // rows thinner than the text: every other name
        lastBottom = centre + metrics.height() / 2;
        painter->drawText(QRectF(left, centre - metrics.height() / 2, width, metrics.height()),
                          Qt::AlignRight | Qt::AlignVCenter,
                          metrics.elidedText(m_rowLabels.at(i), Qt::ElideLeft, width));
    }
}

void ChartMarkers::setTextColor(const QColor& text, const QColor& background)
{
    m_text = text;
    m_background = background;
    update();
}

QRectF ChartMarkers::boundingRect() const
{
    return m_chart->rect();
}

bool ChartMarkers::mapX(double x, double* px) const
{
    if (!m_x || !(m_x->max() > m_x->min()))
        return false;
    const QRectF plot = m_chart->plotArea();
    *px = plot.left() + (x - m_x->min()) / (m_x->max() - m_x->min()) * plot.width();
    return true;
}

bool ChartMarkers::mapY(double y, double* py) const
{
    if (!m_y || !(m_y->max() > m_y->min()))
        return false;
    const QRectF plot = m_chart->plotArea();
    *py = plot.bottom() - (y - m_y->min()) / (m_y->max() - m_y->min()) * plot.height();
    return true;
}

void ChartMarkers::drawLabel(QPainter* painter, QPointF anchor, const QString& text, const QColor& color,
                             std::vector<QRectF>* taken) const
{
    if (text.isEmpty())
        return;
    const QRectF plot = m_chart->plotArea();
    const QFontMetricsF metrics(painter->font());
    QRectF box(anchor, QSizeF(metrics.horizontalAdvance(text) + 8, metrics.height() + 2));
    // Keep inside the plot: flip to the left of the anchor near the right edge.
    if (box.right() > plot.right())
        box.moveRight(std::max(plot.left(), anchor.x() - 8));
    box.moveTop(std::clamp(box.top(), plot.top(), std::max(plot.top(), plot.bottom() - box.height())));
    // Labels never overlap: step down below earlier ones.
    for (int guard = 0; guard < 32; ++guard) {
        auto hit = std::find_if(taken->begin(), taken->end(), [&](const QRectF& r) { return r.intersects(box); });
        if (hit == taken->end())
            break;
        box.moveTop(hit->bottom() + 1);
    }
    taken->push_back(box);
    QColor fill = m_background;
    fill.setAlpha(215);
    painter->setPen(Qt::NoPen);
    painter->setBrush(fill);
    painter->drawRoundedRect(box, 3, 3);
    painter->setPen(color);
    painter->drawText(box, Qt::AlignCenter, text);
}

void ChartMarkers::paint(QPainter* painter, const QStyleOptionGraphicsItem*, QWidget*)
{
    const QRectF plot = m_chart->plotArea();
    if (plot.isEmpty())
        return;
    if (!m_rowLabels.isEmpty()) {
        painter->save();
        drawRowLabels(painter);
        painter->restore();
    }
    painter->save();
    painter->setClipRect(plot.adjusted(-1, -1, 1, 1));
    QFont font = painter->font();
    if (font.pointSizeF() > 0)
        font.setPointSizeF(std::max(7.0, font.pointSizeF() * 0.9));
    painter->setFont(font);
    std::vector<QRectF> taken;
    // Bands first, so lines and labels stay on top of them.
    for (const ChartMarker& m : m_markers) {
        double a = 0;
        double b = 0;
        if (m.kind != ChartMarker::Band || !mapX(m.x, &a) || !mapX(m.x2, &b))
            continue;
        QColor fill = m.color;
        fill.setAlpha(38);
        painter->fillRect(QRectF(QPointF(std::min(a, b), plot.top()), QPointF(std::max(a, b), plot.bottom())), fill);
    }
    for (const ChartMarker& m : m_markers) {
        double px = 0;
        double py = 0;
        QPen pen(m.color, 1.5, Qt::DashLine);
        switch (m.kind) {
        case ChartMarker::Band:
            if (mapX(m.x, &px))
                drawLabel(painter, QPointF(px + 2, plot.top() + 2), m.label, m.color, &taken);
            break;
        case ChartMarker::VerticalLine:
            if (!mapX(m.x, &px))
                break;
            painter->setPen(pen);
            painter->drawLine(QPointF(px, plot.top()), QPointF(px, plot.bottom()));
            drawLabel(painter, QPointF(px + 3, plot.top() + 2), m.label, m.color, &taken);
            break;
        case ChartMarker::HorizontalLine:
            if (!mapY(m.y, &py))
                break;
            painter->setPen(pen);
            painter->drawLine(QPointF(plot.left(), py), QPointF(plot.right(), py));
            drawLabel(painter, QPointF(plot.right(), py - QFontMetricsF(font).height() - 4), m.label, m.color, &taken);
            break;
        case ChartMarker::Point:
            if (!mapX(m.x, &px) || !mapY(m.y, &py))
                break;
            painter->setPen(QPen(m_background, 1.5));
            painter->setBrush(m.color);
            painter->drawEllipse(QPointF(px, py), 4.5, 4.5);
            drawLabel(painter, QPointF(px + 6, py - QFontMetricsF(font).height() - 4), m.label, m.color, &taken);
            break;
        }
    }
    if (!m_message.isEmpty()) {
        painter->setPen(m_text);
        painter->drawText(plot, Qt::AlignCenter | Qt::TextWordWrap, m_message);
    }
    painter->restore();
}

} // namespace vlmscope
