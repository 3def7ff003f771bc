// Every bound on untrusted input, each tripped by a crafted file: file sizes (sparse files,
// so nothing big is written), image dimensions read from the header before decoding (a
// decompression bomb never allocates), JSON nesting depth, and shape × dtype overflow.
#include "core/image/image_preprocessor.h"
#include "core/io/benchmark_results.h"
#include "core/io/generation_log_reader.h"
#include "core/io/run_record_json.h"
#include "core/model/model_config.h"
#include "core/model/safetensors_file.h"
#include "core/stats/external_results.h"
#include "core/tokenizer/bpe_tokenizer.h"
#include "core/tokenizer/tokenizer_json.h"
#include "core/util/error.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtEndian>
#include <QtTest>

#include <functional>
#include <map>

using namespace vlmscope;

namespace {

using Reader = std::function<void(const std::string&)>;

const std::map<QString, Reader>& readers()
{
    static const std::map<QString, Reader> table = {
        {"run record", [](const std::string& p) { readRunRecord(p); }},
        {"benchmark results", [](const std::string& p) { readBenchmarkResults(p); }},
        {"log", [](const std::string& p) { readGenerationLog(p); }},
        {"tokenizer", [](const std::string& p) { BpeTokenizer::fromFile(p); }},
        {"config", [](const std::string& p) { ModelConfig::fromFile(p); }},
        {"external results", [](const std::string& p) { readExternalResults(p); }},
        {"image", [](const std::string& p) { loadImage(p); }},
        {"safetensors", [](const std::string& p) { SafetensorsFile::open(p); }},
    };
    return table;
}

QByteArray nested(int depth) { return QByteArray(depth, '[') + QByteArray(depth, ']'); }

QByteArray safetensors(const std::string& header)
{
    const quint64 length = qToLittleEndian<quint64>(header.size());
    return QByteArray(reinterpret_cast<const char*>(&length), 8) + QByteArray::fromStdString(header);
}

} // namespace

class TestInputLimits : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void boundsAreEnforced_data()
    {
        QTest::addColumn<QString>("reader");
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<qint64>("sparseSize"); // > 0: the file is extended to this size
        QTest::addColumn<QString>("expected");  // after "<path>: "
        const auto tooLarge = [](const char* reader, qint64 limit) {
            QTest::newRow(qPrintable(QString("%1 over %2 bytes").arg(reader).arg(limit)))
                << QString(reader) << QByteArray("{") << limit + 1
                << QString("file too large (%1 bytes, limit %2)").arg(limit + 1).arg(limit);
        };
        tooLarge("run record", qint64(kMaxRunRecordBytes));
        tooLarge("benchmark results", qint64(kMaxBenchmarkResultsBytes));
        tooLarge("log", qint64(kMaxLogFileBytes));
        tooLarge("tokenizer", qint64(TokenizerJson::kMaxBytes));
        tooLarge("config", qint64(1) << 20);
        tooLarge("external results", qint64(kMaxExternalResultsBytes));
        QTest::newRow("image file over the byte limit")
            << "image" << QByteArray("P5\n1 1\n255\n") << qint64(kMaxImageFileBytes) + 1
            << QString("file is %1 bytes, more than the limit of %2 bytes for an image")
                   .arg(kMaxImageFileBytes + 1)
                   .arg(kMaxImageFileBytes);
        // A 24-byte file declaring 900 megapixels: refused from the header, nothing decoded.
        QTest::newRow("image bomb") << "image" << QByteArray("P5\n30000 30000\n255\n\x01\x02\x03\x04") << qint64(0)
                                    << "image is 30000x30000 pixels, more than the limit of 100 megapixels and "
                                       "32768 pixels a side";
        const QString tooDeep = "JSON nested deeper than 64 levels: not a file this tool reads";
        QTest::newRow("run record nested 65 deep") << "run record" << nested(65) << qint64(0) << tooDeep;
        QTest::newRow("benchmark results nested 65 deep") << "benchmark results" << nested(65) << qint64(0) << tooDeep;
        QTest::newRow("external results nested 65 deep") << "external results" << nested(65) << qint64(0) << tooDeep;
        QTest::newRow("tokenizer nested 10000 deep")
            << "tokenizer" << "{\"model\":" + nested(10000) + "}" << qint64(0) << "not a tokenizer.json (JSON nested deeper than 64 levels)";
        QTest::newRow("config nested 10000 deep")
            << "config" << "{\"vit_hidden_dim\":" + nested(10000) + "}" << qint64(0) << "field 'vit_hidden_dim' nests deeper than any VLMConfig value";
        QTest::newRow("safetensors shape x dtype overflows")
            << "safetensors"
            << safetensors("{\"t\":{\"dtype\":\"F64\",\"shape\":[2147483648,2147483648],\"data_offsets\":[0,8]}}")
                   + QByteArray(8, '\0')
            << qint64(0) << "tensor 't' has shape [2147483648, 2147483648] whose size overflows";
        QTest::newRow("safetensors numel overflows")
            << "safetensors"
            << safetensors("{\"t\":{\"dtype\":\"U8\",\"shape\":[4294967296,4294967296,4],\"data_offsets\":[0,8]}}")
                   + QByteArray(8, '\0')
            << qint64(0) << "tensor 't' has shape [4294967296, 4294967296, 4] whose size overflows";
    }

    void boundsAreEnforced()
    {
        QFETCH(QString, reader);
        QFETCH(QByteArray, content);
        QFETCH(qint64, sparseSize);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        const QString path = dir.filePath("input");
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(content);
        if (sparseSize > 0)
            QVERIFY(file.resize(sparseSize));
        file.close();
        QString error;
        try {
            readers().at(reader)(path.toStdString());
        } catch (const InputError& e) {
            error = QString::fromStdString(e.what());
        }
        QCOMPARE(error, path + ": " + expected);
    }
};

QTEST_GUILESS_MAIN(TestInputLimits)
#include "test_input_limits.moc"
