#include "ui/formatting.h"

#include <QLocale>

#include <cmath>

namespace vlmscope {

namespace {

bool usable(std::optional<double> v) { return v && std::isfinite(*v); }

} // namespace

QString notAvailable() { return QStringLiteral("n/a"); }

QString formatSeconds(std::optional<double> seconds)
{
    if (!usable(seconds))
        return notAvailable();
    const double s = *seconds;
    const double a = std::fabs(s);
    if (a >= 100)
        return QStringLiteral("%1 s").arg(s, 0, 'f', 0);
    if (a >= 1)
        return QStringLiteral("%1 s").arg(s, 0, 'f', 2);
    if (a >= 1e-3 || a == 0)
        return QStringLiteral("%1 ms").arg(s * 1e3, 0, 'f', a >= 0.1 ? 0 : (a >= 0.01 ? 1 : 2));
    return QStringLiteral("%1 µs").arg(s * 1e6, 0, 'f', 1);
}

QString formatRate(std::optional<double> tokensPerSecond)
{
    if (!usable(tokensPerSecond))
        return notAvailable();
    const double v = *tokensPerSecond;
    return QStringLiteral("%1 tok/s").arg(v, 0, 'f', std::fabs(v) >= 100 ? 0 : 1);
}

QString formatBytes(std::optional<double> bytes)
{
    if (!usable(bytes))
        return notAvailable();
    const double b = *bytes;
    const double a = std::fabs(b);
    if (a >= 1024.0 * 1024 * 1024)
        return QStringLiteral("%1 GiB").arg(b / (1024.0 * 1024 * 1024), 0, 'f', 2);
    if (a >= 1024.0 * 1024)
        return QStringLiteral("%1 MiB").arg(b / (1024.0 * 1024), 0, 'f', 1);
    if (a >= 1024.0)
        return QStringLiteral("%1 KiB").arg(b / 1024.0, 0, 'f', 1);
    return QStringLiteral("%1 B").arg(b, 0, 'f', 0);
}

QString formatPercent(std::optional<double> percent)
{
    if (!usable(percent))
        return notAvailable();
    return QStringLiteral("%1 %").arg(*percent, 0, 'f', 1);
}

QString formatCount(std::int64_t count)
{
    static const QLocale english(QLocale::English, QLocale::UnitedStates);
    return english.toString(static_cast<qlonglong>(count));
}

} // namespace vlmscope
