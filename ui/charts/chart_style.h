// What every dashboard chart shares: the palette (a colour per run, per category, per
// memory source; readable on light and dark QPalettes), number formatting for axes and
// tooltips, "nice" axis bounds, and the atomic PNG/SVG image export.
#pragma once

#include "core/profiling/scope_table.h"

#include <QColor>
#include <QImage>
#include <QPalette>
#include <QSize>
#include <QString>

#include <cstdint>
#include <functional>

class QChart;
class QValueAxis;
class QPainter;
class QRect;

namespace vlmscope {

inline constexpr QSize kDefaultExportSize{1200, 700};

bool isDarkPalette(const QPalette& palette);

// Run colours are ordered so that the first few differ in hue and lightness (Okabe-Ito
// based), and are lighter on dark palettes.
QColor runColor(int runIndex, const QPalette& palette);
QColor categoryColor(ScopeCategory category, const QPalette& palette);
QString categoryLabel(ScopeCategory category); // "vision encoder", "lm head", ...
// Foreground for lines the user should notice without them hiding data (markers, grids).
QColor markerColor(int index, const QPalette& palette);

// The heatmap colour map (viridis: perceptually uniform, readable in grey, no red/green
// confusion), t in [0, 1].
QRgb heatColor(double t);

// Duration with a unit chosen by size: "850 ns", "12.3 µs", "4.56 ms", "1.23 s".
QString formatDurationNs(double ns);
QString formatMiB(double mib); // "512.3 MiB"

// Smallest 1/2/2.5/5 × 10^k not below `value` (value <= 0 gives 1).
double niceCeil(double value);
// An axis maximum that covers `needed` with headroom, changed only when `needed` leaves
// the current range, so a live axis rescales in a few steps rather than every point.
double grownMax(double currentMax, double needed, double headroom = 1.25);
// A tick interval giving about `targetTicks` ticks over [0, span].
double niceTickInterval(double span, int targetTicks);

// A finished chart's axis end: `value` with a little headroom, rounded up to a tick.
double paddedMax(double value, double headroom = 1.05);
// Sets [min, max] with about `ticks` ticks at round values anchored at 0, at least
// `minInterval` apart (1 for whole seconds or indices).
void setAxisRange(QValueAxis* axis, double min, double max, int ticks = 6, double minInterval = 0);

// Qt Charts take no colours from QPalette; this applies the palette's base, text and mid
// colours to the chart, its axes and its legend.
void styleChart(QChart* chart, const QPalette& palette);

// Draws with `paint` into a `size` image or SVG and writes `path` atomically (QSaveFile):
// ".svg" gives SVG (QSvgGenerator), anything else PNG. Returns false and sets `error`
// (naming the path) when the file cannot be written.
using ExportPainter = std::function<void(QPainter& painter, const QRect& target)>;
bool exportImage(const QString& path, QSize size, const QColor& background, const ExportPainter& paint, QString* error);
QImage renderImage(QSize size, const QColor& background, const ExportPainter& paint);

// Lays `chart` out at the size of `target`, renders its scene there and puts it back. Flushes
// deferred deletes first: Qt Charts deletes replaced series and axes with deleteLater(), and
// an export before the event loop runs would still show them.
void renderChartAt(QChart* chart, QPainter& painter, const QRect& target);

// Clears a chart for a new plot: its series and axes go (removeAxis hands an axis back to
// the caller, so they are deleted here), then the title and a fresh pair of value axes with
// "%g" labels, attached at the bottom and left.
struct ValueAxes {
    QValueAxis* x;
    QValueAxis* y;
};
ValueAxes resetToValueAxes(QChart* chart, const QString& title, const QString& xTitle, const QString& yTitle);

} // namespace vlmscope
