// Tests of the Pillow-compatible resampler on its own: hand-computed kernels, invariants,
// and agreement between the 8-bit and float paths. Golden comparisons against Pillow's
// output are in test_image_preprocessor.cpp.
#include "core/image/pillow_resample.h"

#include <QtTest>

#include <cmath>
#include <vector>

using namespace vlmscope;

Q_DECLARE_METATYPE(vlmscope::ResampleFilter)

namespace {

Image8 grey(int width, int height, std::vector<std::uint8_t> values)
{
    return Image8{width, height, 1, std::move(values)};
}

// A deterministic, structured RGB test card (edges, gradients, noise-like texture).
Image8 testCard(int width, int height)
{
    Image8 img{width, height, 3, {}};
    img.data.resize(static_cast<std::size_t>(width) * height * 3);
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x) {
            std::uint8_t* p = &img.data[(static_cast<std::size_t>(y) * width + x) * 3];
            p[0] = static_cast<std::uint8_t>((x * 255) / std::max(width - 1, 1));
            p[1] = static_cast<std::uint8_t>(((x / 3 + y / 5) % 2) * 255);
            p[2] = static_cast<std::uint8_t>((x * 37 + y * 91 + x * y) % 256);
        }
    }
    return img;
}

// Values in [40, 215] with soft edges: bicubic overshoot never reaches 0 or 255, so the
// 8-bit path's intermediate is never clipped and differs from float by rounding only.
Image8 smoothCard(int width, int height)
{
    Image8 img{width, height, 3, {}};
    img.data.resize(static_cast<std::size_t>(width) * height * 3);
    for (int y = 0; y < height; ++y) {
        for (int x = 0; x < width; ++x) {
            std::uint8_t* p = &img.data[(static_cast<std::size_t>(y) * width + x) * 3];
            p[0] = static_cast<std::uint8_t>(40 + (x * 175) / std::max(width - 1, 1));
            p[1] = static_cast<std::uint8_t>(128 + 80 * std::sin(x * 0.7) * std::cos(y * 0.45));
            p[2] = static_cast<std::uint8_t>(((x / 4 + y / 3) % 2) ? 190 : 70);
        }
    }
    return img;
}

} // namespace

class TestPillowResample : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void handComputedKernels_data()
    {
        QTest::addColumn<int>("inWidth");
        QTest::addColumn<QVector<int>>("input");
        QTest::addColumn<int>("outWidth");
        QTest::addColumn<ResampleFilter>("filter");
        QTest::addColumn<QVector<int>>("expected");

        // 4 -> 2 bilinear: support widens to 2, weights (3/7, 3/7, 1/7) and mirrored.
        QTest::newRow("bilinear 4->2") << 4 << QVector<int>{0, 70, 140, 210} << 2
                                       << ResampleFilter::Bilinear << QVector<int>{50, 160};
        // 2 -> 4 bilinear: centres 0.25, 0.75, ... ; edge pixels clamp to the single input.
        QTest::newRow("bilinear 2->4") << 2 << QVector<int>{0, 200} << 4
                                       << ResampleFilter::Bilinear
                                       << QVector<int>{0, 50, 150, 200};
        // 2 -> 4 bicubic: out0 = 100 * 1.0882 - 200 * 0.0882 = 91.18 (negative lobe);
        // out1 = 100 * 0.7929 + 200 * 0.2071 = 120.7.
        QTest::newRow("bicubic 2->4") << 2 << QVector<int>{100, 200} << 4
                                      << ResampleFilter::Bicubic
                                      << QVector<int>{91, 121, 179, 209};
        // Overshoot below 0 and above 255 is clipped, as Pillow's clip8 does.
        QTest::newRow("bicubic clips") << 2 << QVector<int>{0, 255} << 4
                                       << ResampleFilter::Bicubic
                                       << QVector<int>{0, 53, 202, 255};
    }

    void handComputedKernels()
    {
        QFETCH(int, inWidth);
        QFETCH(QVector<int>, input);
        QFETCH(int, outWidth);
        QFETCH(ResampleFilter, filter);
        QFETCH(QVector<int>, expected);

        std::vector<std::uint8_t> bytes(input.begin(), input.end());
        const Image8 out = pillowResize(grey(inWidth, 1, bytes), outWidth, 1, filter);
        QCOMPARE(out.width, outWidth);
        QCOMPARE(out.height, 1);
        QVector<int> got(out.data.begin(), out.data.end());
        QCOMPARE(got, expected);

        // The same kernel applied along y must give the same numbers.
        const Image8 column = pillowResize(grey(1, inWidth, bytes), 1, outWidth, filter);
        QVector<int> gotColumn(column.data.begin(), column.data.end());
        QCOMPARE(gotColumn, expected);
    }

    void sameSizeIsIdentity()
    {
        const Image8 card = testCard(37, 23);
        for (ResampleFilter f : {ResampleFilter::Bilinear, ResampleFilter::Bicubic}) {
            QVERIFY(pillowResize(card, 37, 23, f).data == card.data);
            // One axis unchanged: that axis must not be filtered.
            const Image8 rows = pillowResize(card, 37, 11, f);
            const Image8 rowsAgain = pillowResize(testCard(37, 23), 37, 11, f);
            QVERIFY(rows.data == rowsAgain.data);
        }
    }

    void constantStaysConstant_data()
    {
        QTest::addColumn<int>("outWidth");
        QTest::addColumn<int>("outHeight");
        QTest::addColumn<ResampleFilter>("filter");
        QTest::newRow("down bilinear") << 7 << 3 << ResampleFilter::Bilinear;
        QTest::newRow("down bicubic") << 7 << 3 << ResampleFilter::Bicubic;
        QTest::newRow("up bilinear") << 301 << 97 << ResampleFilter::Bilinear;
        QTest::newRow("up bicubic") << 301 << 97 << ResampleFilter::Bicubic;
        QTest::newRow("to 1x1") << 1 << 1 << ResampleFilter::Bicubic;
    }

    void constantStaysConstant()
    {
        QFETCH(int, outWidth);
        QFETCH(int, outHeight);
        QFETCH(ResampleFilter, filter);
        for (int value : {0, 1, 128, 254, 255}) {
            Image8 img{50, 20, 3, std::vector<std::uint8_t>(50 * 20 * 3, std::uint8_t(value))};
            const Image8 out = pillowResize(img, outWidth, outHeight, filter);
            QCOMPARE(out.data.size(), std::size_t(outWidth) * outHeight * 3);
            for (std::uint8_t v : out.data)
                QCOMPARE(int(v), value);

            std::vector<float> plane(50 * 20, value / 255.0f);
            const std::vector<float> fout =
                resizePlane(plane.data(), 50, 20, outWidth, outHeight, filter);
            for (float v : fout)
                QVERIFY(std::fabs(v - value / 255.0f) < 1e-6f);
        }
    }

    // The float path is the 8-bit path without its two roundings.
    void floatAgreesWith8Bit_data()
    {
        QTest::addColumn<int>("outWidth");
        QTest::addColumn<int>("outHeight");
        QTest::addColumn<ResampleFilter>("filter");
        QTest::addColumn<float>("tolerance");
        // <= 0.5 from the uint8 intermediate (times the kernel's absolute sum, ~1.2 for
        // bicubic) plus <= 0.5 final rounding.
        QTest::newRow("bilinear down") << 29 << 13 << ResampleFilter::Bilinear << 1.0f;
        QTest::newRow("bilinear up") << 150 << 80 << ResampleFilter::Bilinear << 1.0f;
        QTest::newRow("bilinear mixed") << 150 << 20 << ResampleFilter::Bilinear << 1.0f;
        QTest::newRow("bicubic down") << 29 << 13 << ResampleFilter::Bicubic << 1.2f;
        QTest::newRow("bicubic up") << 150 << 80 << ResampleFilter::Bicubic << 1.2f;
        QTest::newRow("bicubic mixed") << 150 << 20 << ResampleFilter::Bicubic << 1.2f;
    }

    void floatAgreesWith8Bit()
    {
        QFETCH(int, outWidth);
        QFETCH(int, outHeight);
        QFETCH(ResampleFilter, filter);
        QFETCH(float, tolerance);
        const Image8 card = smoothCard(97, 41);
        float worst = 0;
        const Image8 fixed = pillowResize(card, outWidth, outHeight, filter);
        for (int c = 0; c < 3; ++c) {
            std::vector<float> plane(97 * 41);
            for (std::size_t i = 0; i < plane.size(); ++i)
                plane[i] = card.data[i * 3 + c];
            const std::vector<float> f =
                resizePlane(plane.data(), 97, 41, outWidth, outHeight, filter);
            for (std::size_t i = 0; i < f.size(); ++i) {
                const float clipped = std::clamp(f[i], 0.0f, 255.0f);
                worst = std::max(worst, std::fabs(clipped - fixed.data[i * 3 + c]));
                QVERIFY2(std::fabs(clipped - fixed.data[i * 3 + c]) <= tolerance,
                         qPrintable(QString("pixel %1 channel %2: float %3, 8-bit %4")
                                        .arg(i).arg(c).arg(f[i]).arg(fixed.data[i * 3 + c])));
            }
        }
        qInfo("largest float vs 8-bit difference: %.3f levels", double(worst));
    }

    // Extreme ratios keep every coefficient table in bounds (run under ASan in the fuzz build).
    void extremeRatios()
    {
        const Image8 wide = testCard(4000, 1);
        QCOMPARE(pillowResize(wide, 1, 1, ResampleFilter::Bicubic).data.size(), std::size_t(3));
        const Image8 tiny = testCard(1, 1);
        const Image8 big = pillowResize(tiny, 300, 200, ResampleFilter::Bicubic);
        for (std::size_t i = 0; i < big.data.size(); i += 3)
            QCOMPARE(big.data[i], tiny.data[0]);
    }
};

QTEST_APPLESS_MAIN(TestPillowResample)
#include "test_pillow_resample.moc"
