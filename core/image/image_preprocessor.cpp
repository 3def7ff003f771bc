// Image loading and the two nanoVLM preprocessing pipelines.
//
// Variant chosen for the current generation (nanoVLM 4e0c096, data/processors.py and
// data/custom_transforms.py, run with torchvision >= 0.17 as its README's `pip install` gets):
//   DynamicResize -> PIL `Image.resize(..., BICUBIC)` (8-bit, antialiased);
//   ToTensor      -> float32 / 255;
//   split         -> p x p tiles, row by row;
//   global view   -> torchvision tensor `resize(x, [p, p])`, whose default since 0.17 is
//                    bilinear WITH antialias, computed in float without rounding.
// Older torchvision (< 0.17) made the global view without antialias; we do not follow it.
#include "core/image/image_preprocessor.h"

#include "core/image/pillow_resample.h"
#include "core/util/error.h"

#include <QBuffer>
#include <QFile>
#include <QFileInfo>
#include <QImageReader>
#include <QRgba64>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace vlmscope {
namespace {

// Raster formats PIL also reads. Vector (SVG) and animation-only formats are refused: their
// decoding cost is not bounded by the declared size.
const char* const kAcceptedFormats[] = {"png", "jpeg", "jpg", "bmp", "gif", "webp", "tiff",
                                        "tif", "pbm", "pgm", "ppm", "tga", "ico"};

[[noreturn]] void fail(const std::string& name, const std::string& problem)
{
    throw InputError(name + ": " + problem);
}

std::string sizeText(QSize size)
{
    return std::to_string(size.width()) + "x" + std::to_string(size.height());
}

void checkPixelCount(QSize size, const std::string& name)
{
    if (size.width() <= 0 || size.height() <= 0)
        fail(name, "image has zero size (" + sizeText(size) + ")");
    const std::int64_t pixels = static_cast<std::int64_t>(size.width()) * size.height();
    if (pixels > kMaxImagePixels || size.width() > kMaxImageSide
        || size.height() > kMaxImageSide) {
        fail(name, "image is " + sizeText(size) + " pixels, more than the limit of "
                       + std::to_string(kMaxImagePixels / 1'000'000) + " megapixels and "
                       + std::to_string(kMaxImageSide) + " pixels a side");
    }
}

bool isAcceptedFormat(const QByteArray& format)
{
    const QByteArray lower = format.toLower();
    return std::any_of(std::begin(kAcceptedFormats), std::end(kAcceptedFormats),
                       [&](const char* f) { return lower == f; });
}

QImage decode(QIODevice& device, const std::string& name)
{
    QImageReader reader(&device);
    reader.setAutoTransform(false); // PIL's Image.open ignores EXIF orientation
    // Qt's own guard against decompression bombs, sized for our pixel limit at 16 bits a channel.
    reader.setAllocationLimit(static_cast<int>(kMaxImagePixels * 8 / (1024 * 1024) + 1));
    if (!reader.canRead())
        fail(name, "not an image file in a format Qt can read");
    if (!isAcceptedFormat(reader.format()))
        fail(name, "image format '" + reader.format().toStdString() + "' is not supported");
    const QSize declared = reader.size();
    if (declared.isValid())
        checkPixelCount(declared, name);

    QImage image;
    if (!reader.read(&image) || image.isNull()) {
        fail(name, "cannot decode image (" + reader.errorString().toStdString()
                       + "); the file is damaged or truncated");
    }
    checkPixelCount(image.size(), name);
    return toRgb888(image);
}

// Full-range 16-bit channels keep their high byte, as Pillow's 16-bit PNG unpackers do.
QImage sixteenBitToRgb888(const QImage& image)
{
    QImage out(image.size(), QImage::Format_RGB888);
    if (image.format() == QImage::Format_Grayscale16) {
        for (int y = 0; y < image.height(); ++y) {
            const auto* in = reinterpret_cast<const quint16*>(image.constScanLine(y));
            uchar* o = out.scanLine(y);
            for (int x = 0; x < image.width(); ++x)
                std::memset(o + 3 * x, in[x] >> 8, 3);
        }
        return out;
    }
    const QImage straight = image.convertToFormat(QImage::Format_RGBA64);
    for (int y = 0; y < straight.height(); ++y) {
        const auto* in = reinterpret_cast<const QRgba64*>(straight.constScanLine(y));
        uchar* o = out.scanLine(y);
        for (int x = 0; x < straight.width(); ++x) {
            o[3 * x] = static_cast<uchar>(in[x].red() >> 8);
            o[3 * x + 1] = static_cast<uchar>(in[x].green() >> 8);
            o[3 * x + 2] = static_cast<uchar>(in[x].blue() >> 8);
        }
    }
    return out;
}

// PIL drops alpha without compositing: a fully transparent pixel keeps its stored colour.
// Non-premultiplied ARGB32 holds exactly that colour (Qt's own ARGB32 -> RGB888 conversion
// may go through premultiplied values, which would blend with black).
QImage straightArgbToRgb888(const QImage& argb)
{
    QImage out(argb.size(), QImage::Format_RGB888);
    for (int y = 0; y < argb.height(); ++y) {
        const auto* in = reinterpret_cast<const QRgb*>(argb.constScanLine(y));
        uchar* o = out.scanLine(y);
        for (int x = 0; x < argb.width(); ++x) {
            o[3 * x] = static_cast<uchar>(qRed(in[x]));
            o[3 * x + 1] = static_cast<uchar>(qGreen(in[x]));
            o[3 * x + 2] = static_cast<uchar>(qBlue(in[x]));
        }
    }
    return out;
}

Image8 toImage8(const QImage& rgb888)
{
    Image8 out{rgb888.width(), rgb888.height(), 3, {}};
    const std::size_t rowBytes = static_cast<std::size_t>(out.width) * 3;
    out.data.resize(rowBytes * out.height);
    for (int y = 0; y < out.height; ++y)
        std::memcpy(&out.data[y * rowBytes], rgb888.constScanLine(y), rowBytes);
    return out;
}

Image8 checkedRgb(const QImage& image)
{
    if (image.isNull())
        fail("image", "no image data");
    checkPixelCount(image.size(), "image");
    return toImage8(toRgb888(image));
}

void checkSide(int value, const char* what)
{
    if (value <= 0 || value > kMaxPreprocessSide) {
        throw InputError(std::string(what) + " must be between 1 and "
                         + std::to_string(kMaxPreprocessSide) + ", got "
                         + std::to_string(value));
    }
}

// HWC uint8 -> CHW float32 / 255 into view `view` of `tensor`, as torchvision's ToTensor.
void toTensorView(const Image8& image, PixelTensor& tensor, int view)
{
    const std::size_t plane = static_cast<std::size_t>(image.width) * image.height;
    float* out = &tensor.data[tensor.index(view, 0, 0, 0)];
    for (std::size_t i = 0; i < plane; ++i) {
        for (int c = 0; c < 3; ++c)
            out[c * plane + i] = static_cast<float>(image.data[i * 3 + c]) / 255.0f;
    }
}

PixelTensor makeTensor(int views, int side)
{
    PixelTensor t{views, 3, side, side, {}};
    t.data.resize(static_cast<std::size_t>(views) * 3 * side * side);
    return t;
}

// View 0 of `views` = the whole image shrunk to one tile with torch's antialiased bilinear.
void writeGlobalView(const PixelTensor& whole, PixelTensor& views)
{
    for (int c = 0; c < 3; ++c) {
        const std::vector<float> global =
            resizePlane(&whole.data[whole.index(0, c, 0, 0)], whole.width, whole.height,
                        views.width, views.height, ResampleFilter::Bilinear);
        std::copy(global.begin(), global.end(), &views.data[views.index(0, c, 0, 0)]);
    }
}

// Views firstView.. = the tiles of `whole`, row by row (einops 'c (nh ph) (nw pw)').
void writeTiles(const PixelTensor& whole, int firstView, PixelTensor& views)
{
    const int p = views.width;
    const int cols = whole.width / p;
    for (int view = firstView; view < views.views; ++view) {
        const int row = (view - firstView) / cols;
        const int col = (view - firstView) % cols;
        for (int c = 0; c < 3; ++c) {
            for (int y = 0; y < p; ++y) {
                const float* in = &whole.data[whole.index(0, c, row * p + y, col * p)];
                std::copy(in, in + p, &views.data[views.index(view, c, y, 0)]);
            }
        }
    }
}

} // namespace

QImage loadImage(const std::string& path)
{
    const QString qpath = QString::fromStdString(path);
    const QFileInfo info(qpath);
    if (!info.exists())
        fail(path, "file not found");
    if (info.isDir())
        fail(path, "is a directory, not an image file");
    QFile file(qpath);
    if (!file.open(QIODevice::ReadOnly))
        fail(path, "cannot open (" + file.errorString().toStdString() + ")");
    if (file.size() == 0)
        fail(path, "file is empty");
    if (file.size() > kMaxImageFileBytes) {
        fail(path, "file is " + std::to_string(file.size()) + " bytes, more than the limit of "
                       + std::to_string(kMaxImageFileBytes) + " bytes for an image");
    }
    return decode(file, path);
}

QImage loadImageData(const QByteArray& bytes, const std::string& name)
{
    if (bytes.isEmpty())
        fail(name, "file is empty");
    if (bytes.size() > kMaxImageFileBytes) {
        fail(name, "data is " + std::to_string(bytes.size()) + " bytes, more than the limit of "
                       + std::to_string(kMaxImageFileBytes) + " bytes for an image");
    }
    QBuffer buffer;
    buffer.setData(bytes);
    buffer.open(QIODevice::ReadOnly);
    return decode(buffer, name);
}

QImage toRgb888(const QImage& image)
{
    switch (image.format()) {
    case QImage::Format_RGB888:
        return image;
    case QImage::Format_Invalid:
        return QImage();
    case QImage::Format_RGBA64:
    case QImage::Format_RGBA64_Premultiplied:
    case QImage::Format_RGBX64:
    case QImage::Format_Grayscale16:
        return sixteenBitToRgb888(image);
    case QImage::Format_RGB32: // what Qt decodes opaque RGB into; its alpha byte is 0xff
    case QImage::Format_ARGB32:
        return straightArgbToRgb888(image);
    default:
        return straightArgbToRgb888(image.convertToFormat(QImage::Format_ARGB32));
    }
}

QSize dynamicResizeTarget(QSize source, int vitImgSize, int maxImgSize, bool resizeToMaxSideLen)
{
    const int p = vitImgSize;
    if (source.isEmpty() || p <= 0 || maxImgSize <= 0)
        return QSize();
    const bool landscape = source.width() >= source.height();
    const int longSide = landscape ? source.width() : source.height();
    const int shortSide = landscape ? source.height() : source.width();
    // Same double arithmetic as the Python (`math.ceil(short * scale / p)`), so sides that
    // land exactly on a multiple of p round the same way.
    const int targetLong = resizeToMaxSideLen
        ? maxImgSize
        : std::min(maxImgSize, static_cast<int>(std::ceil(static_cast<double>(longSide) / p)) * p);
    const double scale = static_cast<double>(targetLong) / longSide;
    const int targetShort =
        std::max(static_cast<int>(std::ceil(shortSide * scale / p)) * p, p);
    return landscape ? QSize(targetLong, targetShort) : QSize(targetShort, targetLong);
}

PreprocessedImage preprocess222m(const QImage& image, int imgSize)
{
    checkSide(imgSize, "vit_img_size");
    const Image8 resized =
        pillowResize(checkedRgb(image), imgSize, imgSize, ResampleFilter::Bilinear);
    PreprocessedImage out;
    out.pixels = makeTensor(1, imgSize);
    toTensorView(resized, out.pixels, 0);
    return out;
}

PreprocessedImage preprocessCurrent(const QImage& image, int vitImgSize, int maxImgSize,
                                    bool resizeToMaxSideLen)
{
    checkSide(vitImgSize, "vit_img_size");
    checkSide(maxImgSize, "max_img_size");
    if (maxImgSize % vitImgSize != 0) {
        throw InputError("max_img_size (" + std::to_string(maxImgSize)
                         + ") must be a multiple of vit_img_size (" + std::to_string(vitImgSize)
                         + ")");
    }
    const Image8 source = checkedRgb(image);
    const QSize target = dynamicResizeTarget(QSize(source.width, source.height), vitImgSize,
                                             maxImgSize, resizeToMaxSideLen);
    const Image8 resized =
        pillowResize(source, target.width(), target.height(), ResampleFilter::Bicubic);

    const int p = vitImgSize;
    PreprocessedImage out;
    out.gridRows = target.height() / p;
    out.gridCols = target.width() / p;
    out.hasGlobalView = out.gridRows * out.gridCols > 1;
    out.pixels = makeTensor((out.hasGlobalView ? 1 : 0) + out.gridRows * out.gridCols, p);

    PixelTensor whole{1, 3, target.height(), target.width(), {}};
    whole.data.resize(static_cast<std::size_t>(3) * target.width() * target.height());
    toTensorView(resized, whole, 0);
    if (out.hasGlobalView)
        writeGlobalView(whole, out.pixels);
    writeTiles(whole, out.hasGlobalView ? 1 : 0, out.pixels);
    return out;
}

} // namespace vlmscope
