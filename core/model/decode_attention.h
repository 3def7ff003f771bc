// A decode step's attention for the one new token, fused into a single pass per block.
//
// In LibTorch ops a decode step's attention is about 35 small calls per block (RoPE's
// narrow/neg/cat/mul/add for query and key, the cache writes, the grouped views, two bmm
// through the BLAS, the scaling, the softmax): over a thousand dispatches a step, 1.5-2 ms of
// an 11 ms step on the 222M shape, and more than the arithmetic they do. Here it is one call:
// RoPE on the query and key, both written where they belong, scores, softmax and the weighted
// sum of values, all in registers and the block's cache.
#pragma once

#include <torch/torch.h>

namespace vlmscope {

// Whether decodeAttention runs here for heads of this size: an AVX-512 CPU and a head size
// that is a multiple of 16. Otherwise the caller keeps LibTorch's ops.
bool decodeAttentionSupported(std::int64_t headDim);

// Attention of one new token at `position` over positions 0..position, grouped-query (query
// head h reads KV head h / (heads / kvHeads)), exactly the LibTorch formula
//   softmax(rope(q) rope(k)^T / sqrt(d)) v
// in float32 with a different summation order:
//   qkv     [1, (heads + 2 kvHeads) d]   the query, key and value projections side by side;
//   cos/sin [d]                          the RoPE row of `position` (attention scaling included);
//   keys, values [kvHeads, capacity, d]  the block's cache, contiguous float32: the new
//                                        token's rotated key and its value are written at
//                                        `position`, earlier positions are read.
// The cached key has the same bits as the LibTorch formula's (products, then their sum, as it
// rounds them). Returns [1, heads d]. Bad shapes throw c10::Error.
torch::Tensor decodeAttention(const torch::Tensor& qkv, const torch::Tensor& cos, const torch::Tensor& sin,
                              const torch::Tensor& keys, const torch::Tensor& values, std::int64_t position,
                              std::int64_t heads);

} // namespace vlmscope
