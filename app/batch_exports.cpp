#include "app/batch_exports.h"

#include "app/batch_plots.h"
#include "app/ci_outputs.h"
#include "core/io/benchmark_results.h"
#include "core/io/chrome_trace.h"
#include "core/io/csv_export.h"
#include "core/io/json_reader.h"
#include "core/io/run_manifest.h"
#include "core/io/run_record_json.h"
#include "core/stats/comparison.h"
#include "core/util/atomic_write.h"
#include "core/util/error.h"

#include <QDir>
#include <QFileInfo>

#include <algorithm>
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

using Json = nlohmann::ordered_json;

// The results file: benchmark-tps.py's layout and vlmscope's fields (core/io), plus what this
// invocation's statistics found per configuration and the per-token latencies of each run.
Json annotatedResults(const BenchmarkResults& results, const std::vector<MeasuredSet>& measured, const BatchOptions& o)
{
    Json doc = benchmarkResultsToJson(results);
    const std::optional<StabilityTarget> target = stabilityTargetOf(o);
    doc["until_stable"] = target ? Json{{"target_pct", target->maxHalfWidthPct},
                                        {"min_iterations", target->minIterations},
                                        {"max_iterations", target->maxIterations}}
                                 : Json(nullptr);
    Json& configurations = doc["results"];
    for (std::size_t m = 0; m < measured.size() && m < configurations.size(); ++m) {
        Json& config = configurations[m];
        config["stability"] = measured[m].statistics->stabilityJson();
        config["warmup_detection"] = measured[m].statistics->warmupJson(o.run.warmup);
        Json& runs = config["runs"];
        for (std::size_t r = 0; r < measured[m].kept.size() && r < runs.size(); ++r)
            runs[r][kTokenLatenciesKey] = tokenLatenciesMs(measured[m].kept[r]);
    }
    return doc;
}

// What differs in definitions or environment between each baseline file and this
// invocation's runs. The comparison still runs, but whoever reads it must know.
std::vector<std::string> baselineDifferences(const std::vector<std::string>& files, const RunRecord& current)
{
    std::vector<std::string> lines;
    const RunManifest now = manifestOf(current);
    for (const std::string& file : files) {
        std::optional<RunManifest> baseline;
        try {
            baseline = readFileManifest(file);
        } catch (const InputError&) {
            continue; // the gate has read it already; a file it could read but this cannot says nothing
        }
        const std::vector<std::string> differences = baseline ? describeManifestDifferences(*baseline, now)
                                                              : std::vector<std::string>();
        std::string line;
        for (const std::string& difference : differences)
            line += (line.empty() ? "" : ", ") + difference;
        if (!line.empty())
            lines.push_back("baseline differs (" + file + " vs this run): " + line);
    }
    return lines;
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

std::optional<StabilityTarget> stabilityTargetOf(const BatchOptions& o)
{
    if (!o.untilStablePct)
        return std::nullopt;
    return StabilityTarget{*o.untilStablePct, static_cast<std::size_t>(o.minIterations),
                           static_cast<std::size_t>(o.maxIterations)};
}

GateReport gateAndReport(const BatchContext& context, const std::vector<MeasuredSet>& measured)
{
    const BatchOptions& o = context.options();
    GateReport report;
    if (!o.baselineFiles.empty()) {
        std::vector<GateCandidate> candidates;
        for (const MeasuredSet& m : measured)
            candidates.push_back({m.label, m.kept});
        report.gate = runBaselineGate(o, candidates);
        const std::vector<std::string> differences =
            measured.empty() ? std::vector<std::string>() : baselineDifferences(o.baselineFiles, measured.front().kept.front());
        for (const std::string& difference : differences)
            std::cerr << "warning: " << difference << "\n";
        printGateOutcome(*report.gate, o.quiet, context.human());
        // After printing, so that stderr says it once; the JSON gate and CI reports carry it.
        report.gate->notes.insert(report.gate->notes.end(), differences.begin(), differences.end());
    }
    std::vector<MeasuredConfiguration> configurations;
    for (const MeasuredSet& m : measured)
        configurations.push_back({m.label, m.statistics});
    writeCiOutputs(o, configurations, report.gate ? &*report.gate : nullptr, context.human());
    return report;
}

BenchmarkOutcome writeBenchmarkExports(const BatchContext& context, const ModelBundle& bundle,
                                       const std::vector<SweepPoint>& plan,
                                       const std::vector<std::vector<RunRecord>>& runs,
                                       const std::vector<ConfigurationStatistics>& statistics)
{
    const BatchOptions& o = context.options();
    BenchmarkOutcome outcome;
    std::vector<MeasuredSet> measured;
    std::vector<std::vector<RunRecord>> keptPerConfiguration(plan.size()), keptMeasured;
    std::vector<RunRecord> all; // trace and CSV keep the warm-up iterations too
    for (std::size_t c = 0; c < plan.size(); ++c) {
        keptPerConfiguration[c] = keptRuns(runs[c], statistics[c]);
        all.insert(all.end(), runs[c].begin(), runs[c].end());
        if (keptPerConfiguration[c].empty())
            continue;
        measured.push_back({plan[c].label(), keptPerConfiguration[c], &statistics[c]});
        keptMeasured.push_back(keptPerConfiguration[c]);
    }
    if (measured.empty())
        return outcome;

    BenchmarkSetup setup;
    setup.model = bundle.displayName;
    setup.device = o.run.device;
    setup.prompt = o.run.prompt;
    setup.iterations = o.iterations;
    if (o.untilStablePct) { // iterations differ per configuration: the most any used
        setup.iterations = 0;
        for (const std::vector<RunRecord>& kept : keptMeasured)
            setup.iterations = std::max<std::int64_t>(setup.iterations, static_cast<std::int64_t>(kept.size()));
    }
    setup.sweep = o.threadCounts.size() > 1 ? SweepDimension::Threads
        : o.kvCacheModes.size() > 1         ? SweepDimension::KvCache
        : !o.contextLengths.empty()         ? SweepDimension::ContextLength
                                            : SweepDimension::MaxTokens;
    setup.warmup = o.run.warmup;
    setup.discardFirst = o.run.discardFirst;
    setup.detailed = o.detailedMetrics;
    const BenchmarkResults results = buildBenchmarkResults(setup, keptMeasured);

    const std::string output = o.output.empty() ? std::string("tps_benchmark_results.json") : o.output;
    Json doc = annotatedResults(results, measured, o);
    writeFileAtomically(output, dumpJson(doc, 2) + "\n");
    context.human() << "Results: " << output << "\n";
    if (!o.traceFile.empty())
        writeChromeTrace(o.traceFile, all);
    if (!o.csvDir.empty()) {
        for (std::size_t i = 0; i < all.size(); ++i)
            writeCsv(QDir(QString::fromStdString(o.csvDir)).filePath(QString("run-%1").arg(i + 1)).toStdString(), all[i]);
    }
    if (o.plot) {
        for (const std::string& file : writeBenchmarkPlots(plotPrefix(o, "benchmark"), results, plan, keptPerConfiguration))
            context.human() << "Plot: " << file << "\n";
    }
    const GateReport gate = gateAndReport(context, measured);
    outcome.exitCode = gate.exitCode();
    if (o.json) {
        doc["results_file"] = output;
        doc["regression"] = outcome.exitCode == 3;
        doc["gate"] = gate.gate ? gate.gate->toJson() : Json(nullptr);
        std::cout << doc.dump() << std::endl;
    }
    return outcome;
}

} // namespace vlmscope
