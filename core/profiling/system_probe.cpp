#include "core/profiling/system_probe.h"

#include <QByteArray>
#include <QList>
#include <QString>
#include <QSysInfo>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <unistd.h>

namespace vlmscope {

namespace {

// /proc files report size 0, so QFile::atEnd() is true before the first read: read lines
// until `visit` returns false or the file ends.
template <typename Visit>
void forEachProcLine(const char* path, Visit visit)
{
    std::ifstream file(path);
    std::string line;
    while (std::getline(file, line) && visit(line)) {
    }
}

} // namespace

void releaseFreeHeapMemory()
{
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
}

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
    std::string model = "unknown CPU";
    forEachProcLine("/proc/cpuinfo", [&model](const std::string& line) {
        if (line.rfind("model name", 0) != 0)
            return true;
        const std::size_t colon = line.find(':');
        if (colon != std::string::npos)
            model = QString::fromStdString(line.substr(colon + 1)).trimmed().toStdString();
        return false;
    });
    return model;
}

std::vector<std::string> kernelFlagsOf(std::string_view flagsLine)
{
    const std::size_t colon = flagsLine.find(':');
    if (colon != std::string_view::npos)
        flagsLine.remove_prefix(colon + 1);
    std::vector<std::string_view> present;
    while (!flagsLine.empty()) {
        const std::size_t start = flagsLine.find_first_not_of(" \t\r\n");
        if (start == std::string_view::npos)
            break;
        flagsLine.remove_prefix(start);
        const std::size_t end = std::min(flagsLine.find_first_of(" \t\r\n"), flagsLine.size());
        present.push_back(flagsLine.substr(0, end));
        flagsLine.remove_prefix(end);
    }
    std::vector<std::string> flags;
    for (const char* flag : kKernelCpuFlags) {
        if (std::find(present.begin(), present.end(), std::string_view(flag)) != present.end())
            flags.emplace_back(flag);
    }
    return flags;
}

std::vector<std::string> cpuKernelFlags()
{
    std::vector<std::string> flags;
    forEachProcLine("/proc/cpuinfo", [&flags](const std::string& line) {
        // x86 says "flags", ARM "Features".
        if (line.rfind("flags", 0) != 0 && line.rfind("Features", 0) != 0)
            return true;
        flags = kernelFlagsOf(line);
        return false;
    });
    return flags;
}

std::string osDescription()
{
    return (QSysInfo::prettyProductName() + ", " + QSysInfo::kernelType() + " " + QSysInfo::kernelVersion())
        .toStdString();
}

std::int64_t availableMemoryBytes()
{
    std::int64_t bytes = 0;
    forEachProcLine("/proc/meminfo", [&bytes](const std::string& line) {
        if (line.rfind("MemAvailable:", 0) != 0)
            return true;
        const QList<QByteArray> parts = QByteArray::fromStdString(line).simplified().split(' ');
        if (parts.size() >= 2)
            bytes = parts[1].toLongLong() * 1024;
        return false;
    });
    return bytes;
}

} // namespace vlmscope
