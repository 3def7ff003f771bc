#include "ui/app_theme.h"

#include <QApplication>
#include <QFileInfo>
#include <QPainter>
#include <QPainterPath>
#include <QPalette>
#include <QProcess>
#include <QStandardPaths>
#include <QStyle>
#include <QStyleFactory>

#include <optional>

namespace vlmscope {

namespace {

std::optional<QPalette>& platformPalette()
{
    static std::optional<QPalette> palette;
    return palette;
}

bool g_dark = false;

QPalette darkPalette()
{
    QPalette p;
    const QColor window(0x2b, 0x2d, 0x31);
    const QColor base(0x1f, 0x21, 0x24);
    const QColor text(0xe6, 0xe6, 0xe6);
    const QColor disabled(0x86, 0x88, 0x8c);
    const QColor highlight(0x3d, 0x8e, 0xe6);
    p.setColor(QPalette::Window, window);
    p.setColor(QPalette::WindowText, text);
    p.setColor(QPalette::Base, base);
    p.setColor(QPalette::AlternateBase, QColor(0x27, 0x29, 0x2d));
    p.setColor(QPalette::ToolTipBase, QColor(0x3a, 0x3c, 0x40));
    p.setColor(QPalette::ToolTipText, text);
    p.setColor(QPalette::PlaceholderText, disabled);
    p.setColor(QPalette::Text, text);
    p.setColor(QPalette::Button, QColor(0x35, 0x37, 0x3b));
    p.setColor(QPalette::ButtonText, text);
    p.setColor(QPalette::BrightText, QColor(0xff, 0x6b, 0x6b));
    p.setColor(QPalette::Light, QColor(0x45, 0x47, 0x4b));
    p.setColor(QPalette::Midlight, QColor(0x3a, 0x3c, 0x40));
    p.setColor(QPalette::Mid, QColor(0x25, 0x27, 0x2a));
    p.setColor(QPalette::Dark, QColor(0x1a, 0x1b, 0x1e));
    p.setColor(QPalette::Shadow, QColor(0x10, 0x10, 0x12));
    p.setColor(QPalette::Highlight, highlight);
    p.setColor(QPalette::HighlightedText, Qt::white);
    p.setColor(QPalette::Link, QColor(0x6c, 0xb4, 0xff));
    p.setColor(QPalette::LinkVisited, QColor(0xb0, 0x8c, 0xff));
    for (QPalette::ColorRole role : {QPalette::WindowText, QPalette::Text, QPalette::ButtonText})
        p.setColor(QPalette::Disabled, role, disabled);
    p.setColor(QPalette::Disabled, QPalette::Highlight, QColor(0x50, 0x52, 0x56));
    return p;
}

bool gnomePrefersDark()
{
    const QString gsettings = QStandardPaths::findExecutable(QStringLiteral("gsettings"));
    if (gsettings.isEmpty() || qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"))
        return false;
    QProcess process;
    process.start(gsettings, {QStringLiteral("get"), QStringLiteral("org.gnome.desktop.interface"),
                              QStringLiteral("color-scheme")});
    if (!process.waitForFinished(500)) {
        process.kill();
        process.waitForFinished(100);
        return false;
    }
    return QString::fromUtf8(process.readAllStandardOutput()).contains(QLatin1String("dark"));
}

} // namespace

QString themeChoiceName(ThemeChoice choice)
{
    switch (choice) {
    case ThemeChoice::Light: return QStringLiteral("light");
    case ThemeChoice::Dark: return QStringLiteral("dark");
    default: return QStringLiteral("system");
    }
}

ThemeChoice parseThemeChoice(const QString& name)
{
    if (name == QLatin1String("light"))
        return ThemeChoice::Light;
    if (name == QLatin1String("dark"))
        return ThemeChoice::Dark;
    return ThemeChoice::System;
}

bool systemPrefersDark()
{
    const QString forced = qEnvironmentVariable("VLMSCOPE_THEME").toLower();
    if (forced == QLatin1String("dark") || forced == QLatin1String("light"))
        return forced == QLatin1String("dark");
    const QPalette palette = platformPalette() ? *platformPalette() : QGuiApplication::palette();
    if (palette.color(QPalette::Window).lightness() < 128)
        return true;
    if (qEnvironmentVariable("GTK_THEME").contains(QLatin1String("dark"), Qt::CaseInsensitive))
        return true;
    return gnomePrefersDark();
}

void applyTheme(ThemeChoice choice)
{
    if (!platformPalette())
        platformPalette() = QGuiApplication::palette();
    g_dark = choice == ThemeChoice::Dark || (choice == ThemeChoice::System && systemPrefersDark());
    if (QStyle* fusion = QStyleFactory::create(QStringLiteral("Fusion")))
        QApplication::setStyle(fusion);
    if (g_dark) {
        QApplication::setPalette(darkPalette());
    } else {
        QPalette light = *platformPalette();
        if (light.color(QPalette::Window).lightness() < 128) // a dark platform palette, light asked for
            light = QApplication::style()->standardPalette();
        QApplication::setPalette(light);
    }
}

bool isDarkTheme() { return g_dark; }

QIcon appIcon()
{
    QIcon icon;
    for (int size : {16, 24, 32, 48, 64, 128, 256}) {
        QPixmap pixmap(size, size);
        pixmap.fill(Qt::transparent);
        QPainter p(&pixmap);
        p.setRenderHint(QPainter::Antialiasing);
        const qreal s = size;
        QLinearGradient background(0, 0, 0, s);
        background.setColorAt(0, QColor(0x2b, 0x5f, 0xb8));
        background.setColorAt(1, QColor(0x17, 0x2f, 0x63));
        p.setPen(Qt::NoPen);
        p.setBrush(background);
        p.drawRoundedRect(QRectF(0.5, 0.5, s - 1, s - 1), s * 0.18, s * 0.18);
        // Token bars rising like a throughput chart.
        const qreal barWidth = s * 0.11;
        const qreal heights[] = {0.22, 0.36, 0.30, 0.50, 0.44};
        p.setBrush(QColor(0x8f, 0xd3, 0xff));
        for (int i = 0; i < 5; ++i) {
            const qreal h = heights[i] * s;
            p.drawRect(QRectF(s * 0.14 + i * barWidth * 1.25, s * 0.82 - h, barWidth, h));
        }
        // The scope: a lens over the bars.
        QPen ring(QColor(0xff, 0xc8, 0x57), std::max<qreal>(1.5, s * 0.07));
        ring.setCapStyle(Qt::RoundCap);
        p.setPen(ring);
        p.setBrush(Qt::NoBrush);
        const QPointF centre(s * 0.60, s * 0.40);
        const qreal radius = s * 0.19;
        p.drawEllipse(centre, radius, radius);
        p.drawLine(centre + QPointF(radius * 0.72, radius * 0.72), QPointF(s * 0.88, s * 0.88));
        p.end();
        icon.addPixmap(pixmap);
    }
    return icon;
}

} // namespace vlmscope
