#include "ui/charts/chart_view_widget.h"

#include "ui/charts/chart_markers.h"

#include <QCoreApplication>
#include <QGraphicsLayout>
#include <QHBoxLayout>
#include <QPainter>
#include <QVBoxLayout>
#include <QtCharts/QAbstractAxis>
#include <QtCharts/QChart>
#include <QtCharts/QChartView>
#include <QtCharts/QLegend>

namespace vlmscope {

ChartViewWidget::ChartViewWidget(QWidget* parent)
    : ChartWidget(parent), m_chart(new QChart), m_view(new QChartView(m_chart)), m_markers(new ChartMarkers(m_chart))
{
    m_chart->setMargins(QMargins(6, 6, 6, 6));
    m_chart->layout()->setContentsMargins(0, 0, 0, 0);
    m_chart->legend()->setAlignment(Qt::AlignBottom);
    m_chart->setAnimationOptions(QChart::NoAnimation); // live data: animations would lag behind
    m_view->setRenderHint(QPainter::Antialiasing);
    m_view->setFrameShape(QFrame::NoFrame);
    m_view->setContextMenuPolicy(Qt::NoContextMenu); // the event then reaches this widget
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addWidget(m_view, 1);
    refreshStyle();
}

QHBoxLayout* ChartViewWidget::toolRow()
{
    if (!m_toolRow) {
        m_toolRow = new QHBoxLayout;
        m_toolRow->setContentsMargins(6, 2, 6, 0);
        static_cast<QVBoxLayout*>(layout())->insertLayout(0, m_toolRow);
    }
    return m_toolRow;
}

void ChartViewWidget::refreshStyle()
{
    styleChart(m_chart, palette());
    m_view->setBackgroundBrush(palette().color(QPalette::Base));
    m_markers->setTextColor(palette().color(QPalette::Text), palette().color(QPalette::Base));
}

void ChartViewWidget::resizeEvent(QResizeEvent* event)
{
    ChartWidget::resizeEvent(event);
    adaptToSize(m_view->size());
}

void ChartViewWidget::resetChart()
{
    m_chart->legend()->setReverseMarkers(false);
    m_chart->setMargins(QMargins(6, 6, 6, 6));
    m_markers->setAxes(nullptr, nullptr);
    m_markers->setMarkers({});
    m_markers->setRowLabels({});
    m_chart->removeAllSeries();
    for (QAbstractAxis* axis : m_chart->axes()) {
        m_chart->removeAxis(axis);
        delete axis;
    }
}

void ChartViewWidget::paintExport(QPainter& painter, const QRect& target)
{
    // Lay the chart out at the export size, render its scene, and put it back: all in one
    // go, so the on-screen view never paints the intermediate size.
    const QSizeF old = m_chart->size();
    // Qt Charts deletes the items of removed series and axes with deleteLater(); until the
    // event loop runs they are still in the scene, so an export right after a rebuild
    // would show them. Flush them first.
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    adaptToSize(target.size());
    m_chart->resize(target.size());
    m_chart->layout()->activate();
    m_chart->scene()->render(&painter, target, QRectF(m_chart->pos(), QSizeF(target.size())));
    adaptToSize(old);
    m_chart->resize(old);
    m_chart->layout()->activate();
}

} // namespace vlmscope
