// The real vlmscope binary in --batch mode: outputs, exit codes and the one-line errors
// of SPEC §8 for bad config, safetensors, tokenizer, image and arguments.
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

namespace {

struct Result {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

Result runVlmscope(const QStringList& arguments)
{
    QProcess process;
    process.start(VLMSCOPE_BINARY, arguments);
    process.waitForFinished(120000);
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1, process.readAllStandardOutput(),
            process.readAllStandardError()};
}

QString reference(const QString& path) { return QString(VLMSCOPE_TEST_DATA) + "/reference/" + path; }

void writeFile(const QString& path, const QByteArray& bytes)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(bytes);
}

// A copy of the 222M-era reference checkpoint, for corrupting one file at a time.
QString copyCheckpoint(const QTemporaryDir& dir)
{
    const QString target = dir.filePath("ckpt");
    QDir().mkpath(target);
    for (const char* name : {"config.json", "model.safetensors"})
        QFile::copy(reference(QString("v222m-era/") + name), target + "/" + name);
    return target;
}

} // namespace

class TestBatchCli : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void generatesJsonOnTinyModel()
    {
        const Result r = runVlmscope({"--batch", "--model", "tiny", "--max-tokens", "4", "--ignore-eos", "--json"});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject doc = QJsonDocument::fromJson(r.out).object();
        QVERIFY2(!doc.isEmpty(), r.out.constData());
        QCOMPARE(doc["generated_ids"].toArray().size(), 4);
        QVERIFY(doc.contains("text"));
        QVERIFY(!doc["prompt_ids"].toArray().isEmpty());
        QCOMPARE(doc["synthetic_weights"].toBool(), true);
    }

    void reproducesThePythonPipeline()
    {
        // input ids + preprocessed pixels from the reference: the greedy ids of the original.
        const QString dir = reference("v222m-era");
        const Result r = runVlmscope({"--batch", "--model", dir, "--input-ids", "24,219,37,101,315,462,30,83", "--image",
                                      dir + "/inputs.safetensors", "--max-tokens", "16", "--ignore-eos", "--json"});
        QCOMPARE(r.exitCode, 0);
        QJsonArray expected;
        for (int id : {346, 390, 384, 36, 173, 390, 429, 256, 149, 509, 489, 450, 281, 192, 417, 429})
            expected.append(id);
        QCOMPARE(QJsonDocument::fromJson(r.out).object()["generated_ids"].toArray(), expected);
    }

    void tokenizes()
    {
        const Result r = runVlmscope({"--batch", "--tokenize", "Hello world", "--json"});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(QJsonDocument::fromJson(r.out).object()["ids"].toArray(), (QJsonArray{19556, 905}));
    }

    void helpAndVersion()
    {
        const Result help = runVlmscope({"--help"});
        QCOMPARE(help.exitCode, 0);
        QVERIFY(help.out.contains("--max-tokens"));
        const Result version = runVlmscope({"--version"});
        QCOMPARE(version.exitCode, 0);
        QVERIFY(version.out.startsWith("vlmscope "));
    }

    void rejectsBadInput_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("expected"); // must appear in the one-line error
        const QStringList tiny{"--batch", "--model", "tiny"};
        QTest::newRow("max tokens 0") << (tiny + QStringList{"--max-tokens", "0"}) << "--max-tokens";
        QTest::newRow("max tokens not a number") << (tiny + QStringList{"--max-tokens", "many"}) << "--max-tokens";
        QTest::newRow("beyond context") << (tiny + QStringList{"--max-tokens", "9000"}) << "context length";
        QTest::newRow("empty prompt") << (tiny + QStringList{"--prompt", ""}) << "--prompt";
        QTest::newRow("unknown device") << (tiny + QStringList{"--device", "quantum"}) << "--device quantum";
        QTest::newRow("unknown option") << (tiny + QStringList{"--frobnicate"}) << "frobnicate";
        QTest::newRow("id outside vocabulary") << (tiny + QStringList{"--input-ids", "1,2,99999999"}) << "99999999";
        QTest::newRow("missing model dir") << QStringList{"--batch", "--model", "/nonexistent/ckpt"} << "/nonexistent/ckpt";
        QTest::newRow("missing image") << (tiny + QStringList{"--image", "/nonexistent/cat.png"}) << "/nonexistent/cat.png";
        QTest::newRow("missing tokenizer") << (tiny + QStringList{"--tokenizer", "/nonexistent/tokenizer.json"})
                                           << "/nonexistent/tokenizer.json";
    }

    void rejectsBadInput()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, expected);
        const Result r = runVlmscope(arguments);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(expected.toUtf8()), r.err.constData());
        // Progress lines may come first; the error is one line of its own.
        QVERIFY2(r.err.startsWith("error: ") || r.err.contains("\nerror: "), r.err.constData());
    }

    void rejectsBadFiles_data()
    {
        QTest::addColumn<QString>("file");     // which file of the checkpoint to corrupt
        QTest::addColumn<QByteArray>("bytes"); // its new content
        QTest::addColumn<QString>("expected");
        QTest::newRow("config not json") << "config.json" << QByteArray("{not json") << "config.json";
        QTest::newRow("config missing field") << "config.json" << QByteArray("{\"vit_hidden_dim\": 64}") << "config.json";
        QTest::newRow("safetensors truncated") << "model.safetensors" << QByteArray("\x10\x00\x00", 3) << "model.safetensors";
        QTest::newRow("safetensors lying length")
            << "model.safetensors" << QByteArray("\xff\xff\x00\x00\x00\x00\x00\x00{}", 10) << "model.safetensors";
        QTest::newRow("missing weights") << "model.safetensors" << QByteArray() << "lacks model.safetensors";
        QTest::newRow("tokenizer not a tokenizer") << "tokenizer.json" << QByteArray("{\"model\": {}}") << "tokenizer.json";
        QTest::newRow("image not an image") << "image.png" << QByteArray("this is text") << "image.png";
    }

    void rejectsBadFiles()
    {
        QFETCH(QString, file);
        QFETCH(QByteArray, bytes);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        const QString ckpt = copyCheckpoint(dir);
        QStringList arguments{"--batch", "--model", ckpt, "--input-ids", "1,2,3", "--max-tokens", "2"};
        if (file == "image.png") {
            writeFile(dir.filePath("image.png"), bytes);
            arguments << "--image" << dir.filePath("image.png");
        } else if (file == "tokenizer.json") {
            writeFile(ckpt + "/tokenizer.json", bytes);
        } else if (bytes.isEmpty()) {
            QFile::remove(ckpt + "/" + file);
        } else {
            QFile::remove(ckpt + "/" + file);
            writeFile(ckpt + "/" + file, bytes);
        }
        const Result r = runVlmscope(arguments);
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(expected.toUtf8()), r.err.constData());
        QCOMPARE(r.err.count("error: "), 1); // one error line, nothing half-done after it
    }
};

QTEST_GUILESS_MAIN(TestBatchCli)
#include "test_batch_cli.moc"
