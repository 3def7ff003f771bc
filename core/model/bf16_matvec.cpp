#include "core/model/bf16_matvec.h"

#include <ATen/Parallel.h>

// GCC 12 warns about its own AVX-512 intrinsics (_mm512_setzero_ps, GCC bug 105593).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>
#pragma GCC diagnostic pop

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace vlmscope {

namespace {

using RowKernel = void (*)(const std::uint16_t* w, const float* x, float* y, std::int64_t rowBegin,
                           std::int64_t rowEnd, std::int64_t k);

float widen(std::uint16_t bits)
{
    const std::uint32_t wide = static_cast<std::uint32_t>(bits) << 16;
    float value;
    std::memcpy(&value, &wide, sizeof value);
    return value;
}

void rowsScalar(const std::uint16_t* w, const float* x, float* y, std::int64_t rowBegin, std::int64_t rowEnd,
                std::int64_t k)
{
    for (std::int64_t r = rowBegin; r < rowEnd; ++r) {
        const std::uint16_t* row = w + r * k;
        float sum = 0;
        for (std::int64_t i = 0; i < k; ++i)
            sum += widen(row[i]) * x[i];
        y[r] = sum;
    }
}

#if defined(__x86_64__)

__attribute__((target("avx2,fma"))) void rowsAvx2(const std::uint16_t* w, const float* x, float* y,
                                                   std::int64_t rowBegin, std::int64_t rowEnd, std::int64_t k)
{
    for (std::int64_t r = rowBegin; r < rowEnd; ++r) {
        const std::uint16_t* row = w + r * k;
        __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
        std::int64_t i = 0;
        for (; i + 16 <= k; i += 16) {
            const __m128i lo = _mm_loadu_si128(reinterpret_cast<const __m128i*>(row + i));
            const __m128i hi = _mm_loadu_si128(reinterpret_cast<const __m128i*>(row + i + 8));
            const __m256 wlo = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(lo), 16));
            const __m256 whi = _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(hi), 16));
            acc0 = _mm256_fmadd_ps(wlo, _mm256_loadu_ps(x + i), acc0);
            acc1 = _mm256_fmadd_ps(whi, _mm256_loadu_ps(x + i + 8), acc1);
        }
        const __m256 acc = _mm256_add_ps(acc0, acc1);
        __m128 sum4 = _mm_add_ps(_mm256_castps256_ps128(acc), _mm256_extractf128_ps(acc, 1));
        sum4 = _mm_hadd_ps(sum4, sum4);
        sum4 = _mm_hadd_ps(sum4, sum4);
        float sum = _mm_cvtss_f32(sum4);
        for (; i < k; ++i)
            sum += widen(row[i]) * x[i];
        y[r] = sum;
    }
}

__attribute__((target("avx512f,avx512bw"))) void rowsAvx512(const std::uint16_t* w, const float* x, float* y,
                                                             std::int64_t rowBegin, std::int64_t rowEnd,
                                                             std::int64_t k)
{
    for (std::int64_t r = rowBegin; r < rowEnd; ++r) {
        const std::uint16_t* row = w + r * k;
        __m512 acc0 = _mm512_setzero_ps(), acc1 = _mm512_setzero_ps();
        std::int64_t i = 0;
        for (; i + 32 <= k; i += 32) {
            const __m256i lo = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(row + i));
            const __m256i hi = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(row + i + 16));
            const __m512 wlo = _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(lo), 16));
            const __m512 whi = _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_cvtepu16_epi32(hi), 16));
            acc0 = _mm512_fmadd_ps(wlo, _mm512_loadu_ps(x + i), acc0);
            acc1 = _mm512_fmadd_ps(whi, _mm512_loadu_ps(x + i + 16), acc1);
        }
        float sum = _mm512_reduce_add_ps(_mm512_add_ps(acc0, acc1));
        for (; i < k; ++i)
            sum += widen(row[i]) * x[i];
        y[r] = sum;
    }
}

#endif

struct Dispatch {
    RowKernel kernel = rowsScalar;
    const char* name = "scalar";
};

Dispatch chooseKernel()
{
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw"))
        return {rowsAvx512, "avx512"};
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
        return {rowsAvx2, "avx2"};
#endif
    return {};
}

const Dispatch& dispatch()
{
    static const Dispatch chosen = chooseKernel();
    return chosen;
}

} // namespace

torch::Tensor bf16MatVec(const torch::Tensor& weight, const torch::Tensor& x)
{
    TORCH_CHECK(weight.dim() == 2 && weight.scalar_type() == torch::kBFloat16 && weight.is_contiguous(),
                "bf16MatVec: weight must be a contiguous 2-D bfloat16 matrix");
    TORCH_CHECK(x.dim() == 1 && x.size(0) == weight.size(1), "bf16MatVec: x must be a vector of ", weight.size(1));
    const torch::Tensor input = x.to(torch::kFloat32).contiguous();
    const std::int64_t rows = weight.size(0), k = weight.size(1);
    torch::Tensor y = torch::empty({rows}, torch::kFloat32);
    const auto* w = static_cast<const std::uint16_t*>(weight.data_ptr());
    const float* xp = input.data_ptr<float>();
    float* yp = y.data_ptr<float>();
    const RowKernel kernel = dispatch().kernel;
    // At least 512 KB of weights per task: a fork/join costs microseconds, and a decode step
    // makes 200 of these calls, most on matrices of under a megabyte (measured: a 64-row
    // grain made 2 threads slower than 1).
    const std::int64_t grain = std::max<std::int64_t>(16, (std::int64_t(256) << 10) / std::max<std::int64_t>(k, 1));
    at::parallel_for(0, rows, grain, [&](std::int64_t begin, std::int64_t end) { kernel(w, xp, yp, begin, end, k); });
    return y;
}

const char* bf16MatVecKernel() { return dispatch().name; }

} // namespace vlmscope
