#include "ui/run_files.h"

#include "core/io/benchmark_results.h"
#include "core/io/chrome_trace.h"
#include "core/io/csv_export.h"
#include "core/io/generation_log.h"
#include "core/io/generation_log_reader.h"
#include "core/io/json_reader.h"
#include "core/io/run_manifest.h"
#include "core/io/run_record_json.h"
#include "core/stats/bootstrap.h"
#include "core/util/error.h"

#include <QDateTime>
#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <algorithm>
#include <cmath>

namespace vlmscope {

namespace {

constexpr std::size_t kMaxJsonFileBytes = std::max({kMaxRunRecordBytes, kMaxBenchmarkResultsBytes, kMaxExternalResultsBytes});

std::string local(const QString& path) { return QFile::encodeName(path).toStdString(); }

std::string displayName(const QString& path) { return path.toStdString(); }

QByteArray readBounded(const QString& path, std::size_t limit)
{
    QFile file(path);
    if (!QFileInfo(path).isFile())
        throw InputError(displayName(path) + ": no such file");
    if (!file.open(QIODevice::ReadOnly))
        throw InputError(displayName(path) + ": cannot be read (" + file.errorString().toStdString() + ")");
    if (static_cast<std::size_t>(file.size()) > limit)
        throw InputError(displayName(path) + ": too large for a vlmscope file (" + std::to_string(file.size()) +
                         " bytes)");
    return file.readAll();
}

bool looksLikeJson(const QByteArray& head)
{
    for (char c : head) {
        if (c == ' ' || c == '\n' || c == '\r' || c == '\t')
            continue;
        return c == '{' || c == '[';
    }
    return false;
}

std::optional<std::int64_t> bytesFromMb(std::optional<double> mb)
{
    if (!mb || !std::isfinite(*mb))
        return std::nullopt;
    return static_cast<std::int64_t>(std::llround(*mb * 1024.0 * 1024.0));
}

std::optional<std::int64_t> roundBytes(std::optional<double> bytes)
{
    if (!bytes || !std::isfinite(*bytes))
        return std::nullopt;
    return static_cast<std::int64_t>(std::llround(*bytes));
}

std::int64_t secondsToNs(std::optional<double> s)
{
    return s && std::isfinite(*s) && *s > 0 ? static_cast<std::int64_t>(std::min(*s, 1e9) * 1e9) : 0;
}

void fillFromFigures(RunRecord& r, const RunFigures& f)
{
    GenerationMetrics& m = r.metrics;
    m.totalS = f.totalS.value_or(0);
    m.ttftS = f.ttftS;
    m.prefillS = f.prefillS;
    m.inputTps = f.inputTps;
    m.outputTps = f.decodeTps;
    m.tpotS = f.tpotS;
    m.overallTps = f.overallTps;
    m.e2eOutputTps = f.e2eOutputTps;
    m.itl.mean = f.itlMeanS;
    m.itl.p50 = f.itlP50S;
    m.itl.p90 = f.itlP90S;
    m.itl.p99 = f.itlP99S;
    m.peakTpsPerSecond = f.peakTpsPerSecond;
    m.peakTpsWindow8 = f.peakTpsWindow8;
    m.stabilityAbs = f.stabilityAbs;
    m.stabilityRelPct = f.stabilityRelPct;
    m.rss.peakBytes = roundBytes(f.peakRssBytes);
    m.rss.increaseBytes = roundBytes(f.rssIncreaseBytes);
    m.allocator.peakBytes = roundBytes(f.peakAllocatorBytes);
    m.kvCache.peakBytes = roundBytes(f.peakKvCacheBytes);
    r.cpuUtilization = f.cpuUtilization.value_or(0);
    r.endNs = secondsToNs(f.totalS);
}

// What the file recorded of its rules and machine, for the comparison's warning; files
// that predate the manifest leave the definitions unknown rather than assumed.
void applyManifest(RunRecord& r, const std::optional<RunManifest>& manifest)
{
    if (!manifest) {
        r.definitionsId.clear();
        return;
    }
    const std::string device = r.environment.device;
    r.environment = manifest->environment;
    if (r.environment.device.empty())
        r.environment.device = device;
    r.definitionsId = manifest->definitions.id;
    r.settings.warmup = manifest->definitions.warmupRuns;
    r.settings.discardFirst = manifest->definitions.discardFirst;
    r.settings.stopAtEos = manifest->definitions.stopAtEos;
}

RunRecord benchmarkRun(const BenchmarkResults& results, const BenchmarkConfiguration& config)
{
    RunRecord r;
    r.model.name = results.model;
    r.model.source = results.model;
    r.settings.model = results.model;
    r.settings.prompt = results.prompt;
    r.settings.device = results.device;
    r.settings.maxNewTokens = std::max<std::int64_t>(1, config.tokenCount);
    r.settings.kvCache = config.kvCache;
    r.settings.threads = config.threads;
    r.settings.warmup = results.warmup;
    r.settings.discardFirst = results.discardFirst;
    r.environment.device = results.device;
    r.startedAt = results.timestamp;
    r.status = RunStatus::Finished;
    r.metrics.inputTokens = r.inputTokens = config.contextLength;
    r.model.synthetic = results.model == "builtin" || results.model == "tiny" ||
                        results.model.find("synthetic") != std::string::npos;
    applyManifest(r, results.manifest);
    if (!results.manifest)
        r.definitionsId = results.metricDefinitions; // empty for benchmark-tps.py's files
    return r;
}

// Fields only llama-bench tests and vLLM results have: their files are recognised by these.
bool looksLikeExternalResult(const OrderedJson& document)
{
    if (document.is_array()) // llama-bench -o json: an array of test objects
        return !document.empty() && looksLikeExternalResult(document.front());
    if (!document.is_object())
        return false;
    for (const char* key : {"avg_ts", "n_gen", "output_throughput", "mean_ttft_ms", "request_throughput"}) {
        if (document.contains(key))
            return true;
    }
    return false;
}

LoadedRuns externalRuns(std::string_view text, const std::string& source)
{
    LoadedRuns loaded;
    loaded.external = externalRunsFromText(text, source);
    if (loaded.external.empty())
        throw InputError(source + ": the benchmark result holds no tests");
    loaded.kind = loaded.external.front().tool == ExternalTool::LlamaBench ? QStringLiteral("llama-bench results")
                                                                            : QStringLiteral("vLLM benchmark result");
    return loaded;
}

std::optional<double> medianOrMeanS(const LatencyFigures& latency)
{
    const std::optional<double> ms = latency.medianMs ? latency.medianMs : latency.meanMs;
    return ms ? std::optional<double>(*ms / 1000) : std::nullopt;
}

std::optional<double> percentileS(const LatencyFigures& latency, double pct)
{
    const std::optional<double> ms = latency.percentile(pct);
    return ms ? std::optional<double>(*ms / 1000) : std::nullopt;
}

} // namespace

QString externalLabel(const ExternalRun& external)
{
    const QString tool = external.tool == ExternalTool::LlamaBench ? QStringLiteral("llama-bench") : QStringLiteral("vLLM");
    return QStringLiteral("%1: %2").arg(tool, QString::fromStdString(external.configuration));
}

RunRecord recordFromExternal(const ExternalRun& e)
{
    RunRecord r;
    r.id = std::string(externalToolName(e.tool)) + ":" + e.configuration;
    r.startedAt = e.date;
    r.status = RunStatus::Finished;
    r.statusDetail = std::string(externalToolName(e.tool)) + " result, " + std::to_string(e.repetitions)
        + (e.tool == ExternalTool::LlamaBench ? " repetitions" : " requests");
    r.model.name = e.model.empty() ? std::string(externalToolName(e.tool)) : e.model;
    r.model.source = e.source;
    r.settings.model = r.model.name;
    r.settings.device.clear();
    if (e.threads)
        r.settings.threads = static_cast<int>(*e.threads);
    r.settings.maxNewTokens = std::max<std::int64_t>(1, e.generatedTokens.value_or(1));
    r.environment.device.clear();
    r.definitionsId.clear(); // another tool's rules
    GenerationMetrics& m = r.metrics;
    m.inputTokens = r.inputTokens = e.promptTokens.value_or(0);
    m.outputTokens = m.decodeTokens = e.generatedTokens.value_or(0);
    if (!e.decodeTps.samples.empty())
        m.outputTps = medianOf(e.decodeTps.samples);
    else
        m.outputTps = e.decodeTps.mean;
    m.inputTps = e.promptTps.mean;
    m.e2eOutputTps = e.throughputTps.mean;
    m.ttftS = medianOrMeanS(e.ttft);
    m.tpotS = medianOrMeanS(e.tpot);
    m.itl.mean = e.itl.meanMs ? std::optional<double>(*e.itl.meanMs / 1000) : std::nullopt;
    m.itl.p50 = percentileS(e.itl, 50);
    m.itl.p90 = percentileS(e.itl, 90);
    m.itl.p99 = percentileS(e.itl, 99);
    return r;
}

RunRecord recordFromLogSummary(const LogRunSummary& s)
{
    RunRecord r;
    r.model.name = s.model;
    r.model.source = s.model;
    r.model.synthetic = s.synthetic;
    r.settings.model = s.model;
    r.settings.prompt = s.prompt;
    r.settings.device = s.device.empty() ? "cpu" : s.device;
    r.settings.maxNewTokens = std::max<std::int64_t>(1, s.maxTokens.value_or(s.outputTokens.value_or(1)));
    r.environment.device = r.settings.device;
    applyManifest(r, manifestFromFields(s.manifest));
    r.startedAt = s.date;
    if (!parseRunStatus(s.status, &r.status))
        r.status = RunStatus::Finished;
    r.statusDetail = s.status;

    GenerationMetrics& m = r.metrics;
    m.inputTokens = r.inputTokens = s.inputTokens.value_or(0);
    m.imageTokens = r.imageTokens = s.imageTokens.value_or(0);
    m.textTokens = s.textTokens.value_or(std::max<std::int64_t>(0, m.inputTokens - m.imageTokens));
    m.outputTokens = s.outputTokens.value_or(0);
    m.decodeTokens = m.outputTokens;
    m.totalS = s.totalS.value_or(0);
    m.ttftS = s.ttftS;
    m.prefillS = s.prefillS;
    m.tpotS = s.tpotS;
    m.overallTps = s.overallTps;
    m.inputTps = s.inputTps;
    m.outputTps = s.outputTps;
    m.e2eOutputTps = s.e2eOutputTps;
    m.peakTpsPerSecond = s.peakTps;
    m.peakTpsWindow8 = s.peakTpsWindow8;
    m.stabilityAbs = s.stabilityAbs;
    m.stabilityRelPct = s.stabilityRelPct;
    m.itl.count = s.itlCount.value_or(0);
    m.itl.mean = s.itlMeanS;
    m.itl.p50 = s.itlP50S;
    m.itl.p90 = s.itlP90S;
    m.itl.p99 = s.itlP99S;
    m.itl.min = s.itlMinS;
    m.itl.max = s.itlMaxS;
    m.itl.cv = s.itlCv;
    m.perSecondTps = s.perSecondTps;
    m.rss.peakBytes = bytesFromMb(s.peakMemoryMb);
    m.rss.increaseBytes = bytesFromMb(s.memoryIncreaseMb);
    if (s.memoryPerTokenMb)
        m.rss.perOutputTokenBytes = *s.memoryPerTokenMb * 1024.0 * 1024.0;
    m.kvCache.peakBytes = bytesFromMb(s.kvCacheMb);
    r.endNs = secondsToNs(s.totalS);
    return r;
}

std::vector<RunRecord> recordsFromBenchmark(const BenchmarkResults& results)
{
    std::vector<RunRecord> runs;
    for (const BenchmarkConfiguration& config : results.results) {
        if (config.runs.empty()) {
            // benchmark-tps.py keeps only averages: one run per configuration carries them.
            RunRecord r = benchmarkRun(results, config);
            r.id = "tokens-" + std::to_string(config.tokenCount);
            r.metrics.totalS = config.avgTime.value_or(0);
            r.metrics.ttftS = config.avgTtft;
            r.metrics.e2eOutputTps = config.avgTps;
            r.metrics.peakTpsPerSecond = config.peakTps;
            r.metrics.stabilityAbs = config.tpsStability;
            r.metrics.outputTokens = config.tokenCount;
            r.endNs = secondsToNs(config.avgTime);
            r.statusDetail = "average of " + std::to_string(config.iterations) + " iterations (benchmark-tps.py)";
            runs.push_back(std::move(r));
            continue;
        }
        for (const IterationSummary& iteration : config.runs) {
            RunRecord r = benchmarkRun(results, config);
            r.id = iteration.runId;
            r.status = iteration.status;
            r.metrics.inputTokens = r.inputTokens = iteration.inputTokens;
            r.metrics.outputTokens = iteration.outputTokens;
            r.metrics.decodeTokens = iteration.outputTokens;
            fillFromFigures(r, iteration.figures);
            runs.push_back(std::move(r));
        }
    }
    return runs;
}

LoadedRuns loadRunFile(const QString& path)
{
    const std::string source = displayName(path);
    LoadedRuns loaded;
    QByteArray head;
    {
        QFile file(path);
        if (!QFileInfo(path).isFile())
            throw InputError(source + ": no such file");
        if (!file.open(QIODevice::ReadOnly))
            throw InputError(source + ": cannot be read (" + file.errorString().toStdString() + ")");
        head = file.read(4096);
    }
    if (path.endsWith(QLatin1String(".log"), Qt::CaseInsensitive) || !looksLikeJson(head)) {
        std::vector<std::string> warnings;
        const std::vector<LogRunSummary> summaries = readGenerationLog(local(path), &warnings);
        loaded.kind = QStringLiteral("log");
        for (const LogRunSummary& s : summaries)
            loaded.runs.push_back(recordFromLogSummary(s));
        for (const std::string& w : warnings)
            loaded.warnings << QString::fromStdString(w);
        return loaded;
    }

    const QByteArray bytes = readBounded(path, kMaxJsonFileBytes);
    const std::string_view text(bytes.constData(), static_cast<std::size_t>(bytes.size()));
    OrderedJson document;
    try {
        document = parseJsonLimited(text, source);
    } catch (const InputError&) {
        // llama-bench -o jsonl: one JSON object per line is not one JSON document.
        try {
            return externalRuns(text, source);
        } catch (const InputError&) {
        }
        throw;
    }
    const auto schemaField = document.is_object() ? document.find("schema") : document.end();
    if (schemaField == document.end() && looksLikeExternalResult(document))
        return externalRuns(text, source);
    if (!document.is_object())
        throw InputError(source + ": not a vlmscope run record, benchmark results file or log, nor a llama-bench "
                                  "or vLLM benchmark result");
    const auto schema = document.find("schema");
    const std::string schemaName = schema != document.end() && schema->is_string() ? schema->get<std::string>() : "";
    if (schemaName == kRunSchema) {
        loaded.kind = QStringLiteral("run record");
        loaded.runs.push_back(runRecordFromJson(document, source));
        return loaded;
    }
    if (schemaName == kBenchmarkSchema || (schemaName.empty() && document.contains("results"))) {
        loaded.kind = QStringLiteral("benchmark results");
        loaded.runs = recordsFromBenchmark(benchmarkResultsFromJson(document, source));
        if (loaded.runs.empty())
            throw InputError(source + ": benchmark results hold no runs");
        return loaded;
    }
    if (document.contains("traceEvents"))
        throw InputError(source + ": is a Chrome trace; open it in Perfetto (vlmscope reads run records, "
                                  "benchmark results and .log files)");
    if (!schemaName.empty())
        throw InputError(source + ": unknown schema '" + schemaName + "' (expected " + kRunSchema + " or " +
                         kBenchmarkSchema + ")");
    throw InputError(source + ": not a vlmscope run record, benchmark results file or log");
}

void writeRunRecordFile(const QString& path, const RunRecord& run) { writeRunRecord(local(path), run); }

void appendRunLogFile(const QString& path, const RunRecord& run)
{
    appendRunToLog(local(path), run, LogLevel::Detailed, 1);
}

void writeTraceFile(const QString& path, const RunRecord& run) { writeChromeTrace(local(path), run); }

QStringList writeCsvFiles(const QString& directory, const RunRecord& run)
{
    if (directory.isEmpty())
        throw InputError("CSV export: no folder given");
    writeCsv(local(directory), run);
    QStringList written;
    for (const char* file : {"tokens.csv", "layers.csv", "steps.csv"})
        written << QDir(directory).filePath(QLatin1String(file));
    return written;
}

namespace {

QString nameStem(const RunRecord& run)
{
    const std::string model = sanitizeModelName(run.model.name.empty() ? run.settings.model : run.model.name);
    QDateTime when = QDateTime::fromString(QString::fromStdString(run.startedAt), Qt::ISODateWithMs);
    if (!when.isValid())
        when = QDateTime::currentDateTime();
    return QStringLiteral("%1_%2tokens_%3")
        .arg(QString::fromStdString(model))
        .arg(run.settings.maxNewTokens)
        .arg(when.toLocalTime().toString(QStringLiteral("yyyyMMdd_HHmmss")));
}

} // namespace

QString defaultExportName(const RunRecord& run, ExportKind kind)
{
    switch (kind) {
    case ExportKind::Log: {
        QDateTime when = QDateTime::fromString(QString::fromStdString(run.startedAt), Qt::ISODateWithMs);
        if (!when.isValid())
            when = QDateTime::currentDateTime();
        return QString::fromStdString(automaticLogName({}, run.model.name.empty() ? run.settings.model : run.model.name,
                                                       run.settings.maxNewTokens, when.toLocalTime()));
    }
    case ExportKind::RunRecord: return QStringLiteral("vlmscope_run_%1.json").arg(nameStem(run));
    case ExportKind::Trace: return QStringLiteral("vlmscope_trace_%1.json").arg(nameStem(run));
    case ExportKind::Csv: return QStringLiteral("vlmscope_csv_%1").arg(nameStem(run));
    }
    return {};
}

QString defaultChartName(const RunRecord& run, const QString& chartStem, const QString& suffix)
{
    return QStringLiteral("vlmscope_%1_%2.%3").arg(chartStem, nameStem(run), suffix);
}

} // namespace vlmscope
