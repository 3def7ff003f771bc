#include "core/util/file_fingerprint.h"

#include <QCryptographicHash>
#include <QDateTime>
#include <QFile>
#include <QFileInfo>

#include <map>
#include <mutex>
#include <tuple>

namespace vlmscope {

namespace {

constexpr qint64 kHeadBytes = qint64(1) << 20;
constexpr qint64 kChunkBytes = qint64(64) << 10;
constexpr int kChunks = 64;

bool addRange(QCryptographicHash& hash, QFile& file, qint64 offset, qint64 length)
{
    if (!file.seek(offset))
        return false;
    const QByteArray bytes = file.read(length);
    if (bytes.size() != length)
        return false;
    hash.addData(bytes);
    return true;
}

std::string fullHash(QFile& file)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    if (!hash.addData(&file))
        return {};
    return "sha256:" + hash.result().toHex().toStdString();
}

std::string sampledHash(QFile& file, qint64 size)
{
    QCryptographicHash hash(QCryptographicHash::Sha256);
    const QByteArray sizeText = QByteArray::number(size);
    hash.addData(sizeText);
    if (!addRange(hash, file, 0, kHeadBytes))
        return {};
    const qint64 last = size - kChunkBytes;
    for (int i = 0; i < kChunks; ++i) {
        if (!addRange(hash, file, last * i / (kChunks - 1), kChunkBytes))
            return {};
    }
    return "sampled-sha256/1:" + hash.result().toHex().toStdString();
}

std::string computeFingerprint(const std::string& path, qint64 size)
{
    QFile file(QString::fromStdString(path));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return size <= kFullHashLimitBytes ? fullHash(file) : sampledHash(file, size);
}

} // namespace

std::string sha256Hex(std::string_view bytes)
{
    return QCryptographicHash::hash(QByteArrayView(bytes.data(), static_cast<qsizetype>(bytes.size())),
                                    QCryptographicHash::Sha256)
        .toHex()
        .toStdString();
}

std::string weightsFileFingerprint(const std::string& path)
{
    const QFileInfo info(QString::fromStdString(path));
    if (!info.isFile())
        return {};
    using Key = std::tuple<std::string, qint64, qint64>;
    static std::mutex mutex;
    static std::map<Key, std::string> cache;
    const Key key{info.absoluteFilePath().toStdString(), info.size(), info.lastModified().toMSecsSinceEpoch()};
    {
        const std::lock_guard<std::mutex> lock(mutex);
        if (const auto found = cache.find(key); found != cache.end())
            return found->second;
    }
    std::string fingerprint = computeFingerprint(path, info.size());
    if (!fingerprint.empty()) {
        const std::lock_guard<std::mutex> lock(mutex);
        cache[key] = fingerprint;
    }
    return fingerprint;
}

} // namespace vlmscope
