// y = W x for one activation row: the product every decode step makes 121 times (4 stacked
// projections in each of 30 blocks, and the head).
//
// Decode multiplies each weight matrix by a single row, so it is bound by the bytes it
// reads, and LibTorch 1.13 leaves bandwidth on the table: at::mv on float32 goes through
// OpenBLAS sgemv (measured at about half of this machine's read bandwidth), at::mv on
// bfloat16 is a scalar loop, and the oneDNN GEMM costs as much for one row as for many.
// These kernels stream each matrix once, four rows at a time against one load of x, and
// widen bf16 to float32 in registers (exact: bf16 is the top half of a float32), so a
// bf16 step reads half the bytes of float32. Products accumulate in float32.
#pragma once

#include <torch/torch.h>

#include <optional>

namespace vlmscope {

// weight [N, K] float32 or bfloat16, contiguous; x [K] or [1, K] -> [N] or [1, N] float32.
// Rows are split over LibTorch's intra-op threads.
torch::Tensor matVec(const torch::Tensor& weight, const torch::Tensor& x);

// y = diag(rowScales) (W x) for int8 weights (kChar, or kQInt8 whose integers are used as
// they are), the decode product of int8 mode: the integers widen to float32 in registers and
// accumulate in float32, so only the weights are quantised, not x. rowScales float32 [N].
torch::Tensor matVec(const torch::Tensor& weight, const torch::Tensor& rowScales, const torch::Tensor& x);

enum class MatVecIsa { Scalar, Avx2, Avx512 };

// The instruction set matVec uses on this CPU.
MatVecIsa matVecIsa();
const char* matVecIsaName(MatVecIsa isa);

// Instruction sets this CPU can run, best last (tests compare every one).
std::vector<MatVecIsa> supportedMatVecIsas();

// Forces an instruction set (tests, benchmarks); nullopt returns to the best supported.
// An unsupported choice is rejected with c10::Error.
void setMatVecIsa(std::optional<MatVecIsa> isa);

// Work below this many weight elements stays on one thread: a fork/join costs
// microseconds and a decode step makes 121 calls. Exposed for the benchmark.
std::int64_t matVecGrainElements();
void setMatVecGrainElements(std::int64_t elements);

} // namespace vlmscope
