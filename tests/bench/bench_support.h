// Helpers the LibTorch benchmarks share: medians, comma lists from the command line, and the
// read-bandwidth probe their rooflines are computed from.
#pragma once

#include <torch/torch.h>

#include <QString>
#include <QStringList>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <vector>

namespace vlmscope::bench {

inline double median(std::vector<double> values)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    const std::size_t n = values.size();
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

// "1,2,4" -> {1, 2, 4}; empty items are skipped.
inline std::vector<std::int64_t> parseList(const QString& list)
{
    std::vector<std::int64_t> values;
    for (const QString& item : list.split(',', Qt::SkipEmptyParts))
        values.push_back(item.toLongLong());
    return values;
}

// Bytes per second, the best of three sums over 256 MiB (8x this machine's L3): what one
// decode step can hope to stream at the current intra-op thread count. On a shared host it
// moves by up to 2x within minutes, so callers sample it next to what they compare it with.
inline double readBandwidth()
{
    using Clock = std::chrono::steady_clock;
    const torch::Tensor big = torch::ones({256LL * 1024 * 1024 / 4}, torch::kFloat32);
    double best = 0;
    for (int r = 0; r < 3; ++r) {
        const auto start = Clock::now();
        const double sum = big.sum().item<double>();
        const double s = std::chrono::duration<double>(Clock::now() - start).count();
        if (sum > 0)
            best = std::max(best, static_cast<double>(big.nbytes()) / s);
    }
    return best;
}

} // namespace vlmscope::bench
