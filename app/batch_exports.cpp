#include "app/batch_exports.h"

#include "app/batch_plots.h"
#include "core/io/benchmark_results.h"
#include "core/io/chrome_trace.h"
#include "core/io/csv_export.h"
#include "core/io/run_record_json.h"
#include "core/metrics/regression_gate.h"
#include "core/util/atomic_write.h"
#include "core/util/error.h"

#include <QDir>
#include <QFileInfo>

#include <iostream>

namespace vlmscope {

namespace {

// "out/run.json" -> "out/run-2.json" for the second of several generations.
std::string numberedPath(const std::string& path, std::size_t index, std::size_t count)
{
    if (count <= 1)
        return path;
    const QFileInfo info(QString::fromStdString(path));
    const QString name = info.completeBaseName() + "-" + QString::number(index + 1)
        + (info.suffix().isEmpty() ? QString() : "." + info.suffix());
    return info.dir().filePath(name).toStdString();
}

// Where plots go: next to --output, else under logs/.
std::string plotPrefix(const BatchOptions& o, const char* fallbackName)
{
    if (!o.output.empty()) {
        const QFileInfo info(QString::fromStdString(o.output));
        return info.dir().filePath(info.completeBaseName()).toStdString();
    }
    return std::string("logs/") + fallbackName;
}

struct GateMedians {
    std::optional<double> decodeTps, ttftS, peakRssBytes, avgTps;
};

GateMedians mediansOf(const BenchmarkConfiguration& config)
{
    auto pick = [](const Summary& s) { return s.n > 0 ? std::optional<double>(s.median) : std::nullopt; };
    GateMedians m{pick(config.summary.decodeTps), pick(config.summary.ttftS), pick(config.summary.peakRssBytes),
                  config.avgTps};
    if (config.original) // the original tool only has means of its own figures
        m.ttftS = config.avgTtft;
    return m;
}

void addComparisons(std::vector<GateComparison>& out, const std::string& label, const GateMedians& baseline,
                    const GateMedians& current, bool originalBaseline)
{
    auto add = [&](const char* metric, const char* unit, Better better, std::optional<double> b,
                   std::optional<double> c, double scale) {
        if (b && c)
            out.push_back({label, metric, unit, better, *b * scale, *c * scale});
    };
    if (originalBaseline) {
        add("average TPS", "tok/s", Better::Higher, baseline.avgTps, current.avgTps, 1);
    } else {
        add("decode TPS", "tok/s", Better::Higher, baseline.decodeTps, current.decodeTps, 1);
        add("peak RSS", "MiB", Better::Lower, baseline.peakRssBytes, current.peakRssBytes, 1.0 / (1 << 20));
    }
    add("TTFT", "s", Better::Lower, baseline.ttftS, current.ttftS, 1);
}

// The baseline as benchmark configurations, whichever kind of file it is.
BenchmarkResults loadBaseline(const std::string& path)
{
    const std::string text = readFileLimited(path, kMaxBenchmarkResultsBytes);
    nlohmann::ordered_json document;
    try {
        document = nlohmann::ordered_json::parse(text);
    } catch (const nlohmann::json::exception&) {
        throw InputError(path + ": not a JSON file (expected a run record or benchmark results)");
    }
    if (document.is_object() && document.value("schema", "") == kRunSchema) {
        BenchmarkResults results;
        results.results.push_back(summarizeConfiguration({runRecordFromJson(document, path)}, false));
        return results;
    }
    return benchmarkResultsFromJson(document, path);
}

const BenchmarkConfiguration* findMatch(const BenchmarkResults& baseline, const BenchmarkConfiguration& current)
{
    if (baseline.results.size() == 1 && baseline.results.front().tokenCount == current.tokenCount)
        return &baseline.results.front();
    for (const BenchmarkConfiguration& c : baseline.results) {
        const bool sameShape = c.original || (c.kvCache == current.kvCache && c.threads == current.threads
                                              && c.contextLength == current.contextLength);
        if (c.tokenCount == current.tokenCount && sameShape)
            return &c;
    }
    return nullptr;
}

int evaluate(const BatchContext& context, const std::vector<std::pair<std::string, BenchmarkConfiguration>>& current)
{
    const BatchOptions& o = context.options();
    if (o.baseline.empty())
        return 0;
    const BenchmarkResults baseline = loadBaseline(o.baseline);
    std::vector<GateComparison> comparisons;
    for (const auto& [label, config] : current) {
        const BenchmarkConfiguration* match = findMatch(baseline, config);
        if (!match) {
            std::cerr << "note: " << label << " is not in the baseline " << o.baseline << "; not compared\n";
            continue;
        }
        addComparisons(comparisons, label, mediansOf(*match), mediansOf(config), match->original);
    }
    const GateResult result = evaluateGate(comparisons, o.maxRegressionPct);
    context.human() << "Baseline " << o.baseline << ": " << comparisons.size() << " comparisons, limit "
                    << o.maxRegressionPct << "%\n";
    for (const std::string& line : result.regressionMessages(o.maxRegressionPct))
        std::cerr << "regression: " << line << "\n";
    return result.failed() ? 3 : 0;
}

} // namespace

void writeRunExports(const BatchContext& context, const std::vector<RunRecord>& records)
{
    const BatchOptions& o = context.options();
    if (records.empty())
        return;
    if (!o.output.empty()) {
        for (std::size_t i = 0; i < records.size(); ++i)
            writeRunRecord(numberedPath(o.output, i, records.size()), records[i]);
        context.human() << "Run record: " << o.output << (records.size() > 1 ? " (numbered per generation)" : "")
                        << "\n";
    }
    if (!o.traceFile.empty()) {
        writeChromeTrace(o.traceFile, records);
        context.human() << "Trace: " << o.traceFile << " (open in https://ui.perfetto.dev)\n";
    }
    if (!o.csvDir.empty()) {
        for (std::size_t i = 0; i < records.size(); ++i) {
            const std::string dir = records.size() > 1
                ? QDir(QString::fromStdString(o.csvDir)).filePath(QString("generation-%1").arg(i + 1)).toStdString()
                : o.csvDir;
            writeCsv(dir, records[i]);
        }
        context.human() << "CSV: " << o.csvDir << "\n";
    }
    if (o.plot) {
        for (const std::string& file : writeRunPlots(plotPrefix(o, "generation"), records))
            context.human() << "Plot: " << file << "\n";
    }
}

int gateAgainstBaseline(const BatchContext& context, const std::vector<RunRecord>& records)
{
    if (context.options().baseline.empty() || records.empty())
        return 0;
    const BenchmarkConfiguration current = summarizeConfiguration(records, false);
    return evaluate(context, {{std::to_string(current.tokenCount) + " tokens", current}});
}

BenchmarkOutcome writeBenchmarkExports(const BatchContext& context, const ModelBundle& bundle,
                                       const std::vector<SweepPoint>& plan,
                                       const std::vector<std::vector<RunRecord>>& runs)
{
    const BatchOptions& o = context.options();
    BenchmarkOutcome outcome;
    std::vector<std::vector<RunRecord>> measured;
    std::vector<std::pair<std::string, BenchmarkConfiguration>> labelled;
    std::vector<RunRecord> all;
    for (std::size_t c = 0; c < plan.size(); ++c) {
        if (runs[c].empty())
            continue;
        measured.push_back(runs[c]);
        all.insert(all.end(), runs[c].begin(), runs[c].end());
    }
    if (measured.empty())
        return outcome;

    BenchmarkSetup setup;
    setup.model = bundle.displayName;
    setup.device = o.run.device;
    setup.prompt = o.run.prompt;
    setup.iterations = o.iterations;
    setup.sweep = o.threadCounts.size() > 1 ? SweepDimension::Threads
        : o.kvCacheModes.size() > 1         ? SweepDimension::KvCache
        : !o.contextLengths.empty()         ? SweepDimension::ContextLength
                                            : SweepDimension::MaxTokens;
    setup.warmup = o.run.warmup;
    setup.discardFirst = o.run.discardFirst;
    setup.detailed = o.detailedMetrics;
    const BenchmarkResults results = buildBenchmarkResults(setup, measured);
    for (std::size_t c = 0, m = 0; c < plan.size(); ++c) {
        if (!runs[c].empty())
            labelled.emplace_back(plan[c].label(), results.results[m++]);
    }

    const std::string output = o.output.empty() ? std::string("tps_benchmark_results.json") : o.output;
    writeBenchmarkResults(output, results);
    context.human() << "Results: " << output << "\n";
    if (!o.traceFile.empty())
        writeChromeTrace(o.traceFile, all);
    if (!o.csvDir.empty()) {
        for (std::size_t i = 0; i < all.size(); ++i)
            writeCsv(QDir(QString::fromStdString(o.csvDir)).filePath(QString("run-%1").arg(i + 1)).toStdString(), all[i]);
    }
    if (o.plot) {
        for (const std::string& file : writeBenchmarkPlots(plotPrefix(o, "benchmark"), results, plan, runs))
            context.human() << "Plot: " << file << "\n";
    }
    outcome.exitCode = evaluate(context, labelled);
    if (o.json) {
        nlohmann::ordered_json doc = benchmarkResultsToJson(results);
        doc["results_file"] = output;
        doc["regression"] = outcome.exitCode == 3;
        std::cout << doc.dump() << std::endl;
    }
    return outcome;
}

} // namespace vlmscope
