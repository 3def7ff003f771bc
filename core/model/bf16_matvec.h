// y = W x for a bfloat16 matrix and a float32 vector, accumulated in float32.
//
// Decode multiplies every weight matrix by one row, so it is bound by the bytes it reads.
// LibTorch 1.13 has no fast path for this: at::mv on bfloat16 is a scalar loop (measured
// 3.5x slower than float32 here) and the oneDNN GEMM path costs as much for one row as for
// many. This kernel streams the matrix once, widening bf16 to float32 in registers (exact:
// bf16 is the top half of a float32), so a step reads half the bytes of float32.
#pragma once

#include <torch/torch.h>

namespace vlmscope {

// weight [N, K] bfloat16, contiguous; x [K] float32 -> [N] float32. Rows are split over
// LibTorch's intra-op threads.
torch::Tensor bf16MatVec(const torch::Tensor& weight, const torch::Tensor& x);

// The instruction set the kernel dispatches to on this CPU: "avx512", "avx2" or "scalar".
const char* bf16MatVecKernel();

} // namespace vlmscope
