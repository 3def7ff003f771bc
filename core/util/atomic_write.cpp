#include "core/util/atomic_write.h"

#include "core/util/error.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include <cerrno>
#include <cstring>

namespace vlmscope {

namespace {

QString qpath(const std::string& path) { return QString::fromStdString(path); }

// Qt reports a failed write as "Unknown error"; the system's reason ("File too large", "No
// space left on device") is what the user needs.
std::string failureReason(const QSaveFile& file, int systemError)
{
    return systemError != 0 ? std::strerror(systemError) : file.errorString().toStdString();
}

} // namespace

void writeFileAtomically(const std::string& path, std::string_view bytes)
{
    const QFileInfo info(qpath(path));
    if (!info.absoluteDir().exists() && !QDir().mkpath(info.absolutePath()))
        throw RuntimeFailure(path + ": cannot create directory " + info.absolutePath().toStdString());

    QSaveFile file(qpath(path));
    // Unbuffered: Qt 6.4's commit() ignores a failed flush of its buffer and renames the
    // short file into place (a full disk would truncate the log); direct writes report it.
    if (!file.open(QIODevice::WriteOnly | QIODevice::Unbuffered))
        throw RuntimeFailure(path + ": cannot write: " + file.errorString().toStdString());
    errno = 0;
    const qint64 written = file.write(bytes.data(), static_cast<qint64>(bytes.size()));
    if (written != static_cast<qint64>(bytes.size())) {
        const std::string reason = failureReason(file, errno);
        file.cancelWriting();
        throw RuntimeFailure(path + ": write failed (" + reason + "); previous file left intact");
    }
    if (file.size() != static_cast<qint64>(bytes.size())) { // never rename a short file into place
        file.cancelWriting();
        throw RuntimeFailure(path + ": write failed (only part of the data reached the disk); previous file left intact");
    }
    errno = 0;
    if (!file.commit())
        throw RuntimeFailure(path + ": could not finish writing (" + failureReason(file, errno)
                             + "); previous file left intact");
}

void appendFileAtomically(const std::string& path, std::string_view bytes)
{
    std::string content;
    if (QFileInfo::exists(qpath(path)))
        content = readFileLimited(path, std::size_t(1) << 31);
    content.append(bytes);
    writeFileAtomically(path, content);
}

std::string readFileLimited(const std::string& path, std::size_t maxBytes)
{
    QFile file(qpath(path));
    if (!file.exists())
        throw InputError(path + ": file not found");
    if (!file.open(QIODevice::ReadOnly))
        throw InputError(path + ": cannot read: " + file.errorString().toStdString());
    if (static_cast<std::size_t>(file.size()) > maxBytes)
        throw InputError(path + ": file too large (" + std::to_string(file.size()) + " bytes, limit "
                         + std::to_string(maxBytes) + ")");
    const QByteArray data = file.readAll();
    if (file.error() != QFileDevice::NoError)
        throw InputError(path + ": read failed: " + file.errorString().toStdString());
    return std::string(data.constData(), static_cast<std::size_t>(data.size()));
}

} // namespace vlmscope
