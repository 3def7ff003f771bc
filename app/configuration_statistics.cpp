#include "app/configuration_statistics.h"

#include "core/stats/comparison.h"
#include "core/stats/number_format.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>

namespace vlmscope {

namespace {

using Json = nlohmann::ordered_json;

Json finiteOrNull(double value) { return std::isfinite(value) ? Json(value) : Json(nullptr); }

WarmupOptions iterationWarmupOptions(Better better)
{
    WarmupOptions options;
    options.better = better;
    options.items = "iterations";
    return options;
}

WarmupOptions tokenWarmupOptions()
{
    WarmupOptions options;
    options.better = Better::Lower;
    options.items = "inter-token latencies";
    return options;
}

bool judged(const std::vector<double>& series, const WarmupOptions& options)
{
    return series.size() >= std::max<std::size_t>(options.minPoints, 3)
        && std::all_of(series.begin(), series.end(), [](double v) { return std::isfinite(v); });
}

// `excluded` warm-up iterations count against the iteration limit but not as samples.
StabilityStatus statusOf(const std::vector<double>& values, const std::optional<StabilityTarget>& target,
                         std::size_t excluded)
{
    StabilityOptions options;
    if (target) {
        const std::size_t left = target->maxIterations - std::min(excluded, target->maxIterations);
        const std::size_t available = std::max<std::size_t>(2, left);
        options.maxHalfWidthPct = target->maxHalfWidthPct;
        options.minSamples = std::min(std::max<std::size_t>(2, target->minIterations), available);
        options.maxSamples = available;
    } else {
        options.minSamples = 2;
        options.maxSamples = std::numeric_limits<std::size_t>::max();
    }
    StabilityCheck check(options);
    for (double v : values)
        check.add(v);
    return check.status();
}

Json intervalJson(const StabilityStatus& s, bool withTarget)
{
    Json out{{"median", finiteOrNull(s.interval.estimate)},
             {"lower", finiteOrNull(s.interval.lower)},
             {"upper", finiteOrNull(s.interval.upper)},
             {"half_width_pct", finiteOrNull(s.halfWidthPct)},
             {"samples", s.used}};
    if (withTarget)
        out["converged"] = s.converged;
    return out;
}

// "decode TPS 130 tok/s ±1.2% (95% CI 128 .. 131)"
std::string compact(const std::string& name, const StabilityStatus& s, const std::string& unit)
{
    std::string text = name + " " + formatFigure(s.interval.estimate) + " " + unit;
    if (!s.interval.defined())
        return text + " (no interval yet)";
    return text + " ±" + formatShort(s.halfWidthPct) + "% (95% CI " + formatFigure(s.interval.lower) + " .. "
        + formatFigure(s.interval.upper) + ")";
}

} // namespace

std::vector<double> allTokenLatenciesMs(const RunRecord& run)
{
    std::vector<double> gaps;
    for (std::size_t i = 1; i < run.tokens.size(); ++i)
        gaps.push_back(static_cast<double>(run.tokens[i].timeNs - run.tokens[i - 1].timeNs) / 1e6);
    return gaps;
}

std::vector<RunRecord> keptRuns(const std::vector<RunRecord>& runs, const ConfigurationStatistics& statistics)
{
    const std::size_t skip = std::min(runs.size(), statistics.excludedIterations());
    return std::vector<RunRecord>(runs.begin() + static_cast<std::ptrdiff_t>(skip), runs.end());
}

std::string intervalSummary(const StabilityStatus& status, const std::string& name, const std::string& unit,
                            const std::optional<StabilityTarget>& target)
{
    if (target)
        return status.summary(name, unit, target->maxHalfWidthPct);
    // Without --until-stable there is no limit to converge to.
    std::string text = name + " " + formatFigure(status.interval.estimate) + " " + unit;
    if (status.interval.defined())
        text += ", 95% CI " + formatFigure(status.interval.lower) + " .. " + formatFigure(status.interval.upper)
            + " (±" + formatShort(status.halfWidthPct) + "%)";
    return text + " over " + std::to_string(status.samples) + " iterations";
}

std::string statisticsReport(const std::string& label, const ConfigurationStatistics& s)
{
    auto line = [&](const StabilityStatus& status, const char* name, const char* unit) {
        return "    " + intervalSummary(status, name, unit, s.target()) + "\n";
    };
    const ConfidenceInterval token = s.tokenLatencyMs();
    std::string text = "  " + label + ":\n" + line(s.decodeTps(), "decode TPS", "tok/s");
    text += line(s.ttftMs(), "TTFT", "ms");
    text += "    token latency " + formatFigure(token.estimate) + " ms";
    if (token.defined())
        text += ", 95% CI " + formatFigure(token.lower) + " .. " + formatFigure(token.upper);
    text += "\n    warm-up iterations: " + s.iterationWarmupReason();
    text += "\n    warm-up tokens: " + s.tokenWarmup().reason + "\n";
    return text;
}

ConfigurationStatistics::ConfigurationStatistics(std::optional<StabilityTarget> target, std::int64_t discardFirst)
    : m_target(std::move(target)), m_discardFirst(discardFirst)
{
    update();
}

void ConfigurationStatistics::add(const RunRecord& run)
{
    const GenerationMetrics& m = run.metrics;
    m_runIds.push_back(run.id);
    m_decodeValues.push_back(m.outputTps.value_or(std::numeric_limits<double>::quiet_NaN()));
    m_ttftValues.push_back(m.ttftS ? *m.ttftS * 1e3 : std::numeric_limits<double>::quiet_NaN());
    m_tokenLatencies.push_back(tokenLatenciesMs(run));
    const std::vector<double> series = allTokenLatenciesMs(run);
    m_tokenJudged.push_back(judged(series, tokenWarmupOptions()));
    m_tokenWarmups.push_back(detectWarmup(series, tokenWarmupOptions()));
    update();
}

void ConfigurationStatistics::update()
{
    // A warm-up iteration is slow in decode or in TTFT; both are left out up to the later one.
    m_decodeWarmup = detectWarmup(m_decodeValues, iterationWarmupOptions(Better::Higher));
    m_ttftWarmup = detectWarmup(m_ttftValues, iterationWarmupOptions(Better::Lower));
    m_excluded = std::max(m_decodeWarmup.excluded, m_ttftWarmup.excluded);
    const auto kept = [this](const std::vector<double>& values) {
        return std::vector<double>(values.begin() + static_cast<std::ptrdiff_t>(m_excluded), values.end());
    };
    m_decode = statusOf(kept(m_decodeValues), m_target, m_excluded);
    m_ttft = statusOf(kept(m_ttftValues), m_target, m_excluded);
}

std::string ConfigurationStatistics::iterationWarmupReason() const
{
    if (m_excluded == 0)
        return "decode TPS: " + m_decodeWarmup.reason + "; TTFT: " + m_ttftWarmup.reason;
    std::string text;
    if (m_decodeWarmup.detected())
        text += "decode TPS: " + m_decodeWarmup.reason;
    if (m_ttftWarmup.detected())
        text += std::string(m_decodeWarmup.detected() ? "; " : "") + "TTFT (ms): " + m_ttftWarmup.reason;
    return text + "; the first " + std::to_string(m_excluded) + " are left out of every statistic";
}

TokenWarmupSummary ConfigurationStatistics::tokenWarmup() const
{
    TokenWarmupSummary s;
    const WarmupDetection* slowest = nullptr;
    for (std::size_t r = 0; r < m_tokenWarmups.size(); ++r) {
        const WarmupDetection& d = m_tokenWarmups[r];
        if (m_tokenJudged[r])
            ++s.runsJudged;
        if (d.detected()) {
            ++s.runsWithWarmup;
            if (!slowest || d.excluded > slowest->excluded)
                slowest = &d;
        }
    }
    s.maxExcluded = slowest ? slowest->excluded : 0;
    const std::string policy = " (reported, not left out: decode figures follow --discard-first "
        + std::to_string(m_discardFirst) + ")";
    if (m_tokenWarmups.empty()) {
        s.reason = "no runs";
    } else if (slowest) {
        s.reason = std::to_string(s.runsWithWarmup) + " of " + std::to_string(s.runsJudged)
            + " runs settle late: in the slowest, the first " + std::to_string(slowest->excluded) + " of "
            + std::to_string(slowest->total) + " inter-token latencies have median "
            + formatFigure(slowest->warmupMedian) + " ms vs " + formatFigure(slowest->settledMedian) + " ms settled; --discard-first "
            + std::to_string(slowest->excluded) + " would leave them out" + policy;
    } else if (s.runsJudged == 0) {
        s.reason = "per-token warm-up not judged: " + m_tokenWarmups.back().reason;
    } else {
        s.reason = "no per-token warm-up in " + std::to_string(s.runsJudged) + " runs (last run: "
            + m_tokenWarmups.back().reason + ")";
    }
    return s;
}

ConfidenceInterval ConfigurationStatistics::tokenLatencyMs() const
{
    std::vector<double> pooled;
    for (std::size_t r = m_excluded; r < m_tokenLatencies.size(); ++r)
        pooled.insert(pooled.end(), m_tokenLatencies[r].begin(), m_tokenLatencies[r].end());
    return bootstrapMedian(pooled);
}

bool ConfigurationStatistics::converged() const { return m_target && m_decode.converged && m_ttft.converged; }

bool ConfigurationStatistics::done() const
{
    return m_target && (converged() || iterations() >= m_target->maxIterations);
}

std::string ConfigurationStatistics::progressLine() const
{
    std::string text = "stability after " + std::to_string(iterations())
        + (iterations() == 1 ? " iteration: " : " iterations: ") + compact("decode TPS", m_decode, "tok/s") + ", "
        + compact("TTFT", m_ttft, "ms");
    if (m_excluded > 0)
        text += ", " + std::to_string(m_excluded) + " warm-up iterations left out";
    if (!m_target)
        return text;
    std::ostringstream target; // as typed: "5", "0.001", "100000"
    target << m_target->maxHalfWidthPct;
    text += "; target ±" + target.str() + "%: ";
    if (converged())
        return text + "converged";
    return text + (done() ? "not converged, iteration limit reached" : "not yet");
}

Json ConfigurationStatistics::stabilityJson() const
{
    const bool withTarget = m_target.has_value();
    const ConfidenceInterval token = tokenLatencyMs();
    Json out{{"level", m_decode.interval.level},
             {"target_pct", withTarget ? Json(m_target->maxHalfWidthPct) : Json(nullptr)},
             {"min_iterations", withTarget ? Json(m_target->minIterations) : Json(nullptr)},
             {"max_iterations", withTarget ? Json(m_target->maxIterations) : Json(nullptr)},
             {"iterations_run", iterations()},
             {"iterations_used", iterations() - m_excluded},
             {"converged", withTarget ? Json(converged()) : Json(nullptr)},
             {"decode_tps", intervalJson(m_decode, withTarget)},
             {"ttft_ms", intervalJson(m_ttft, withTarget)},
             {"token_latency_ms",
              Json{{"median", finiteOrNull(token.estimate)},
                   {"lower", finiteOrNull(token.lower)},
                   {"upper", finiteOrNull(token.upper)}}}};
    return out;
}

Json ConfigurationStatistics::warmupJson(int warmupRuns) const
{
    Json excludedRuns = Json::array();
    for (std::size_t r = 0; r < m_excluded; ++r)
        excludedRuns.push_back(Json{{"run_id", m_runIds[r]},
                                    {"decode_tps", finiteOrNull(m_decodeValues[r])},
                                    {"ttft_ms", finiteOrNull(m_ttftValues[r])}});
    const TokenWarmupSummary tokens = tokenWarmup();
    return Json{{"untracked_warmup_runs", warmupRuns},
                {"iterations",
                 Json{{"judged", iterations()},
                      {"excluded", m_excluded},
                      {"excluded_from_statistics", true},
                      {"reason", iterationWarmupReason()},
                      {"excluded_runs", excludedRuns}}},
                {"tokens",
                 Json{{"runs_judged", tokens.runsJudged},
                      {"runs_with_warmup", tokens.runsWithWarmup},
                      {"max_excluded", tokens.maxExcluded},
                      {"excluded_from_statistics", false},
                      {"discard_first", m_discardFirst},
                      {"reason", tokens.reason}}}};
}

} // namespace vlmscope
