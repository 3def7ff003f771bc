// Annotations drawn over a Qt chart's plot area: phase bands, vertical and horizontal
// reference lines (TTFT, means) and labelled points (peaks), plus a centred message when
// there is nothing to show. Part of the chart's scene, so image export includes it.
#pragma once

#include <QColor>
#include <QGraphicsObject>
#include <QPointer>
#include <QString>
#include <QStringList>

#include <vector>

class QChart;
class QValueAxis;

namespace vlmscope {

struct ChartMarker {
    enum Kind { VerticalLine, Band, HorizontalLine, Point };
    Kind kind = VerticalLine;
    double x = 0;  // line position, band start, point x
    double x2 = 0; // band end
    double y = 0;  // horizontal line, point y
    QString label;
    QColor color;
};

class ChartMarkers : public QGraphicsObject {
    Q_OBJECT
public:
    explicit ChartMarkers(QChart* chart);

    // Markers are placed with these axes' ranges; null axes hide every marker.
    void setAxes(QValueAxis* x, QValueAxis* y);
    void setMarkers(std::vector<ChartMarker> markers);
    const std::vector<ChartMarker>& markers() const { return m_markers; }
    void setMessage(const QString& message);
    // Names drawn left of the plot, one per equal-height row, first on top: category labels
    // that Qt Charts would elide to "..." when rows get close to the text height.
    void setRowLabels(const QStringList& topFirst);
    const QStringList& rowLabels() const { return m_rowLabels; }
    void setTextColor(const QColor& text, const QColor& background);

    QRectF boundingRect() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

private:
    bool mapX(double x, double* px) const;
    bool mapY(double y, double* py) const;
    void drawRowLabels(QPainter* painter) const;
    void drawLabel(QPainter* painter, QPointF anchor, const QString& text, const QColor& color,
                   std::vector<QRectF>* taken) const;

    QChart* m_chart;
    QPointer<QValueAxis> m_x;
    QPointer<QValueAxis> m_y;
    std::vector<QMetaObject::Connection> m_axisConnections;
    std::vector<ChartMarker> m_markers;
    QString m_message;
    QStringList m_rowLabels;
    QColor m_text = Qt::black;
    QColor m_background = Qt::white;
};

} // namespace vlmscope
