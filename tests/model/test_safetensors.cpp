// SafetensorsFile against the reference checkpoints, the writer, dtype conversion and a
// table of lying headers.
#include "core/model/safetensors_file.h"
#include "core/util/error.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstring>
#include <fstream>
#include <limits>

using namespace vlmscope;

namespace {

std::string refPath(const QString& folder, const QString& file)
{
    return (QStringLiteral(VLMSCOPE_TEST_DATA "/reference/") + folder + QLatin1Char('/') + file).toStdString();
}

nlohmann::json readJson(const std::string& path)
{
    std::ifstream in(path);
    return nlohmann::json::parse(in);
}

std::string le64(std::uint64_t value)
{
    std::string bytes(8, '\0');
    for (int i = 0; i < 8; ++i)
        bytes[i] = static_cast<char>((value >> (8 * i)) & 0xff);
    return bytes;
}

// A safetensors image with `header` as its JSON and `dataBytes` zero bytes of data.
std::string withHeader(const std::string& header, std::size_t dataBytes = 0)
{
    return le64(header.size()) + header + std::string(dataBytes, '\0');
}

template <typename Fn>
QString errorOf(Fn&& fn)
{
    try {
        fn();
    } catch (const InputError& e) {
        return QString::fromStdString(e.what());
    } catch (const std::exception& e) {
        return QStringLiteral("wrong exception type: ") + QString::fromStdString(e.what());
    }
    return QStringLiteral("no exception");
}

template <typename T>
std::string_view bytesOf(const std::vector<T>& values)
{
    return std::string_view(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T));
}

} // namespace

class TestSafetensors : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void referenceModel_data();
    void referenceModel();
    void referenceInputsAndExpected_data();
    void referenceInputsAndExpected();
    void tensorsAreOrderedByOffset();
    void writerRoundTrip();
    void writerHeaderIsPaddedAndReadable();
    void writerRejectsBadTensors_data();
    void writerRejectsBadTensors();
    void halfPrecisionConversionIsExact();
    void doubleNarrowsLikeIeee();
    void integerConversion();
    void wrongConversionIsRejected();
    void badHeader_data();
    void badHeader();
    void exampleMessage();
    void openErrorsNameThePath();
    void badHeaderOnDiskNamesThePath();
    void moveKeepsDataValid();
};

void TestSafetensors::referenceModel_data()
{
    QTest::addColumn<QString>("folder");
    QTest::newRow("head") << QStringLiteral("head");
    QTest::newRow("v222m-era") << QStringLiteral("v222m-era");
}

void TestSafetensors::referenceModel()
{
    QFETCH(QString, folder);
    const SafetensorsFile file = SafetensorsFile::open(refPath(folder, QStringLiteral("model.safetensors")));
    QCOMPARE(file.tensors().size(), std::size_t(51));
    // HF save_model keeps the head and records the dropped tied name in the metadata.
    const std::map<std::string, std::string> tied{{"decoder.token_embedding.weight", "decoder.head.weight"}};
    QCOMPARE(file.metadata(), tied);
    QVERIFY(file.find("decoder.token_embedding.weight") == nullptr);

    const TensorInfo* head = file.find("decoder.head.weight");
    QVERIFY(head);
    QCOMPARE(head->dtype, DType::F32);
    QCOMPARE(head->shape, (std::vector<std::int64_t>{512, 64}));
    QCOMPARE(head->numel(), std::int64_t(512 * 64));
    QCOMPARE(head->byteSize(), std::uint64_t(512 * 64 * 4));

    const TensorInfo* pos = file.find("vision_encoder.patch_embedding.position_embedding");
    QVERIFY(pos);
    QCOMPARE(pos->shape, (std::vector<std::int64_t>{1, 16, 64}));
    const TensorInfo* proj = file.find("MP.proj.weight");
    QVERIFY(proj);
    QCOMPARE(proj->shape, (std::vector<std::int64_t>{64, 256}));

    // inv_freq = 1 / base^(2i/d) with base 100000 and head dim 16: checks the bytes we read.
    const TensorInfo* invFreq = file.find("decoder.rotary_embd.inv_freq");
    QVERIFY(invFreq);
    const std::vector<float> values = file.toFloat32(*invFreq);
    QCOMPARE(values.size(), std::size_t(8));
    for (std::size_t i = 0; i < values.size(); ++i) {
        const double expected = 1.0 / std::pow(100000.0, double(2 * i) / 16.0);
        QVERIFY2(std::fabs(values[i] - expected) <= 1e-6 * expected, qPrintable(QString::number(i)));
    }
    for (const TensorInfo& tensor : file.tensors()) {
        QCOMPARE(tensor.dtype, DType::F32);
        QCOMPARE(file.toFloat32(tensor).size(), std::size_t(tensor.numel()));
    }
}

void TestSafetensors::referenceInputsAndExpected_data()
{
    QTest::addColumn<QString>("folder");
    QTest::addColumn<qint64>("promptLength");
    QTest::addColumn<qint64>("decoderLength");
    QTest::newRow("head") << QStringLiteral("head") << qint64(17) << qint64(17);
    QTest::newRow("v222m-era") << QStringLiteral("v222m-era") << qint64(8) << qint64(12);
}

void TestSafetensors::referenceInputsAndExpected()
{
    QFETCH(QString, folder);
    QFETCH(qint64, promptLength);
    QFETCH(qint64, decoderLength);
    const nlohmann::json golden = readJson(refPath(folder, QStringLiteral("expected.json")));

    const SafetensorsFile inputs = SafetensorsFile::open(refPath(folder, QStringLiteral("inputs.safetensors")));
    QCOMPARE(inputs.tensors().size(), std::size_t(2));
    QVERIFY(inputs.metadata().empty());
    const TensorInfo* ids = inputs.find("input_ids");
    QVERIFY(ids);
    QCOMPARE(ids->dtype, DType::I64);
    QCOMPARE(ids->shape, (std::vector<std::int64_t>{1, promptLength}));
    QCOMPARE(inputs.toInt64(*ids), golden.at("input_ids").at(0).get<std::vector<std::int64_t>>());
    const TensorInfo* image = inputs.find("image");
    QVERIFY(image);
    QCOMPARE(image->shape, (std::vector<std::int64_t>{1, 3, 64, 64}));

    const SafetensorsFile expected = SafetensorsFile::open(refPath(folder, QStringLiteral("expected.safetensors")));
    QCOMPARE(expected.tensors().size(), std::size_t(8));
    const TensorInfo* greedy = expected.find("greedy_ids");
    QVERIFY(greedy);
    QCOMPARE(greedy->dtype, DType::I64);
    QCOMPARE(expected.toInt64(*greedy), golden.at("greedy_ids").at(0).get<std::vector<std::int64_t>>());
    const TensorInfo* hidden = expected.find("prefill_hidden");
    QVERIFY(hidden);
    QCOMPARE(hidden->shape, (std::vector<std::int64_t>{1, decoderLength, 64}));

    // expected.json holds the same floats with 9 significant digits: exact in float32.
    const TensorInfo* steps = expected.find("step_logits");
    QVERIFY(steps);
    QCOMPARE(steps->shape, (std::vector<std::int64_t>{16, 512}));
    const std::vector<float> logits = expected.toFloat32(*steps);
    const nlohmann::json& rows = golden.at("step_logits");
    for (std::size_t r = 0; r < 16; ++r) {
        for (std::size_t c = 0; c < 512; c += 37)
            QCOMPARE(logits[r * 512 + c], rows.at(r).at(c).get<float>());
    }
}

void TestSafetensors::tensorsAreOrderedByOffset()
{
    const SafetensorsFile file = SafetensorsFile::open(refPath(QStringLiteral("head"), QStringLiteral("expected.safetensors")));
    for (std::size_t i = 1; i < file.tensors().size(); ++i)
        QVERIFY(file.tensors()[i - 1].end <= file.tensors()[i].begin);
    QCOMPARE(file.tensors().front().name, std::string("greedy_ids"));
}

void TestSafetensors::writerRoundTrip()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = dir.filePath(QStringLiteral("sub/out.safetensors")).toStdString();

    const std::vector<float> weights{1.5f, -2.25f, 0.0f, 3.0e-8f, 65504.0f, -1.0f};
    const std::vector<std::int64_t> ids{0, -1, 49151, std::numeric_limits<std::int64_t>::min()};
    const std::vector<std::uint16_t> bf16{0x3F80, 0xC000, 0x3EAB};
    const std::vector<std::uint16_t> f16{0x3C00, 0x8000};
    const std::vector<float> empty;
    const std::map<std::string, std::string> metadata{{"format", "pt"}, {"decoder.token_embedding.weight", "decoder.head.weight"}};
    writeSafetensors(path,
                     {tensorData("w", {2, 3}, weights), tensorData("ids", {4}, ids),
                      {"bf", DType::BF16, {3}, bytesOf(bf16)}, {"half", DType::F16, {1, 2}, bytesOf(f16)},
                      tensorData("nothing", {0, 5}, empty)},
                     metadata);

    const SafetensorsFile file = SafetensorsFile::open(path);
    QCOMPARE(file.metadata(), metadata);
    QCOMPARE(file.tensors().size(), std::size_t(5));
    QCOMPARE(file.toFloat32(*file.find("w")), weights);
    QCOMPARE(file.find("w")->shape, (std::vector<std::int64_t>{2, 3}));
    QCOMPARE(file.toInt64(*file.find("ids")), ids);
    QCOMPARE(file.toFloat32(*file.find("bf")), (std::vector<float>{1.0f, -2.0f, 0.333984375f}));
    QCOMPARE(file.find("half")->dtype, DType::F16);
    QCOMPARE(file.toFloat32(*file.find("half")), (std::vector<float>{1.0f, -0.0f}));
    QCOMPARE(file.find("nothing")->numel(), std::int64_t(0));
    QVERIFY(file.toFloat32(*file.find("nothing")).empty());
    QVERIFY(std::memcmp(file.bytes(*file.find("bf")).data(), bf16.data(), 6) == 0);

    // Rewriting replaces the file as a whole.
    const std::vector<std::int64_t> seven{7};
    writeSafetensors(path, {tensorData("only", {1}, seven)});
    const SafetensorsFile again = SafetensorsFile::open(path);
    QCOMPARE(again.tensors().size(), std::size_t(1));
    QVERIFY(again.metadata().empty());
}

void TestSafetensors::writerHeaderIsPaddedAndReadable()
{
    const std::vector<float> values{1.0f, 2.0f, 3.0f};
    const std::string bytes = serializeSafetensors("mem", {tensorData("abc", {3}, values)});
    std::uint64_t headerLength = 0;
    for (int i = 7; i >= 0; --i)
        headerLength = (headerLength << 8) | static_cast<unsigned char>(bytes[i]);
    QCOMPARE(headerLength % 8, std::uint64_t(0));
    QCOMPARE(bytes.size(), std::size_t(8 + headerLength + 12));
    const nlohmann::json header = nlohmann::json::parse(bytes.substr(8, headerLength));
    QCOMPARE(header.at("abc").at("dtype").get<std::string>(), std::string("F32"));
    QCOMPARE(header.at("abc").at("data_offsets"), nlohmann::json::parse("[0, 12]"));
    QVERIFY(!header.contains("__metadata__"));

    const SafetensorsFile file = SafetensorsFile::fromBytes(bytes, "mem");
    QCOMPARE(file.toFloat32(file.tensors().at(0)), values);
}

void TestSafetensors::writerRejectsBadTensors_data()
{
    QTest::addColumn<int>("which");
    QTest::addColumn<QString>("message");
    QTest::newRow("byte count") << 0 << QStringLiteral("out.safetensors: tensor 'a' has shape [2, 2] of F32 but 12 bytes of data");
    QTest::newRow("duplicate") << 1 << QStringLiteral("out.safetensors: tensor 'a' is given twice");
    QTest::newRow("reserved name") << 2 << QStringLiteral("out.safetensors: tensor '__metadata__' uses the reserved name");
    QTest::newRow("negative dim") << 3 << QStringLiteral("out.safetensors: tensor 'a' has shape [-1, 3] of F32 but 12 bytes of data");
}

void TestSafetensors::writerRejectsBadTensors()
{
    QFETCH(int, which);
    QFETCH(QString, message);
    const std::vector<float> three{1, 2, 3};
    std::vector<NamedTensorData> tensors;
    switch (which) {
    case 0:
        tensors = {tensorData("a", {2, 2}, three)};
        break;
    case 1:
        tensors = {tensorData("a", {3}, three), tensorData("a", {3}, three)};
        break;
    case 2:
        tensors = {tensorData("__metadata__", {3}, three)};
        break;
    default:
        tensors = {tensorData("a", {-1, 3}, three)};
        break;
    }
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("out.safetensors"));
    QCOMPARE(errorOf([&] { writeSafetensors("out.safetensors", tensors); }), message);
    QCOMPARE(errorOf([&] { writeSafetensors(path.toStdString(), tensors); }).startsWith(path), true);
    QVERIFY(!QFile::exists(path));
}

void TestSafetensors::halfPrecisionConversionIsExact()
{
    struct Case {
        std::uint16_t bits;
        float value;
    };
    const std::vector<Case> halves{
        {0x3C00, 1.0f},        {0xC000, -2.0f},          {0x7BFF, 65504.0f},        {0x0001, std::ldexp(1.0f, -24)},
        {0x0400, std::ldexp(1.0f, -14)}, {0x3555, 0.333251953125f}, {0x7C00, std::numeric_limits<float>::infinity()},
        {0xFC00, -std::numeric_limits<float>::infinity()}, {0x8000, -0.0f}, {0x03FF, 1023 * std::ldexp(1.0f, -24)},
    };
    const std::vector<Case> bfloats{
        {0x3F80, 1.0f},  {0xC000, -2.0f}, {0x3EAB, 0.333984375f}, {0x7F7F, 3.38953139e38f},
        {0x0001, std::ldexp(1.0f, -133)}, {0x7F80, std::numeric_limits<float>::infinity()}, {0x8000, -0.0f},
        {0x4049, 3.140625f},
    };
    for (const auto& [dtype, cases] : {std::pair{DType::F16, halves}, std::pair{DType::BF16, bfloats}}) {
        std::vector<std::uint16_t> bits;
        for (const Case& c : cases)
            bits.push_back(c.bits);
        bits.push_back(dtype == DType::F16 ? 0x7E00 : 0x7FC0); // NaN
        const std::string bytes = serializeSafetensors(
            "mem", {{"t", dtype, {std::int64_t(bits.size())}, bytesOf(bits)}});
        const SafetensorsFile file = SafetensorsFile::fromBytes(bytes, "mem");
        const std::vector<float> values = file.toFloat32(file.tensors().at(0));
        QCOMPARE(values.size(), bits.size());
        for (std::size_t i = 0; i < cases.size(); ++i) {
            QVERIFY2(std::memcmp(&values[i], &cases[i].value, 4) == 0,
                     qPrintable(QStringLiteral("%1 bits 0x%2 -> %3, expected %4")
                                    .arg(QLatin1String(dtypeName(dtype)))
                                    .arg(cases[i].bits, 4, 16, QLatin1Char('0'))
                                    .arg(double(values[i]), 0, 'g', 10)
                                    .arg(double(cases[i].value), 0, 'g', 10)));
        }
        QVERIFY(std::isnan(values.back()));
    }
}

void TestSafetensors::doubleNarrowsLikeIeee()
{
    const double fltMax = std::numeric_limits<float>::max();
    const std::vector<double> doubles{0.1, -1e300, 1e300, fltMax * (1 + std::ldexp(1.0, -26)), 1e-50, -3.5};
    const std::string bytes = serializeSafetensors("mem", {{"d", DType::F64, {6}, bytesOf(doubles)}});
    const SafetensorsFile file = SafetensorsFile::fromBytes(bytes, "mem");
    const std::vector<float> values = file.toFloat32(file.tensors().at(0));
    QCOMPARE(values[0], 0.1f);
    QCOMPARE(values[1], -std::numeric_limits<float>::infinity());
    QCOMPARE(values[2], std::numeric_limits<float>::infinity());
    QCOMPARE(values[3], std::numeric_limits<float>::max());
    QCOMPARE(values[4], 0.0f);
    QCOMPARE(values[5], -3.5f);
}

void TestSafetensors::integerConversion()
{
    const std::vector<std::int32_t> i32{-5, 2147483647};
    const std::vector<std::int16_t> i16{-32768, 7};
    const std::vector<std::int8_t> i8{-128, 127};
    const std::vector<std::uint8_t> u8{255, 0};
    const std::string bytes = serializeSafetensors(
        "mem", {{"i32", DType::I32, {2}, bytesOf(i32)},
                {"i16", DType::I16, {2}, bytesOf(i16)},
                {"i8", DType::I8, {2}, bytesOf(i8)},
                {"u8", DType::U8, {2}, bytesOf(u8)}});
    const SafetensorsFile file = SafetensorsFile::fromBytes(bytes, "mem");
    QCOMPARE(file.toInt64(*file.find("i32")), (std::vector<std::int64_t>{-5, 2147483647}));
    QCOMPARE(file.toInt64(*file.find("i16")), (std::vector<std::int64_t>{-32768, 7}));
    QCOMPARE(file.toInt64(*file.find("i8")), (std::vector<std::int64_t>{-128, 127}));
    QCOMPARE(file.toInt64(*file.find("u8")), (std::vector<std::int64_t>{255, 0}));
}

void TestSafetensors::wrongConversionIsRejected()
{
    const std::vector<float> f{1.0f};
    const std::vector<std::int64_t> i{1};
    const std::vector<std::uint8_t> b{1};
    const std::string bytes = serializeSafetensors(
        "mem.safetensors", {tensorData("f", {1}, f), tensorData("i", {1}, i), {"b", DType::BOOL, {1}, bytesOf(b)}});
    const SafetensorsFile file = SafetensorsFile::fromBytes(bytes, "mem.safetensors");
    QCOMPARE(errorOf([&] { file.toInt64(*file.find("f")); }),
             QStringLiteral("mem.safetensors: tensor 'f' is F32, expected an integer tensor (I64, I32, I16, I8 or U8)"));
    QCOMPARE(errorOf([&] { file.toFloat32(*file.find("i")); }),
             QStringLiteral("mem.safetensors: tensor 'i' is I64, expected a floating-point tensor (F32, F16, BF16 or F64)"));
    QVERIFY(errorOf([&] { file.toFloat32(*file.find("b")); }).contains(QStringLiteral("is BOOL")));
    QVERIFY(errorOf([&] { file.toInt64(*file.find("b")); }).contains(QStringLiteral("is BOOL")));

    // A TensorInfo that does not describe this file never reads outside it.
    TensorInfo stranger = *file.find("f");
    stranger.end = 1 << 20;
    QVERIFY(errorOf([&] { file.toFloat32(stranger); }).contains(QStringLiteral("does not belong to this file")));
}

void TestSafetensors::badHeader_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("message");
    auto row = [](const char* name, const std::string& bytes, const char* message) {
        QTest::newRow(name) << QByteArray(bytes.data(), int(bytes.size())) << QString::fromUtf8(message);
    };
    auto tensor = [](const std::string& fields) { return withHeader("{\"t\":{" + fields + "}}", 16); };

    row("empty file", "", "file is too short to be safetensors (0 bytes");
    row("too short", "abc", "file is too short to be safetensors (3 bytes");
    row("length past EOF", le64(1000) + "{}", "header length 1000 runs past the end of the file (10 bytes)");
    row("length huge", le64(std::uint64_t(1) << 40) + "{}", "header length 1099511627776 is over the 100 MiB limit");
    row("length all ones", le64(~std::uint64_t(0)) + "{}", "is over the 100 MiB limit");
    row("empty header", withHeader(""), "header is not valid JSON");
    row("not JSON", withHeader("{not json}"), "header is not valid JSON");
    row("truncated JSON", withHeader("{\"t\":{\"dtype\":"), "header is not valid JSON");
    row("invalid UTF-8", withHeader("{\"\xff\":{}}"), "header is not valid JSON");
    row("not an object", withHeader("[1, 2]"), "header is not a JSON object");
    row("entry not an object", withHeader("{\"t\": 5}"), "tensor 't' is not a JSON object");
    row("missing dtype", tensor("\"shape\":[4],\"data_offsets\":[0,16]"), "tensor 't' has no 'dtype'");
    row("missing shape", tensor("\"dtype\":\"F32\",\"data_offsets\":[0,16]"), "tensor 't' has no 'shape'");
    row("missing offsets", tensor("\"dtype\":\"F32\",\"shape\":[4]"), "tensor 't' has no 'data_offsets'");
    row("unknown dtype", tensor("\"dtype\":\"F17\",\"shape\":[4],\"data_offsets\":[0,16]"),
        "tensor 't' has unknown dtype 'F17'");
    row("dtype not a string", tensor("\"dtype\":4,\"shape\":[4],\"data_offsets\":[0,16]"),
        "tensor 't' has a 'dtype' that is not a string");
    row("F8 dtype", tensor("\"dtype\":\"F8_E4M3\",\"shape\":[16],\"data_offsets\":[0,16]"),
        "tensor 't' has dtype 'F8_E4M3', which vlmscope does not support");
    row("negative shape", tensor("\"dtype\":\"F32\",\"shape\":[-4],\"data_offsets\":[0,16]"),
        "tensor 't' has a shape entry -4 that is not a non-negative integer");
    row("fractional shape", tensor("\"dtype\":\"F32\",\"shape\":[2.5],\"data_offsets\":[0,16]"),
        "tensor 't' has a shape entry 2.5 that is not a non-negative integer");
    row("shape not a list", tensor("\"dtype\":\"F32\",\"shape\":4,\"data_offsets\":[0,16]"),
        "tensor 't' has a 'shape' that is not a list");
    row("shape x size != span", tensor("\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,16]"),
        "tensor 't' has shape [2] of F32 (8 bytes) but data_offsets [0, 16] span 16 bytes");
    row("offsets past EOF", tensor("\"dtype\":\"U8\",\"shape\":[999999],\"data_offsets\":[0,999999]"),
        "tensor 't' data_offsets [0, 999999] run past the end of the file (data section holds 16 bytes)");
    row("begin > end", tensor("\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[8,4]"),
        "tensor 't' has data_offsets [8, 4] that end before they begin");
    row("one offset", tensor("\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[4]"),
        "tensor 't' has data_offsets that are not two non-negative integers");
    row("negative offset", tensor("\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[-4,0]"),
        "tensor 't' has data_offsets that are not two non-negative integers");
    row("huge rank", tensor("\"dtype\":\"U8\",\"shape\":[1,1,1,1,1,1,1,1,1],\"data_offsets\":[0,1]"),
        "tensor 't' has rank 9 (at most 8 supported)");
    row("overflowing shape product",
        tensor("\"dtype\":\"F32\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,0]"),
        "tensor 't' has shape [4294967296, 4294967296] whose size overflows");
    row("shape beyond int64", tensor("\"dtype\":\"U8\",\"shape\":[18446744073709551615],\"data_offsets\":[0,0]"),
        "that is not a non-negative integer");
    row("overlap",
        withHeader("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                   "\"b\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}",
                   16),
        "tensors 'a' and 'b' overlap (bytes 4 to 8)");
    row("same range twice",
        withHeader("{\"a\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[0,4]},"
                   "\"b\":{\"dtype\":\"I32\",\"shape\":[1],\"data_offsets\":[0,4]}}",
                   4),
        "tensors 'a' and 'b' overlap");
    row("duplicate tensor",
        withHeader("{\"a\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[0,4]},"
                   "\"a\":{\"dtype\":\"U8\",\"shape\":[4],\"data_offsets\":[4,8]}}",
                   8),
        "header has the key 'a' twice");
    row("metadata not strings", withHeader("{\"__metadata__\":{\"format\":\"pt\",\"n\":1}}"),
        "__metadata__ entry 'n' is not a string");
    row("metadata not an object", withHeader("{\"__metadata__\":[\"pt\"]}"),
        "__metadata__ is not a JSON object of strings");
    row("deep nesting", tensor("\"dtype\":\"U8\",\"shape\":[[[[1]]]],\"data_offsets\":[0,1]"),
        "header nests deeper than a safetensors header can");
}

void TestSafetensors::badHeader()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, message);
    const QString error = errorOf([&] {
        SafetensorsFile::fromBytes(std::string(bytes.constData(), std::size_t(bytes.size())), "bad.safetensors");
    });
    QVERIFY2(error.startsWith(QStringLiteral("bad.safetensors: ")), qPrintable(error));
    QVERIFY2(error.contains(message), qPrintable(error));
    QVERIFY2(!error.contains(QLatin1Char('\n')), qPrintable(error));
}

void TestSafetensors::exampleMessage()
{
    const std::string bytes = withHeader(
        "{\"decoder.norm.weight\":{\"dtype\":\"F32\",\"shape\":[249999],\"data_offsets\":[0,999999]}}", 1234);
    QCOMPARE(errorOf([&] { SafetensorsFile::fromBytes(bytes, "model.safetensors"); }),
             QStringLiteral("model.safetensors: tensor 'decoder.norm.weight' data_offsets [0, 999999] run past "
                            "the end of the file (data section holds 1234 bytes)"));
}

void TestSafetensors::openErrorsNameThePath()
{
    QTemporaryDir dir;
    const QString missing = dir.filePath(QStringLiteral("missing.safetensors"));
    QCOMPARE(errorOf([&] { SafetensorsFile::open(missing.toStdString()); }), missing + QStringLiteral(": file not found"));
    QVERIFY(errorOf([&] { SafetensorsFile::open(dir.path().toStdString()); })
                .startsWith(dir.path() + QStringLiteral(": is a directory")));
    const QString tiny = dir.filePath(QStringLiteral("tiny.safetensors"));
    QFile file(tiny);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("1234");
    file.close();
    QCOMPARE(errorOf([&] { SafetensorsFile::open(tiny.toStdString()); }),
             tiny + QStringLiteral(": file is too short to be safetensors (4 bytes, the header length alone takes 8)"));
}

void TestSafetensors::badHeaderOnDiskNamesThePath()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("lying.safetensors"));
    const std::string bytes = withHeader("{\"x\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}", 8);
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(bytes.data(), qint64(bytes.size()));
    file.close();
    QCOMPARE(errorOf([&] { SafetensorsFile::open(path.toStdString()); }),
             path + QStringLiteral(": tensor 'x' data_offsets [0, 16] run past the end of the file (data section "
                                   "holds 8 bytes)"));
}

void TestSafetensors::moveKeepsDataValid()
{
    const std::vector<std::int64_t> ids{42};
    SafetensorsFile first = SafetensorsFile::fromBytes(serializeSafetensors("m", {tensorData("i", {1}, ids)}), "m");
    SafetensorsFile second = std::move(first);
    QCOMPARE(second.toInt64(*second.find("i")), ids);
    SafetensorsFile mapped = SafetensorsFile::open(refPath(QStringLiteral("head"), QStringLiteral("inputs.safetensors")));
    SafetensorsFile moved(std::move(mapped));
    QCOMPARE(moved.toInt64(*moved.find("input_ids")).size(), std::size_t(17));
    QCOMPARE(moved.name(), refPath(QStringLiteral("head"), QStringLiteral("inputs.safetensors")));
}

QTEST_GUILESS_MAIN(TestSafetensors)
#include "test_safetensors.moc"
