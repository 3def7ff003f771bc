// The numeric format the model's matrices are kept and multiplied in. Float32 is the
// default and the only format that matches the reference vectors; bfloat16 halves the bytes
// every decode step reads and runs the vision encoder and prefill on the CPU's bf16 units;
// int8 quarters the linear layers' bytes and runs them on the CPU's int8 dot products.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace vlmscope {

enum class WeightPrecision {
    Float32,
    // Matrices (linear layers, token embedding / head) in bfloat16, products accumulated in
    // float32. Many-row products (vision encoder and its attention, prefill) take bf16
    // inputs on oneDNN; decode's one-row products keep float32 activations; norms, biases,
    // softmax, the decoder's attention and the KV cache stay float32.
    BFloat16,
    // int8 linear layers: int8 weights with a scale per output channel. Many-row products
    // (vision, prefill) are dynamically quantised (int8_linear.h: activations quantised per
    // tensor at run time, int32 accumulation on oneDNN); decode's one-row products widen the
    // weights in registers against float32 activations (matvec.h). Vision attention
    // products, token embedding and head in bfloat16, as in BFloat16 mode; the decoder's
    // attention, norms, biases, softmax and the KV cache float32.
    Int8,
};

// "float32", "bfloat16" or "int8": the names run records, logs and reports use.
const char* precisionName(WeightPrecision precision);

// What reduced precision means for the numbers, for reports and help texts (empty for
// float32).
const char* precisionDescription(WeightPrecision precision);

// Accepts the canonical names and the usual short forms (fp32, f32, bf16, qint8); empty on
// others.
std::optional<WeightPrecision> parsePrecision(std::string_view text);

} // namespace vlmscope
