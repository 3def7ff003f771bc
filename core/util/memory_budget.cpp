#include "core/util/memory_budget.h"

#include "core/util/error.h"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

namespace vlmscope {

std::string bytesText(std::int64_t bytes)
{
    constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};
    double value = static_cast<double>(bytes);
    std::size_t unit = 0;
    while (value >= 1024 && unit + 1 < std::size(kUnits)) {
        value /= 1024;
        ++unit;
    }
    char text[32];
    std::snprintf(text, sizeof text, unit == 0 || value >= 100 ? "%.0f %s" : "%.1f %s", value, kUnits[unit]);
    return text;
}

std::string MemoryEstimate::describe() const
{
    std::string parts;
    const auto add = [&](const char* name, std::int64_t bytes) {
        if (bytes > 0)
            parts += (parts.empty() ? "" : " + ") + std::string(name) + " " + bytesText(bytes);
    };
    add("weights", weightsBytes);
    add("KV cache", kvCacheBytes);
    add("activations", activationBytes);
    return bytesText(total()) + (parts.empty() ? "" : " (" + parts + ")");
}

std::optional<std::int64_t> usableMemoryBytes()
{
    if (const char* forced = std::getenv("VLMSCOPE_AVAILABLE_MEMORY_BYTES")) {
        char* end = nullptr;
        const long long value = std::strtoll(forced, &end, 10);
        if (end != forced && *end == '\0' && value >= 0)
            return value;
    }
    std::ifstream meminfo("/proc/meminfo");
    std::string line;
    while (std::getline(meminfo, line)) {
        std::istringstream fields(line);
        std::string key;
        std::int64_t kib = 0;
        if (fields >> key >> kib && key == "MemAvailable:")
            return kib * 1024;
    }
    return std::nullopt;
}

void requireMemory(const MemoryEstimate& estimate, const std::string& subject, std::optional<std::int64_t> available)
{
    if (available && estimate.total() > *available)
        throw InputError(subject + ": needs about " + estimate.describe() + " of memory but only "
                         + bytesText(*available) + " is available");
}

} // namespace vlmscope
