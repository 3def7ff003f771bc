// The layer heatmap: rows = layer scopes (blocks collapsed or expanded), columns = steps
// (0 = image + prefill, i = the decode step producing token i), colour = self time on a
// log or linear scale. Painted from a cached image that grows a column at a time; hover
// for values, click a row for its time across steps.
#pragma once

#include "ui/charts/chart_widget.h"
#include "ui/charts/heatmap_rows.h"

#include <QImage>

namespace vlmscope {

class LayerHeatmap : public ChartWidget {
    Q_OBJECT
public:
    enum Grouping { Blocks, Expanded };

    explicit LayerHeatmap(QWidget* parent = nullptr);

    // Live runs and the primary of showRuns (a heatmap cannot overlay runs).
    void showLive(const RunRecord& run) override;
    void showRuns(const std::vector<RunRecord>& runs) override;
    void clear() override;

    void setGrouping(Grouping grouping);
    Grouping grouping() const { return m_grouping; }
    void setLogScale(bool log);
    bool logScale() const { return m_log; }

    int rowCount() const { return static_cast<int>(m_rows.size()); }
    int columnCount() const { return static_cast<int>(m_stepNumbers.size()); }
    QString rowName(int row) const;
    double cellNs(int row, int column) const; // -1 outside the grid
    QString cellToolTip(int row, int column) const;

    // The layer whose time across steps is plotted under the map; -1: none.
    int selectedRow() const { return m_selected; }
    void setSelectedRow(int row);

    // Widget coordinates of cells, for tests and tooltips.
    QPoint cellCenter(int row, int column) const;
    int rowAt(QPoint pos) const;
    int columnAt(QPoint pos) const;

    QSize sizeHint() const override { return {720, 420}; }
    QSize minimumSizeHint() const override { return {240, 160}; }

Q_SIGNALS:
    void rowSelected(const QString& scopeName);

protected:
    bool event(QEvent* event) override;
    void paintEvent(QPaintEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void mouseMoveEvent(QMouseEvent* event) override;
    void paintExport(QPainter& painter, const QRect& target) override;
    void addViewActions(QMenu* menu) override;
    void refreshStyle() override;

private:
    struct Layout {
        QRect title;
        QRect legend;
        QRect labels;
        QRect plot;
        QRect axis;
        QRect detail;
        QRect detailLabels;
    };

    void resetData();
    void setScopes(const std::vector<ScopeSummary>& scopes);
    void rebuildRows();
    void appendStep(const StepLayerTimes& step);
    void addColumns(std::size_t first);
    void pushColumn(std::size_t column);
    void rebin();
    void mergeIntoBin(std::size_t column);
    bool widenRange(std::size_t firstNewColumn);
    void fitRange();
    void repaintImage();
    void paintBin(int bin);
    QRgb colorFor(float ns) const;
    int binsWanted() const;
    double columnX(int column, const QRect& plot) const;

    Layout layoutFor(const QRect& area, const QFontMetrics& metrics) const;
    void paintAll(QPainter& painter, const QRect& area) const;
    void paintTitle(QPainter& painter, const Layout& layout) const;
    void paintLabels(QPainter& painter, const Layout& layout) const;
    void paintGrid(QPainter& painter, const Layout& layout) const;
    void paintAxis(QPainter& painter, const Layout& layout) const;
    void paintDetail(QPainter& painter, const Layout& layout) const;

    Grouping m_grouping = Blocks;
    bool m_log = true;
    bool m_live = false;
    QString m_runId;
    std::vector<ScopeSummary> m_scopes;             // names, categories, parents
    std::size_t m_tableSize = 0;                    // scopes in the record (m_scopes may add more)
    std::vector<std::vector<std::int64_t>> m_steps; // self ns per scope, every step (full data)
    std::vector<std::int64_t> m_stepNumbers;
    std::vector<HeatmapRow> m_rows;
    std::vector<float> m_values; // [column * rows + row], ns
    // The drawn image: one pixel column per bin of m_binWidth steps (max of the bin), so
    // thousands of steps cost no more than the widget's width to draw.
    int m_binWidth = 1;
    int m_bins = 0;
    int m_plotWidth = 800;
    std::vector<float> m_binValues; // [bin * rows + row]
    QImage m_image;
    // Colour scale; decode steps set it once there are any (prefill would dwarf them).
    float m_dataLo = 0;
    float m_dataHi = 0;
    float m_lo = 0;
    float m_hi = 0;
    int m_selected = -1;
    QColor m_empty;
};

} // namespace vlmscope
