// Element-wise steps fused into one pass each, where LibTorch 1.13 spends more on separate
// ops (each a dispatch and a trip through memory) than on the arithmetic.
//
// GELU with the tanh approximation, the vision encoder's MLP activation: LibTorch 1.13
// computes it with Sleef's AVX2 tanh, 8.5 ms of the bf16 TTFT's 110 ms on the 222M shape
// (12 blocks x 196 x 3072 values). Here it is one AVX-512 pass in place, through
// the identity 0.5 (1 + tanh(u)) = 1 / (1 + exp(-2u)), with a Cephes-style exp; it agrees
// with at::gelu to a few float32 ulps.
#pragma once

#include <torch/torch.h>

namespace vlmscope {

// gelu(x, "tanh"); in place when x is a contiguous float32 tensor on an AVX-512 CPU (x is
// returned), otherwise at::gelu's result.
torch::Tensor geluTanhInPlace(torch::Tensor x);

// The decoder's RMSNorm, x * rsqrt(mean(x^2) + eps) * weight over the last dimension, in one
// pass per row: decode normalises 61 single rows a step, six LibTorch ops each. Float32
// arithmetic in the original's order (the square sum in 16 lanes, then exact sqrt and
// division), so results differ from the ATen formula by float32 rounding only. Other
// dtypes and layouts take that formula.
torch::Tensor rmsNorm(const torch::Tensor& x, const torch::Tensor& weight, double eps);

// The decoder MLP's gating, silu(gate) * up, for gateUp [..., 2 I] holding gate and up side by
// side (the packed projection's output) -> [..., I], in one pass instead of three ops and an
// intermediate. Float32 in LibTorch's order (g / (1 + exp(-g)) * u); other dtypes and layouts
// take the ATen ops.
torch::Tensor siluGate(const torch::Tensor& gateUp);

// softmax(scores * scale) over the last dimension, the vision encoder's attention weights
// (12 x 196 x 196 per block on the 222M shape), in one pass per row instead of a product, the
// softmax and, in bf16 mode, a conversion for the next GEMM. Float32 arithmetic in LibTorch's
// order; `outType` float32 or bfloat16 (rounded to nearest even, as c10::BFloat16 does).
// Other dtypes and layouts take the ATen ops.
torch::Tensor scaledSoftmax(const torch::Tensor& scores, double scale, torch::ScalarType outType);

} // namespace vlmscope
