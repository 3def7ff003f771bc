#include "core/io/generation_log.h"

#include "core/io/layer_breakdown.h"
#include "core/io/report_sections.h"
#include "core/io/run_manifest.h"
#include "core/io/text_format.h"
#include "core/metrics/aggregate.h"
#include "core/util/atomic_write.h"
#include "core/version.h"

#include <QFileInfo>

#include <algorithm>
#include <map>

namespace vlmscope {

namespace {

std::string banner(std::size_t width) { return std::string(width, '='); }

std::string toolLine()
{
    return std::string("Tool: vlmscope ") + VLMSCOPE_VERSION + " (metrics " + kMetricDefinitionsId + ")";
}

std::string deviceOf(const RunRecord& record)
{
    return singleLine(record.environment.device.empty() ? record.settings.device : record.environment.device, 64);
}

std::string dateOf(const RunRecord& record)
{
    return record.startedAt.empty() ? std::string(kNotAvailable) : formatLogDate(record.startedAt);
}

std::string modelOf(const RunRecord& record)
{
    const std::string& name = record.model.name.empty() ? record.settings.model : record.model.name;
    return singleLine(name, 256);
}

std::string settingsLine(const RunSettings& s)
{
    std::string line = "Settings: max tokens " + std::to_string(s.maxNewTokens);
    line += std::string(", KV cache ") + (s.kvCache ? "on" : "off");
    if (s.greedy)
        line += ", greedy decoding";
    else
        line += ", sampling (temperature " + formatFixed(s.temperature, 2) + ", top-k " + std::to_string(s.topK)
            + ", top-p " + formatFixed(s.topP, 2) + ", seed " + std::to_string(s.seed) + ")";
    line += ", device " + singleLine(s.device, 64) + ", " + singleLine(s.dtype, 64);
    line += s.threads > 0 ? ", " + std::to_string(s.threads) + " threads" : std::string(", threads auto");
    line += ", warm-up " + std::to_string(s.warmup) + ", discard first " + std::to_string(s.discardFirst);
    line += std::string(", profiling ") + profilingLevelName(s.profiling);
    return line;
}

void addEntryHeader(TextLines& out, const char* title, const RunRecord& record)
{
    out.add(banner(kLogBannerWidth));
    out.add(title);
    out.add(banner(kLogBannerWidth));
    out.add("Model: " + modelOf(record));
    out.add("Date: " + dateOf(record));
    out.add("Device: " + deviceOf(record));
}

// Two lines in the entry's header; readers that do not know them (the original tool's)
// skip unknown "Label: value" lines.
void addManifestLines(TextLines& out, const RunRecord& record)
{
    out.add(std::string(kLogDefinitionsLabel) + ": " + definitionsLogValue(record.definitions()));
    out.add(std::string(kLogEnvironmentLabel) + ": " + environmentLogValue(record.environment));
}

void closeEntry(TextLines& out)
{
    out.blank();
    out.add(banner(kLogSeparatorWidth));
    out.blank();
}

std::string padRight(std::string text, std::size_t width)
{
    if (text.size() < width)
        text.append(width - text.size(), ' ');
    return text;
}

std::string rstrip(std::string text)
{
    text.erase(text.find_last_not_of(' ') + 1);
    return text;
}

std::string statsLine(const Summary& s, int decimals)
{
    return formatFixed(s.mean, decimals) + " / " + formatFixed(s.median, decimals) + " / "
        + formatFixed(s.stddev, decimals) + " / " + formatFixed(s.min, decimals) + " / " + formatFixed(s.max, decimals)
        + " (n = " + std::to_string(s.n) + ")";
}

template <typename Get>
Summary summarizeRuns(const std::vector<const RunRecord*>& runs, Get get)
{
    std::vector<std::optional<double>> values;
    for (const RunRecord* run : runs)
        values.push_back(get(run->metrics));
    return summarize(values);
}

} // namespace

const char* logLevelName(LogLevel level) { return level == LogLevel::Basic ? "basic" : "detailed"; }

bool parseLogLevel(const std::string& name, LogLevel* out)
{
    if (name != "basic" && name != "detailed")
        return false;
    *out = name == "basic" ? LogLevel::Basic : LogLevel::Detailed;
    return true;
}

std::string formatLogHeader(const RunRecord& record, const std::string& mode)
{
    TextLines out;
    out.add(std::string(kLogSeparatorWidth, '#'));
    out.add(kLogFileTitle);
    out.add(std::string(kLogSeparatorWidth, '#'));
    out.add(toolLine());
    out.add("Mode: " + singleLine(mode, 256));
    std::string model = "Model: " + modelOf(record);
    if (!record.settings.model.empty() && record.settings.model != record.model.name)
        model += " (" + singleLine(record.settings.model, 1024) + ")";
    if (record.model.synthetic)
        model += std::string(" - ") + label::kSynthetic;
    out.add(model);
    out.add("Prompt: " + singleLine(record.settings.prompt));
    out.add("Image: " + (record.settings.image.empty() ? std::string("none") : singleLine(record.settings.image, 1024)));
    out.add(settingsLine(record.settings));
    out.add("Date: " + dateOf(record));
    out.blank();
    return out.str() + "\n";
}

std::string formatLogEntry(const RunRecord& record, LogLevel level, int generationNumber)
{
    const bool detailed = level == LogLevel::Detailed;
    const LayerBreakdown breakdown = computeLayerBreakdown(record);
    TextLines out;
    addEntryHeader(out, kLogSummaryTitle, record);
    out.add("Generation: " + std::to_string(generationNumber));
    out.add("Prompt: " + singleLine(record.settings.prompt));
    out.add("Max tokens: " + std::to_string(record.settings.maxNewTokens));
    std::string status = std::string("Status: ") + runStatusName(record.status);
    if (!record.statusDetail.empty())
        status += " (" + singleLine(record.statusDetail, 512) + ")";
    out.add(status);
    if (record.model.synthetic)
        out.add(std::string("Note: ") + label::kSynthetic);
    out.add(toolLine());
    addManifestLines(out, record);
    addOverheadLine(out, record);
    out.blank();
    out.add(std::string(20, '-') + " PERFORMANCE METRICS " + std::string(20, '-'));
    addThroughputLines(out, record);
    if (detailed) {
        out.blank();
        addLatencySection(out, record.metrics);
        out.blank();
        addItlSection(out, record.metrics.itl);
        out.blank();
        addMultimodalSection(out, record, breakdown);
    }
    out.blank();
    addMemorySection(out, record, detailed);
    out.blank();
    addLayerSection(out, breakdown);
    if (detailed) {
        out.blank();
        addDetailedLayerSection(out, record, breakdown, 10);
        out.blank();
        addPhaseSection(out, record);
    }
    if (!record.metrics.perSecondTps.empty()) {
        out.blank();
        addPerSecondLines(out, record.metrics.perSecondTps);
    }
    if (detailed) {
        out.blank();
        addEnvironmentSection(out, record);
    }
    closeEntry(out);
    return out.str() + "\n";
}

std::string formatBenchmarkSummary(const std::vector<RunRecord>& runs)
{
    // Token counts in first-seen order, each with its iterations.
    std::vector<std::int64_t> order;
    std::map<std::int64_t, std::vector<const RunRecord*>> groups;
    for (const RunRecord& run : runs) {
        auto& group = groups[run.settings.maxNewTokens];
        if (group.empty())
            order.push_back(run.settings.maxNewTokens);
        group.push_back(&run);
    }

    TextLines out;
    if (runs.empty()) {
        out.add(banner(kLogBannerWidth));
        out.add(kLogBenchmarkTitle);
        out.add(banner(kLogBannerWidth));
        out.add("No runs.");
        closeEntry(out);
        return out.str() + "\n";
    }
    addEntryHeader(out, kLogBenchmarkTitle, runs.front());
    std::string iterations;
    for (const std::int64_t tokens : order)
        iterations += (iterations.empty() ? "" : ", ") + std::to_string(groups[tokens].size());
    out.add("Iterations per token count: " + iterations);
    out.add(toolLine());
    addManifestLines(out, runs.front());
    out.blank();

    out.add("=== Summary of Results ===");
    out.add(rstrip(padRight("Tokens", 10) + " " + padRight("Avg Time (s)", 15) + " " + padRight("Avg TPS", 12) + " "
                   + padRight("TTFT (s)", 10)));
    out.add(std::string(55, '-'));
    for (const std::int64_t tokens : order) {
        const auto& group = groups[tokens];
        const Summary time = summarizeRuns(group, [](const GenerationMetrics& m) { return std::optional(m.totalS); });
        const Summary tps = summarizeRuns(group, [](const GenerationMetrics& m) { return m.overallTps; });
        const Summary ttft = summarizeRuns(group, [](const GenerationMetrics& m) { return m.ttftS; });
        out.add(rstrip(padRight(std::to_string(tokens), 10) + " " + padRight(formatFixed(time.mean, 3), 15) + " "
                       + padRight(formatFixed(tps.mean, 2), 12) + " " + padRight(formatFixed(ttft.mean, 3), 10)));
    }
    out.blank();

    out.add("Across iterations (mean / median / stddev / min / max):");
    for (const std::int64_t tokens : order) {
        const auto& group = groups[tokens];
        const std::string prefix = "- " + std::to_string(tokens) + " tokens, ";
        out.add(prefix + "overall TPS: "
                + statsLine(summarizeRuns(group, [](const GenerationMetrics& m) { return m.overallTps; }), 2));
        out.add(prefix + "output TPS: "
                + statsLine(summarizeRuns(group, [](const GenerationMetrics& m) { return m.outputTps; }), 2));
        out.add(prefix + "TTFT (s): "
                + statsLine(summarizeRuns(group, [](const GenerationMetrics& m) { return m.ttftS; }), 3));
        out.add(prefix + "total time (s): "
                + statsLine(summarizeRuns(group, [](const GenerationMetrics& m) { return std::optional(m.totalS); }), 3));
        out.add(prefix + "ITL p50 (ms): "
                + statsLine(summarizeRuns(group,
                                          [](const GenerationMetrics& m) {
                                              return m.itl.p50 ? std::optional(*m.itl.p50 * 1000.0) : std::nullopt;
                                          }),
                            3));
        const Summary peak = summarizeRuns(group, [](const GenerationMetrics& m) { return m.peakTpsPerSecond; });
        out.add(prefix + "peak TPS: " + formatFixed(peak.max, 2) + " (highest of the iterations)");
        const Summary stability = summarizeRuns(group, [](const GenerationMetrics& m) { return m.stabilityAbs; });
        const std::string stabilityText = formatFixed(stability.mean, 2);
        out.add(prefix + "TPS stability: " + (stabilityText == kNotAvailable ? stabilityText : "±" + stabilityText)
                + " TPS (mean of the iterations)");
    }
    closeEntry(out);
    return out.str() + "\n";
}

void appendToLog(const std::string& path, const std::string& headerIfNew, const std::string& text)
{
    const QFileInfo info(QString::fromStdString(path));
    const bool fresh = !info.exists() || info.size() == 0;
    appendFileAtomically(path, fresh ? headerIfNew + text : text);
}

void appendRunToLog(const std::string& path, const RunRecord& record, LogLevel level, int generationNumber,
                    const std::string& mode)
{
    appendToLog(path, formatLogHeader(record, mode), formatLogEntry(record, level, generationNumber));
}

void appendBenchmarkSummaryToLog(const std::string& path, const std::vector<RunRecord>& runs)
{
    const std::string header = runs.empty() ? std::string() : formatLogHeader(runs.front(), "benchmark");
    appendToLog(path, header, formatBenchmarkSummary(runs));
}

std::string sanitizeModelName(const std::string& model)
{
    std::string last = model;
    while (!last.empty() && (last.back() == '/' || last.back() == '\\'))
        last.pop_back();
    const std::size_t slash = last.find_last_of("/\\");
    if (slash != std::string::npos)
        last = last.substr(slash + 1);
    std::string name;
    for (const char c : last) {
        const bool safe = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.'
            || c == '_' || c == '-';
        if (name.empty() && c == '.')
            continue; // no hidden files, no ".."
        name += safe ? c : '_';
        if (name.size() == 64)
            break;
    }
    return name.empty() ? "unknown_model" : name;
}

std::string automaticLogName(const std::string& dir, const std::string& model, std::optional<std::int64_t> maxTokens,
                             const QDateTime& when)
{
    std::string name = "tps_metrics_" + sanitizeModelName(model);
    name += maxTokens ? "_" + std::to_string(*maxTokens) + "tokens" : std::string("_benchmark");
    name += "_" + when.toString(QStringLiteral("yyyyMMdd_HHmmss")).toStdString() + ".log";
    if (dir.empty())
        return name;
    return dir.back() == '/' ? dir + name : dir + "/" + name;
}

} // namespace vlmscope
