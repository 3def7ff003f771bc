// libFuzzer harness for computeMetrics: arbitrary timing inputs either throw InputError or
// yield only finite, non-negative figures.
#include "core/metrics/aggregate.h"
#include "core/metrics/generation_metrics.h"
#include "core/util/error.h"

#include <cmath>
#include <cstdint>
#include <cstring>

namespace {

class ByteReader {
public:
    ByteReader(const uint8_t* data, size_t size) : m_data(data), m_size(size) {}
    std::int64_t next()
    {
        std::int64_t v = 0;
        const size_t n = std::min<size_t>(8, m_size - m_pos);
        std::memcpy(&v, m_data + m_pos, n);
        m_pos += n;
        return v;
    }
    bool done() const { return m_pos >= m_size; }

private:
    const uint8_t* m_data;
    size_t m_size;
    size_t m_pos = 0;
};

void requireSane(const std::optional<double>& v)
{
    if (v && !(std::isfinite(*v) && *v >= 0))
        __builtin_trap();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    ByteReader in(data, size);
    vlmscope::TimingInput t;
    const std::int64_t flags = in.next();
    // Small header values keep most inputs valid, so the arithmetic gets exercised.
    const auto scale = [&](std::int64_t v) { return (flags & 1) ? v : v % (std::int64_t(1) << 36); };
    t.endNs = scale(in.next());
    if (flags & 2)
        t.prefillEndNs = scale(in.next());
    t.inputTokens = in.next() % 100000;
    t.imageTokens = in.next() % 1000;
    t.discardFirst = in.next() % 16;
    if (flags & 4)
        t.startRssBytes = in.next();
    std::int64_t time = 0;
    while (!in.done() && t.tokenTimesNs.size() < 4096) {
        const std::int64_t step = in.next();
        if (step % 7 == 0) {
            t.memory.push_back({time, step, (step & 8) ? std::optional<std::int64_t>(step / 3) : std::nullopt,
                                (step & 16) ? std::optional<std::int64_t>(step / 5) : std::nullopt});
            continue;
        }
        time = (flags & 8) ? step : time + (scale(step) & 0xffffffff);
        t.tokenTimesNs.push_back(time);
    }
    try {
        const vlmscope::GenerationMetrics m = vlmscope::computeMetrics(t);
        for (const auto& v : {m.ttftS, m.prefillS, m.inputTps, m.outputTps, m.tpotS, m.overallTps, m.e2eOutputTps,
                              m.itl.mean, m.itl.p50, m.itl.p90, m.itl.p99, m.itl.min, m.itl.max, m.itl.stddev,
                              m.itl.cv, m.peakTpsPerSecond, m.peakTpsWindow8, m.stabilityAbs, m.stabilityRelPct,
                              m.rss.perOutputTokenBytes, m.allocator.perOutputTokenBytes,
                              m.kvCache.perOutputTokenBytes})
            requireSane(v);
        if (!std::isfinite(m.totalS))
            __builtin_trap();
    } catch (const vlmscope::InputError&) {
    }
    return 0;
}
