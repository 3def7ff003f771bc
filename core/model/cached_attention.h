// Attention of the new tokens over the KV cache, fused into a single pass per block: RoPE on
// their queries and keys, keys and values written where they belong, scores, causal softmax
// and the weighted sum of values, in registers and the block's cache.
//
// In LibTorch ops this is about 35 small calls per block (RoPE's narrow/neg/cat/mul/add for
// query and key, the cache writes, the grouped views, two bmm through the BLAS, the scaling,
// the mask, the softmax). A decode step makes over a thousand of them, 1.5-2 ms of an 11 ms
// step on the 222M shape, more than the arithmetic they do; in prefill the BLAS's threaded
// small bmm alone took 5.6 ms.
#pragma once

#include <torch/torch.h>

namespace vlmscope {

// Whether cachedAttention runs here for heads of this size: an AVX-512 CPU and a head size
// that is a multiple of 16. Otherwise the caller keeps LibTorch's ops.
bool cachedAttentionSupported(std::int64_t headDim);

// Attention of T new tokens at positions start .. start + T - 1 (T = 1 in a decode step, the
// prompt in prefill), each over the cache up to its own position; grouped-query (query head h
// reads KV head h / (heads / kvHeads)). The LibTorch formula
//   softmax(rope(q) rope(k)^T / sqrt(d) + causal mask) v
// in float32 with a different summation order:
//   qkv     [T, (heads + 2 kvHeads) d]   the query, key and value projections side by side;
//   cos/sin [T, d]                       the RoPE rows of those positions (attention scaling
//                                        included);
//   keys, values [kvHeads, capacity, d]  the block's cache, contiguous float32: the new
//                                        tokens' rotated keys and their values are written at
//                                        their positions, earlier positions are read.
// Cached keys have the same bits as the LibTorch formula's (products, then their sum, as it
// rounds them). Returns [T, heads d]. Bad shapes throw c10::Error.
torch::Tensor cachedAttention(const torch::Tensor& qkv, const torch::Tensor& cos, const torch::Tensor& sin,
                              const torch::Tensor& keys, const torch::Tensor& values, std::int64_t start,
                              std::int64_t heads);

} // namespace vlmscope
