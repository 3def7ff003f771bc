#include "core/io/text_format.h"

#include <QDateTime>
#include <QString>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <numeric>

namespace vlmscope {

std::string formatFixed(double value, int decimals)
{
    if (!std::isfinite(value))
        return kNotAvailable;
    if (value == 0)
        value = 0; // no "-0.00"
    // std::to_chars ignores the C locale, which QCoreApplication sets from the environment.
    char buffer[400];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed, decimals);
    if (result.ec != std::errc())
        return kNotAvailable;
    std::string text(buffer, result.ptr);
    // Rounding a tiny negative value can print "-0.00".
    if (text.size() > 1 && text[0] == '-' && text.find_first_not_of("-0.") == std::string::npos)
        text.erase(0, 1);
    return text;
}

std::string formatFixed(const std::optional<double>& value, int decimals)
{
    return value ? formatFixed(*value, decimals) : kNotAvailable;
}

std::string formatMs(const std::optional<double>& seconds, int decimals)
{
    return seconds ? formatFixed(*seconds * 1000.0, decimals) : kNotAvailable;
}

std::string formatMb(const std::optional<double>& bytes, int decimals)
{
    return bytes ? formatFixed(*bytes / kBytesPerMb, decimals) : kNotAvailable;
}

std::string singleLine(std::string_view text, std::size_t maxBytes)
{
    std::string out;
    out.reserve(std::min(text.size(), maxBytes));
    for (const char c : text) {
        if (out.size() >= maxBytes) {
            // Cut before a partial UTF-8 sequence so the line stays valid text.
            while (!out.empty() && (static_cast<unsigned char>(out.back()) & 0xC0) == 0x80)
                out.pop_back();
            if (!out.empty() && static_cast<unsigned char>(out.back()) >= 0xC0)
                out.pop_back();
            out += "...";
            break;
        }
        const auto byte = static_cast<unsigned char>(c);
        if (c == '\n')
            out += "\\n";
        else if (c == '\r')
            out += "\\r";
        else if (c == '\t')
            out += "\\t";
        else if (byte < 0x20 || byte == 0x7f)
            out += "\\x" + std::string(1, "0123456789abcdef"[byte >> 4]) + "0123456789abcdef"[byte & 15];
        else
            out += c;
    }
    return out;
}

std::vector<int> roundToTotal(const std::vector<double>& shares, int total)
{
    std::vector<int> rounded(shares.size(), 0);
    double sum = 0;
    for (const double s : shares)
        sum += (std::isfinite(s) && s > 0) ? s : 0;
    if (!(sum > 0) || !std::isfinite(sum))
        return rounded;
    std::vector<double> remainder(shares.size(), 0);
    int assigned = 0;
    for (std::size_t i = 0; i < shares.size(); ++i) {
        const double s = (std::isfinite(shares[i]) && shares[i] > 0) ? shares[i] : 0;
        const double exact = s / sum * total;
        rounded[i] = static_cast<int>(std::floor(exact));
        remainder[i] = exact - rounded[i];
        assigned += rounded[i];
    }
    // Hand the units lost to flooring to the largest remainders (earlier index on ties).
    std::vector<std::size_t> order(shares.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return remainder[a] > remainder[b]; });
    for (std::size_t k = 0; assigned < total && k < order.size(); ++k, ++assigned)
        ++rounded[order[k]];
    return rounded;
}

std::string formatLogDate(const std::string& iso8601)
{
    const QString text = QString::fromStdString(iso8601);
    QDateTime time = QDateTime::fromString(text, Qt::ISODateWithMs);
    if (!time.isValid())
        time = QDateTime::fromString(text, Qt::ISODate);
    if (!time.isValid())
        return singleLine(iso8601, 64);
    return time.toUTC().toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")).toStdString() + " UTC";
}

} // namespace vlmscope
