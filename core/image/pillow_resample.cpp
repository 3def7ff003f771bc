// Reimplementation of Pillow's convolution resize (libImaging/Resample.c semantics), written
// from its documented behaviour: each output pixel i of a 1-D pass takes a normalised,
// filter-weighted sum of the inputs around centre (i + 0.5) * in/out, the filter widened by
// in/out when shrinking so that every input contributes (antialiasing).
#include "core/image/pillow_resample.h"

#include <algorithm>
#include <cmath>

namespace vlmscope {
namespace {

// Pillow keeps 8-bit sums in 32-bit ints: 22 fractional bits leave room for 255 * weights
// whose absolute sum exceeds 1 (bicubic lobes) without overflow.
constexpr int kPrecisionBits = 32 - 8 - 2;
constexpr int kHalf = 1 << (kPrecisionBits - 1);

double triangleFilter(double x)
{
    x = std::fabs(x);
    return x < 1.0 ? 1.0 - x : 0.0;
}

double cubicFilter(double x)
{
    constexpr double a = -0.5;
    x = std::fabs(x);
    if (x < 1.0)
        return ((a + 2.0) * x - (a + 3.0)) * x * x + 1.0;
    if (x < 2.0)
        return (((x - 5.0) * x + 8.0) * x - 4.0) * a;
    return 0.0;
}

// The taps of one 1-D pass: output i reads inputs [first[i], first[i] + count[i]).
struct Taps {
    int stride = 0; // weights reserved per output
    std::vector<int> first;
    std::vector<int> count;
    std::vector<double> weights;
};

Taps computeTaps(int inSize, int outSize, ResampleFilter filter)
{
    const bool bilinear = filter == ResampleFilter::Bilinear;
    const double scale = static_cast<double>(inSize) / outSize;
    const double filterScale = std::max(scale, 1.0);
    const double support = (bilinear ? 1.0 : 2.0) * filterScale;
    // Pillow multiplies by the reciprocal rather than dividing; keep that for equal rounding.
    const double invFilterScale = 1.0 / filterScale;

    Taps taps;
    taps.stride = static_cast<int>(std::ceil(support)) * 2 + 1;
    taps.first.resize(outSize);
    taps.count.resize(outSize);
    taps.weights.assign(static_cast<std::size_t>(outSize) * taps.stride, 0.0);
    for (int i = 0; i < outSize; ++i) {
        const double center = (i + 0.5) * scale;
        const int lo = std::max(static_cast<int>(center - support + 0.5), 0);
        const int hi = std::min(static_cast<int>(center + support + 0.5), inSize);
        const int n = std::min(hi - lo, taps.stride);
        double* w = &taps.weights[static_cast<std::size_t>(i) * taps.stride];
        double total = 0.0;
        for (int j = 0; j < n; ++j) {
            const double x = (static_cast<double>(j + lo) - center + 0.5) * invFilterScale;
            w[j] = bilinear ? triangleFilter(x) : cubicFilter(x);
            total += w[j];
        }
        if (total != 0.0) {
            for (int j = 0; j < n; ++j)
                w[j] /= total;
        }
        taps.first[i] = lo;
        taps.count[i] = std::max(n, 0);
    }
    return taps;
}

std::vector<int> toFixedPoint(const std::vector<double>& weights)
{
    std::vector<int> fixed(weights.size());
    for (std::size_t i = 0; i < weights.size(); ++i) {
        const double scaled = weights[i] * (1 << kPrecisionBits);
        fixed[i] = static_cast<int>(scaled < 0 ? scaled - 0.5 : scaled + 0.5);
    }
    return fixed;
}

std::uint8_t clip8(int sum)
{
    if (sum < 0)
        return 0;
    return static_cast<std::uint8_t>(std::min(sum >> kPrecisionBits, 255));
}

// Resizes rows [rowBegin, rowEnd) of `src` along x. The channel count is a template
// parameter so the per-tap loop unrolls (3x faster for RGB than a runtime count).
template <int Ch>
void resampleRows(const Image8& src, int rowBegin, int rowEnd, const Taps& taps,
                  const std::vector<int>& k, Image8& out)
{
    for (int y = rowBegin; y < rowEnd; ++y) {
        const std::uint8_t* in = &src.data[static_cast<std::size_t>(y) * src.width * Ch];
        std::uint8_t* o = &out.data[static_cast<std::size_t>(y - rowBegin) * out.width * Ch];
        for (int x = 0; x < out.width; ++x) {
            const int* w = &k[static_cast<std::size_t>(x) * taps.stride];
            const std::uint8_t* p = in + static_cast<std::size_t>(taps.first[x]) * Ch;
            int sum[Ch];
            for (int c = 0; c < Ch; ++c)
                sum[c] = kHalf;
            for (int j = 0; j < taps.count[x]; ++j, p += Ch) {
                for (int c = 0; c < Ch; ++c)
                    sum[c] += p[c] * w[j];
            }
            for (int c = 0; c < Ch; ++c)
                o[x * Ch + c] = clip8(sum[c]);
        }
    }
}

Image8 resampleHorizontal(const Image8& src, int rowBegin, int rowEnd, int outWidth,
                          ResampleFilter filter)
{
    const Taps taps = computeTaps(src.width, outWidth, filter);
    const std::vector<int> k = toFixedPoint(taps.weights);
    Image8 out{outWidth, rowEnd - rowBegin, src.channels, {}};
    out.data.resize(static_cast<std::size_t>(out.width) * out.height * out.channels);
    switch (src.channels) {
    case 1: resampleRows<1>(src, rowBegin, rowEnd, taps, k, out); break;
    case 2: resampleRows<2>(src, rowBegin, rowEnd, taps, k, out); break;
    case 3: resampleRows<3>(src, rowBegin, rowEnd, taps, k, out); break;
    default: resampleRows<4>(src, rowBegin, rowEnd, taps, k, out); break;
    }
    return out;
}

// Resizes along y; `taps` index rows of `src` directly.
Image8 resampleVertical(const Image8& src, const Taps& taps, int outHeight)
{
    const std::vector<int> k = toFixedPoint(taps.weights);
    const std::size_t rowLen = static_cast<std::size_t>(src.width) * src.channels;
    Image8 out{src.width, outHeight, src.channels, {}};
    out.data.resize(rowLen * outHeight);
    std::vector<int> sum(rowLen);
    for (int y = 0; y < outHeight; ++y) {
        std::fill(sum.begin(), sum.end(), kHalf);
        const int* w = &k[static_cast<std::size_t>(y) * taps.stride];
        for (int j = 0; j < taps.count[y]; ++j) {
            const std::uint8_t* in = &src.data[(taps.first[y] + j) * rowLen];
            for (std::size_t i = 0; i < rowLen; ++i)
                sum[i] += in[i] * w[j];
        }
        std::uint8_t* o = &out.data[y * rowLen];
        for (std::size_t i = 0; i < rowLen; ++i)
            o[i] = clip8(sum[i]);
    }
    return out;
}

// One 1-D float pass over `lines` lines of `length` samples spaced `step` apart, lines
// `lineStride` apart; writes the same layout with `outLength` samples per line.
void resampleFloatLines(const float* src, float* dst, int lines, int length, int outLength,
                        std::size_t step, std::size_t lineStride, std::size_t outStep,
                        std::size_t outLineStride, ResampleFilter filter)
{
    const Taps taps = computeTaps(length, outLength, filter);
    for (int line = 0; line < lines; ++line) {
        const float* in = src + line * lineStride;
        float* out = dst + line * outLineStride;
        for (int i = 0; i < outLength; ++i) {
            const double* w = &taps.weights[static_cast<std::size_t>(i) * taps.stride];
            double sum = 0.0;
            for (int j = 0; j < taps.count[i]; ++j)
                sum += w[j] * in[(taps.first[i] + j) * step];
            out[i * outStep] = static_cast<float>(sum);
        }
    }
}

} // namespace

Image8 pillowResize(const Image8& src, int outWidth, int outHeight, ResampleFilter filter)
{
    const bool needHorizontal = outWidth != src.width;
    const bool needVertical = outHeight != src.height;
    if (!needHorizontal && !needVertical)
        return src;
    if (!needHorizontal)
        return resampleVertical(src, computeTaps(src.height, outHeight, filter), outHeight);

    // Only the source rows the vertical pass reads need the horizontal pass.
    Taps vertical = computeTaps(src.height, outHeight, filter);
    int rowBegin = 0;
    int rowEnd = src.height;
    if (needVertical) {
        rowBegin = vertical.first.front();
        rowEnd = vertical.first.back() + vertical.count.back();
        for (int& first : vertical.first)
            first -= rowBegin;
    }
    Image8 narrowed = resampleHorizontal(src, rowBegin, rowEnd, outWidth, filter);
    if (!needVertical)
        return narrowed;
    return resampleVertical(narrowed, vertical, outHeight);
}

std::vector<float> resizePlane(const float* src, int width, int height, int outWidth,
                               int outHeight, ResampleFilter filter)
{
    std::vector<float> wide(static_cast<std::size_t>(outWidth) * height);
    if (outWidth == width)
        std::copy(src, src + wide.size(), wide.begin());
    else
        resampleFloatLines(src, wide.data(), height, width, outWidth, 1, width, 1, outWidth,
                           filter);
    if (outHeight == height)
        return wide;
    std::vector<float> out(static_cast<std::size_t>(outWidth) * outHeight);
    resampleFloatLines(wide.data(), out.data(), outWidth, height, outHeight, outWidth, 1,
                       outWidth, 1, filter);
    return out;
}

} // namespace vlmscope
