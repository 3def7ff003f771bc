#include "core/model/cached_attention.h"

#include <ATen/Parallel.h>
#include <ATen/record_function.h>

// GCC 12 warns about its own AVX-512 intrinsics wherever they are inlined (GCC bug 105593).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include "core/model/avx512_math.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

namespace vlmscope {

namespace {

struct AttentionShape {
    std::int64_t heads, kvHeads, headDim, capacity;
    std::int64_t rowWidth() const { return (heads + 2 * kvHeads) * headDim; }
};

#if defined(__x86_64__)

using avx512::clamp16;
using avx512::exp16;
using avx512::firstLanes;

// Products rounded on their own: GCC implements _mm512_mul_ps as a plain vector product and
// contracts it with an add into a fused multiply-add; the rounding-mode form is opaque to it.
VLMSCOPE_AVX512 __m512 roundedProduct(__m512 a, __m512 b)
{
    return _mm512_mul_round_ps(a, b, _MM_FROUND_CUR_DIRECTION);
}

// x cos + rotate_half(x) sin, rotate_half(x) = (-x2, x1): the two products, then their sum,
// as LibTorch rounds them, so the result has the formula's bits.
VLMSCOPE_AVX512 void ropeHead(const float* x, const float* cos, const float* sin, float* out, std::int64_t d)
{
    const std::int64_t half = d / 2;
    for (std::int64_t i = 0; i < half; i += 16) {
        const __mmask16 lanes = firstLanes(half - i);
        const __m512 x1 = _mm512_maskz_loadu_ps(lanes, x + i);
        const __m512 x2 = _mm512_maskz_loadu_ps(lanes, x + half + i);
        const __m512 first = _mm512_sub_ps(roundedProduct(x1, _mm512_maskz_loadu_ps(lanes, cos + i)),
                                           roundedProduct(x2, _mm512_maskz_loadu_ps(lanes, sin + i)));
        const __m512 second = _mm512_add_ps(roundedProduct(x2, _mm512_maskz_loadu_ps(lanes, cos + half + i)),
                                            roundedProduct(x1, _mm512_maskz_loadu_ps(lanes, sin + half + i)));
        _mm512_mask_storeu_ps(out + i, lanes, first);
        _mm512_mask_storeu_ps(out + half + i, lanes, second);
    }
}

// d a multiple of 16.
VLMSCOPE_AVX512 float dot(const float* a, const float* b, std::int64_t d)
{
    __m512 sum = _mm512_mul_ps(_mm512_loadu_ps(a), _mm512_loadu_ps(b));
    for (std::int64_t i = 16; i < d; i += 16)
        sum = _mm512_fmadd_ps(_mm512_loadu_ps(a + i), _mm512_loadu_ps(b + i), sum);
    return _mm512_reduce_add_ps(sum);
}

// scores <- exp(scores - max), returning their sum: the softmax without its division.
VLMSCOPE_AVX512 float exponentiate(float* scores, std::int64_t n)
{
    __m512 highest = _mm512_set1_ps(-std::numeric_limits<float>::infinity());
    for (std::int64_t j = 0; j < n; j += 16) {
        const __mmask16 lanes = firstLanes(n - j);
        highest = _mm512_mask_max_ps(highest, lanes, highest, _mm512_maskz_loadu_ps(lanes, scores + j));
    }
    const __m512 shift = _mm512_set1_ps(_mm512_reduce_max_ps(highest));
    __m512 sum = _mm512_setzero_ps();
    for (std::int64_t j = 0; j < n; j += 16) {
        const __mmask16 lanes = firstLanes(n - j);
        const __m512 e = exp16(clamp16(_mm512_sub_ps(_mm512_maskz_loadu_ps(lanes, scores + j), shift), -88.0f, 0.0f));
        _mm512_mask_storeu_ps(scores + j, lanes, e);
        sum = _mm512_mask_add_ps(sum, lanes, sum, e);
    }
    return _mm512_reduce_add_ps(sum);
}

// out[c .. c + 16 Chunks) = scale * sum_j weights[j] values[j][c ..]: independent
// accumulators per 16 columns, so the multiply-adds of one row overlap.
template <int Chunks>
VLMSCOPE_AVX512 void weightedColumns(const float* weights, const float* values, std::int64_t n, std::int64_t d,
                                     std::int64_t c, float scale, float* out)
{
    __m512 sum[Chunks];
    for (int k = 0; k < Chunks; ++k)
        sum[k] = _mm512_setzero_ps();
    for (std::int64_t j = 0; j < n; ++j) {
        const __m512 w = _mm512_set1_ps(weights[j]);
        const float* row = values + j * d + c;
        for (int k = 0; k < Chunks; ++k)
            sum[k] = _mm512_fmadd_ps(w, _mm512_loadu_ps(row + 16 * k), sum[k]);
    }
    for (int k = 0; k < Chunks; ++k)
        _mm512_storeu_ps(out + c + 16 * k, _mm512_mul_ps(sum[k], _mm512_set1_ps(scale)));
}

VLMSCOPE_AVX512 void weightedValues(const float* weights, const float* values, std::int64_t n, std::int64_t d,
                                    float scale, float* out)
{
    std::int64_t c = 0;
    for (; c + 64 <= d; c += 64)
        weightedColumns<4>(weights, values, n, d, c, scale, out);
    switch ((d - c) / 16) {
    case 3: weightedColumns<3>(weights, values, n, d, c, scale, out); break;
    case 2: weightedColumns<2>(weights, values, n, d, c, scale, out); break;
    case 1: weightedColumns<1>(weights, values, n, d, c, scale, out); break;
    default: break;
    }
}

// The rotated keys and the values of the T new tokens, into their cache rows.
VLMSCOPE_AVX512_FN void writeNewRows(const float* qkv, const float* cos, const float* sin, float* keys, float* values,
                                     std::int64_t start, std::int64_t rows, const AttentionShape& s)
{
    const std::int64_t d = s.headDim;
    for (std::int64_t i = 0; i < rows; ++i) {
        const float* k = qkv + i * s.rowWidth() + s.heads * d;
        const float* v = k + s.kvHeads * d;
        for (std::int64_t g = 0; g < s.kvHeads; ++g) {
            const std::int64_t row = (g * s.capacity + start + i) * d;
            ropeHead(k + g * d, cos + i * d, sin + i * d, keys + row, d);
            std::memcpy(values + row, v + g * d, static_cast<std::size_t>(d) * sizeof(float));
        }
    }
}

// Items [begin, end) of the (query head, new token) pairs, head-major: each token attends to
// the cache up to and including its own position.
VLMSCOPE_AVX512_FN void attendAvx512(const float* qkv, const float* cos, const float* sin, const float* keys,
                                     const float* values, std::int64_t start, std::int64_t rows,
                                     const AttentionShape& s, std::int64_t begin, std::int64_t end, float* out)
{
    const std::int64_t d = s.headDim;
    const std::int64_t groups = s.heads / s.kvHeads;
    // LibTorch divides the scores by sqrt(d) as a float32 scalar; so does this.
    const auto root = static_cast<float>(std::sqrt(static_cast<double>(d)));
    thread_local std::vector<float> scratch;
    scratch.resize(static_cast<std::size_t>(d + start + rows));
    float* rotated = scratch.data();
    float* scores = rotated + d;
    for (std::int64_t item = begin; item < end; ++item) {
        const std::int64_t h = item / rows, i = item % rows;
        const std::int64_t n = start + i + 1;
        const float* headKeys = keys + h / groups * s.capacity * d;
        const float* headValues = values + h / groups * s.capacity * d;
        ropeHead(qkv + i * s.rowWidth() + h * d, cos + i * d, sin + i * d, rotated, d);
        for (std::int64_t j = 0; j < n; ++j)
            scores[j] = dot(rotated, headKeys + j * d, d) / root;
        const float sum = exponentiate(scores, n);
        weightedValues(scores, headValues, n, d, 1.0f / sum, out + i * s.heads * d + h * d);
    }
}

#endif

void checkArguments(const torch::Tensor& qkv, const torch::Tensor& cos, const torch::Tensor& sin,
                    const torch::Tensor& keys, const torch::Tensor& values, std::int64_t start, std::int64_t heads)
{
    TORCH_CHECK(keys.dim() == 3 && keys.sizes() == values.sizes(),
                "cachedAttention: keys and values must both be [kvHeads, capacity, d], got ", keys.sizes(), " and ",
                values.sizes());
    for (const torch::Tensor* t : {&qkv, &cos, &sin, &keys, &values})
        TORCH_CHECK(t->scalar_type() == torch::kFloat32 && t->is_contiguous(),
                    "cachedAttention: tensors must be contiguous float32, got ", t->scalar_type());
    const std::int64_t kvHeads = keys.size(0), d = keys.size(2);
    TORCH_CHECK(kvHeads > 0 && heads > 0 && heads % kvHeads == 0, "cachedAttention: ", heads,
                " query heads cannot share ", kvHeads, " key/value heads");
    TORCH_CHECK(cachedAttentionSupported(d), "cachedAttention: no fused kernel on this CPU for head size ", d);
    TORCH_CHECK(qkv.dim() == 2 && qkv.size(0) > 0 && qkv.size(1) == (heads + 2 * kvHeads) * d,
                "cachedAttention: qkv must be [T, (", heads, " + 2 x ", kvHeads, ") x ", d, "], got ", qkv.sizes());
    const std::int64_t rows = qkv.size(0);
    TORCH_CHECK(cos.numel() == rows * d && sin.numel() == rows * d, "cachedAttention: the RoPE rows must be [", rows,
                ", ", d, "]");
    TORCH_CHECK(start >= 0 && start + rows <= keys.size(1), "cachedAttention: positions ", start, " .. ",
                start + rows - 1, " are outside the cache of ", keys.size(1));
}

} // namespace

bool cachedAttentionSupported(std::int64_t headDim)
{
#if defined(__x86_64__)
    return avx512::cpuHasAvx512() && headDim > 0 && headDim % 16 == 0;
#else
    (void)headDim;
    return false;
#endif
}

torch::Tensor cachedAttention(const torch::Tensor& qkv, const torch::Tensor& cos, const torch::Tensor& sin,
                              const torch::Tensor& keys, const torch::Tensor& values, std::int64_t start,
                              std::int64_t heads)
{
    checkArguments(qkv, cos, sin, keys, values, start, heads);
    RECORD_USER_SCOPE("vlmscope::cached_attention");
    const AttentionShape shape{heads, keys.size(0), keys.size(2), keys.size(1)};
    const std::int64_t rows = qkv.size(0);
    torch::Tensor out = torch::empty({rows, heads * shape.headDim}, torch::kFloat32);
#if defined(__x86_64__)
    const float* q = qkv.data_ptr<float>();
    const float* c = cos.data_ptr<float>();
    const float* sn = sin.data_ptr<float>();
    float* k = keys.data_ptr<float>();
    float* v = values.data_ptr<float>();
    float* o = out.data_ptr<float>();
    writeNewRows(q, c, sn, k, v, start, rows, shape);
    // A decode step (one row) stays on this thread: its 9 heads are microseconds of work, less
    // than a fork/join. Prefill splits the (head, token) pairs evenly between the threads.
    at::parallel_for(0, heads * rows, rows == 1 ? heads : rows, [&](std::int64_t begin, std::int64_t end) {
        attendAvx512(q, c, sn, k, v, start, rows, shape, begin, end, o);
    });
#endif
    return out;
}

} // namespace vlmscope

#pragma GCC diagnostic pop
