#include "core/model/fused_ops.h"

#include <ATen/Parallel.h>
#include <ATen/record_function.h>

// GCC 12 warns about its own AVX-512 intrinsics wherever they are inlined (GCC bug 105593).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include "core/model/avx512_math.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

namespace vlmscope {

namespace {

#if defined(__x86_64__)

using avx512::clamp16;
using avx512::cpuHasAvx512;
using avx512::exp16;
using avx512::firstLanes;

// x / (1 + exp(-2u)), u = sqrt(2 / pi) (x + 0.044715 x^3).
VLMSCOPE_AVX512 __m512 gelu16(__m512 x)
{
    const __m512 x2 = _mm512_mul_ps(x, x);
    const __m512 inner = _mm512_fmadd_ps(x2, _mm512_set1_ps(0.044715f), _mm512_set1_ps(1.0f));
    // -2u, clamped where the result is x or 0 to float32 precision anyway.
    const __m512 minus2u = clamp16(_mm512_mul_ps(_mm512_mul_ps(x, inner), _mm512_set1_ps(-1.5957691216057308f)), -88.0f, 88.0f);
    return _mm512_div_ps(x, _mm512_add_ps(exp16(minus2u), _mm512_set1_ps(1.0f)));
}

VLMSCOPE_AVX512_FN void geluAvx512(float* data, std::int64_t begin, std::int64_t end)
{
    std::int64_t i = begin;
    for (; i + 16 <= end; i += 16)
        _mm512_storeu_ps(data + i, gelu16(_mm512_loadu_ps(data + i)));
    if (i < end) {
        const __mmask16 lanes = firstLanes(end - i);
        _mm512_mask_storeu_ps(data + i, lanes, gelu16(_mm512_maskz_loadu_ps(lanes, data + i)));
    }
}

// silu(g) * u = g / (1 + exp(-g)) * u, in LibTorch's order of operations.
VLMSCOPE_AVX512_FN void siluGateRowsAvx512(const float* gateUp, float* out, std::int64_t rowBegin, std::int64_t rowEnd,
                                           std::int64_t width)
{
    for (std::int64_t r = rowBegin; r < rowEnd; ++r) {
        const float* gate = gateUp + r * 2 * width;
        const float* up = gate + width;
        float* dst = out + r * width;
        for (std::int64_t i = 0; i < width; i += 16) {
            const __mmask16 lanes = firstLanes(width - i);
            const __m512 g = _mm512_maskz_loadu_ps(lanes, gate + i);
            const __m512 e = exp16(clamp16(_mm512_sub_ps(_mm512_setzero_ps(), g), -88.0f, 88.0f));
            const __m512 silu = _mm512_div_ps(g, _mm512_add_ps(e, _mm512_set1_ps(1.0f)));
            _mm512_mask_storeu_ps(dst + i, lanes, _mm512_mul_ps(silu, _mm512_maskz_loadu_ps(lanes, up + i)));
        }
    }
}

// Float32 to bfloat16 rounding to nearest even, as c10::BFloat16 does (NaN -> 0x7FC0).
VLMSCOPE_AVX512 __m512i bf16Bits(__m512 x)
{
    const __m512i bits = _mm512_castps_si512(x);
    const __m512i lsb = _mm512_and_si512(_mm512_srli_epi32(bits, 16), _mm512_set1_epi32(1));
    const __m512i rounded = _mm512_srli_epi32(_mm512_add_epi32(bits, _mm512_add_epi32(lsb, _mm512_set1_epi32(0x7FFF))), 16);
    return _mm512_mask_mov_epi32(rounded, _mm512_cmp_ps_mask(x, x, _CMP_UNORD_Q), _mm512_set1_epi32(0x7FC0));
}

// softmax(x scale) per row: the scaled maximum, exp of the shifted values with their sum,
// then each times 1 / sum, as LibTorch's kernel orders it. `out` is float or bf16 bits.
template <bool Bf16Out>
VLMSCOPE_AVX512_FN void scaledSoftmaxRowsAvx512(const float* in, void* out, std::int64_t rowBegin, std::int64_t rowEnd,
                                                std::int64_t width, float scale)
{
    thread_local std::vector<float> exps;
    exps.resize(static_cast<std::size_t>(width));
    const __m512 factor = _mm512_set1_ps(scale);
    for (std::int64_t r = rowBegin; r < rowEnd; ++r) {
        const float* row = in + r * width;
        __m512 highest = _mm512_set1_ps(-std::numeric_limits<float>::infinity());
        for (std::int64_t i = 0; i < width; i += 16) {
            const __mmask16 lanes = firstLanes(width - i);
            highest = _mm512_mask_max_ps(highest, lanes, highest, _mm512_mul_ps(_mm512_maskz_loadu_ps(lanes, row + i), factor));
        }
        const __m512 shift = _mm512_set1_ps(_mm512_reduce_max_ps(highest));
        __m512 sum = _mm512_setzero_ps();
        for (std::int64_t i = 0; i < width; i += 16) {
            const __mmask16 lanes = firstLanes(width - i);
            const __m512 scaled = _mm512_mul_ps(_mm512_maskz_loadu_ps(lanes, row + i), factor);
            const __m512 e = exp16(clamp16(_mm512_sub_ps(scaled, shift), -88.0f, 0.0f));
            _mm512_mask_storeu_ps(exps.data() + i, lanes, e);
            sum = _mm512_mask_add_ps(sum, lanes, sum, e);
        }
        const __m512 inverse = _mm512_set1_ps(1.0f / _mm512_reduce_add_ps(sum));
        for (std::int64_t i = 0; i < width; i += 16) {
            const __mmask16 lanes = firstLanes(width - i);
            const __m512 p = _mm512_mul_ps(_mm512_maskz_loadu_ps(lanes, exps.data() + i), inverse);
            if constexpr (Bf16Out)
                _mm512_mask_cvtepi32_storeu_epi16(static_cast<std::uint16_t*>(out) + r * width + i, lanes, bf16Bits(p));
            else
                _mm512_mask_storeu_ps(static_cast<float*>(out) + r * width + i, lanes, p);
        }
    }
}

VLMSCOPE_AVX512_FN void rmsNormRowsAvx512(const float* x, const float* weight, float* out, std::int64_t rowBegin,
                                          std::int64_t rowEnd, std::int64_t d, float eps)
{
    const std::int64_t body = d / 16 * 16;
    const __mmask16 tail = firstLanes(d - body);
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

torch::Tensor siluGate(const torch::Tensor& gateUp)
{
    TORCH_CHECK(gateUp.dim() >= 1 && gateUp.size(-1) % 2 == 0, "siluGate: the last dimension must hold gate and up, got ",
                gateUp.sizes());
    const std::int64_t width = gateUp.size(-1) / 2;
#if defined(__x86_64__)
    if (cpuHasAvx512() && gateUp.scalar_type() == torch::kFloat32 && gateUp.is_contiguous() && width > 0) {
        RECORD_USER_SCOPE("vlmscope::silu_gate");
        std::vector<std::int64_t> shape = gateUp.sizes().vec();
        shape.back() = width;
        torch::Tensor out = torch::empty(shape, gateUp.options());
        const float* in = gateUp.data_ptr<float>();
        float* o = out.data_ptr<float>();
        at::parallel_for(0, gateUp.numel() / (2 * width), std::max<std::int64_t>(1, 32768 / width),
                         [&](std::int64_t begin, std::int64_t end) { siluGateRowsAvx512(in, o, begin, end, width); });
        return out;
    }
#endif
    return at::silu(gateUp.narrow(-1, 0, width)).mul_(gateUp.narrow(-1, width, width));
}

torch::Tensor scaledSoftmax(const torch::Tensor& scores, double scale, torch::ScalarType outType)
{
    TORCH_CHECK(outType == torch::kFloat32 || outType == torch::kBFloat16,
                "scaledSoftmax: the result must be float32 or bfloat16");
#if defined(__x86_64__)
    const std::int64_t width = scores.dim() > 0 ? scores.size(-1) : 0;
    if (cpuHasAvx512() && scores.scalar_type() == torch::kFloat32 && scores.is_contiguous() && width > 0) {
        RECORD_USER_SCOPE("vlmscope::scaled_softmax");
        torch::Tensor out = torch::empty(scores.sizes(), scores.options().dtype(outType));
        const float* in = scores.data_ptr<float>();
        void* o = out.data_ptr();
        const auto factor = static_cast<float>(scale);
        at::parallel_for(0, scores.numel() / width, std::max<std::int64_t>(1, 16384 / width),
                         [&](std::int64_t begin, std::int64_t end) {
                             if (outType == torch::kBFloat16)
                                 scaledSoftmaxRowsAvx512<true>(in, o, begin, end, width, factor);
                             else
                                 scaledSoftmaxRowsAvx512<false>(in, o, begin, end, width, factor);
                         });
        return out;
    }
#endif
    return (scores * scale).softmax(-1).to(outType);
}

} // namespace vlmscope

#pragma GCC diagnostic pop
