// Image loading and preprocessing: the 222M-era golden vector from the Python original,
// PIL-style RGB conversion of every PNG colour type, bad files, and the current generation's
// resize-and-tile rules.
#include "core/image/image_preprocessor.h"
#include "core/image/pillow_resample.h"
#include "core/util/error.h"

#include <QBuffer>
#include <QElapsedTimer>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtEndian>
#include <QtTest>

#include <array>
#include <cmath>
#include <cstring>

using namespace vlmscope;

namespace {

const QString kRefDir = QStringLiteral(VLMSCOPE_TEST_DATA "/reference/image-preprocess");

struct Tensor {
    QVector<int> shape;
    std::vector<float> values;
};

// Minimal safetensors reader for F32 tensors (8-byte LE header length, JSON header, data),
// kept here so the test does not depend on the production reader it may one day check.
Tensor readSafetensorsF32(const QString& path, const QString& name)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot open %s", qPrintable(path));
    const QByteArray bytes = file.readAll();
    if (bytes.size() < 8)
        qFatal("%s: too short", qPrintable(path));
    const quint64 headerLen = qFromLittleEndian<quint64>(bytes.constData());
    if (headerLen > quint64(bytes.size() - 8))
        qFatal("%s: bad header length", qPrintable(path));
    const QJsonObject header =
        QJsonDocument::fromJson(bytes.mid(8, int(headerLen))).object();
    const QJsonObject entry = header.value(name).toObject();
    if (entry.value("dtype").toString() != "F32")
        qFatal("%s: %s is not F32", qPrintable(path), qPrintable(name));
    Tensor t;
    qint64 count = 1;
    for (const QJsonValue v : entry.value("shape").toArray()) {
        t.shape.append(v.toInt());
        count *= v.toInt();
    }
    const QJsonArray offsets = entry.value("data_offsets").toArray();
    const qint64 begin = 8 + qint64(headerLen) + offsets.at(0).toInteger();
    const qint64 end = 8 + qint64(headerLen) + offsets.at(1).toInteger();
    if (end - begin != count * 4 || end > bytes.size())
        qFatal("%s: %s has bad offsets", qPrintable(path), qPrintable(name));
    t.values.resize(std::size_t(count));
    std::memcpy(t.values.data(), bytes.constData() + begin, std::size_t(count) * 4);
    return t;
}

struct DiffStats {
    double maxAbs = 0;
    double meanAbs = 0;
};

DiffStats compare(const std::vector<float>& a, const std::vector<float>& b)
{
    DiffStats s;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const double d = std::fabs(double(a[i]) - double(b[i]));
        s.maxAbs = std::max(s.maxAbs, d);
        s.meanAbs += d;
    }
    s.meanAbs /= double(a.size());
    return s;
}

Image8 toImage8(const QImage& rgb)
{
    Image8 img{rgb.width(), rgb.height(), 3, {}};
    for (int y = 0; y < rgb.height(); ++y)
        img.data.insert(img.data.end(), rgb.constScanLine(y), rgb.constScanLine(y) + rgb.width() * 3);
    return img;
}

std::vector<float> toFloat(const Image8& img)
{
    // CHW / 255, like ToTensor.
    const std::size_t plane = std::size_t(img.width) * img.height;
    std::vector<float> out(plane * 3);
    for (std::size_t i = 0; i < plane; ++i)
        for (int c = 0; c < 3; ++c)
            out[c * plane + i] = img.data[i * 3 + c] / 255.0f;
    return out;
}

// --- hand-made PNG files, independent of Qt's PNG writer ---

quint32 crc32(const QByteArray& data)
{
    quint32 crc = 0xFFFFFFFFu;
    for (char ch : data) {
        crc ^= quint8(ch);
        for (int k = 0; k < 8; ++k)
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

QByteArray be32(quint32 v)
{
    QByteArray b(4, 0);
    qToBigEndian(v, b.data());
    return b;
}

QByteArray chunk(const char* type, const QByteArray& data)
{
    const QByteArray body = QByteArray(type) + data;
    return be32(quint32(data.size())) + body + be32(crc32(body));
}

// `rows` holds each row's raw bytes (no filter byte); `width`/`height` may lie on purpose.
QByteArray makePng(quint32 width, quint32 height, int bitDepth, int colorType,
                   const QList<QByteArray>& rows, const QByteArray& plte = {},
                   const QByteArray& trns = {}, const QByteArray& rawIdat = {})
{
    QByteArray ihdr = be32(width) + be32(height);
    ihdr.append(char(bitDepth)).append(char(colorType)).append(3, '\0');
    QByteArray raw;
    for (const QByteArray& row : rows)
        raw += '\0' + row;
    const QByteArray zlibStream =
        rawIdat.isEmpty() ? qCompress(raw).mid(4) : rawIdat; // drop Qt's length prefix
    QByteArray png("\x89PNG\r\n\x1a\n", 8);
    png += chunk("IHDR", ihdr);
    if (!plte.isEmpty())
        png += chunk("PLTE", plte);
    if (!trns.isEmpty())
        png += chunk("tRNS", trns);
    return png + chunk("IDAT", zlibStream) + chunk("IEND", {});
}

QByteArray bytes(std::initializer_list<int> values)
{
    QByteArray b;
    for (int v : values)
        b.append(char(v));
    return b;
}

// Minimal GIF89a: LZW with a clear code before every pixel keeps codes at 3 bits.
QByteArray makeGif2x1(QRgb first, QRgb second)
{
    QByteArray gif("GIF89a");
    gif += bytes({2, 0, 1, 0, 0x81, 0, 0}); // 2x1, global table of 4 colours
    for (QRgb c : {first, second, QRgb(0), QRgb(0)})
        gif += bytes({qRed(c), qGreen(c), qBlue(c)});
    gif += bytes({',', 0, 0, 0, 0, 2, 0, 1, 0, 0, 2}); // image descriptor, min code size 2
    // codes (3 bits, LSB first): clear(4) 0 clear(4) 1 eoi(5)
    quint32 bits = 0;
    int n = 0;
    QByteArray data;
    for (int code : {4, 0, 4, 1, 5}) {
        bits |= quint32(code) << n;
        n += 3;
    }
    for (; n > 0; n -= 8, bits >>= 8)
        data.append(char(bits & 0xFF));
    gif += char(data.size()) + data + '\0' + ';';
    return gif;
}

QByteArray readFile(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        qFatal("cannot read %s", qPrintable(path));
    return f.readAll();
}

// Deterministic RGB test card with sharp edges, gradients and texture.
QImage testCard(int width, int height)
{
    QImage img(width, height, QImage::Format_RGB888);
    for (int y = 0; y < height; ++y) {
        uchar* p = img.scanLine(y);
        for (int x = 0; x < width; ++x) {
            p[3 * x] = uchar((x * 255) / std::max(width - 1, 1));
            p[3 * x + 1] = uchar(((x / 7 + y / 5) % 2) * 255);
            p[3 * x + 2] = uchar((x * 37 + y * 91 + x * y) % 256);
        }
    }
    return img;
}

} // namespace

class TestImagePreprocessor : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;

    QString writeTemp(const QString& name, const QByteArray& data)
    {
        const QString path = m_dir.filePath(name);
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly) || f.write(data) != data.size())
            qFatal("cannot write %s", qPrintable(path));
        return path;
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    // 931bef0: Resize((224, 224)) on a PIL image (Pillow BILINEAR, antialiased) + ToTensor.
    void golden222m()
    {
        const QImage img = loadImage((kRefDir + "/nanoVLM.png").toStdString());
        QCOMPARE(img.format(), QImage::Format_RGB888);
        QCOMPARE(img.size(), QSize(1584, 396));
        const PreprocessedImage pre = preprocess222m(img, 224);
        const PixelTensor& px = pre.pixels;
        QCOMPARE(px.views, 1);
        QCOMPARE(px.channels, 3);
        QCOMPARE(px.height, 224);
        QCOMPARE(px.width, 224);
        QCOMPARE(pre.gridRows, 1);
        QCOMPARE(pre.gridCols, 1);
        QVERIFY(!pre.hasGlobalView);

        const Tensor ref = readSafetensorsF32(kRefDir + "/expected.safetensors", "pixel_values");
        QCOMPARE(ref.shape, (QVector<int>{1, 3, 224, 224}));
        QCOMPARE(px.data.size(), ref.values.size());
        const DiffStats d = compare(px.data, ref.values);
        qInfo("222M preprocessing vs Python: max abs diff %.3g, mean abs diff %.3g", d.maxAbs,
              d.meanAbs);
        QVERIFY2(d.maxAbs <= 1.0 / 255 + 1e-6, qPrintable(QString::number(d.maxAbs)));
        QVERIFY2(d.meanAbs < 1e-4, qPrintable(QString::number(d.meanAbs)));
    }

    // The README lists how far Pillow BICUBIC at 224x224 is from the golden bilinear output;
    // an exact Pillow bicubic reproduces those figures (it checks HEAD's resize filter).
    void bicubicReproducesReadmeFigures()
    {
        const QImage img = loadImage((kRefDir + "/nanoVLM.png").toStdString());
        const std::vector<float> ours =
            toFloat(pillowResize(toImage8(img), 224, 224, ResampleFilter::Bicubic));
        const Tensor ref = readSafetensorsF32(kRefDir + "/expected.safetensors", "pixel_values");
        const DiffStats d = compare(ours, ref.values);
        qInfo("Pillow BICUBIC vs golden bilinear: max %.8g (README 0.12156863), mean %.8g "
              "(README 0.0032090440)",
              d.maxAbs, d.meanAbs);
        QVERIFY(std::fabs(d.maxAbs - 0.12156862765550613) < 1e-6);
        QVERIFY(std::fabs(d.meanAbs - 0.0032090440098894463) < 1e-7);
    }

    // Same for the float antialiased bilinear (torch interpolate antialias=True), the
    // resize of the current generation's global view.
    void floatBilinearReproducesReadmeFigures()
    {
        const QImage img = loadImage((kRefDir + "/nanoVLM.png").toStdString());
        const std::vector<float> full = toFloat(toImage8(img));
        const std::size_t plane = std::size_t(img.width()) * img.height();
        std::vector<float> ours;
        for (int c = 0; c < 3; ++c) {
            const std::vector<float> p = resizePlane(&full[c * plane], img.width(), img.height(),
                                                     224, 224, ResampleFilter::Bilinear);
            ours.insert(ours.end(), p.begin(), p.end());
        }
        const Tensor ref = readSafetensorsF32(kRefDir + "/expected.safetensors", "pixel_values");
        const DiffStats d = compare(ours, ref.values);
        qInfo("float antialiased bilinear vs golden: max %.8g (README 0.0035678148), mean %.8g "
              "(README 0.00013972938)",
              d.maxAbs, d.meanAbs);
        QVERIFY(std::fabs(d.maxAbs - 0.003567814826965332) < 1e-5);
        QVERIFY(std::fabs(d.meanAbs - 0.00013972938339096373) < 1e-6);
    }

    void preprocessingIsFast()
    {
        const QImage img = loadImage((kRefDir + "/nanoVLM.png").toStdString());
        QElapsedTimer timer;
        timer.start();
        constexpr int kRuns = 10;
        for (int i = 0; i < kRuns; ++i)
            preprocess222m(img, 224);
        qInfo("preprocess222m 1584x396 -> 224x224: %.2f ms per image", timer.nsecsElapsed() / 1e6 / kRuns);
        timer.restart();
        const PreprocessedImage cur = preprocessCurrent(img, 512, 2048, true);
        qInfo("preprocessCurrent 1584x396 -> 2048x512 (grid %dx%d + global): %.2f ms",
              cur.gridRows, cur.gridCols, timer.nsecsElapsed() / 1e6);
    }

    void convertsToRgbLikePil_data()
    {
        QTest::addColumn<QByteArray>("file");
        QTest::addColumn<QVector<QRgb>>("expected");

        QTest::newRow("RGBA, transparent pixel keeps its colour")
            << makePng(2, 1, 8, 6, {bytes({200, 100, 50, 0, 10, 20, 30, 255})})
            << QVector<QRgb>{qRgb(200, 100, 50), qRgb(10, 20, 30)};
        QTest::newRow("RGBA half transparent, no compositing")
            << makePng(1, 1, 8, 6, {bytes({240, 16, 128, 77})})
            << QVector<QRgb>{qRgb(240, 16, 128)};
        QTest::newRow("greyscale")
            << makePng(3, 1, 8, 0, {bytes({0, 77, 255})})
            << QVector<QRgb>{qRgb(0, 0, 0), qRgb(77, 77, 77), qRgb(255, 255, 255)};
        QTest::newRow("greyscale + alpha")
            << makePng(2, 1, 8, 4, {bytes({77, 0, 150, 128})})
            << QVector<QRgb>{qRgb(77, 77, 77), qRgb(150, 150, 150)};
        QTest::newRow("1-bit greyscale")
            << makePng(4, 1, 1, 0, {bytes({0xA0})})
            << QVector<QRgb>{qRgb(255, 255, 255), qRgb(0, 0, 0), qRgb(255, 255, 255),
                             qRgb(0, 0, 0)};
        QTest::newRow("palette with transparent entry")
            << makePng(3, 1, 8, 3, {bytes({0, 1, 2})}, bytes({1, 2, 3, 250, 128, 7, 9, 99, 199}),
                       bytes({0, 255, 30}))
            << QVector<QRgb>{qRgb(1, 2, 3), qRgb(250, 128, 7), qRgb(9, 99, 199)};
        QTest::newRow("4-bit palette")
            << makePng(2, 1, 4, 3, {bytes({0x10})}, bytes({5, 6, 7, 70, 80, 90}))
            << QVector<QRgb>{qRgb(70, 80, 90), qRgb(5, 6, 7)};
        // Pillow unpacks 16-bit RGB(A) PNGs by keeping the high byte of each sample.
        QTest::newRow("16-bit RGB")
            << makePng(1, 1, 16, 2, {bytes({0x12, 0xFF, 0xAB, 0x00, 0xFF, 0xFF})})
            << QVector<QRgb>{qRgb(0x12, 0xAB, 0xFF)};
        QTest::newRow("16-bit RGBA, transparent")
            << makePng(1, 1, 16, 6, {bytes({0x80, 0x80, 0x40, 0x00, 0x01, 0x01, 0, 0})})
            << QVector<QRgb>{qRgb(0x80, 0x40, 0x01)};
        // PIL would open this as mode "I" and clip to 255; we keep the high byte instead.
        QTest::newRow("16-bit greyscale")
            << makePng(1, 1, 16, 0, {bytes({0xC0, 0xFF})}) << QVector<QRgb>{qRgb(0xC0, 0xC0, 0xC0)};
        QTest::newRow("GIF") << makeGif2x1(qRgb(10, 200, 30), qRgb(255, 0, 128))
                             << QVector<QRgb>{qRgb(10, 200, 30), qRgb(255, 0, 128)};
    }

    void convertsToRgbLikePil()
    {
        QFETCH(QByteArray, file);
        QFETCH(QVector<QRgb>, expected);
        const QString path = writeTemp(QString("convert_%1.img").arg(QTest::currentDataTag()).remove(' '), file);
        const QImage img = loadImage(path.toStdString());
        QCOMPARE(img.format(), QImage::Format_RGB888);
        QCOMPARE(img.size(), QSize(int(expected.size()), 1));
        for (int x = 0; x < expected.size(); ++x) {
            const uchar* p = img.constScanLine(0) + 3 * x;
            QCOMPARE(qRgb(p[0], p[1], p[2]), expected[x]);
        }
        // The same bytes from memory give the same image.
        QCOMPARE(loadImageData(file, "memory"), img);
    }

    // Formats written by Qt itself: they load as RGB, BMP exactly, JPEG approximately.
    void otherFormats_data()
    {
        QTest::addColumn<QByteArray>("format");
        QTest::addColumn<int>("tolerance");
        QTest::newRow("bmp") << QByteArray("bmp") << 0;
        QTest::newRow("jpeg") << QByteArray("jpeg") << 8;
        QTest::newRow("ppm") << QByteArray("ppm") << 0;
    }

    void otherFormats()
    {
        QFETCH(QByteArray, format);
        QFETCH(int, tolerance);
        // Smooth content, so that JPEG's loss stays small and the comparison meaningful.
        QImage card(40, 24, QImage::Format_RGB888);
        for (int y = 0; y < card.height(); ++y)
            for (int x = 0; x < card.width(); ++x)
                card.setPixel(x, y, qRgb(40 + 4 * x, 60 + 5 * y, 128));
        QByteArray data;
        QBuffer buffer(&data);
        buffer.open(QIODevice::WriteOnly);
        QVERIFY(card.save(&buffer, format.constData(), 95));
        // A misleading suffix must not matter: the content decides.
        const QImage img = loadImage(writeTemp("other." + format + ".png", data).toStdString());
        QCOMPARE(img.format(), QImage::Format_RGB888);
        QCOMPARE(img.size(), card.size());
        int worst = 0;
        for (int y = 0; y < img.height(); ++y)
            for (int i = 0; i < img.width() * 3; ++i)
                worst = std::max(worst, std::abs(img.constScanLine(y)[i] - card.constScanLine(y)[i]));
        QVERIFY2(worst <= tolerance, qPrintable(QString::number(worst)));
    }

    void badFiles_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QString>("pattern");

        const QByteArray sample = readFile(kRefDir + "/nanoVLM.png");
        const QByteArray tiny = makePng(2, 2, 8, 2, {QByteArray(6, 'a'), QByteArray(6, 'b')});

        QTest::newRow("missing") << "missing.png" << QByteArray() << "file not found";
        QTest::newRow("directory") << "adir" << QByteArray() << "is a directory";
        QTest::newRow("zero bytes") << "empty.png" << QByteArray("") << "file is empty";
        QTest::newRow("text renamed .png")
            << "notes.png" << QByteArray("These are my notes, not a picture.\n")
            << "not an image file";
        QTest::newRow("truncated PNG")
            << "truncated.png" << sample.left(sample.size() / 2) << "cannot decode";
        QTest::newRow("PNG header only") << "header.png" << tiny.left(33) << "cannot decode";
        QTest::newRow("corrupt IDAT")
            << "corrupt.png"
            << makePng(8, 8, 8, 2, {}, {}, {}, QByteArray(40, '\x55'))
            << "cannot decode";
        QTest::newRow("huge declared PNG")
            << "huge.png" << makePng(20000, 20000, 8, 2, {QByteArray(60000, 0)})
            << "20000x20000 pixels, more than the limit of 100 megapixels";
        QTest::newRow("too wide PNG")
            << "wide.png" << makePng(40000, 1, 8, 2, {QByteArray(120000, 0)})
            << "40000x1 pixels, more than the limit";
        QTest::newRow("huge declared BMP")
            << "huge.bmp"
            << bytes({'B', 'M', 0x36, 0, 0, 0, 0, 0, 0, 0, 0x36, 0, 0, 0, 40, 0, 0, 0,
                      0xE0, 0x2E, 0, 0, 0xE0, 0x2E, 0, 0, 1, 0, 24, 0, 0, 0, 0, 0,
                      0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})
            << "12000x12000 pixels, more than the limit";
        QTest::newRow("zero-width PNG")
            << "zero.png" << makePng(0, 4, 8, 2, {QByteArray(1, 0)}) << "zero size|cannot decode";
        QTest::newRow("SVG")
            << "drawing.svg"
            << QByteArray("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\">"
                          "<rect width=\"10\" height=\"10\"/></svg>")
            << "format 'svg' is not supported|not an image file";
    }

    void badFiles()
    {
        QFETCH(QString, name);
        QFETCH(QByteArray, content);
        QFETCH(QString, pattern);
        QString path = m_dir.filePath(name);
        if (QTest::currentDataTag() == QByteArray("directory"))
            QVERIFY(QDir(m_dir.path()).mkpath(name));
        else if (QTest::currentDataTag() != QByteArray("missing"))
            path = writeTemp(name, content);

        try {
            loadImage(path.toStdString());
            QFAIL("no error");
        } catch (const InputError& e) {
            const QString message = QString::fromStdString(e.what());
            qInfo("%s", e.what());
            QVERIFY2(message.startsWith(path + ": "), qPrintable(message));
            QVERIFY2(message.contains(QRegularExpression(pattern)), qPrintable(message));
            QVERIFY(!message.contains('\n'));
        }
        if (QTest::currentDataTag() != QByteArray("missing")
            && QTest::currentDataTag() != QByteArray("directory")) {
            QVERIFY_THROWS_EXCEPTION(InputError, loadImageData(content, "mem"));
        }
    }

    void dynamicResizeTarget_data()
    {
        QTest::addColumn<QSize>("source");
        QTest::addColumn<int>("p");
        QTest::addColumn<int>("m");
        QTest::addColumn<bool>("toMax");
        QTest::addColumn<QSize>("expected");
        // Expected values from HEAD's DynamicResize._get_new_hw formula evaluated in Python.
        QTest::newRow("wide, to max") << QSize(1584, 396) << 512 << 2048 << true << QSize(2048, 512);
        QTest::newRow("wide, round up") << QSize(1584, 396) << 512 << 2048 << false << QSize(2048, 512);
        QTest::newRow("small upscaled to one tile") << QSize(100, 50) << 512 << 2048 << false << QSize(512, 512);
        QTest::newRow("small, to max") << QSize(100, 50) << 512 << 2048 << true << QSize(2048, 1024);
        QTest::newRow("1000x600") << QSize(1000, 600) << 512 << 2048 << false << QSize(1024, 1024);
        QTest::newRow("portrait") << QSize(300, 900) << 224 << 896 << false << QSize(448, 896);
        QTest::newRow("portrait, to max") << QSize(300, 900) << 224 << 896 << true << QSize(448, 896);
        QTest::newRow("sample, to max") << QSize(512, 384) << 512 << 2048 << true << QSize(2048, 1536);
        QTest::newRow("sample") << QSize(512, 384) << 512 << 2048 << false << QSize(512, 512);
        QTest::newRow("1-pixel column") << QSize(1, 10000) << 512 << 2048 << true << QSize(512, 2048);
        QTest::newRow("1-pixel row") << QSize(10000, 1) << 512 << 2048 << false << QSize(2048, 512);
        QTest::newRow("capped long side") << QSize(1584, 396) << 224 << 224 << false << QSize(224, 224);
        QTest::newRow("33x33") << QSize(33, 33) << 32 << 128 << false << QSize(64, 64);
        QTest::newRow("700x699") << QSize(700, 699) << 100 << 300 << false << QSize(300, 300);
        // Floating-point rounding in the Python makes these overshoot the exact result; we
        // must round the same way to get the same grid.
        QTest::newRow("float rounding 396x297") << QSize(396, 297) << 512 << 2048 << true << QSize(2048, 2048);
        QTest::newRow("float rounding 525x525") << QSize(525, 525) << 224 << 896 << true << QSize(896, 1120);
        QTest::newRow("empty source") << QSize(0, 10) << 32 << 64 << true << QSize();
        QTest::newRow("zero tile") << QSize(10, 10) << 0 << 64 << false << QSize();
    }

    void dynamicResizeTarget()
    {
        QFETCH(QSize, source);
        QFETCH(int, p);
        QFETCH(int, m);
        QFETCH(bool, toMax);
        QFETCH(QSize, expected);
        QCOMPARE(vlmscope::dynamicResizeTarget(source, p, m, toMax), expected);
    }

    void currentTiling_data()
    {
        QTest::addColumn<QSize>("source");
        QTest::addColumn<int>("p");
        QTest::addColumn<int>("m");
        QTest::addColumn<bool>("toMax");
        QTest::addColumn<int>("rows");
        QTest::addColumn<int>("cols");
        QTest::newRow("one tile") << QSize(20, 10) << 32 << 128 << false << 1 << 1;
        QTest::newRow("wide 1x4") << QSize(200, 50) << 32 << 128 << false << 1 << 4;
        QTest::newRow("wide to max") << QSize(200, 50) << 32 << 128 << true << 1 << 4;
        QTest::newRow("tall 3x1") << QSize(30, 90) << 32 << 128 << false << 3 << 1;
        QTest::newRow("2x2 from 40x33") << QSize(40, 33) << 32 << 128 << false << 2 << 2;
        QTest::newRow("4x3 upscaled") << QSize(64, 48) << 16 << 64 << true << 3 << 4;
        QTest::newRow("downscaled 3x4") << QSize(300, 200) << 32 << 128 << true << 3 << 4;
        QTest::newRow("exactly one tile") << QSize(32, 32) << 32 << 32 << true << 1 << 1;
    }

    void currentTiling()
    {
        QFETCH(QSize, source);
        QFETCH(int, p);
        QFETCH(int, m);
        QFETCH(bool, toMax);
        QFETCH(int, rows);
        QFETCH(int, cols);

        const QImage card = testCard(source.width(), source.height());
        const PreprocessedImage pre = preprocessCurrent(card, p, m, toMax);
        QCOMPARE(pre.gridRows, rows);
        QCOMPARE(pre.gridCols, cols);
        const bool global = rows * cols > 1;
        QCOMPARE(pre.hasGlobalView, global);
        const PixelTensor& px = pre.pixels;
        QCOMPARE(px.views, rows * cols + (global ? 1 : 0));
        QCOMPARE(px.channels, 3);
        QCOMPARE(px.height, p);
        QCOMPARE(px.width, p);
        QCOMPARE(px.data.size(), std::size_t(px.views) * 3 * p * p);
        for (float v : px.data)
            QVERIFY(v >= 0.0f && v <= 1.0f);

        // Tiles are crops of the bicubic-resized image, row by row.
        const Image8 resized =
            pillowResize(toImage8(card), cols * p, rows * p, ResampleFilter::Bicubic);
        const int first = global ? 1 : 0;
        for (int r = 0; r < rows; ++r)
            for (int c = 0; c < cols; ++c)
                for (int ch = 0; ch < 3; ++ch)
                    for (int y = 0; y < p; ++y)
                        for (int x = 0; x < p; ++x) {
                            const int X = c * p + x, Y = r * p + y;
                            const float want =
                                resized.data[(std::size_t(Y) * resized.width + X) * 3 + ch] / 255.0f;
                            if (px.at(first + r * cols + c, ch, y, x) != want)
                                QFAIL(qPrintable(QString("tile (%1,%2) ch %3 (%4,%5)")
                                                     .arg(r).arg(c).arg(ch).arg(x).arg(y)));
                        }

        // The global view is the whole resized image shrunk to p x p; an 8-bit Pillow
        // bilinear resize of it differs only by its roundings.
        if (global) {
            const Image8 small = pillowResize(resized, p, p, ResampleFilter::Bilinear);
            const std::vector<float> want = toFloat(small);
            const std::vector<float> got(px.data.begin(), px.data.begin() + 3 * p * p);
            const DiffStats d = compare(got, want);
            QVERIFY2(d.maxAbs <= 1.01 / 255, qPrintable(QString::number(d.maxAbs)));
        }
    }

    void sampleImageResource()
    {
        const QImage img = loadImage(":/vlmscope/sample.png");
        QCOMPARE(img.size(), QSize(512, 384));
        QCOMPARE(img.format(), QImage::Format_RGB888);
        const PreprocessedImage cur = preprocessCurrent(img, 512, 2048, true);
        QCOMPARE(cur.gridRows, 3);
        QCOMPARE(cur.gridCols, 4);
        QCOMPARE(cur.pixels.views, 13);
    }

    void badArguments_data()
    {
        QTest::addColumn<int>("p");
        QTest::addColumn<int>("m");
        QTest::addColumn<QString>("pattern");
        QTest::newRow("zero tile") << 0 << 512 << "vit_img_size must be between 1 and";
        QTest::newRow("huge tile") << 100000 << 100000 << "vit_img_size must be between 1 and";
        QTest::newRow("max not a multiple") << 512 << 2000 << "max_img_size \\(2000\\) must be a multiple of vit_img_size \\(512\\)";
        QTest::newRow("negative max") << 512 << -1 << "max_img_size must be between";
    }

    void badArguments()
    {
        QFETCH(int, p);
        QFETCH(int, m);
        QFETCH(QString, pattern);
        const QImage card = testCard(10, 10);
        try {
            preprocessCurrent(card, p, m, true);
            QFAIL("no error");
        } catch (const InputError& e) {
            QVERIFY2(QString(e.what()).contains(QRegularExpression(pattern)), e.what());
        }
        if (p <= 0 || p > kMaxPreprocessSide)
            QVERIFY_THROWS_EXCEPTION(InputError, preprocess222m(card, p));
        QVERIFY_THROWS_EXCEPTION(InputError, preprocess222m(QImage(), 224));
        QVERIFY_THROWS_EXCEPTION(InputError, preprocessCurrent(QImage(), 32, 64, false));
    }

    // Any QImage format handed in directly goes through the same RGB conversion.
    void acceptsAnyQImageFormat()
    {
        QImage argb(4, 4, QImage::Format_ARGB32);
        argb.fill(qRgba(200, 100, 50, 0));
        const PreprocessedImage pre = preprocess222m(argb, 2);
        for (int i = 0; i < 4; ++i) {
            QCOMPARE(pre.pixels.data[i], 200 / 255.0f);
            QCOMPARE(pre.pixels.data[4 + i], 100 / 255.0f);
            QCOMPARE(pre.pixels.data[8 + i], 50 / 255.0f);
        }
    }
};

QTEST_MAIN(TestImagePreprocessor)
#include "test_image_preprocessor.moc"
