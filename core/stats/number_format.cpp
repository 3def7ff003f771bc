#include "core/stats/number_format.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace vlmscope {

std::string formatFigure(double value)
{
    if (!std::isfinite(value))
        return "n/a";
    char text[64];
    const double magnitude = std::fabs(value);
    if (magnitude >= 1e9 || (magnitude != 0 && magnitude < 1e-6)) {
        std::snprintf(text, sizeof text, "%.3g", value);
        return text;
    }
    const int exponent = magnitude == 0 ? 0 : static_cast<int>(std::floor(std::log10(magnitude)));
    const int decimals = std::clamp(2 - exponent, 0, 8);
    std::snprintf(text, sizeof text, "%.*f", decimals, value);
    return text;
}

std::string formatShort(double value)
{
    if (!std::isfinite(value))
        return "n/a";
    char text[64];
    std::snprintf(text, sizeof text, "%.3g", value);
    return text;
}

std::string formatPercent(double pct)
{
    if (!std::isfinite(pct))
        return "n/a";
    char text[64];
    // Keeps "-0.0%" from appearing for tiny negative changes.
    const double shown = std::fabs(pct) < 0.05 ? 0.0 : pct;
    std::snprintf(text, sizeof text, "%+.1f%%", shown);
    return text;
}

std::string formatPValue(double p)
{
    if (std::isnan(p))
        return "n/a";
    if (p < 0.001)
        return "< 0.001";
    char text[32];
    std::snprintf(text, sizeof text, "%.2g", std::min(p, 1.0));
    return text;
}

} // namespace vlmscope
