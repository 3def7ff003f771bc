#include "core/metrics/generation_metrics.h"

#include "core/metrics/aggregate.h"
#include "core/util/error.h"

#include <algorithm>
#include <string>

namespace vlmscope {

namespace {

constexpr std::int64_t kNsPerSecond = 1'000'000'000;
constexpr std::size_t kPeakWindowTokens = 8;

double seconds(std::int64_t ns) { return static_cast<double>(ns) / static_cast<double>(kNsPerSecond); }

// `tokens` per second over `ns`; undefined for an empty span rather than inf.
std::optional<double> rate(double tokens, std::int64_t ns)
{
    if (ns <= 0)
        return std::nullopt;
    return tokens / seconds(ns);
}

[[noreturn]] void reject(const std::string& problem) { throw InputError("run timing: " + problem); }

void requireNonNegative(std::int64_t value, const std::string& what)
{
    if (value < 0)
        reject(what + " is negative (" + std::to_string(value) + ")");
}

void requireWithinRun(std::int64_t ns, std::int64_t endNs, const std::string& what)
{
    if (ns < 0)
        reject(what + " (" + std::to_string(ns) + " ns) is before the run start");
    if (ns > endNs)
        reject(what + " (" + std::to_string(ns) + " ns) is after the run end ("
               + std::to_string(endNs) + " ns)");
}

void validateMemory(const TimingInput& in)
{
    if (in.startRssBytes)
        requireNonNegative(*in.startRssBytes, "start RSS");
    for (std::size_t i = 0; i < in.memory.size(); ++i) {
        const MemoryPoint& p = in.memory[i];
        const std::string where = "memory sample " + std::to_string(i + 1);
        requireNonNegative(p.rssBytes, where + " RSS");
        if (p.allocatorBytes)
            requireNonNegative(*p.allocatorBytes, where + " allocator bytes");
        if (p.kvCacheBytes)
            requireNonNegative(*p.kvCacheBytes, where + " KV-cache bytes");
    }
}

void validate(const TimingInput& in)
{
    requireNonNegative(in.endNs, "run end");
    if (in.endNs > kMaxRunNs)
        reject("run end (" + std::to_string(in.endNs) + " ns) exceeds the 7-day limit");
    if (in.prefillEndNs)
        requireWithinRun(*in.prefillEndNs, in.endNs, "prefill end");
    for (std::size_t i = 0; i < in.tokenTimesNs.size(); ++i) {
        const std::string token = "token " + std::to_string(i + 1);
        requireWithinRun(in.tokenTimesNs[i], in.endNs, token + " time");
        if (i > 0 && in.tokenTimesNs[i] < in.tokenTimesNs[i - 1])
            reject(token + " time (" + std::to_string(in.tokenTimesNs[i]) + " ns) is before token "
                   + std::to_string(i) + " (" + std::to_string(in.tokenTimesNs[i - 1]) + " ns)");
    }
    requireNonNegative(in.inputTokens, "input token count");
    requireNonNegative(in.imageTokens, "image token count");
    if (in.imageTokens > in.inputTokens)
        reject("image token count (" + std::to_string(in.imageTokens) + ") exceeds the input token count ("
               + std::to_string(in.inputTokens) + ")");
    requireNonNegative(in.discardFirst, "discard-first");
    validateMemory(in);
}

IntervalStats intervalStats(const std::vector<std::int64_t>& times)
{
    IntervalStats s;
    if (times.size() < 2)
        return s;
    // Nanosecond differences are integers below 2^53 (kMaxRunNs), exact in a double.
    std::vector<double> itl;
    itl.reserve(times.size() - 1);
    for (std::size_t i = 1; i < times.size(); ++i)
        itl.push_back(seconds(times[i] - times[i - 1]));
    std::sort(itl.begin(), itl.end());
    s.count = static_cast<std::int64_t>(itl.size());
    s.mean = arithmeticMean(itl);
    s.p50 = percentileOfSorted(itl, 50);
    s.p90 = percentileOfSorted(itl, 90);
    s.p99 = percentileOfSorted(itl, 99);
    s.min = itl.front();
    s.max = itl.back();
    s.stddev = populationStddev(itl);
    if (*s.mean > 0)
        s.cv = *s.stddev / *s.mean;
    return s;
}

// Highest rate over any 8 consecutive tokens, counted as 7 intervals over their span so it
// agrees with the decode TPS formula. Windows of zero span (equal timestamps) are skipped.
std::optional<double> peakWindowRate(const std::vector<std::int64_t>& times)
{
    std::optional<double> peak;
    for (std::size_t i = 0; i + kPeakWindowTokens <= times.size(); ++i) {
        const auto windowRate = rate(kPeakWindowTokens - 1, times[i + kPeakWindowTokens - 1] - times[i]);
        if (windowRate && (!peak || *windowRate > *peak))
            peak = windowRate;
    }
    return peak;
}

void addPerSecondFigures(const std::vector<std::int64_t>& times, GenerationMetrics& m)
{
    if (times.empty())
        return;
    const auto bucket = [](std::int64_t ns) { return static_cast<std::size_t>(ns / kNsPerSecond); };
    m.perSecondTps.assign(bucket(times.back()) + 1, 0.0);
    for (std::int64_t t : times)
        m.perSecondTps[bucket(t)] += 1;
    m.peakTpsPerSecond = *std::max_element(m.perSecondTps.begin(), m.perSecondTps.end());

    // Stability looks at the seconds that decode spans, so the prefill wait before the first
    // token does not read as jitter; stalls inside the span do count, as 0 TPS.
    const std::vector<double> span(m.perSecondTps.begin() + static_cast<std::ptrdiff_t>(bucket(times.front())),
                                   m.perSecondTps.end());
    if (span.size() < 2)
        return;
    m.stabilityAbs = populationStddev(span);
    m.stabilityRelPct = *m.stabilityAbs / arithmeticMean(span) * 100.0;
}

MemorySeriesMetrics memorySeries(std::optional<std::int64_t> start,
                                 const std::vector<std::optional<std::int64_t>>& samples,
                                 std::int64_t outputTokens)
{
    MemorySeriesMetrics m;
    std::optional<std::int64_t> peak;
    for (const auto& sample : samples) {
        if (!sample)
            continue;
        if (!start)
            start = sample;
        peak = std::max(peak.value_or(*sample), *sample);
    }
    m.startBytes = start;
    if (!peak)
        return m;
    m.peakBytes = std::max(*peak, *start);
    m.increaseBytes = *m.peakBytes - *start;
    if (outputTokens > 0)
        m.perOutputTokenBytes = static_cast<double>(*m.increaseBytes) / static_cast<double>(outputTokens);
    return m;
}

void addMemoryFigures(const TimingInput& in, GenerationMetrics& m)
{
    std::vector<std::optional<std::int64_t>> rss, allocator, kvCache;
    for (const MemoryPoint& p : in.memory) {
        rss.emplace_back(p.rssBytes);
        allocator.push_back(p.allocatorBytes);
        kvCache.push_back(p.kvCacheBytes);
    }
    m.rss = memorySeries(in.startRssBytes, rss, m.outputTokens);
    m.allocator = memorySeries(std::nullopt, allocator, m.outputTokens);
    m.kvCache = memorySeries(std::nullopt, kvCache, m.outputTokens);
}

void addDecodeFigures(const std::vector<std::int64_t>& decode, GenerationMetrics& m)
{
    if (decode.size() >= 2) {
        const std::int64_t spanNs = decode.back() - decode.front();
        const double intervals = static_cast<double>(decode.size() - 1);
        m.outputTps = rate(intervals, spanNs);
        m.tpotS = seconds(spanNs) / intervals;
    }
    m.itl = intervalStats(decode);
    m.peakTpsWindow8 = peakWindowRate(decode);
    addPerSecondFigures(decode, m);
}

} // namespace

GenerationMetrics computeMetrics(const TimingInput& in)
{
    validate(in);
    GenerationMetrics m;
    const auto& times = in.tokenTimesNs;
    m.inputTokens = in.inputTokens;
    m.imageTokens = in.imageTokens;
    m.textTokens = in.inputTokens - in.imageTokens;
    m.outputTokens = static_cast<std::int64_t>(times.size());
    m.discardedTokens = std::min(in.discardFirst, m.outputTokens);
    m.decodeTokens = m.outputTokens - m.discardedTokens;
    m.totalS = seconds(in.endNs);

    if (!times.empty())
        m.ttftS = seconds(times.front());
    if (in.prefillEndNs) {
        m.prefillS = seconds(*in.prefillEndNs);
        m.inputTps = rate(static_cast<double>(in.inputTokens), *in.prefillEndNs);
    }
    m.overallTps = rate(static_cast<double>(in.inputTokens) + static_cast<double>(m.outputTokens), in.endNs);
    m.e2eOutputTps = rate(static_cast<double>(m.outputTokens), in.endNs);

    const std::vector<std::int64_t> decode(times.begin() + static_cast<std::ptrdiff_t>(m.discardedTokens),
                                           times.end());
    addDecodeFigures(decode, m);
    addMemoryFigures(in, m);
    return m;
}

} // namespace vlmscope
