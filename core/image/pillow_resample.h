// Convolution resize the way Pillow's Image.resize computes it (ImagingResample): separable,
// antialiased when shrinking, pixel centres at +0.5; a bit-exact 8-bit path and a float path.
#pragma once

#include <cstdint>
#include <vector>

namespace vlmscope {

enum class ResampleFilter {
    Bilinear, // triangle, support 1 (Pillow BILINEAR; torch's antialiased bilinear)
    Bicubic,  // Keys cubic with a = -0.5, support 2 (Pillow BICUBIC)
};

// Interleaved 8-bit pixels, `channels` bytes per pixel (1..4), rows packed without padding.
struct Image8 {
    int width = 0;
    int height = 0;
    int channels = 0;
    std::vector<std::uint8_t> data;
};

// Pillow's 8-bit path: fixed-point weights, horizontal pass first, the intermediate rounded
// to uint8 as Pillow stores it. Equal to Pillow 9.x `Image.resize((w, h), filter)` on L/RGB
// images. Sizes must be positive; the caller bounds them.
Image8 pillowResize(const Image8& src, int outWidth, int outHeight, ResampleFilter filter);

// The same kernels on one float plane without rounding: what torch's
// `interpolate(mode='bilinear', antialias=True, align_corners=False)` computes.
std::vector<float> resizePlane(const float* src, int width, int height, int outWidth,
                               int outHeight, ResampleFilter filter);

} // namespace vlmscope
