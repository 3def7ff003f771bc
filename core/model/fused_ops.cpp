#include "core/model/fused_ops.h"

#include <ATen/Parallel.h>
#include <ATen/record_function.h>

// GCC 12 warns about its own AVX-512 intrinsics wherever they are inlined (GCC bug 105593).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <cstdint>

namespace vlmscope {

namespace {

#if defined(__x86_64__)

#define VLMSCOPE_AVX512 __attribute__((target("avx512f"), always_inline)) inline
#define VLMSCOPE_AVX512_FN __attribute__((target("avx512f")))

// exp(a) for a in [-88, 88]: a = n ln2 + r with |r| <= ln2 / 2, exp(r) by Cephes' degree-6
// polynomial (relative error about 1e-7), times 2^n by scalef.
VLMSCOPE_AVX512 __m512 exp16(__m512 a)
{
    const __m512 n = _mm512_roundscale_ps(_mm512_mul_ps(a, _mm512_set1_ps(1.44269504088896341f)),
                                          _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m512 r = _mm512_fnmadd_ps(n, _mm512_set1_ps(0.693359375f), a);
    r = _mm512_fnmadd_ps(n, _mm512_set1_ps(-2.12194440e-4f), r);
    __m512 p = _mm512_set1_ps(1.9875691500e-4f);
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
    p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
    p = _mm512_fmadd_ps(_mm512_mul_ps(p, r), r, _mm512_add_ps(r, _mm512_set1_ps(1.0f)));
    return _mm512_scalef_ps(p, n);
}

// x / (1 + exp(-2u)), u = sqrt(2 / pi) (x + 0.044715 x^3).
VLMSCOPE_AVX512 __m512 gelu16(__m512 x)
{
    const __m512 x2 = _mm512_mul_ps(x, x);
    const __m512 inner = _mm512_fmadd_ps(x2, _mm512_set1_ps(0.044715f), _mm512_set1_ps(1.0f));
    // -2u, clamped where the result is x or 0 to float32 precision anyway.
    __m512 minus2u = _mm512_mul_ps(_mm512_mul_ps(x, inner), _mm512_set1_ps(-1.5957691216057308f));
    minus2u = _mm512_min_ps(_mm512_max_ps(minus2u, _mm512_set1_ps(-88.0f)), _mm512_set1_ps(88.0f));
    return _mm512_div_ps(x, _mm512_add_ps(exp16(minus2u), _mm512_set1_ps(1.0f)));
}

VLMSCOPE_AVX512_FN void geluAvx512(float* data, std::int64_t begin, std::int64_t end)
{
    std::int64_t i = begin;
    for (; i + 16 <= end; i += 16)
        _mm512_storeu_ps(data + i, gelu16(_mm512_loadu_ps(data + i)));
    if (i < end) {
        const auto lanes = static_cast<__mmask16>((1u << (end - i)) - 1);
        _mm512_mask_storeu_ps(data + i, lanes, gelu16(_mm512_maskz_loadu_ps(lanes, data + i)));
    }
}

VLMSCOPE_AVX512_FN void rmsNormRowsAvx512(const float* x, const float* weight, float* out, std::int64_t rowBegin,
                                          std::int64_t rowEnd, std::int64_t d, float eps)
{
    const std::int64_t body = d / 16 * 16;
    const auto tail = static_cast<__mmask16>((1u << (d - body)) - 1);
    for (std::int64_t r = rowBegin; r < rowEnd; ++r) {
        const float* row = x + r * d;
        float* dst = out + r * d;
        __m512 squares = _mm512_setzero_ps();
        for (std::int64_t i = 0; i < body; i += 16) {
            const __m512 v = _mm512_loadu_ps(row + i);
            squares = _mm512_fmadd_ps(v, v, squares);
        }
        const __m512 last = _mm512_maskz_loadu_ps(tail, row + body);
        squares = _mm512_fmadd_ps(last, last, squares);
        const float inverse = 1.0f / std::sqrt(_mm512_reduce_add_ps(squares) / static_cast<float>(d) + eps);
        const __m512 scale = _mm512_set1_ps(inverse);
        for (std::int64_t i = 0; i < body; i += 16)
            _mm512_storeu_ps(dst + i, _mm512_mul_ps(_mm512_mul_ps(_mm512_loadu_ps(row + i), scale),
                                                    _mm512_loadu_ps(weight + i)));
        _mm512_mask_storeu_ps(dst + body, tail, _mm512_mul_ps(_mm512_mul_ps(last, scale),
                                                              _mm512_maskz_loadu_ps(tail, weight + body)));
    }
}

bool cpuHasAvx512()
{
    static const bool has = [] {
        __builtin_cpu_init();
        return static_cast<bool>(__builtin_cpu_supports("avx512f"));
    }();
    return has;
}

#endif

} // namespace

torch::Tensor geluTanhInPlace(torch::Tensor x)
{
#if defined(__x86_64__)
    if (cpuHasAvx512() && x.scalar_type() == torch::kFloat32 && x.is_contiguous()) {
        RECORD_USER_SCOPE("vlmscope::gelu_tanh");
        float* data = x.data_ptr<float>();
        at::parallel_for(0, x.numel(), 16384, [&](std::int64_t begin, std::int64_t end) { geluAvx512(data, begin, end); });
        return x;
    }
#endif
    return at::gelu(x, "tanh");
}

torch::Tensor rmsNorm(const torch::Tensor& x, const torch::Tensor& weight, double eps)
{
#if defined(__x86_64__)
    const std::int64_t d = x.size(-1);
    if (cpuHasAvx512() && x.scalar_type() == torch::kFloat32 && x.is_contiguous() && d > 0 &&
        weight.scalar_type() == torch::kFloat32 && weight.is_contiguous() && weight.dim() == 1 && weight.size(0) == d) {
        RECORD_USER_SCOPE("vlmscope::rms_norm");
        torch::Tensor out = torch::empty_like(x);
        const float* in = x.data_ptr<float>();
        const float* w = weight.data_ptr<float>();
        float* o = out.data_ptr<float>();
        const auto epsilon = static_cast<float>(eps);
        at::parallel_for(0, x.numel() / d, std::max<std::int64_t>(1, 32768 / d), [&](std::int64_t begin, std::int64_t end) {
            rmsNormRowsAvx512(in, w, o, begin, end, d, epsilon);
        });
        return out;
    }
#endif
    return x * torch::rsqrt(x.pow(2).mean(-1, true) + eps) * weight;
}

} // namespace vlmscope

#pragma GCC diagnostic pop
