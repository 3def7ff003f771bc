#include "core/model/weight_precision.h"

namespace vlmscope {

const char* precisionName(WeightPrecision precision)
{
    switch (precision) {
    case WeightPrecision::Float32: return "float32";
    case WeightPrecision::BFloat16: return "bfloat16";
    }
    return "float32";
}

std::optional<WeightPrecision> parsePrecision(std::string_view text)
{
    if (text == "float32" || text == "fp32" || text == "f32")
        return WeightPrecision::Float32;
    if (text == "bfloat16" || text == "bf16")
        return WeightPrecision::BFloat16;
    return std::nullopt;
}

} // namespace vlmscope
