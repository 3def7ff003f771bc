// Number and field formatting shared by the text report and the consolidated .log:
// locale-independent, and "n/a" for undefined figures so no "nan" or "inf" reaches a text file.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vlmscope {

inline constexpr const char* kNotAvailable = "n/a";
inline constexpr double kBytesPerMb = 1024.0 * 1024.0; // the original tool's "MB"

// `value` with `decimals` digits after the point ("12.35"); "n/a" when empty or not finite.
std::string formatFixed(double value, int decimals);
std::string formatFixed(const std::optional<double>& value, int decimals);

// Seconds as milliseconds ("273.100"); "n/a" when empty.
std::string formatMs(const std::optional<double>& seconds, int decimals = 3);

// Bytes as the original's MB (2^20 bytes) with `decimals` digits; "n/a" when empty.
std::string formatMb(const std::optional<double>& bytes, int decimals = 2);

// One line of text: control characters (newlines included) become escapes like "\n" and
// at most `maxBytes` bytes are kept, so a prompt can never break the line-based format.
std::string singleLine(std::string_view text, std::size_t maxBytes = 4096);

// Rounds non-negative shares to integers that add up to exactly `total` (largest
// remainder), so printed percentages sum to 100.0. All zeros when the shares sum to 0.
std::vector<int> roundToTotal(const std::vector<double>& shares, int total);

// An ISO 8601 time as "yyyy-MM-dd HH:mm:ss UTC" (the original's date shape); the input
// itself, made single-line, when it is not a valid date.
std::string formatLogDate(const std::string& iso8601);

} // namespace vlmscope
