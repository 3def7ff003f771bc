#include "core/profiling/system_probe.h"

#include <QFile>
#include <QSysInfo>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <unistd.h>

namespace vlmscope {

std::int64_t currentRssBytes()
{
    // statm: size resident shared text lib data dt (in pages). fopen keeps this allocation-free.
    std::FILE* file = std::fopen("/proc/self/statm", "r");
    if (!file)
        return 0;
    long long size = 0, resident = 0;
    const int read = std::fscanf(file, "%lld %lld", &size, &resident);
    std::fclose(file);
    return read == 2 ? resident * static_cast<std::int64_t>(sysconf(_SC_PAGESIZE)) : 0;
}

std::int64_t processCpuNs()
{
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return static_cast<std::int64_t>(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

std::int64_t monotonicNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

std::string cpuModelName()
{
    QFile file("/proc/cpuinfo");
    if (file.open(QIODevice::ReadOnly)) {
        while (!file.atEnd()) {
            const QByteArray line = file.readLine(4096);
            if (line.startsWith("model name")) {
                const int colon = line.indexOf(':');
                if (colon > 0)
                    return line.mid(colon + 1).trimmed().toStdString();
            }
        }
    }
    return "unknown CPU";
}

std::string osDescription()
{
    return (QSysInfo::prettyProductName() + ", " + QSysInfo::kernelType() + " " + QSysInfo::kernelVersion())
        .toStdString();
}

std::int64_t availableMemoryBytes()
{
    QFile file("/proc/meminfo");
    if (file.open(QIODevice::ReadOnly)) {
        while (!file.atEnd()) {
            const QByteArray line = file.readLine(4096);
            if (line.startsWith("MemAvailable:")) {
                const QList<QByteArray> parts = line.simplified().split(' ');
                if (parts.size() >= 2)
                    return parts[1].toLongLong() * 1024;
            }
        }
    }
    return 0;
}

} // namespace vlmscope
