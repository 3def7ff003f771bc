#include "ui/charts/chart_widget.h"

#include <QClipboard>
#include <QContextMenuEvent>
#include <QFileDialog>
#include <QGuiApplication>
#include <QMenu>
#include <QMessageBox>
#include <QPainter>

namespace vlmscope {

ChartWidget::ChartWidget(QWidget* parent) : QWidget(parent) {}

QString defaultRunLabel(const RunRecord& run)
{
    const QString name = QString::fromStdString(run.model.name);
    const QString when = QString::fromStdString(run.startedAt);
    const QString label = (name + QLatin1Char(' ') + when).trimmed();
    return label.isEmpty() ? QStringLiteral("run") : label;
}

void ChartWidget::setRunLabels(const QStringList& labels)
{
    m_runLabels = labels;
    refreshLabels();
}

QString ChartWidget::runLabel(int index, const RunRecord& run) const
{
    if (index >= 0 && index < m_runLabels.size() && !m_runLabels.at(index).isEmpty())
        return m_runLabels.at(index);
    return defaultRunLabel(run);
}

QColor ChartWidget::exportBackground() const
{
    return palette().color(QPalette::Base);
}

bool ChartWidget::saveImage(const QString& path, QString* error, QSize size)
{
    return exportImage(
        path, size, exportBackground(),
        [this](QPainter& painter, const QRect& target) { paintExport(painter, target); }, error);
}

QImage ChartWidget::toImage(QSize size)
{
    return renderImage(size, exportBackground(),
                       [this](QPainter& painter, const QRect& target) { paintExport(painter, target); });
}

void ChartWidget::copyImage()
{
    if (QClipboard* clipboard = QGuiApplication::clipboard())
        clipboard->setImage(toImage());
}

QMenu* ChartWidget::contextMenu()
{
    if (m_menu)
        return m_menu;
    m_menu = new QMenu(this);
    m_menu->addAction(tr("Save as PNG…"), this, [this] { saveWithDialog(QStringLiteral("png")); });
    m_menu->addAction(tr("Save as SVG…"), this, [this] { saveWithDialog(QStringLiteral("svg")); });
    m_menu->addAction(tr("Copy image"), this, &ChartWidget::copyImage);
    QAction* separator = m_menu->addSeparator();
    addViewActions(m_menu);
    if (m_menu->actions().constLast() == separator)
        m_menu->removeAction(separator);
    return m_menu;
}

void ChartWidget::saveWithDialog(const QString& suffix)
{
    const QString filter = suffix == QLatin1String("svg") ? tr("SVG image (*.svg)") : tr("PNG image (*.png)");
    QString path = QFileDialog::getSaveFileName(this, tr("Save chart"), QString(), filter);
    if (path.isEmpty())
        return;
    if (!path.endsWith(QLatin1Char('.') + suffix, Qt::CaseInsensitive))
        path += QLatin1Char('.') + suffix;
    QString error;
    if (!saveImage(path, &error))
        QMessageBox::warning(this, tr("Save chart"), error);
}

void ChartWidget::contextMenuEvent(QContextMenuEvent* event)
{
    contextMenu()->popup(event->globalPos());
    event->accept();
}

void ChartWidget::changeEvent(QEvent* event)
{
    QWidget::changeEvent(event);
    if (event->type() == QEvent::PaletteChange)
        refreshStyle();
}

} // namespace vlmscope
