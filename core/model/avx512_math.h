// AVX-512 pieces the fused kernels share (fused_ops.cpp, cached_attention.cpp). Internal to
// the kernels library; x86-64 only. Functions marked VLMSCOPE_AVX512 may only run after
// cpuHasAvx512() said yes: they are compiled for AVX-512 whatever the build's target is.
//
// Include it between `#pragma GCC diagnostic push` / `ignored "-Wmaybe-uninitialized"` and a
// matching pop: GCC 12 warns about its own AVX-512 intrinsics wherever they are inlined
// (GCC bug 105593).
#pragma once

#if defined(__x86_64__)

#include <immintrin.h>

#include <cstdint>

#define VLMSCOPE_AVX512 __attribute__((target("avx512f"), always_inline)) inline
#define VLMSCOPE_AVX512_FN __attribute__((target("avx512f")))

namespace vlmscope::avx512 {

inline bool cpuHasAvx512()
{
    static const bool has = [] {
        __builtin_cpu_init();
        return static_cast<bool>(__builtin_cpu_supports("avx512f"));
    }();
    return has;
}

// The first `count` lanes (count >= 16: all of them).
inline __mmask16 firstLanes(std::int64_t count)
{
    return count >= 16 ? static_cast<__mmask16>(0xFFFF) : static_cast<__mmask16>((1u << count) - 1);
}

// exp(a) for a in [-88, 88]: a = n ln2 + r with |r| <= ln2 / 2, exp(r) by Cephes' degree-6
// polynomial (relative error about 1e-7), times 2^n by scalef. Callers clamp; NaN stays NaN.
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

// Clamps to [lo, hi]; a NaN lane stays NaN (max/min return their second operand on NaN).
VLMSCOPE_AVX512 __m512 clamp16(__m512 x, float lo, float hi)
{
    return _mm512_min_ps(_mm512_set1_ps(hi), _mm512_max_ps(_mm512_set1_ps(lo), x));
}

} // namespace vlmscope::avx512

#endif
