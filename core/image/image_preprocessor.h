// Image input for the vision encoder: loads untrusted image files with bounded cost and turns
// them into the pixel tensors of the two nanoVLM generations (222M era and current).
#pragma once

#include <QByteArray>
#include <QImage>
#include <QSize>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace vlmscope {

// Row-major [views, channels, height, width] float32 pixels in [0, 1] (no mean/std
// normalisation: neither nanoVLM generation applies one).
struct PixelTensor {
    int views = 0;
    int channels = 0;
    int height = 0;
    int width = 0;
    std::vector<float> data;

    std::size_t index(int view, int channel, int y, int x) const
    {
        return ((static_cast<std::size_t>(view) * channels + channel) * height + y) * width + x;
    }
    float at(int view, int channel, int y, int x) const { return data[index(view, channel, y, x)]; }
};

// The views the vision encoder sees and how the tiles are laid out. 222M era: one view,
// grid 1x1. Current: an optional global view first, then gridRows x gridCols tiles row by row.
struct PreprocessedImage {
    PixelTensor pixels;
    int gridRows = 1;
    int gridCols = 1;
    bool hasGlobalView = false;
};

// Refusal thresholds for untrusted images, checked from the header before decoding.
constexpr std::int64_t kMaxImagePixels = 100'000'000;
constexpr std::int64_t kMaxImageFileBytes = 512LL * 1024 * 1024;
constexpr int kMaxImageSide = 32768;
// Largest tile / output side a config may ask for.
constexpr int kMaxPreprocessSide = 4096;

// Reads any raster format Qt decodes (PNG, JPEG, BMP, GIF, WebP, TIFF, PNM, TGA, ICO), first
// frame only, no EXIF rotation, converted to RGB (Format_RGB888) as PIL's
// `Image.open(path).convert('RGB')` would. `path` may be a Qt resource (":/vlmscope/...").
// Throws InputError "<path>: ..." for a missing, empty, unreadable, truncated, zero-size or
// too large (> kMaxImagePixels) image.
QImage loadImage(const std::string& path);

// Same as loadImage for bytes already in memory; `name` is used in error messages.
QImage loadImageData(const QByteArray& bytes, const std::string& name);

// Converts any QImage to Format_RGB888 the way PIL's `convert('RGB')` does: alpha is dropped
// WITHOUT compositing (a fully transparent pixel keeps its stored colour), palettes and grey
// are expanded, 16-bit channels keep their high byte.
QImage toRgb888(const QImage& image);

// Current nanoVLM's DynamicResize target (width x height) for a `source` image: both sides
// become multiples of `vitImgSize`, the longer side at most `maxImgSize` (the shorter side can
// exceed it by one tile through the Python's float rounding, reproduced on purpose). Returns
// an empty QSize for an empty source or non-positive sizes.
QSize dynamicResizeTarget(QSize source, int vitImgSize, int maxImgSize, bool resizeToMaxSideLen);

// 222M era (931bef0): Pillow BILINEAR resize to imgSize x imgSize (aspect ratio not kept),
// then / 255. One view, grid 1x1.
PreprocessedImage preprocess222m(const QImage& image, int imgSize);

// Current nanoVLM (4e0c096): DynamicResize with Pillow BICUBIC, / 255, cut into
// vitImgSize-square tiles row by row, plus a global view in front when the grid is not 1x1.
// Throws InputError when maxImgSize is not a positive multiple of vitImgSize.
PreprocessedImage preprocessCurrent(const QImage& image, int vitImgSize, int maxImgSize,
                                    bool resizeToMaxSideLen);

} // namespace vlmscope
