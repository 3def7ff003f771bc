#include "app/benchmark_command.h"

#include "app/batch_exports.h"
#include "app/configuration_statistics.h"
#include "app/interrupt.h"
#include "app/progress_reporter.h"
#include "core/engine/run_session.h"
#include "core/io/generation_log.h"
#include "core/io/text_report.h"
#include "core/metrics/aggregate.h"

#include <QDateTime>

#include <cstdio>
#include <iostream>

namespace vlmscope {

std::string SweepPoint::label() const
{
    std::string text = std::to_string(maxTokens) + " tokens";
    if (contextLength)
        text += ", context " + std::to_string(*contextLength);
    text += kvCache ? ", kv on" : ", kv off";
    text += ", " + (threads > 0 ? std::to_string(threads) : std::string("all")) + " threads";
    return text;
}

std::vector<SweepPoint> planConfigurations(const BatchOptions& o)
{
    std::vector<std::optional<std::int64_t>> contexts;
    for (std::int64_t n : o.contextLengths)
        contexts.emplace_back(n);
    if (contexts.empty())
        contexts.emplace_back(std::nullopt);
    std::vector<SweepPoint> plan;
    for (int threads : o.threadCounts)
        for (bool kv : o.kvCacheModes)
            for (const auto& context : contexts)
                for (std::int64_t tokens : o.maxTokens)
                    plan.push_back({tokens, context, kv, threads});
    return plan;
}

namespace {

// A prompt of exactly `tokens` text tokens (plain English, so it round-trips through the
// tokenizer), to show how cost grows with context.
std::string contextPrompt(const BpeTokenizer& tokenizer, std::int64_t tokens)
{
    const std::string sentence = "The quick brown fox jumps over the lazy dog while the sun sets behind the hills. ";
    std::string text;
    std::vector<std::int64_t> ids;
    while (static_cast<std::int64_t>(ids.size()) < tokens) {
        text += sentence;
        ids = tokenizer.encode(text);
    }
    ids.resize(static_cast<std::size_t>(tokens));
    return tokenizer.decode(ids);
}

std::optional<double> median(const std::vector<RunRecord>& runs, std::optional<double> (*pick)(const RunRecord&))
{
    std::vector<std::optional<double>> values;
    for (const RunRecord& run : runs)
        values.push_back(pick(run));
    const Summary s = summarize(values);
    return s.n > 0 ? std::optional<double>(s.median) : std::nullopt;
}

void printIteration(std::ostream& out, const RunRecord& r)
{
    char line[512];
    const GenerationMetrics& m = r.metrics;
    std::snprintf(line, sizeof line,
                  "  TPS: %.2f tokens/s\n  Input TPS: %.2f tokens/s\n  Output TPS: %.2f tokens/s\n  Time: %.2fs\n"
                  "  TTFT: %.2fs\n  TPS stability: ±%.1f%% of mean\n",
                  m.overallTps.value_or(0), m.inputTps.value_or(0), m.outputTps.value_or(0), m.totalS,
                  m.ttftS.value_or(0), m.stabilityRelPct.value_or(0));
    out << line;
}

void printSummaryTable(std::ostream& out, const std::vector<SweepPoint>& plan,
                       const std::vector<std::vector<RunRecord>>& runs)
{
    out << "\nSummary of Results:\n";
    char line[512];
    std::snprintf(line, sizeof line, "%-34s %7s %13s %9s %9s %11s %12s %12s %14s\n", "Configuration", "Tokens",
                  "Avg Time (s)", "Avg TPS", "TTFT (s)", "Decode TPS", "ITL p50 ms", "ITL p99 ms", "Peak RSS MiB");
    out << line << std::string(127, '-') << "\n";
    for (std::size_t c = 0; c < plan.size(); ++c) {
        const std::vector<RunRecord>& rs = runs[c];
        if (rs.empty())
            continue;
        auto mean = [&rs](auto pick) {
            std::vector<std::optional<double>> values;
            for (const RunRecord& r : rs)
                values.push_back(pick(r));
            return summarize(values).mean;
        };
        std::snprintf(line, sizeof line, "%-34s %7lld %13.2f %9.2f %9.3f %11.2f %12.2f %12.2f %14.1f\n",
                      plan[c].label().c_str(), static_cast<long long>(plan[c].maxTokens),
                      mean([](const RunRecord& r) { return std::optional<double>(r.metrics.totalS); }),
                      mean([](const RunRecord& r) { return r.metrics.overallTps; }),
                      mean([](const RunRecord& r) { return r.metrics.ttftS; }),
                      mean([](const RunRecord& r) { return r.metrics.outputTps; }),
                      mean([](const RunRecord& r) { return r.metrics.itl.p50; }) * 1e3,
                      mean([](const RunRecord& r) { return r.metrics.itl.p99; }) * 1e3,
                      mean([](const RunRecord& r) {
                          const auto& peak = r.metrics.rss.peakBytes;
                          return peak ? std::optional<double>(static_cast<double>(*peak) / (1 << 20)) : std::nullopt;
                      }));
        out << line;
    }
}

// Medians with their 95% bootstrap intervals, convergence and warm-up per configuration.
void printStatistics(std::ostream& out, const std::vector<SweepPoint>& plan,
                     const std::vector<std::vector<RunRecord>>& runs,
                     const std::vector<ConfigurationStatistics>& statistics, bool untilStable)
{
    out << "\nStatistics (95% bootstrap CI of the median; warm-up iterations found by change-point detection are "
           "left out):\n";
    for (std::size_t c = 0; c < plan.size(); ++c) {
        if (!runs[c].empty())
            out << statisticsReport(plan[c].label(), statistics[c]);
    }
    if (untilStable) {
        std::size_t converged = 0, measured = 0;
        for (std::size_t c = 0; c < plan.size(); ++c) {
            measured += runs[c].empty() ? 0 : 1;
            converged += statistics[c].converged() ? 1 : 0;
        }
        out << "Until stable: " << converged << " of " << measured << " configurations converged\n";
    }
}

} // namespace

int runBenchmarkCommand(const BatchContext& context)
{
    const BatchOptions& o = context.options();
    context.printBanner();
    const ModelBundle bundle = context.loadModel();
    const RunSession session(bundle);
    const std::vector<SweepPoint> plan = planConfigurations(o);
    const std::optional<StabilityTarget> target = stabilityTargetOf(o);
    const int perConfiguration = target ? o.maxIterations : o.iterations;
    std::ostream& out = context.human();
    out << "Configurations: " << plan.size() << ", iterations per configuration: ";
    if (target)
        out << o.minIterations << " to " << o.maxIterations << ", until the 95% CI of the median decode TPS and TTFT "
            << "is within ±" << *o.untilStablePct << "%";
    else
        out << o.iterations;
    out << ", warm-up runs: " << o.run.warmup << "\n";

    const std::string logPath = !o.log ? std::string()
        : !o.logFile.empty() ? o.logFile
                             : automaticLogName("logs", bundle.source, std::nullopt, QDateTime::currentDateTime());

    ProgressReporter progress(static_cast<int>(plan.size()) * perConfiguration, !o.quiet);
    std::vector<std::vector<RunRecord>> runs(plan.size());
    std::vector<ConfigurationStatistics> statistics(plan.size(), ConfigurationStatistics(target, o.run.discardFirst));
    std::vector<RunRecord> allRuns;
    for (std::size_t c = 0; c < plan.size() && !interrupted(); ++c) {
        const SweepPoint& config = plan[c];
        ConfigurationStatistics& stats = statistics[c];
        BatchContext::applyThreads(config.threads);
        RunRequest request{o.run, o.inputIds};
        request.settings.maxNewTokens = config.maxTokens;
        request.settings.kvCache = config.kvCache;
        request.settings.threads = config.threads;
        if (config.contextLength) {
            request.settings.prompt = contextPrompt(*bundle.tokenizer, *config.contextLength);
            request.inputIds.reset();
        }
        for (int i = 0; i < perConfiguration && !interrupted() && !stats.done(); ++i) {
            progress.beginRun(config.label() + ", iteration " + std::to_string(i + 1) + (target ? " of at most " : "/")
                              + std::to_string(perConfiguration));
            if (i > 0)
                request.settings.warmup = 0;
            runs[c].push_back(session.run(request, &progress, &interruptFlag()));
            const RunRecord& record = runs[c].back();
            allRuns.push_back(record);
            stats.add(record);
            if (o.detailedMetrics)
                out << formatReport(record, true) << "\n";
            else if (!o.quiet)
                printIteration(out, record);
            if (target && !o.quiet)
                out << "  " << stats.progressLine() << "\n";
            if (o.log)
                appendRunToLog(logPath, record, o.logLevel, static_cast<int>(allRuns.size()), "benchmark");
        }
        if (target) // a configuration that converged early gives its unused iterations back to the ETA
            progress.setTotalRuns(progress.totalRuns() - (perConfiguration - static_cast<int>(stats.iterations())));
        const std::vector<RunRecord> kept = keptRuns(runs[c], stats);
        const auto tps = median(kept, [](const RunRecord& r) { return r.metrics.outputTps; });
        const auto ttft = median(kept, [](const RunRecord& r) { return r.metrics.ttftS; });
        if (!o.quiet) {
            out << "Results for " << config.label() << ": median decode " << (tps ? *tps : 0.0)
                << " tok/s, median TTFT " << (ttft ? *ttft : 0.0) << " s";
            if (stats.excludedIterations() > 0)
                out << " (first " << stats.excludedIterations() << " iterations left out as warm-up)";
            out << "\n";
        }
    }
    std::vector<std::vector<RunRecord>> kept(plan.size());
    std::vector<RunRecord> allKept;
    for (std::size_t c = 0; c < plan.size(); ++c) {
        kept[c] = keptRuns(runs[c], statistics[c]);
        allKept.insert(allKept.end(), kept[c].begin(), kept[c].end());
    }
    printSummaryTable(out, plan, kept);
    printStatistics(out, plan, runs, statistics, target.has_value());
    if (o.log && !allKept.empty()) {
        appendBenchmarkSummaryToLog(logPath, allKept);
        out << "Log: " << logPath << "\n";
    }
    const BenchmarkOutcome outcome = writeBenchmarkExports(context, bundle, plan, runs, statistics);
    if (interrupted())
        return 130;
    return outcome.exitCode;
}

} // namespace vlmscope
