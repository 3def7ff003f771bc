#include "ui/charts/layer_heatmap.h"

#include <QActionGroup>
#include <QHelpEvent>
#include <QLinearGradient>
#include <QMenu>
#include <QMouseEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>
#include <cmath>

namespace vlmscope {

namespace {

constexpr int kPad = 6;
constexpr int kStrip = 4; // group colour strip between labels and grid

ScopeCategory groupCategory(int group)
{
    return group == 0 ? ScopeCategory::VisionEncoder : group == 1 ? ScopeCategory::Projector : ScopeCategory::Attention;
}

} // namespace

LayerHeatmap::LayerHeatmap(QWidget* parent) : ChartWidget(parent)
{
    setMouseTracking(true);
    setFocusPolicy(Qt::ClickFocus);
    refreshStyle();
}

// ---- data -------------------------------------------------------------------------------

void LayerHeatmap::resetData()
{
    m_scopes.clear();
    m_tableSize = 0;
    m_steps.clear();
    m_stepNumbers.clear();
    m_rows.clear();
    m_values.clear();
    m_binWidth = 1;
    m_bins = 0;
    m_binValues.clear();
    m_image = QImage();
    m_dataLo = m_dataHi = m_lo = m_hi = 0;
    m_selected = -1;
}

void LayerHeatmap::clear()
{
    m_live = false;
    m_runId.clear();
    resetData();
    update();
}

void LayerHeatmap::showLive(const RunRecord& run)
{
    const QString id = QString::fromStdString(run.id);
    if (!m_live || id != m_runId || run.steps.size() < m_steps.size()) {
        resetData();
        m_live = true;
        m_runId = id;
        setScopes(run.scopes);
        rebuildRows();
    } else if (run.scopes.size() != m_tableSize) {
        setScopes(run.scopes);
        rebuildRows();
    }
    const std::size_t first = m_steps.size();
    if (run.steps.size() == first) {
        update();
        return;
    }
    bool wider = false;
    for (std::size_t i = first; i < run.steps.size(); ++i) {
        m_steps.push_back(run.steps[i].selfNs);
        m_stepNumbers.push_back(run.steps[i].step);
        wider = wider || run.steps[i].selfNs.size() > m_scopes.size();
    }
    if (wider) {
        const std::vector<ScopeSummary> table(m_scopes.begin(),
                                              m_scopes.begin() + static_cast<std::ptrdiff_t>(m_tableSize));
        setScopes(table);
        rebuildRows();
    } else {
        addColumns(first);
    }
    update();
}

void LayerHeatmap::addColumns(std::size_t first)
{
    // Only the new columns are computed and painted, unless the colour scale had to widen.
    for (std::size_t c = first; c < m_steps.size(); ++c)
        pushColumn(c);
    const bool rangeChanged = widenRange(first);
    rebin();
    if (rangeChanged)
        repaintImage();
}

void LayerHeatmap::showRuns(const std::vector<RunRecord>& runs)
{
    m_live = false;
    resetData();
    if (!runs.empty()) {
        const RunRecord& run = runs.front();
        m_runId = QString::fromStdString(run.id);
        for (const StepLayerTimes& step : run.steps) {
            m_steps.push_back(step.selfNs);
            m_stepNumbers.push_back(step.step);
        }
        setScopes(run.scopes);
    }
    rebuildRows();
    update();
}

void LayerHeatmap::setScopes(const std::vector<ScopeSummary>& scopes)
{
    // Steps wider than the scope table still get rows (files without a table, live frames
    // that arrive before it).
    std::size_t width = scopes.size();
    for (const auto& step : m_steps)
        width = std::max(width, step.size());
    m_scopes = scopes;
    m_tableSize = scopes.size();
    while (m_scopes.size() < width) {
        ScopeSummary scope;
        scope.name = "scope " + std::to_string(m_scopes.size());
        m_scopes.push_back(std::move(scope));
    }
}

void LayerHeatmap::rebuildRows()
{
    const QString selected = rowName(m_selected);
    m_rows = buildHeatmapRows(m_scopes, m_grouping == Blocks ? HeatmapGrouping::Blocks : HeatmapGrouping::Expanded);
    m_selected = -1;
    for (int r = 0; r < rowCount() && !selected.isEmpty(); ++r) {
        if (m_rows[static_cast<std::size_t>(r)].name == selected)
            m_selected = r;
    }
    m_values.clear();
    for (std::size_t c = 0; c < m_steps.size(); ++c)
        pushColumn(c);
    m_bins = 0;
    m_binWidth = 1;
    m_binValues.clear();
    m_image = QImage();
    fitRange();
    rebin();
    repaintImage();
}

void LayerHeatmap::pushColumn(std::size_t column)
{
    const std::vector<std::int64_t>& self = m_steps[column];
    for (const HeatmapRow& row : m_rows) {
        std::int64_t sum = 0;
        for (int s : row.scopes) {
            if (static_cast<std::size_t>(s) < self.size())
                sum += std::max<std::int64_t>(self[static_cast<std::size_t>(s)], 0);
        }
        m_values.push_back(static_cast<float>(sum));
    }
}

double LayerHeatmap::cellNs(int row, int column) const
{
    if (row < 0 || row >= rowCount() || column < 0 || column >= columnCount())
        return -1;
    return m_values[static_cast<std::size_t>(column) * m_rows.size() + static_cast<std::size_t>(row)];
}

QString LayerHeatmap::rowName(int row) const
{
    return row >= 0 && row < rowCount() ? m_rows[static_cast<std::size_t>(row)].name : QString();
}

// ---- colour scale -----------------------------------------------------------------------

void LayerHeatmap::fitRange()
{
    m_dataLo = m_dataHi = m_lo = m_hi = 0;
    widenRange(0);
    if (!m_live) {
        m_lo = m_dataLo;
        m_hi = m_dataHi;
    }
}

bool LayerHeatmap::widenRange(std::size_t firstNewColumn)
{
    // Decode steps set the scale once there are any: step 0 (image + prefill) would make
    // every decode cell look cold. Step 0 cells above the scale show its top colour.
    const std::size_t from = columnCount() > 1 ? std::max<std::size_t>(1, firstNewColumn) : 0;
    if (columnCount() > 1 && firstNewColumn <= 1)
        m_dataLo = m_dataHi = m_lo = m_hi = 0;
    const std::size_t rows = m_rows.size();
    for (std::size_t i = from * rows; i < m_values.size(); ++i) {
        const float v = m_values[i];
        if (v <= 0)
            continue;
        m_dataHi = std::max(m_dataHi, v);
        m_dataLo = m_dataLo > 0 ? std::min(m_dataLo, v) : v;
    }
    if (!m_live) {
        const bool changed = m_lo != m_dataLo || m_hi != m_dataHi;
        m_lo = m_dataLo;
        m_hi = m_dataHi;
        return changed;
    }
    // Live: widen with headroom so the whole image is repainted only a few times.
    bool changed = false;
    if (m_dataHi > m_hi) {
        m_hi = static_cast<float>(niceCeil(m_dataHi * 1.5));
        changed = true;
    }
    if (m_dataLo > 0 && (m_lo <= 0 || m_dataLo < m_lo)) {
        m_lo = m_dataLo / 2;
        changed = true;
    }
    return changed;
}

QRgb LayerHeatmap::colorFor(float ns) const
{
    if (!(ns > 0) || !(m_hi > 0))
        return m_empty.rgb();
    if (!m_log)
        return heatColor(ns / m_hi);
    const double lo = std::max<double>(m_lo > 0 ? m_lo : m_hi / 1000.0, m_hi * 1e-6);
    if (!(m_hi > lo))
        return heatColor(1.0);
    return heatColor((std::log(ns) - std::log(lo)) / (std::log(m_hi) - std::log(lo)));
}

// ---- image ------------------------------------------------------------------------------

int LayerHeatmap::binsWanted() const
{
    return std::max(64, m_plotWidth);
}

void LayerHeatmap::rebin()
{
    // Step 0 keeps a bin of its own; decode steps share bins of m_binWidth.
    const int columns = columnCount();
    int width = 1;
    while (columns > 1 && 1 + (columns - 1 + width - 1) / width > binsWanted())
        width *= 2;
    const std::size_t rows = m_rows.size();
    if (width != m_binWidth || m_binValues.size() < static_cast<std::size_t>(m_bins) * rows) {
        m_binWidth = width;
        m_bins = 0;
        m_binValues.clear();
        m_image = QImage();
    }
    const int firstDirty = m_bins > 0 ? m_bins - 1 : 0;
    const int firstColumn = firstDirty == 0 ? 0 : 1 + (firstDirty - 1) * m_binWidth;
    for (int c = firstColumn; c < columns; ++c)
        mergeIntoBin(static_cast<std::size_t>(c));
    for (int b = firstDirty; b < m_bins; ++b)
        paintBin(b);
}

void LayerHeatmap::mergeIntoBin(std::size_t column)
{
    const std::size_t rows = m_rows.size();
    if (rows == 0)
        return;
    const int bin = column == 0 ? 0 : 1 + static_cast<int>((column - 1) / static_cast<std::size_t>(m_binWidth));
    if (bin >= m_bins) {
        m_bins = bin + 1;
        m_binValues.resize(static_cast<std::size_t>(m_bins) * rows, 0.0f);
    }
    if (m_image.width() < m_bins || m_image.height() != static_cast<int>(rows)) {
        // Grow by doubling so live appends rarely reallocate.
        QImage grown(std::max({64, m_bins * 2, m_image.width()}), static_cast<int>(rows), QImage::Format_RGB32);
        grown.fill(m_empty);
        if (!m_image.isNull() && m_image.height() == grown.height()) {
            QPainter copy(&grown);
            copy.drawImage(0, 0, m_image);
        }
        m_image = grown;
    }
    float* cells = &m_binValues[static_cast<std::size_t>(bin) * rows];
    const float* values = &m_values[column * rows];
    for (std::size_t r = 0; r < rows; ++r)
        cells[r] = std::max(cells[r], values[r]);
}

void LayerHeatmap::paintBin(int bin)
{
    const std::size_t rows = m_rows.size();
    if (bin < 0 || bin >= m_bins || bin >= m_image.width() || static_cast<int>(rows) != m_image.height())
        return;
    const float* cells = &m_binValues[static_cast<std::size_t>(bin) * rows];
    for (std::size_t r = 0; r < rows; ++r)
        reinterpret_cast<QRgb*>(m_image.scanLine(static_cast<int>(r)))[bin] = colorFor(cells[r]);
}

void LayerHeatmap::repaintImage()
{
    for (int b = 0; b < m_bins; ++b)
        paintBin(b);
}

// ---- options ----------------------------------------------------------------------------

void LayerHeatmap::setGrouping(Grouping grouping)
{
    if (grouping == m_grouping)
        return;
    m_grouping = grouping;
    rebuildRows();
    update();
}

void LayerHeatmap::setLogScale(bool log)
{
    if (log == m_log)
        return;
    m_log = log;
    repaintImage();
    update();
}

void LayerHeatmap::setSelectedRow(int row)
{
    m_selected = row >= 0 && row < rowCount() ? row : -1;
    update();
}

void LayerHeatmap::addViewActions(QMenu* menu)
{
    auto* group = new QActionGroup(menu);
    QAction* blocks = menu->addAction(tr("Collapse blocks"), this, [this] { setGrouping(Blocks); });
    QAction* expanded =
        menu->addAction(tr("Expand to attention / MLP / norm"), this, [this] { setGrouping(Expanded); });
    for (QAction* action : {blocks, expanded}) {
        action->setCheckable(true);
        group->addAction(action);
    }
    menu->addSeparator();
    QAction* log = menu->addAction(tr("Logarithmic colour scale"), this, [this](bool on) { setLogScale(on); });
    log->setCheckable(true);
    QAction* hide = menu->addAction(tr("Hide layer plot"), this, [this] { setSelectedRow(-1); });
    connect(menu, &QMenu::aboutToShow, this, [=] {
        blocks->setChecked(m_grouping == Blocks);
        expanded->setChecked(m_grouping == Expanded);
        log->setChecked(m_log);
        hide->setEnabled(m_selected >= 0);
    });
}

void LayerHeatmap::refreshStyle()
{
    const QPalette& p = palette();
    const QColor base = p.color(QPalette::Base);
    const QColor mid = p.color(QPalette::Mid);
    // Empty cells: a step of the base colour towards mid, distinct from the colour map.
    m_empty = QColor::fromRgbF(base.redF() * 0.82f + mid.redF() * 0.18f, base.greenF() * 0.82f + mid.greenF() * 0.18f,
                               base.blueF() * 0.82f + mid.blueF() * 0.18f);
    if (!m_image.isNull()) {
        m_image.fill(m_empty);
        repaintImage();
    }
    update();
}

// ---- geometry ---------------------------------------------------------------------------

LayerHeatmap::Layout LayerHeatmap::layoutFor(const QRect& area, const QFontMetrics& metrics) const
{
    Layout l;
    const int line = metrics.height();
    l.title = QRect(area.left() + kPad, area.top() + kPad, area.width() - 2 * kPad, line + 8);
    l.legend = QRect(l.title.right() - std::min(420, l.title.width() * 3 / 5), l.title.top(),
                     std::min(420, l.title.width() * 3 / 5), l.title.height());
    int labelWidth = 0;
    for (const HeatmapRow& row : m_rows)
        labelWidth = std::max(labelWidth, metrics.horizontalAdvance(row.name));
    labelWidth = std::clamp(labelWidth + 10 + kStrip, 60, std::max(60, area.width() * 3 / 10));
    const int top = l.title.bottom() + 6;
    const int axisHeight = 2 * line + 10;
    const int detailHeight = m_selected >= 0 ? std::clamp(area.height() / 4, 70, 180) : 0;
    const int bottom = area.bottom() - kPad - axisHeight - detailHeight;
    const int left = area.left() + kPad + labelWidth;
    l.plot = QRect(QPoint(left, top), QPoint(area.right() - kPad - 4, std::max(top + 8, bottom)));
    l.labels = QRect(QPoint(area.left() + kPad, l.plot.top()), QPoint(left - 1, l.plot.bottom()));
    l.axis = QRect(l.plot.left(), l.plot.bottom() + 1, l.plot.width(), axisHeight);
    if (detailHeight > 0) {
        l.detail = QRect(QPoint(l.plot.left(), l.axis.bottom() + 6), QPoint(l.plot.right(), area.bottom() - kPad - 2));
        l.detailLabels =
            QRect(QPoint(l.labels.left(), l.detail.top()), QPoint(l.labels.right() - 4, l.detail.bottom()));
    }
    return l;
}

void LayerHeatmap::resizeEvent(QResizeEvent* event)
{
    ChartWidget::resizeEvent(event);
    m_plotWidth = layoutFor(rect(), fontMetrics()).plot.width();
    const int bins = m_bins;
    const int width = m_binWidth;
    rebin();
    if (m_binWidth != width || m_bins != bins)
        repaintImage();
}

int LayerHeatmap::rowAt(QPoint pos) const
{
    const Layout l = layoutFor(rect(), fontMetrics());
    // The grid is drawn over QRectF(plot), which reaches one pixel past QRect::bottom().
    if (rowCount() == 0 || pos.y() < l.plot.top() || pos.y() > l.plot.bottom() + 1 || pos.x() < l.labels.left() ||
        pos.x() > l.plot.right() + 1)
        return -1;
    const double f = (pos.y() - l.plot.top() + 0.5) / static_cast<double>(l.plot.height());
    return std::clamp(static_cast<int>(f * rowCount()), 0, rowCount() - 1);
}

int LayerHeatmap::columnAt(QPoint pos) const
{
    const Layout l = layoutFor(rect(), fontMetrics());
    if (m_bins == 0 || pos.x() < l.plot.left() || pos.x() > l.plot.right() + 1)
        return -1;
    const double x = (pos.x() - l.plot.left() + 0.5) / static_cast<double>(l.plot.width()) * m_bins;
    const int bin = std::clamp(static_cast<int>(x), 0, m_bins - 1);
    if (bin == 0)
        return 0;
    const double within = x - bin;
    const int column = 1 + (bin - 1) * m_binWidth + static_cast<int>(within * m_binWidth);
    return std::clamp(column, 0, columnCount() - 1);
}

QPoint LayerHeatmap::cellCenter(int row, int column) const
{
    const Layout l = layoutFor(rect(), fontMetrics());
    if (row < 0 || row >= rowCount() || column < 0 || column >= columnCount() || m_bins == 0)
        return {-1, -1};
    const double y = l.plot.top() + (row + 0.5) / rowCount() * l.plot.height();
    return QPointF(columnX(column, l.plot), y).toPoint();
}

double LayerHeatmap::columnX(int column, const QRect& plot) const
{
    // Bin 0 is step 0; decode step c sits inside bin 1 + (c - 1) / m_binWidth.
    const double bin = column == 0 ? 0.5
                                   : 1 + (column - 1) / m_binWidth +
                                         ((column - 1) % m_binWidth + 0.5) / static_cast<double>(m_binWidth);
    return plot.left() + bin / std::max(1, m_bins) * plot.width();
}

// ---- interaction ------------------------------------------------------------------------

QString LayerHeatmap::cellToolTip(int row, int column) const
{
    const double ns = cellNs(row, column);
    if (ns < 0)
        return {};
    const HeatmapRow& r = m_rows[static_cast<std::size_t>(row)];
    const std::int64_t step = m_stepNumbers[static_cast<std::size_t>(column)];
    const QString what = step == 0 ? tr("step 0: image + prefill") : tr("step %1: decode, token %1").arg(step);
    return tr("%1%2\n%3\nself time: %4")
        .arg(r.name, r.collapsed ? tr(" (block)") : QString(), what, formatDurationNs(ns));
}

bool LayerHeatmap::event(QEvent* event)
{
    if (event->type() == QEvent::ToolTip) {
        auto* help = static_cast<QHelpEvent*>(event);
        const QString text = cellToolTip(rowAt(help->pos()), columnAt(help->pos()));
        if (text.isEmpty()) {
            QToolTip::hideText();
            event->ignore();
        } else {
            QToolTip::showText(help->globalPos(), text, this);
        }
        return true;
    }
    return ChartWidget::event(event);
}

void LayerHeatmap::mouseMoveEvent(QMouseEvent* event)
{
    // A visible tooltip follows the mouse from cell to cell.
    if (QToolTip::isVisible()) {
        const QPoint pos = event->position().toPoint();
        const QString text = cellToolTip(rowAt(pos), columnAt(pos));
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(event->globalPosition().toPoint(), text, this);
    }
    ChartWidget::mouseMoveEvent(event);
}

void LayerHeatmap::mousePressEvent(QMouseEvent* event)
{
    const int row = event->button() == Qt::LeftButton ? rowAt(event->position().toPoint()) : -1;
    if (row < 0) {
        ChartWidget::mousePressEvent(event);
        return;
    }
    setSelectedRow(row);
    Q_EMIT rowSelected(rowName(row));
    event->accept();
}

// ---- painting ---------------------------------------------------------------------------

void LayerHeatmap::paintEvent(QPaintEvent*)
{
    QPainter painter(this);
    paintAll(painter, rect());
}

void LayerHeatmap::paintExport(QPainter& painter, const QRect& target)
{
    painter.setFont(font());
    paintAll(painter, target);
}

void LayerHeatmap::paintAll(QPainter& painter, const QRect& area) const
{
    painter.fillRect(area, palette().color(QPalette::Base));
    const Layout l = layoutFor(area, QFontMetrics(painter.font()));
    paintTitle(painter, l);
    if (rowCount() == 0 || columnCount() == 0) {
        painter.setPen(palette().color(QPalette::Text));
        painter.drawText(l.plot.united(l.labels), Qt::AlignCenter,
                         m_runId.isEmpty() && !m_live ? tr("No run to show") : tr("No layer times yet"));
        return;
    }
    paintLabels(painter, l);
    paintGrid(painter, l);
    paintAxis(painter, l);
    if (m_selected >= 0)
        paintDetail(painter, l);
}

void LayerHeatmap::paintTitle(QPainter& painter, const Layout& l) const
{
    const QColor text = palette().color(QPalette::Text);
    painter.setPen(text);
    QFont bold = painter.font();
    bold.setBold(true);
    painter.save();
    painter.setFont(bold);
    painter.drawText(QRect(l.title.left(), l.title.top(), l.legend.left() - l.title.left() - 8, l.title.height()),
                     Qt::AlignLeft | Qt::AlignVCenter,
                     tr("Self time per step"));
    painter.restore();
    if (!(m_hi > 0))
        return;
    // Legend: "self time (log)  lo [gradient] hi", right-aligned.
    const QFontMetrics metrics(painter.font());
    const QString caption = m_log ? tr("self time (log)") : tr("self time (linear)");
    const QString lo = m_log ? formatDurationNs(m_lo > 0 ? m_lo : m_hi / 1000.0) : formatDurationNs(0);
    const QString hi = formatDurationNs(m_hi);
    const int hiWidth = metrics.horizontalAdvance(hi);
    const int loWidth = metrics.horizontalAdvance(lo);
    const int capWidth = metrics.horizontalAdvance(caption);
    const int barWidth = std::max(40, l.legend.width() - hiWidth - loWidth - capWidth - 24);
    int x = l.legend.right() - hiWidth;
    painter.drawText(QRect(x, l.legend.top(), hiWidth, l.legend.height()), Qt::AlignVCenter | Qt::AlignLeft, hi);
    x -= barWidth + 4;
    const QRect bar(x, l.legend.center().y() - 5, barWidth, 11);
    QLinearGradient gradient(bar.topLeft(), bar.topRight());
    for (int i = 0; i <= 8; ++i)
        gradient.setColorAt(i / 8.0, QColor::fromRgb(heatColor(i / 8.0)));
    painter.fillRect(bar, gradient);
    painter.setPen(palette().color(QPalette::Mid));
    painter.drawRect(bar.adjusted(0, 0, -1, -1));
    painter.setPen(text);
    x -= loWidth + 4;
    painter.drawText(QRect(x, l.legend.top(), loWidth, l.legend.height()), Qt::AlignVCenter | Qt::AlignRight, lo);
    x -= capWidth + 8;
    painter.drawText(QRect(x, l.legend.top(), capWidth, l.legend.height()), Qt::AlignVCenter | Qt::AlignRight, caption);
}

void LayerHeatmap::paintLabels(QPainter& painter, const Layout& l) const
{
    const QColor text = palette().color(QPalette::Text);
    const double rowHeight = l.plot.height() / static_cast<double>(rowCount());
    const QFontMetrics metrics(painter.font());
    const int textRight = l.labels.right() - kStrip - 4;
    const int textWidth = textRight - l.labels.left();
    double lastBottom = -1e9;
    for (int r = 0; r < rowCount(); ++r) {
        const HeatmapRow& row = m_rows[static_cast<std::size_t>(r)];
        const double top = l.plot.top() + r * rowHeight;
        // Group colour strip, always; names where they fit without overlapping.
        painter.fillRect(QRectF(l.labels.right() - kStrip, top, kStrip, rowHeight + 0.5),
                         categoryColor(groupCategory(row.group), palette()));
        const double centre = top + rowHeight / 2;
        if (centre - metrics.height() / 2.0 < lastBottom)
            continue;
        lastBottom = centre + metrics.height() / 2.0;
        painter.setPen(r == m_selected ? palette().color(QPalette::Highlight) : text);
        const QString name = metrics.elidedText(row.name, Qt::ElideLeft, textWidth);
        painter.drawText(QRectF(l.labels.left(), centre - metrics.height() / 2.0, textWidth, metrics.height()),
                         Qt::AlignRight | Qt::AlignVCenter, name);
    }
}

void LayerHeatmap::paintGrid(QPainter& painter, const Layout& l) const
{
    painter.save();
    painter.setRenderHint(QPainter::SmoothPixmapTransform, false);
    painter.drawImage(QRectF(l.plot), m_image, QRectF(0, 0, m_bins, rowCount()));
    const double rowHeight = l.plot.height() / static_cast<double>(rowCount());
    // Group boundaries and the prefill column, in the base colour so they read as gaps.
    painter.setPen(QPen(palette().color(QPalette::Base), 2));
    for (int r = 1; r < rowCount(); ++r) {
        if (m_rows[static_cast<std::size_t>(r)].group != m_rows[static_cast<std::size_t>(r - 1)].group) {
            const double y = l.plot.top() + r * rowHeight;
            painter.drawLine(QPointF(l.plot.left(), y), QPointF(l.plot.right() + 1, y));
        }
    }
    if (m_bins > 1) {
        const double x = l.plot.left() + l.plot.width() / static_cast<double>(m_bins);
        painter.setPen(QPen(palette().color(QPalette::Base), 1));
        painter.drawLine(QPointF(x, l.plot.top()), QPointF(x, l.plot.bottom() + 1));
    }
    if (m_selected >= 0) {
        painter.setPen(QPen(palette().color(QPalette::Highlight), 2));
        painter.setBrush(Qt::NoBrush);
        painter.drawRect(QRectF(l.plot.left() - 1, l.plot.top() + m_selected * rowHeight - 1, l.plot.width() + 2,
                                std::max(2.0, rowHeight) + 2));
    }
    painter.restore();
}

void LayerHeatmap::paintAxis(QPainter& painter, const Layout& l) const
{
    const QColor text = palette().color(QPalette::Text);
    const QFontMetrics metrics(painter.font());
    painter.setPen(palette().color(QPalette::Mid));
    painter.drawLine(l.plot.bottomLeft() + QPoint(0, 1), l.plot.bottomRight() + QPoint(1, 1));
    const int columns = columnCount();
    const int interval = std::max(1, static_cast<int>(niceTickInterval(columns, std::max(2, l.plot.width() / 70))));
    double lastRight = -1e9;
    for (int c = 0; c < columns; c += interval) {
        const double x = columnX(c, l.plot);
        const QString label = QString::number(m_stepNumbers[static_cast<std::size_t>(c)]);
        const double w = metrics.horizontalAdvance(label);
        // Centred under the tick, but never past the grid's right end.
        const double textX = std::min(x, l.plot.right() + 2 - w / 2);
        if (textX - w / 2 < lastRight + 6)
            continue;
        lastRight = textX + w / 2;
        painter.setPen(palette().color(QPalette::Mid));
        painter.drawLine(QPointF(x, l.plot.bottom() + 1), QPointF(x, l.plot.bottom() + 5));
        painter.setPen(text);
        painter.drawText(QRectF(textX - w / 2 - 2, l.plot.bottom() + 5, w + 4, metrics.height()), Qt::AlignCenter,
                         label);
    }
    painter.drawText(QRect(l.axis.left(), l.plot.bottom() + 5 + metrics.height(), l.axis.width(), metrics.height() + 4),
                     Qt::AlignCenter, tr("step (0 = image + prefill, i = token i)"));
}

void LayerHeatmap::paintDetail(QPainter& painter, const Layout& l) const
{
    const std::size_t rows = m_rows.size();
    const std::size_t row = static_cast<std::size_t>(m_selected);
    const int columns = columnCount();
    const QColor text = palette().color(QPalette::Text);
    const QColor line = runColor(0, palette());
    const QFontMetrics metrics(painter.font());
    // Same rule as the colour scale: decode steps set the range, step 0 may be clipped.
    const int from = columns > 1 ? 1 : 0;
    double top = 0;
    for (int c = from; c < columns; ++c)
        top = std::max(top, static_cast<double>(m_values[static_cast<std::size_t>(c) * rows + row]));
    top = top > 0 ? paddedMax(top, 1.05) : 1.0;
    const QRectF plot = QRectF(l.detail).adjusted(0, metrics.height() / 2.0, 0, 0);
    painter.fillRect(l.detail, palette().color(QPalette::AlternateBase));
    painter.setPen(palette().color(QPalette::Mid));
    painter.drawRect(QRectF(l.detail).adjusted(0, 0, -1, -1));

    // min/max per drawn bin, then the max as a line: spikes survive the decimation.
    const double binWidth = plot.width() / std::max(1, m_bins);
    QPolygonF maxLine;
    painter.save();
    painter.setClipRect(l.detail);
    QColor band = line;
    band.setAlpha(70);
    for (int b = 0; b < m_bins; ++b) {
        const int first = b == 0 ? 0 : 1 + (b - 1) * m_binWidth;
        const int last = b == 0 ? 0 : std::min(columns - 1, first + m_binWidth - 1);
        double lo = 1e300;
        double hi = 0;
        for (int c = first; c <= last; ++c) {
            const double v = m_values[static_cast<std::size_t>(c) * rows + row];
            lo = std::min(lo, v);
            hi = std::max(hi, v);
        }
        const double x = plot.left() + (b + 0.5) * binWidth;
        auto y = [&](double v) { return plot.bottom() - std::min(v / top, 1.02) * (plot.height() - 2); };
        if (hi > lo)
            painter.fillRect(QRectF(x - binWidth / 2, y(hi), binWidth, y(lo) - y(hi)), band);
        maxLine << QPointF(x, y(hi));
    }
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(QPen(line, 1.6));
    painter.drawPolyline(maxLine);
    painter.restore();

    painter.setPen(text);
    const QRect labels = l.detailLabels.adjusted(0, 0, -kStrip, 0);
    painter.drawText(labels, Qt::AlignRight | Qt::AlignTop,
                     metrics.elidedText(rowName(m_selected), Qt::ElideLeft, labels.width()));
    painter.drawText(labels.adjusted(0, metrics.height(), 0, 0), Qt::AlignRight | Qt::AlignTop,
                     tr("scale 0 – %1").arg(formatDurationNs(top)));
    const double prefill = m_values[row];
    if (columns > 1 && prefill > top)
        painter.drawText(labels.adjusted(0, 2 * metrics.height(), 0, 0), Qt::AlignRight | Qt::AlignTop,
                         tr("step 0: %1").arg(formatDurationNs(prefill)));
}

} // namespace vlmscope
