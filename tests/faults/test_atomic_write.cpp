// Atomic writes under faults: a file size limit (disk full), a read-only directory and a
// writer killed with SIGKILL half-way must each leave the previous file byte for byte, and
// no partial or temporary file next to it; errors name the file.
#include "core/util/atomic_write.h"
#include "core/util/error.h"
#include "privileges.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace vlmscope;

namespace {

const std::string kPrevious = "previous content: a complete earlier file\n";

std::string readAll(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll().toStdString() : std::string("<unreadable>");
}

QStringList entries(const QString& dir)
{
    return QDir(dir).entryList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot, QDir::Name);
}

// Runs write or append of `bytes` and returns the RuntimeFailure message ("" if none).
QString failureOf(bool append, const std::string& path, const std::string& bytes)
{
    try {
        if (append)
            appendFileAtomically(path, bytes);
        else
            writeFileAtomically(path, bytes);
    } catch (const RuntimeFailure& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

// Lowers the soft RLIMIT_FSIZE for the scope; SIGXFSZ ignored so writes fail with EFBIG.
class FileSizeLimit {
public:
    explicit FileSizeLimit(rlim_t bytes)
    {
        ::getrlimit(RLIMIT_FSIZE, &m_saved);
        m_handler = std::signal(SIGXFSZ, SIG_IGN);
        rlimit lowered = m_saved;
        lowered.rlim_cur = bytes;
        ::setrlimit(RLIMIT_FSIZE, &lowered);
    }
    ~FileSizeLimit()
    {
        ::setrlimit(RLIMIT_FSIZE, &m_saved);
        std::signal(SIGXFSZ, m_handler);
    }

private:
    rlimit m_saved{};
    void (*m_handler)(int) = nullptr;
};

} // namespace

class TestAtomicWrite : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void diskFullKeepsPreviousFile_data()
    {
        QTest::addColumn<bool>("append");
        QTest::addColumn<int>("size");
        // Small writes are the dangerous ones: buffered, Qt 6.4's QSaveFile only failed to
        // flush them at commit() and renamed the short file into place anyway.
        QTest::newRow("write 3 KiB") << false << 3000;
        QTest::newRow("write 64 KiB") << false << 64 * 1024;
        QTest::newRow("append 3 KiB") << true << 3000;
        QTest::newRow("append 64 KiB") << true << 64 * 1024;
    }

    void diskFullKeepsPreviousFile()
    {
        QFETCH(bool, append);
        QFETCH(int, size);
        QTemporaryDir dir;
        const QString path = dir.filePath("run.json");
        writeFileAtomically(path.toStdString(), kPrevious);
        QString error;
        {
            const FileSizeLimit limit(1024);
            error = failureOf(append, path.toStdString(), std::string(static_cast<std::size_t>(size), 'x'));
        }
        QVERIFY2(error.startsWith(path + ": "), qPrintable(error));
        QVERIFY2(error.contains("File too large") && error.contains("previous file left intact"), qPrintable(error));
        QCOMPARE(readAll(path), kPrevious);
        QCOMPARE(entries(dir.path()), QStringList{"run.json"});
    }

    void readOnlyDirectoryKeepsPreviousFile_data()
    {
        QTest::addColumn<bool>("append");
        QTest::newRow("write") << false;
        QTest::newRow("append") << true;
    }

    void readOnlyDirectoryKeepsPreviousFile()
    {
        QFETCH(bool, append);
        QTemporaryDir dir;
        const QString path = dir.filePath("trace.json");
        writeFileAtomically(path.toStdString(), kPrevious);
        QVERIFY(QFile::setPermissions(dir.path(), QFile::ReadOwner | QFile::ExeOwner | QFile::ReadGroup
                                                      | QFile::ExeGroup | QFile::ReadOther | QFile::ExeOther));
        if (!faults::dropFileOverrides())
            QSKIP("running as root without the right to drop CAP_DAC_OVERRIDE");
        const QString error = failureOf(append, path.toStdString(), "new content\n");
        faults::restoreFileOverrides();
        QFile::setPermissions(dir.path(), QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        QVERIFY2(error.startsWith(path + ": cannot write: "), qPrintable(error));
        QVERIFY2(error.contains("ermission denied"), qPrintable(error));
        QCOMPARE(readAll(path), kPrevious);
        QCOMPARE(entries(dir.path()), QStringList{"trace.json"});
    }

    // A child writes 96 MiB atomically and is killed at several moments of the write: the
    // target must always be the previous file or the complete new one, never a mix.
    void killedWriterLeavesPreviousFile()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("run.json");
        const std::string next(96u << 20, 'n');
        int killedMidWrite = 0;
        for (const int delayMs : {0, 1, 3, 10, 30, 100}) {
            writeFileAtomically(path.toStdString(), kPrevious);
            int ready[2];
            QVERIFY(::pipe(ready) == 0);
            const pid_t child = ::fork();
            QVERIFY(child >= 0);
            if (child == 0) {
                ::close(ready[0]);
                [[maybe_unused]] const ssize_t n = ::write(ready[1], "w", 1);
                try {
                    writeFileAtomically(path.toStdString(), next);
                } catch (...) {
                    ::_exit(3);
                }
                ::_exit(0);
            }
            ::close(ready[1]);
            char byte = 0;
            QCOMPARE(::read(ready[0], &byte, 1), ssize_t(1));
            ::close(ready[0]);
            ::usleep(static_cast<useconds_t>(delayMs) * 1000);
            ::kill(child, SIGKILL); // the child only: never a process group
            int status = 0;
            QCOMPARE(::waitpid(child, &status, 0), child);
            const std::string now = readAll(path);
            QVERIFY2(now == kPrevious || now == next,
                     qPrintable(QString("after %1 ms: a %2-byte mix").arg(delayMs).arg(now.size())));
            if (WIFSIGNALED(status) && now == kPrevious)
                ++killedMidWrite;
        }
        qInfo("killed before the write completed in %d of 6 runs", killedMidWrite);
        QVERIFY(killedMidWrite > 0); // at 0 ms the 96 MiB write has barely begun
    }
};

QTEST_GUILESS_MAIN(TestAtomicWrite)
#include "test_atomic_write.moc"
