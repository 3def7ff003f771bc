#include "core/model/weight_precision.h"

namespace vlmscope {

const char* precisionName(WeightPrecision precision)
{
    switch (precision) {
    case WeightPrecision::Float32: return "float32";
    case WeightPrecision::BFloat16: return "bfloat16";
    case WeightPrecision::Int8: return "int8";
    }
    return "float32";
}

const char* precisionDescription(WeightPrecision precision)
{
    switch (precision) {
    case WeightPrecision::Float32: return "";
    case WeightPrecision::BFloat16:
        return "bfloat16 weight matrices (float32 accumulation, bf16 GEMM inputs in vision and prefill)";
    case WeightPrecision::Int8:
        return "int8 linear layers (int8 weights per output channel; activations quantised per tensor at run time "
               "in vision and prefill, float32 in decode's one-row products); vision attention products, token "
               "embedding and head in bfloat16";
    }
    return "";
}

std::optional<WeightPrecision> parsePrecision(std::string_view text)
{
    if (text == "float32" || text == "fp32" || text == "f32")
        return WeightPrecision::Float32;
    if (text == "bfloat16" || text == "bf16")
        return WeightPrecision::BFloat16;
    if (text == "int8" || text == "qint8")
        return WeightPrecision::Int8;
    return std::nullopt;
}

} // namespace vlmscope
