// The numeric format the model's matrices are kept and multiplied in. Float32 is the
// default and the only format that matches the reference vectors; bfloat16 halves the bytes
// every decode step reads and runs the vision encoder and prefill on the CPU's bf16 units.
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
};

// "float32" or "bfloat16": the names run records, logs and reports use.
const char* precisionName(WeightPrecision precision);

// Accepts the canonical names and the usual short forms (fp32, f32, bf16); empty on others.
std::optional<WeightPrecision> parsePrecision(std::string_view text);

} // namespace vlmscope
