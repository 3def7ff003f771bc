// Checkpoints that change under the loader: a file truncated while it is read gives an
// InputError naming it (the loader reads, never maps, so there is no SIGBUS); a loaded model
// owns its weights and runs the same after its files are truncated or overwritten; a
// checkpoint too large for the machine's memory is refused with the estimate.
#include "core/engine/run_session.h"
#include "core/model/safetensors_file.h"
#include "core/util/error.h"
#include "core/util/memory_budget.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

using namespace vlmscope;

namespace {

QString errorOf(const std::function<void()>& action)
{
    try {
        action();
    } catch (const InputError& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

bool copyReference(const QString& to)
{
    const QString from = QStringLiteral(VLMSCOPE_TEST_DATA "/reference/v222m-era/");
    return QDir().mkpath(to) && QFile::copy(from + "config.json", to + "/config.json")
        && QFile::copy(from + "model.safetensors", to + "/model.safetensors");
}

std::vector<std::int64_t> greedyIds(const ModelBundle& bundle)
{
    RunSettings settings;
    settings.model = bundle.source;
    settings.maxNewTokens = 12;
    settings.stopAtEos = false;
    const RunRecord record = RunSession(bundle).run({settings, std::vector<std::int64_t>{1, 7, 42, 99, 300}});
    std::vector<std::int64_t> ids;
    for (const TokenEvent& token : record.tokens)
        ids.push_back(token.id);
    return ids;
}

} // namespace

class TestCheckpointFaults : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;

private Q_SLOTS:
    void truncatedWhileReadingIsAnError()
    {
        const QString dir = m_dir.filePath("truncated");
        QVERIFY(copyReference(dir));
        const QString path = dir + "/model.safetensors";
        const SafetensorsFile file = SafetensorsFile::open(path.toStdString());
        const qint64 before = QFileInfo(path).size();
        const qint64 cut = before / 2;
        QVERIFY(QFile::resize(path, cut));

        const std::uint64_t dataStart = static_cast<std::uint64_t>(before) - (file.tensors().back().end);
        int readable = 0;
        int refused = 0;
        for (const TensorInfo& tensor : file.tensors()) {
            const QString error = errorOf([&] { (void)file.toFloat32(tensor); });
            if (dataStart + tensor.end <= static_cast<std::uint64_t>(cut)) {
                QVERIFY2(error.isEmpty(), qPrintable(error));
                ++readable;
                continue;
            }
            QCOMPARE(error, path + QString(": cannot read tensor '%1' (bytes %2 to %3): the file was truncated or "
                                           "replaced while loading (it was %4 bytes, now %5)")
                                       .arg(QString::fromStdString(tensor.name))
                                       .arg(dataStart + tensor.begin)
                                       .arg(dataStart + tensor.end)
                                       .arg(before)
                                       .arg(cut));
            ++refused;
        }
        QVERIFY(readable > 0);
        QVERIFY(refused > 0);
    }

    void loadedModelIgnoresLaterChanges()
    {
        const QString dir = m_dir.filePath("changed");
        QVERIFY(copyReference(dir));
        const ModelBundle bundle = loadModelBundle(dir.toStdString());
        const std::vector<std::int64_t> before = greedyIds(bundle);
        QCOMPARE(before.size(), std::size_t(12));

        QVERIFY(QFile::resize(dir + "/model.safetensors", 0));
        QFile config(dir + "/config.json");
        QVERIFY(config.open(QIODevice::WriteOnly | QIODevice::Truncate));
        config.write("not json any more");
        config.close();
        QCOMPARE(greedyIds(bundle), before);
    }

    // A sparse file whose header declares 2^38 F16 weights (512 GiB on disk, 1 TiB as float32):
    // refused with the estimate before a byte of it is read, against the real MemAvailable.
    void checkpointLargerThanMemoryIsRefused()
    {
        const QString dir = m_dir.filePath("huge");
        QVERIFY(copyReference(dir));
        const std::uint64_t count = std::uint64_t(1) << 38;
        std::string header = "{\"decoder.huge\":{\"dtype\":\"F16\",\"shape\":[" + std::to_string(count)
            + "],\"data_offsets\":[0," + std::to_string(2 * count) + "]}}";
        header.append((8 - header.size() % 8) % 8, ' ');
        QFile file(dir + "/model.safetensors");
        QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
        const quint64 length = qToLittleEndian<quint64>(header.size());
        file.write(reinterpret_cast<const char*>(&length), 8);
        file.write(header.data(), qint64(header.size()));
        if (!file.resize(qint64(8 + header.size() + 2 * count)))
            QSKIP("this file system cannot hold a 512 GiB sparse file");
        file.close();

        QVERIFY(usableMemoryBytes().has_value());
        const QString error = errorOf([&] { loadModelBundle(dir.toStdString()); });
        QVERIFY2(error.startsWith(dir + "/model.safetensors: needs about 1.0 TiB (weights 1.0 TiB) of memory but only ")
                     && error.endsWith(" is available"),
                 qPrintable(error));
    }
};

QTEST_GUILESS_MAIN(TestCheckpointFaults)
#include "test_checkpoint_faults.moc"
