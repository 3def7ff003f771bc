// libFuzzer harness for image input: arbitrary bytes are decoded from memory with the same
// limits as files (loadImageData), then run through both preprocessors at small sizes.
#include "core/image/image_preprocessor.h"
#include "core/util/error.h"

#include <QBuffer>
#include <QByteArray>
#include <QImageReader>

#include <cstddef>
#include <cstdint>

namespace {

// A few bytes can declare an image of up to kMaxImagePixels that is then really decoded
// (61 bytes of GIF make 18701x4103): about 0.4 s in a release build but over 10 s under the
// sanitizers, which libFuzzer reports as a hang. Such inputs are valid, so skip them; sizes
// over the limit still go through and must be refused from the header.
bool declaresLargeButAllowedImage(const QByteArray& bytes)
{
    QByteArray copy = bytes;
    QBuffer buffer(&copy);
    buffer.open(QIODevice::ReadOnly);
    QImageReader reader(&buffer);
    const QSize declared = reader.size();
    const std::int64_t pixels = std::int64_t(declared.width()) * declared.height();
    return declared.isValid() && pixels > 4'000'000 && pixels <= vlmscope::kMaxImagePixels;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size > (1u << 24))
        return 0;
    const QByteArray bytes =
        QByteArray::fromRawData(reinterpret_cast<const char*>(data), static_cast<qsizetype>(size));
    if (declaresLargeButAllowedImage(bytes))
        return 0;
    try {
        const QImage image = vlmscope::loadImageData(bytes, "fuzz-input");
        const vlmscope::PreprocessedImage old = vlmscope::preprocess222m(image, 16);
        if (old.pixels.data.size() != 3u * 16 * 16)
            __builtin_trap();
        // Last byte picks the DynamicResize mode so both branches get exercised.
        const bool toMax = (data[size - 1] & 1) != 0;
        const vlmscope::PreprocessedImage cur = vlmscope::preprocessCurrent(image, 8, 32, toMax);
        const int tiles = cur.gridRows * cur.gridCols;
        if (cur.pixels.views != tiles + (cur.hasGlobalView ? 1 : 0)
            || cur.pixels.data.size() != static_cast<std::size_t>(cur.pixels.views) * 3 * 8 * 8)
            __builtin_trap();
    } catch (const vlmscope::InputError&) {
        // Rejected with a message: the expected outcome for most inputs.
    }
    return 0;
}
