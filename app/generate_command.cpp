#include "app/generate_command.h"

#include "app/batch_exports.h"
#include "app/interrupt.h"
#include "app/overhead_check.h"
#include "app/progress_reporter.h"
#include "app/signal_injector.h"
#include "core/engine/run_session.h"
#include "core/io/generation_log.h"
#include "core/io/run_record_json.h"
#include "core/io/text_report.h"

#include <QDateTime>

#include <algorithm>
#include <iostream>

namespace vlmscope {

namespace {

nlohmann::ordered_json generationJson(const RunRecord& record)
{
    nlohmann::ordered_json ids = nlohmann::ordered_json::array();
    for (const TokenEvent& token : record.tokens)
        ids.push_back(token.id);
    const nlohmann::ordered_json full = runRecordToJson(record);
    return {{"generated_ids", ids},
            {"text", record.generatedText},
            {"status", runStatusName(record.status)},
            {"status_detail", record.statusDetail},
            {"prompt_positions", record.inputTokens},
            {"image_tokens", record.imageTokens},
            {"metrics", full.value("metrics", nlohmann::ordered_json())}};
}

} // namespace

int runGenerateCommand(const BatchContext& context)
{
    const BatchOptions& o = context.options();
    context.printBanner();
    // With --until-stable, --num-generations is the minimum and --max-iterations the limit.
    const std::optional<StabilityTarget> target = stabilityTargetOf(o);
    const int limit = target ? o.maxIterations : o.numGenerations;
    ConfigurationStatistics stats(target, o.run.discardFirst);
    ProgressReporter progress(limit, !o.quiet);
    SignalInjector events(progress);
    events.reached("load");
    const ModelBundle bundle = context.loadModel();
    const RunSession session(bundle);

    std::string logPath = o.logFile;
    if (o.log && logPath.empty())
        logPath = automaticLogName("logs", bundle.source, o.run.maxNewTokens, QDateTime::currentDateTime());

    std::vector<RunRecord> records;
    // The first generation runs even when a stop came during loading: it ends at once as a
    // valid record marked stopped, so every interrupted invocation leaves a run file.
    for (int g = 1; g <= limit && (g == 1 || (!interrupted() && !stats.done())); ++g) {
        progress.beginRun("generation " + std::to_string(g) + (target ? " of at most " : "/") + std::to_string(limit));
        RunRequest request{o.run, o.inputIds};
        if (g > 1)
            request.settings.warmup = 0; // warm up once per invocation
        records.push_back(session.run(request, &events, &interruptFlag()));
        const RunRecord& record = records.back();
        stats.add(record);
        if (!o.json)
            std::cout << "  >> Generation " << g << ": " << record.generatedText << std::endl;
        if (o.metrics)
            context.human() << formatReport(record, o.detailedMetrics) << std::endl;
        if (o.log)
            appendRunToLog(logPath, record, o.logLevel, g);
        if (target && !o.quiet)
            context.human() << "  " << stats.progressLine() << std::endl;
    }
    if (o.log && !records.empty())
        context.human() << "Log: " << logPath << "\n";

    writeRunExports(context, records);
    const std::string label = SweepPoint{o.run.maxNewTokens, std::nullopt, o.run.kvCache, o.run.threads}.label();
    if (!o.quiet && (target || records.size() > 1))
        context.human() << "Statistics (95% bootstrap CI of the median):\n" << statisticsReport(label, stats);
    std::vector<MeasuredSet> measured;
    if (!keptRuns(records, stats).empty())
        measured.push_back({label, keptRuns(records, stats), &stats});
    const GateReport gate = gateAndReport(context, measured);
    std::optional<OverheadCheckResult> overhead;
    if (o.overheadCheck && !interrupted()) {
        overhead = runOverheadCheck(session, RunRequest{o.run, o.inputIds}, std::max(3, o.numGenerations),
                                    &interruptFlag());
        context.human() << overhead->text();
    }

    if (o.json) {
        nlohmann::ordered_json runs = nlohmann::ordered_json::array();
        for (const RunRecord& record : records)
            runs.push_back(generationJson(record));
        nlohmann::ordered_json doc = {{"mode", "generate"},
                                      {"model", bundle.displayName},
                                      {"synthetic_weights", bundle.synthetic},
                                      {"prompt_ids", records.empty() ? std::vector<std::int64_t>{} : records.front().promptIds},
                                      {"runs", runs}};
        if (!runs.empty()) {
            // The first generation's fields at top level, for scripts that run one.
            for (const auto& [key, value] : runs.front().items())
                doc[key] = value;
        }
        if (!logPath.empty() && o.log)
            doc["log_file"] = logPath;
        doc["stability"] = stats.stabilityJson();
        doc["warmup_detection"] = stats.warmupJson(o.run.warmup);
        doc["regression"] = gate.exitCode() == 3;
        doc["gate"] = gate.gate ? gate.gate->toJson() : nlohmann::ordered_json(nullptr);
        if (overhead)
            doc["overhead_check"] = overhead->toJson();
        std::cout << doc.dump() << std::endl;
    }
    if (interrupted())
        return 130;
    return gate.exitCode();
}

} // namespace vlmscope
