// How the statistics units print figures in messages and reports: values with three
// significant digits ("41.2", "35.0", "0.512"), signed percentages and p-values.
#pragma once

#include <string>

namespace vlmscope {

// At least three significant digits, never in exponent form below 1e9 ("1234", "41.2",
// "0.0123"); "n/a" for NaN or infinity.
std::string formatFigure(double value);

// Up to three significant digits, no trailing zeros: "5", "2.73", "0.5"; for limits and
// settings people typed. "n/a" for NaN or infinity.
std::string formatShort(double value);

// Signed, one decimal: "+3.0%", "-15.0%"; "n/a" for NaN or infinity.
std::string formatPercent(double pct);

// "0.001", "0.046", "0.5"; "< 0.001" below that; "n/a" for NaN.
std::string formatPValue(double p);

} // namespace vlmscope
