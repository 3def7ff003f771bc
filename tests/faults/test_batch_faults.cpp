// `vlmscope --batch --model tiny` under faults: a file size limit (disk full) and a read-only
// directory while writing the run record, the log or the trace; SIGKILL while the run
// record is written; SIGINT/SIGTERM in each phase of a run; the out-of-memory guard.
#include "core/io/generation_log_reader.h"
#include "core/io/run_record_json.h"
#include "core/util/error.h"
#include "privileges.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <csignal>
#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

using namespace vlmscope;

namespace {

struct Result {
    int exitCode = -1;
    bool crashed = false;
    QByteArray out;
    QByteArray err;
};

using ChildSetup = std::function<void()>;

Result run(const QString& dir, const QStringList& arguments, const ChildSetup& setup = {},
           const QStringList& environment = {})
{
    QProcess process;
    process.setWorkingDirectory(dir);
    if (setup)
        process.setChildProcessModifier(setup);
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    for (const QString& entry : environment)
        env.insert(entry.section('=', 0, 0), entry.section('=', 1));
    process.setProcessEnvironment(env);
    process.start(VLMSCOPE_BINARY, arguments);
    process.waitForFinished(300000);
    return {process.exitCode(), process.exitStatus() != QProcess::NormalExit, process.readAllStandardOutput(),
            process.readAllStandardError()};
}

QByteArray readAll(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray("<unreadable>");
}

QStringList entries(const QString& dir)
{
    return QDir(dir).entryList(QDir::AllEntries | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot, QDir::Name);
}

// Whether `pid` has a file open in `dir` (QSaveFile's temporary file, named or O_TMPFILE).
bool hasFileOpenIn(pid_t pid, const QString& dir)
{
    const std::string fds = "/proc/" + std::to_string(pid) + "/fd";
    const QByteArray prefix = QFile::encodeName(dir) + "/";
    DIR* listing = ::opendir(fds.c_str());
    if (listing == nullptr)
        return false;
    bool found = false;
    while (const dirent* entry = ::readdir(listing)) {
        // readlink itself: an O_TMPFILE file reads as "<dir>/#123 (deleted)".
        char target[4096];
        const ssize_t n = ::readlink((fds + "/" + entry->d_name).c_str(), target, sizeof target);
        found = found || (n > 0 && QByteArray(target, static_cast<int>(n)).startsWith(prefix));
    }
    ::closedir(listing);
    return found;
}

// The state letter of /proc/<pid>/stat ('R', 'S', 'T' stopped, 'Z' exited), '?' if gone.
char processState(pid_t pid)
{
    QFile stat(QString("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return '?';
    const QByteArray text = stat.readAll();
    const int close = text.lastIndexOf(')');
    return close < 0 || close + 2 >= text.size() ? '?' : text.at(close + 2);
}

const QStringList kTinyRun = {"--batch", "--model", "tiny", "--max-tokens", "24", "--ignore-eos"};

// The export under test, written into the subdirectory "out" (rows other than the log's
// turn the log off, so "out" holds one file).
void addTargetRows()
{
    QTest::addColumn<QStringList>("options");
    QTest::addColumn<QString>("file");
    QTest::newRow("run record") << QStringList{"--no-log", "--output", "out/run.json"} << "run.json";
    QTest::newRow("trace") << QStringList{"--no-log", "--trace", "out/trace.json"} << "trace.json";
    QTest::newRow("log") << QStringList{"--log-file", "out/runs.log"} << "runs.log";
}

// A previous version of the target made by a clean run of the same command, so "intact"
// means a real earlier file (for the log: earlier runs) survived byte for byte.
QByteArray writePrevious(const QString& dir, const QStringList& options, const QString& file)
{
    QDir().mkpath(dir + "/out");
    const Result first = run(dir, kTinyRun + options);
    if (first.exitCode != 0)
        qWarning() << first.err;
    return readAll(dir + "/out/" + file);
}

} // namespace

class TestBatchFaults : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void diskFullKeepsEarlierFiles_data() { addTargetRows(); }

    // RLIMIT_FSIZE in the child (SIGXFSZ ignored): every write past the limit fails with
    // EFBIG, as on a full disk.
    void diskFullKeepsEarlierFiles()
    {
        QFETCH(QStringList, options);
        QFETCH(QString, file);
        QTemporaryDir dir;
        const QByteArray previous = writePrevious(dir.path(), options, file);
        QVERIFY(previous.size() > 500);
        // The new file is as large as the previous one (the log: larger), so it cannot fit.
        const rlim_t limit = static_cast<rlim_t>(previous.size()) / 2;
        const Result r = run(dir.path(), kTinyRun + options, [limit] {
            std::signal(SIGXFSZ, SIG_IGN);
            const rlimit lowered{limit, limit};
            ::setrlimit(RLIMIT_FSIZE, &lowered);
        });
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("error: out/" + file.toUtf8() + ": "), r.err.constData());
        QVERIFY2(r.err.contains("File too large"), r.err.constData());
        QCOMPARE(readAll(dir.filePath("out/" + file)), previous);
        QCOMPARE(entries(dir.filePath("out")), QStringList{file});
    }

    void readOnlyDirectoryKeepsEarlierFiles_data() { addTargetRows(); }

    void readOnlyDirectoryKeepsEarlierFiles()
    {
        QFETCH(QStringList, options);
        QFETCH(QString, file);
        QTemporaryDir dir;
        const QByteArray previous = writePrevious(dir.path(), options, file);
        const QString out = dir.filePath("out");
        QVERIFY(QFile::setPermissions(out, QFile::ReadOwner | QFile::ExeOwner | QFile::ReadOther | QFile::ExeOther));
        const Result r = run(dir.path(), kTinyRun + options, [] {
            if (!faults::dropFileOverridesAcrossExec())
                ::_exit(99);
        });
        QFile::setPermissions(out, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
        if (r.exitCode == 99)
            QSKIP("running as root without the right to drop CAP_DAC_OVERRIDE");
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("error: out/" + file.toUtf8() + ": cannot write: "), r.err.constData());
        QVERIFY2(r.err.contains("ermission denied"), r.err.constData());
        QCOMPARE(readAll(dir.filePath("out/" + file)), previous);
        QCOMPARE(entries(out), QStringList{file});
    }

    // Killed while run.json is being written (its temporary file is open in the process),
    // at several delays: run.json stays the previous record or is the whole new one.
    void killWhileWritingKeepsPreviousRecord()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("run.json");
        // 1000 tokens make a run record of about 1 MB.
        const QStringList arguments = {"--batch", "--model", "tiny", "--max-tokens", "1000", "--ignore-eos", "--no-log",
                                       "--output", "run.json"};
        QVERIFY(run(dir.path(), {"--batch", "--model", "tiny", "--max-tokens", "4", "--no-log", "--output", "run.json"})
                    .exitCode == 0);
        const QByteArray previous = readAll(path);
        int killedWriting = 0;
        for (const int delayMs : {0, 0, 1, 5}) {
            QFile restore(path);
            QVERIFY(restore.open(QIODevice::WriteOnly | QIODevice::Truncate));
            restore.write(previous);
            restore.close();

            QProcess process;
            process.setWorkingDirectory(dir.path());
            process.start(VLMSCOPE_BINARY, arguments);
            QVERIFY(process.waitForStarted());
            const pid_t pid = static_cast<pid_t>(process.processId());
            // The write takes about a millisecond: too short to catch by polling. Run the child
            // in short slices instead, looking at its open files while it is stopped; once the
            // temporary file is open, let it write for delayMs more, then kill it.
            bool writing = false;
            while (!writing && processState(pid) != 'Z' && processState(pid) != '?') {
                ::kill(pid, SIGSTOP);
                while (processState(pid) != 'T' && processState(pid) != 'Z' && processState(pid) != '?')
                    ::usleep(20);
                writing = hasFileOpenIn(pid, dir.path());
                ::kill(pid, SIGCONT);
                if (!writing)
                    ::usleep(100);
            }
            if (writing) {
                ::usleep(static_cast<useconds_t>(delayMs) * 1000);
                ::kill(pid, SIGKILL); // the child only, never a group: QProcess has not reaped it yet
            }
            process.waitForFinished(60000);
            if (writing && process.exitStatus() == QProcess::CrashExit)
                ++killedWriting;

            const QByteArray now = readAll(path);
            if (now == previous)
                continue;
            try {
                const RunRecord record = readRunRecord(path.toStdString());
                QCOMPARE(record.tokens.size(), std::size_t(1000));
            } catch (const InputError& e) {
                QFAIL(qPrintable(QString("after %1 ms: run.json is neither the previous nor a whole record: %2")
                                     .arg(delayMs)
                                     .arg(e.what())));
            }
        }
        qInfo("killed while writing run.json in %d of 4 runs", killedWriting);
        QVERIFY(killedWriting >= 2); // the 0 ms kills land while the file is open
    }

    void signalInEachPhaseLeavesStoppedRecord_data()
    {
        QTest::addColumn<QString>("signal");
        QTest::addColumn<QString>("point");
        QTest::addColumn<int>("tokens");
        QTest::addColumn<QString>("detail");
        for (const char* signal : {"INT", "TERM"}) {
            const auto row = [&](const char* point, int tokens, const char* detail) {
                QTest::newRow(qPrintable(QString("%1 during %2").arg(signal, point)))
                    << QString(signal) << QString(point) << tokens << QString(detail);
            };
            row("load", 0, "stopped on request before generation started");
            // A point is a phase's end: the signal lands while the next phase runs.
            row("image_preprocess", 0, "stopped on request before generation started"); // vision next
            row("vision_encoder", 1, "stopped on request after 1 tokens");              // projector next
            row("projector", 1, "stopped on request after 1 tokens");                   // prefill next
            row("prefill", 1, "stopped on request after 1 tokens");                     // decode next
            row("token:7", 7, "stopped on request after 7 tokens");                     // decoding
        }
    }

    // VLMSCOPE_TEST_SIGNAL_AT makes the process signal itself at an exact point, through the
    // real handler (test_batch_modes covers a signal from outside at an arbitrary time).
    void signalInEachPhaseLeavesStoppedRecord()
    {
        QFETCH(QString, signal);
        QFETCH(QString, point);
        QFETCH(int, tokens);
        QFETCH(QString, detail);
        QTemporaryDir dir;
        const Result r = run(dir.path(),
                             {"--batch", "--model", "tiny", "--image", ":/vlmscope/sample.png", "--max-tokens", "200",
                              "--ignore-eos", "--log-file", "runs.log", "--output", "run.json"},
                             {}, {"VLMSCOPE_TEST_SIGNAL_AT=" + signal + "@" + point});
        QCOMPARE(r.exitCode, 130);
        QVERIFY(r.err.contains("stopping after the current token"));
        const RunRecord record = readRunRecord(dir.filePath("run.json").toStdString());
        QCOMPARE(record.status, RunStatus::Stopped);
        QCOMPARE(QString::fromStdString(record.statusDetail), detail);
        QCOMPARE(record.tokens.size(), std::size_t(tokens));
        QVERIFY(record.imageTokens > 0);
        const std::vector<LogRunSummary> logged = readGenerationLog(dir.filePath("runs.log").toStdString());
        QCOMPARE(logged.size(), std::size_t(1));
    }

    void memoryGuardRefusesWithTheEstimate()
    {
        QTemporaryDir dir;
        const QStringList small = {"VLMSCOPE_AVAILABLE_MEMORY_BYTES=1000000"};
        const Result refused =
            run(dir.path(), {"--batch", "--model", "tiny", "--max-tokens", "2000", "--no-log", "--output", "run.json"},
                {}, small);
        QCOMPARE(refused.exitCode, 1);
        QVERIFY2(refused.err.contains("error: --max-tokens 2000: needs about 1.4 MiB (KV cache 1007 KiB + activations "
                                      "474 KiB) of memory but only 977 KiB is available"),
                 refused.err.constData());
        const Result fits =
            run(dir.path(), {"--batch", "--model", "tiny", "--max-tokens", "8", "--no-log", "--output", "run.json"}, {},
                small);
        QCOMPARE(fits.exitCode, 0);
    }
};

QTEST_GUILESS_MAIN(TestBatchFaults)
#include "test_batch_faults.moc"
