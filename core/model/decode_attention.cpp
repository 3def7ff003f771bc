#include "core/model/decode_attention.h"

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

VLMSCOPE_AVX512_FN void attendAvx512(const float* qkv, const float* cos, const float* sin, float* keys, float* values,
                                     std::int64_t position, const AttentionShape& s, float* out)
{
    const std::int64_t d = s.headDim;
    const std::int64_t groups = s.heads / s.kvHeads;
    const std::int64_t n = position + 1;
    const float* q = qkv;
    const float* k = q + s.heads * d;
    const float* v = k + s.kvHeads * d;
    for (std::int64_t g = 0; g < s.kvHeads; ++g) {
        const std::int64_t row = (g * s.capacity + position) * d;
        ropeHead(k + g * d, cos, sin, keys + row, d);
        std::memcpy(values + row, v + g * d, static_cast<std::size_t>(d) * sizeof(float));
    }
    // LibTorch divides the scores by sqrt(d) as a float32 scalar; so does this.
    const auto root = static_cast<float>(std::sqrt(static_cast<double>(d)));
    thread_local std::vector<float> scratch;
    scratch.resize(static_cast<std::size_t>(d + n));
    float* rotated = scratch.data();
    float* scores = rotated + d;
    for (std::int64_t h = 0; h < s.heads; ++h) {
        const float* headKeys = keys + h / groups * s.capacity * d;
        const float* headValues = values + h / groups * s.capacity * d;
        ropeHead(q + h * d, cos, sin, rotated, d);
        for (std::int64_t j = 0; j < n; ++j)
            scores[j] = dot(rotated, headKeys + j * d, d) / root;
        const float sum = exponentiate(scores, n);
        weightedValues(scores, headValues, n, d, 1.0f / sum, out + h * d);
    }
}

#endif

void checkArguments(const torch::Tensor& qkv, const torch::Tensor& cos, const torch::Tensor& sin,
                    const torch::Tensor& keys, const torch::Tensor& values, std::int64_t position, std::int64_t heads)
{
    TORCH_CHECK(keys.dim() == 3 && keys.sizes() == values.sizes(),
                "decodeAttention: keys and values must both be [kvHeads, capacity, d], got ", keys.sizes(), " and ",
                values.sizes());
    for (const torch::Tensor* t : {&qkv, &cos, &sin, &keys, &values})
        TORCH_CHECK(t->scalar_type() == torch::kFloat32 && t->is_contiguous(),
                    "decodeAttention: tensors must be contiguous float32, got ", t->scalar_type());
    const std::int64_t kvHeads = keys.size(0), d = keys.size(2);
    TORCH_CHECK(kvHeads > 0 && heads > 0 && heads % kvHeads == 0, "decodeAttention: ", heads,
                " query heads cannot share ", kvHeads, " key/value heads");
    TORCH_CHECK(decodeAttentionSupported(d), "decodeAttention: no fused kernel on this CPU for head size ", d);
    TORCH_CHECK(qkv.numel() == (heads + 2 * kvHeads) * d, "decodeAttention: qkv has ", qkv.numel(),
                " values, expected (", heads, " + 2 x ", kvHeads, ") x ", d);
    TORCH_CHECK(cos.numel() == d && sin.numel() == d, "decodeAttention: the RoPE rows must have ", d, " values");
    TORCH_CHECK(position >= 0 && position < keys.size(1), "decodeAttention: position ", position,
                " is outside the cache of ", keys.size(1));
}

} // namespace

bool decodeAttentionSupported(std::int64_t headDim)
{
#if defined(__x86_64__)
    return avx512::cpuHasAvx512() && headDim > 0 && headDim % 16 == 0;
#else
    (void)headDim;
    return false;
#endif
}

torch::Tensor decodeAttention(const torch::Tensor& qkv, const torch::Tensor& cos, const torch::Tensor& sin,
                              const torch::Tensor& keys, const torch::Tensor& values, std::int64_t position,
                              std::int64_t heads)
{
    checkArguments(qkv, cos, sin, keys, values, position, heads);
    RECORD_USER_SCOPE("vlmscope::decode_attention");
    const AttentionShape shape{heads, keys.size(0), keys.size(2), keys.size(1)};
    torch::Tensor out = torch::empty({1, heads * shape.headDim}, torch::kFloat32);
#if defined(__x86_64__)
    attendAvx512(qkv.data_ptr<float>(), cos.data_ptr<float>(), sin.data_ptr<float>(), keys.data_ptr<float>(),
                 values.data_ptr<float>(), position, shape, out.data_ptr<float>());
#endif
    return out;
}

} // namespace vlmscope

#pragma GCC diagnostic pop
