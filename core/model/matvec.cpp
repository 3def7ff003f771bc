#include "core/model/matvec.h"

#include <ATen/Parallel.h>
#include <ATen/record_function.h>

// GCC 12 warns about its own AVX-512 intrinsics wherever they are inlined (GCC bug 105593),
// so the suppression covers the whole file.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <type_traits>

namespace vlmscope {

namespace {

using Bf16 = std::uint16_t;
using Int8 = std::int8_t;

template <typename W>
using RowKernel = void (*)(const W* w, const float* x, float* y, std::int64_t rowBegin, std::int64_t rowEnd,
                           std::int64_t k);

inline float widen(float value) { return value; }

inline float widen(Bf16 bits)
{
    const std::uint32_t wide = static_cast<std::uint32_t>(bits) << 16;
    float value;
    std::memcpy(&value, &wide, sizeof value);
    return value;
}

inline float widen(Int8 value) { return static_cast<float>(value); }

template <typename W>
void rowsScalar(const W* w, const float* x, float* y, std::int64_t rowBegin, std::int64_t rowEnd, std::int64_t k)
{
    for (std::int64_t r = rowBegin; r < rowEnd; ++r) {
        const W* row = w + r * k;
        float sum = 0;
        for (std::int64_t i = 0; i < k; ++i)
            sum += widen(row[i]) * x[i];
        y[r] = sum;
    }
}

#if defined(__x86_64__)

// Both vector kernels take Rows rows against each load of x: x stays in registers/L1, the
// rows stream from memory side by side, and the Rows accumulators are independent chains
// that hide the FMA latency.

#define VLMSCOPE_AVX2 __attribute__((target("avx2,fma"), always_inline)) inline
#define VLMSCOPE_AVX2_FN __attribute__((target("avx2,fma")))

VLMSCOPE_AVX2 __m256 load8(const float* p) { return _mm256_loadu_ps(p); }
VLMSCOPE_AVX2 __m256 load8(const Bf16* p)
{
    const __m128i bits = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(bits), 16));
}

VLMSCOPE_AVX2 __m256 load8(const Int8* p)
{
    std::int64_t bytes;
    std::memcpy(&bytes, p, sizeof bytes);
    return _mm256_cvtepi32_ps(_mm256_cvtepi8_epi32(_mm_cvtsi64_si128(bytes)));
}

VLMSCOPE_AVX2 float sum8(__m256 v)
{
    __m128 sum4 = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    sum4 = _mm_add_ps(sum4, _mm_movehl_ps(sum4, sum4));
    sum4 = _mm_add_ss(sum4, _mm_movehdup_ps(sum4));
    return _mm_cvtss_f32(sum4);
}

template <int Rows, typename W>
VLMSCOPE_AVX2 void blockAvx2(const W* w, const float* x, float* y, std::int64_t r, std::int64_t k)
{
    __m256 acc[Rows];
    for (int j = 0; j < Rows; ++j)
        acc[j] = _mm256_setzero_ps();
    std::int64_t i = 0;
    for (; i + 8 <= k; i += 8) {
        const __m256 xv = _mm256_loadu_ps(x + i);
        for (int j = 0; j < Rows; ++j)
            acc[j] = _mm256_fmadd_ps(load8(w + (r + j) * k + i), xv, acc[j]);
    }
    for (int j = 0; j < Rows; ++j) {
        float sum = sum8(acc[j]);
        for (std::int64_t t = i; t < k; ++t)
            sum += widen(w[(r + j) * k + t]) * x[t];
        y[r + j] = sum;
    }
}

template <typename W>
VLMSCOPE_AVX2_FN void rowsAvx2(const W* w, const float* x, float* y, std::int64_t rowBegin, std::int64_t rowEnd,
                               std::int64_t k)
{
    std::int64_t r = rowBegin;
    for (; r + 4 <= rowEnd; r += 4)
        blockAvx2<4>(w, x, y, r, k);
    for (; r < rowEnd; ++r)
        blockAvx2<1>(w, x, y, r, k);
}

#define VLMSCOPE_AVX512 __attribute__((target("avx512f,avx512bw,avx512vl"), always_inline)) inline
#define VLMSCOPE_AVX512_FN __attribute__((target("avx512f,avx512bw,avx512vl")))


VLMSCOPE_AVX512 __m512 load16(const float* p, __mmask16 lanes) { return _mm512_maskz_loadu_ps(lanes, p); }
VLMSCOPE_AVX512 __m512 load16(const Int8* p, __mmask16 lanes)
{
    return _mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(_mm_maskz_loadu_epi8(lanes, p)));
}

template <int Rows, typename W>
VLMSCOPE_AVX512 void blockAvx512(const W* w, const float* x, float* y, std::int64_t r, std::int64_t k)
{
    __m512 acc[Rows];
    for (int j = 0; j < Rows; ++j)
        acc[j] = _mm512_setzero_ps();
    const auto all = static_cast<__mmask16>(0xFFFF);
    std::int64_t i = 0;
    for (; i + 16 <= k; i += 16) {
        const __m512 xv = _mm512_loadu_ps(x + i);
        for (int j = 0; j < Rows; ++j)
            acc[j] = _mm512_fmadd_ps(load16(w + (r + j) * k + i, all), xv, acc[j]);
    }
    if (i < k) {
        // Masked loads never touch the lanes past the row, so the tail needs no scalar loop.
        const auto tail = static_cast<__mmask16>((1u << (k - i)) - 1);
        const __m512 xv = _mm512_maskz_loadu_ps(tail, x + i);
        for (int j = 0; j < Rows; ++j)
            acc[j] = _mm512_fmadd_ps(load16(w + (r + j) * k + i, tail), xv, acc[j]);
    }
    for (int j = 0; j < Rows; ++j)
        y[r + j] = _mm512_reduce_add_ps(acc[j]);
}

// bf16 on AVX-512 without a shuffle: each 32-bit lane of a 64-byte load holds an even and
// an odd element, and a shift or a mask turns either into a float32 in place. x is laid out
// to match once per call (pairedX): each 32-element chunk as its 16 even then 16 odd values,
// zero-padded to whole chunks. Measured 1.6x faster per thread than widening through
// vpmovzxwd, which is bound by the shuffle port.

// 32 elements of Rows rows (row stride k) against 32 paired x values.
template <int Rows>
VLMSCOPE_AVX512 void pairStep(const Bf16* w, std::int64_t k, const float* xPaired, __mmask32 lanes, __m512* even,
                              __m512* odd)
{
    const __m512i highHalves = _mm512_set1_epi32(static_cast<int>(0xFFFF0000u));
    const __m512 xEven = _mm512_loadu_ps(xPaired), xOdd = _mm512_loadu_ps(xPaired + 16);
    for (int j = 0; j < Rows; ++j) {
        const __m512i pairs = _mm512_maskz_loadu_epi16(lanes, w + j * k);
        even[j] = _mm512_fmadd_ps(_mm512_castsi512_ps(_mm512_slli_epi32(pairs, 16)), xEven, even[j]);
        odd[j] = _mm512_fmadd_ps(_mm512_castsi512_ps(_mm512_and_si512(pairs, highHalves)), xOdd, odd[j]);
    }
}

template <int Rows>
VLMSCOPE_AVX512 void pairBlockAvx512(const Bf16* w, const float* xPaired, float* y, std::int64_t r, std::int64_t k)
{
    __m512 even[Rows], odd[Rows];
    for (int j = 0; j < Rows; ++j)
        even[j] = odd[j] = _mm512_setzero_ps();
    std::int64_t i = 0;
    for (; i + 32 <= k; i += 32)
        pairStep<Rows>(w + r * k + i, k, xPaired + i, ~__mmask32(0), even, odd);
    // The masked load reads nothing past the row; the padded x is zero there anyway.
    if (i < k)
        pairStep<Rows>(w + r * k + i, k, xPaired + i, static_cast<__mmask32>((std::uint64_t(1) << (k - i)) - 1), even, odd);
    for (int j = 0; j < Rows; ++j)
        y[r + j] = _mm512_reduce_add_ps(_mm512_add_ps(even[j], odd[j]));
}

VLMSCOPE_AVX512_FN void pairRowsAvx512(const Bf16* w, const float* xPaired, float* y, std::int64_t rowBegin,
                                       std::int64_t rowEnd, std::int64_t k)
{
    std::int64_t r = rowBegin;
    for (; r + 4 <= rowEnd; r += 4)
        pairBlockAvx512<4>(w, xPaired, y, r, k);
    for (; r < rowEnd; ++r)
        pairBlockAvx512<1>(w, xPaired, y, r, k);
}

template <typename W>
VLMSCOPE_AVX512_FN void rowsAvx512(const W* w, const float* x, float* y, std::int64_t rowBegin, std::int64_t rowEnd,
                                   std::int64_t k)
{
    std::int64_t r = rowBegin;
    for (; r + 4 <= rowEnd; r += 4)
        blockAvx512<4>(w, x, y, r, k);
    for (; r < rowEnd; ++r)
        blockAvx512<1>(w, x, y, r, k);
}

#endif

bool cpuSupports(MatVecIsa isa)
{
#if defined(__x86_64__)
    __builtin_cpu_init();
    switch (isa) {
    case MatVecIsa::Avx512:
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
               __builtin_cpu_supports("avx512vl");
    case MatVecIsa::Avx2:
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    case MatVecIsa::Scalar:
        return true;
    }
    return false;
#else
    return isa == MatVecIsa::Scalar;
#endif
}

MatVecIsa bestIsa()
{
    static const MatVecIsa best = supportedMatVecIsas().back();
    return best;
}

std::atomic<int> g_forcedIsa{-1};
std::atomic<std::int64_t> g_grainElements{std::int64_t(64) << 10};

// The AVX-512 bf16 kernel reads x in pairedX's layout.
template <typename W>
RowKernel<W> kernelFor(MatVecIsa isa)
{
    switch (isa) {
#if defined(__x86_64__)
    case MatVecIsa::Avx512:
        if constexpr (std::is_same_v<W, Bf16>)
            return pairRowsAvx512;
        else
            return rowsAvx512<W>;
    case MatVecIsa::Avx2:
        return rowsAvx2<W>;
#endif
    default:
        return rowsScalar<W>;
    }
}

// x reordered for pairRowsAvx512; a thread_local buffer because a decode step makes 121
// calls and LibTorch ops to reorder cost more than the product of a small matrix.
const float* pairedX(const float* x, std::int64_t k)
{
    thread_local std::vector<float> paired;
    paired.assign(static_cast<std::size_t>((k + 31) / 32 * 32), 0.0f);
    for (std::int64_t i = 0; i < k; ++i) {
        const std::int64_t chunk = i / 32 * 32, offset = i % 32;
        paired[static_cast<std::size_t>(chunk + offset / 2 + (offset % 2) * 16)] = x[i];
    }
    return paired.data();
}

template <typename W>
void run(const W* w, const float* x, float* y, std::int64_t rows, std::int64_t k)
{
    const RowKernel<W> kernel = kernelFor<W>(matVecIsa());
    const std::int64_t grainRows = std::max<std::int64_t>(4, matVecGrainElements() / std::max<std::int64_t>(k, 1));
    at::parallel_for(0, rows, grainRows, [&](std::int64_t begin, std::int64_t end) { kernel(w, x, y, begin, end, k); });
}

// What both matVec overloads do around the kernel: check x against the weight's width, take
// it as float32 (decode makes 121 calls a step: no LibTorch op, each a dispatch of a
// microsecond or two, unless x really needs converting) and allocate y in x's shape.
struct RowProduct {
    torch::Tensor x; // contiguous float32
    torch::Tensor y; // [N] or [1, N] float32
};

RowProduct startRowProduct(const torch::Tensor& weight, const torch::Tensor& x)
{
    TORCH_CHECK((x.dim() == 1 || (x.dim() == 2 && x.size(0) == 1)) && x.size(-1) == weight.size(1),
                "matVec: x must be a vector or one row of ", weight.size(1));
    const bool ready = x.scalar_type() == torch::kFloat32 && x.is_contiguous();
    const std::int64_t rows = weight.size(0);
    return {ready ? x : x.to(torch::kFloat32).contiguous(),
            x.dim() == 1 ? torch::empty({rows}, torch::kFloat32) : torch::empty({1, rows}, torch::kFloat32)};
}

} // namespace

torch::Tensor matVec(const torch::Tensor& weight, const torch::Tensor& x)
{
    const bool bf16 = weight.scalar_type() == torch::kBFloat16;
    TORCH_CHECK(weight.dim() == 2 && (bf16 || weight.scalar_type() == torch::kFloat32) && weight.is_contiguous(),
                "matVec: weight must be a contiguous 2-D float32 or bfloat16 matrix");
    // Shows in op-level profiles next to the aten:: ops it replaces (free when none listens).
    RECORD_USER_SCOPE(bf16 ? "vlmscope::matvec_bf16" : "vlmscope::matvec");
    const RowProduct p = startRowProduct(weight, x);
    const std::int64_t rows = weight.size(0), k = weight.size(1);
    if (!bf16) {
        run(weight.data_ptr<float>(), p.x.data_ptr<float>(), p.y.data_ptr<float>(), rows, k);
        return p.y;
    }
    const float* xp = p.x.data_ptr<float>();
    if (matVecIsa() == MatVecIsa::Avx512)
        xp = pairedX(xp, k);
    run(static_cast<const Bf16*>(weight.data_ptr()), xp, p.y.data_ptr<float>(), rows, k);
    return p.y;
}

torch::Tensor matVec(const torch::Tensor& weight, const torch::Tensor& rowScales, const torch::Tensor& x)
{
    const bool int8 = weight.scalar_type() == torch::kChar || weight.scalar_type() == torch::kQInt8;
    TORCH_CHECK(weight.dim() == 2 && int8 && weight.is_contiguous(), "matVec: weight must be a contiguous 2-D int8 matrix");
    TORCH_CHECK(rowScales.scalar_type() == torch::kFloat32 && rowScales.is_contiguous() && rowScales.dim() == 1 &&
                    rowScales.size(0) == weight.size(0),
                "matVec: rowScales must be float32 [", weight.size(0), "]");
    RECORD_USER_SCOPE("vlmscope::matvec_int8");
    const RowProduct p = startRowProduct(weight, x);
    const std::int64_t rows = weight.size(0), k = weight.size(1);
    float* out = p.y.data_ptr<float>();
    run(static_cast<const Int8*>(weight.data_ptr()), p.x.data_ptr<float>(), out, rows, k);
    const float* scales = rowScales.data_ptr<float>();
    for (std::int64_t r = 0; r < rows; ++r)
        out[r] *= scales[r];
    return p.y;
}

MatVecIsa matVecIsa()
{
    const int forced = g_forcedIsa.load(std::memory_order_relaxed);
    return forced < 0 ? bestIsa() : static_cast<MatVecIsa>(forced);
}

const char* matVecIsaName(MatVecIsa isa)
{
    switch (isa) {
    case MatVecIsa::Avx512:
        return "avx512";
    case MatVecIsa::Avx2:
        return "avx2";
    case MatVecIsa::Scalar:
        return "scalar";
    }
    return "scalar";
}

std::vector<MatVecIsa> supportedMatVecIsas()
{
    std::vector<MatVecIsa> isas;
    for (MatVecIsa isa : {MatVecIsa::Scalar, MatVecIsa::Avx2, MatVecIsa::Avx512})
        if (cpuSupports(isa))
            isas.push_back(isa);
    return isas;
}

void setMatVecIsa(std::optional<MatVecIsa> isa)
{
    TORCH_CHECK(!isa || cpuSupports(*isa), "matVec: this CPU cannot run the ", matVecIsaName(*isa), " kernel");
    g_forcedIsa.store(isa ? static_cast<int>(*isa) : -1);
}

std::int64_t matVecGrainElements() { return g_grainElements.load(std::memory_order_relaxed); }

void setMatVecGrainElements(std::int64_t elements) { g_grainElements.store(std::max<std::int64_t>(1, elements)); }

} // namespace vlmscope

#pragma GCC diagnostic pop
