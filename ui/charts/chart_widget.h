// The interface every dashboard chart offers the main window: live updates, finished runs
// with overlays, clearing, image export (PNG/SVG) and the right-click menu. Subclasses
// only say how to draw themselves into a painter.
#pragma once

#include "core/engine/run_record.h"
#include "ui/charts/chart_style.h"

#include <QStringList>
#include <QWidget>

#include <vector>

class QMenu;

namespace vlmscope {

class ChartWidget : public QWidget {
    Q_OBJECT
public:
    explicit ChartWidget(QWidget* parent = nullptr);

    // The run so far, ~30 times a second at most. Cheap: only what is new since the last
    // call is added; a different run id starts over. Replaces any overlays.
    virtual void showLive(const RunRecord& run) = 0;
    // Finished runs: the first is the primary, each further one an overlay.
    virtual void showRuns(const std::vector<RunRecord>& runs) = 0;
    virtual void clear() = 0;

    // Legend names for showRuns' runs, in order; missing or empty ones fall back to
    // "model startedAt". Applies to what is shown now and to later calls.
    void setRunLabels(const QStringList& labels);
    QStringList runLabels() const { return m_runLabels; }

    // PNG, or SVG when the suffix is .svg; written atomically. False + `error` on failure.
    bool saveImage(const QString& path, QString* error = nullptr, QSize size = kDefaultExportSize);
    QImage toImage(QSize size = kDefaultExportSize);
    void copyImage();

    // "Save as PNG…", "Save as SVG…", "Copy image" and the chart's own view options.
    QMenu* contextMenu();

protected:
    // Draws the whole chart into `target` (export and clipboard).
    virtual void paintExport(QPainter& painter, const QRect& target) = 0;
    // Adds the chart's own options (modes, scales) to the context menu, once.
    virtual void addViewActions(QMenu* menu) {}
    // Called when labels change; subclasses rename what they show.
    virtual void refreshLabels() {}
    // Called when the palette changes; subclasses restyle.
    virtual void refreshStyle() {}

    QString runLabel(int index, const RunRecord& run) const;
    QColor exportBackground() const;
    void contextMenuEvent(QContextMenuEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void saveWithDialog(const QString& suffix);

    QStringList m_runLabels;
    QMenu* m_menu = nullptr;
};

QString defaultRunLabel(const RunRecord& run);

} // namespace vlmscope
