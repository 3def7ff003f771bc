#include "ui/charts/chart_style.h"

#include <QBuffer>
#include <QCoreApplication>
#include <QFileInfo>
#include <QGraphicsLayout>
#include <QGraphicsScene>
#include <QPainter>
#include <QSaveFile>
#include <QSvgGenerator>
#include <QtCharts/QAbstractAxis>
#include <QtCharts/QChart>
#include <QtCharts/QLegend>
#include <QtCharts/QValueAxis>

#include <algorithm>
#include <array>
#include <cmath>

namespace vlmscope {

namespace {

// Okabe-Ito: distinguishable with the common colour-vision deficiencies.
constexpr std::array<QRgb, 8> kRunLight = {0xff0072b2, 0xffd55e00, 0xff009e73, 0xffcc79a7,
                                           0xffb8860b, 0xff56b4e9, 0xff6a3d9a, 0xff555555};
constexpr std::array<QRgb, 8> kRunDark = {0xff56b4e9, 0xffe69f00, 0xff2ecc9a, 0xffe495c4,
                                          0xfff0e442, 0xffff7f50, 0xffb39ddb, 0xffcccccc};

constexpr std::array<QRgb, kCategoryCount> kCategoryLight = {0xff0072b2, 0xff6a3d9a, 0xffd55e00, 0xff009e73,
                                                             0xffb8860b, 0xffcc79a7, 0xff56b4e9, 0xff8c8c8c};
constexpr std::array<QRgb, kCategoryCount> kCategoryDark = {0xff56b4e9, 0xffb39ddb, 0xffff7f50, 0xff2ecc9a,
                                                            0xfff0e442, 0xffe495c4, 0xff8fd3ff, 0xffaaaaaa};

constexpr std::array<const char*, kCategoryCount> kCategoryLabels = {
    "vision encoder", "projector", "attention", "ffn", "norm", "embedding", "lm head", "other"};

} // namespace

bool isDarkPalette(const QPalette& palette)
{
    return palette.color(QPalette::Base).lightnessF() < 0.5;
}

QColor runColor(int runIndex, const QPalette& palette)
{
    const auto& colours = isDarkPalette(palette) ? kRunDark : kRunLight;
    const std::size_t i = static_cast<std::size_t>(std::max(runIndex, 0)) % colours.size();
    return QColor::fromRgb(colours[i]);
}

QColor categoryColor(ScopeCategory category, const QPalette& palette)
{
    const auto& colours = isDarkPalette(palette) ? kCategoryDark : kCategoryLight;
    return QColor::fromRgb(colours[static_cast<std::size_t>(category)]);
}

QString categoryLabel(ScopeCategory category)
{
    return QString::fromLatin1(kCategoryLabels[static_cast<std::size_t>(category)]);
}

QColor markerColor(int index, const QPalette& palette)
{
    // Muted tones: phase bands and reference lines must not compete with the data.
    static constexpr std::array<QRgb, 4> light = {0xff7f7f7f, 0xffa0522d, 0xff2e8b57, 0xff8b008b};
    static constexpr std::array<QRgb, 4> dark = {0xffb0b0b0, 0xffe0a070, 0xff70d0a0, 0xffd080d0};
    const auto& colours = isDarkPalette(palette) ? dark : light;
    return QColor::fromRgb(colours[static_cast<std::size_t>(std::max(index, 0)) % colours.size()]);
}

QRgb heatColor(double t)
{
    static constexpr std::array<QRgb, 9> stops = {0xff440154, 0xff482878, 0xff3b528b, 0xff2c728e, 0xff21918c,
                                                  0xff28ae80, 0xff5ec962, 0xffaddc30, 0xfffde725};
    static const std::array<QRgb, 256> table = [] {
        std::array<QRgb, 256> lut{};
        for (std::size_t i = 0; i < lut.size(); ++i) {
            const double x = static_cast<double>(i) / 255.0 * (stops.size() - 1);
            const std::size_t k = std::min<std::size_t>(static_cast<std::size_t>(x), stops.size() - 2);
            const double f = x - static_cast<double>(k);
            auto mix = [f](int a, int b) { return static_cast<int>(std::lround(a + (b - a) * f)); };
            lut[i] = qRgb(mix(qRed(stops[k]), qRed(stops[k + 1])), mix(qGreen(stops[k]), qGreen(stops[k + 1])),
                          mix(qBlue(stops[k]), qBlue(stops[k + 1])));
        }
        return lut;
    }();
    if (!(t > 0))
        return table.front();
    if (t >= 1)
        return table.back();
    return table[static_cast<std::size_t>(t * 255.0 + 0.5)];
}

QString formatDurationNs(double ns)
{
    const double a = std::abs(ns);
    if (a < 1e3)
        return QStringLiteral("%1 ns").arg(ns, 0, 'f', 0);
    if (a < 1e6)
        return QStringLiteral("%1 µs").arg(ns / 1e3, 0, 'f', a < 1e4 ? 2 : 1);
    if (a < 1e9)
        return QStringLiteral("%1 ms").arg(ns / 1e6, 0, 'f', a < 1e7 ? 2 : 1);
    return QStringLiteral("%1 s").arg(ns / 1e9, 0, 'f', 2);
}

QString formatMiB(double mib)
{
    return QStringLiteral("%1 MiB").arg(mib, 0, 'f', 1);
}

double niceCeil(double value)
{
    if (!(value > 0) || !std::isfinite(value))
        return 1;
    const double exponent = std::floor(std::log10(value));
    const double base = std::pow(10.0, exponent);
    for (double step : {1.0, 2.0, 2.5, 5.0, 10.0}) {
        if (step * base >= value * (1 - 1e-12))
            return step * base;
    }
    return 10 * base;
}

double grownMax(double currentMax, double needed, double headroom)
{
    if (needed <= currentMax && currentMax > 0)
        return currentMax;
    // A finer ladder than niceCeil's, so the headroom stays near `headroom`.
    const double value = needed * headroom;
    if (!(value > 0) || !std::isfinite(value))
        return 1;
    const double base = std::pow(10.0, std::floor(std::log10(value)));
    for (double step : {1.0, 1.2, 1.5, 2.0, 2.5, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0}) {
        if (step * base >= value * (1 - 1e-12))
            return step * base;
    }
    return 10 * base;
}

double niceTickInterval(double span, int targetTicks)
{
    if (!(span > 0) || targetTicks < 1)
        return 1;
    const double raw = span / targetTicks;
    const double exponent = std::floor(std::log10(raw));
    const double base = std::pow(10.0, exponent);
    for (double step : {1.0, 2.0, 5.0, 10.0}) {
        if (step * base >= raw)
            return step * base;
    }
    return 10 * base;
}

double paddedMax(double value, double headroom)
{
    if (!(value > 0) || !std::isfinite(value))
        return 1;
    const double padded = value * headroom;
    const double tick = niceTickInterval(padded, 6);
    return std::ceil(padded / tick - 1e-9) * tick;
}

void setAxisRange(QValueAxis* axis, double min, double max, int ticks, double minInterval)
{
    if (!(max > min))
        max = min + 1;
    const double interval = std::max(niceTickInterval(max - min, ticks), minInterval);
    axis->setTickType(QValueAxis::TicksDynamic);
    axis->setTickAnchor(0);
    axis->setTickInterval(interval);
    axis->setRange(min, max);
    const int decimals = std::clamp(static_cast<int>(-std::floor(std::log10(interval) + 1e-9)), 0, 9);
    axis->setLabelFormat(QStringLiteral("%.%1f").arg(decimals));
}

void styleChart(QChart* chart, const QPalette& palette)
{
    const QColor base = palette.color(QPalette::Base);
    const QColor text = palette.color(QPalette::Text);
    QColor grid = palette.color(QPalette::Mid);
    grid.setAlpha(110);
    chart->setBackgroundBrush(base);
    chart->setBackgroundPen(Qt::NoPen);
    chart->setBackgroundRoundness(0);
    chart->setTitleBrush(text);
    chart->legend()->setLabelColor(text);
    for (QAbstractAxis* axis : chart->axes()) {
        axis->setLabelsBrush(text);
        axis->setTitleBrush(text);
        axis->setLinePenColor(palette.color(QPalette::Mid));
        axis->setGridLineColor(grid);
        axis->setShadesVisible(false);
    }
}

QImage renderImage(QSize size, const QColor& background, const ExportPainter& paint)
{
    QImage image(size, QImage::Format_ARGB32_Premultiplied);
    image.fill(background);
    QPainter painter(&image);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setRenderHint(QPainter::TextAntialiasing);
    paint(painter, QRect(QPoint(0, 0), size));
    return image;
}

namespace {

QByteArray renderSvg(QSize size, const QColor& background, const ExportPainter& paint, const QString& title)
{
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    QSvgGenerator generator;
    generator.setOutputDevice(&buffer);
    generator.setSize(size);
    generator.setResolution(96); // the size in the file then matches `size` in pixels
    generator.setViewBox(QRect(QPoint(0, 0), size));
    generator.setTitle(title);
    generator.setDescription(QStringLiteral("vlmscope chart"));
    QPainter painter(&generator);
    painter.fillRect(QRect(QPoint(0, 0), size), background);
    painter.setRenderHint(QPainter::Antialiasing);
    paint(painter, QRect(QPoint(0, 0), size));
    painter.end();
    return buffer.data();
}

} // namespace

bool exportImage(const QString& path, QSize size, const QColor& background, const ExportPainter& paint, QString* error)
{
    auto fail = [&](const QString& why) {
        if (error)
            *error = QStringLiteral("%1: %2").arg(path, why);
        return false;
    };
    if (path.isEmpty())
        return fail(QStringLiteral("no file name given"));
    if (size.width() < 1 || size.height() < 1 || size.width() > 16384 || size.height() > 16384)
        return fail(QStringLiteral("image size %1x%2 is outside 1..16384").arg(size.width()).arg(size.height()));
    const bool svg = QFileInfo(path).suffix().compare(QStringLiteral("svg"), Qt::CaseInsensitive) == 0;
    QByteArray bytes;
    if (svg) {
        bytes = renderSvg(size, background, paint, QFileInfo(path).completeBaseName());
    } else {
        QBuffer buffer(&bytes);
        buffer.open(QIODevice::WriteOnly);
        if (!renderImage(size, background, paint).save(&buffer, "PNG"))
            return fail(QStringLiteral("could not encode the PNG image"));
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return fail(file.errorString());
    if (file.write(bytes) != bytes.size())
        return fail(file.errorString());
    if (!file.commit())
        return fail(file.errorString());
    return true;
}

void renderChartAt(QChart* chart, QPainter& painter, const QRect& target)
{
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    const QSizeF old = chart->size();
    chart->resize(target.size());
    chart->layout()->activate();
    chart->scene()->render(&painter, target, QRectF(chart->pos(), QSizeF(target.size())));
    chart->resize(old);
    chart->layout()->activate();
}

ValueAxes resetToValueAxes(QChart* chart, const QString& title, const QString& xTitle, const QString& yTitle)
{
    chart->removeAllSeries();
    for (QAbstractAxis* axis : chart->axes()) {
        chart->removeAxis(axis);
        delete axis;
    }
    chart->setTitle(title);
    ValueAxes axes{new QValueAxis, new QValueAxis};
    axes.x->setTitleText(xTitle);
    axes.y->setTitleText(yTitle);
    axes.x->setLabelFormat("%g");
    axes.y->setLabelFormat("%g");
    chart->addAxis(axes.x, Qt::AlignBottom);
    chart->addAxis(axes.y, Qt::AlignLeft);
    return axes;
}

} // namespace vlmscope
