// int8 dynamic quantisation of linear layers, the scheme of PyTorch's quantize_dynamic, on
// LibTorch's oneDNN quantised engine (Debian's LibTorch has no FBGEMM; its QNNPACK engine
// measured 10-25x slower than oneDNN on the vision shapes here).
//
// Weights: int8, symmetric, one scale per output channel (max |w| of the row / 127), so a
// row's largest weight is exact. Activations: quantised to uint8 per call, per tensor, from
// their run-time min/max; int32 accumulation; bias and scales applied in float32. On CPUs
// without VNNI the activations get 7 bits (reduce_range), so the 16-bit intermediate sums of
// vpmaddubsw cannot saturate; with VNNI they keep all 8.
#pragma once

#include <ATen/native/quantized/PackedParams.h>
#include <torch/torch.h>

namespace vlmscope {

using Int8Packed = c10::intrusive_ptr<LinearPackedParamsBase>;

// Whether this LibTorch has the oneDNN quantised engine int8 mode needs.
bool int8Supported();

// Quantises weight [out, in] (float32 or bfloat16) per output channel and packs it with the
// float32 bias (may be undefined) for int8Linear. Throws c10::Error without int8Supported().
Int8Packed packInt8(const torch::Tensor& weight, const torch::Tensor& bias);

// The int8 weight a pack holds (a quantised tensor sharing its storage).
torch::Tensor int8Weight(const Int8Packed& packed);

// y = x W^T + b for x [..., in] float32 -> [..., out] float32.
torch::Tensor int8Linear(const torch::Tensor& x, const Int8Packed& packed);

} // namespace vlmscope
