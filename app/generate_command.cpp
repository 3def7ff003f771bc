#include "app/generate_command.h"

#include "app/batch_exports.h"
#include "app/interrupt.h"
#include "app/progress_reporter.h"
#include "core/engine/run_session.h"
#include "core/io/generation_log.h"
#include "core/io/run_record_json.h"
#include "core/io/text_report.h"

#include <QDateTime>

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
    const ModelBundle bundle = context.loadModel();
    const RunSession session(bundle);
    ProgressReporter progress(o.numGenerations, !o.quiet);

    std::string logPath = o.logFile;
    if (o.log && logPath.empty())
        logPath = automaticLogName("logs", bundle.source, o.run.maxNewTokens, QDateTime::currentDateTime());

    std::vector<RunRecord> records;
    for (int g = 1; g <= o.numGenerations && !interrupted(); ++g) {
        progress.beginRun("generation " + std::to_string(g) + "/" + std::to_string(o.numGenerations));
        RunRequest request{o.run, o.inputIds};
        if (g > 1)
            request.settings.warmup = 0; // warm up once per invocation
        records.push_back(session.run(request, &progress, &interruptFlag()));
        const RunRecord& record = records.back();
        if (!o.json)
            std::cout << "  >> Generation " << g << ": " << record.generatedText << std::endl;
        if (o.metrics)
            context.human() << formatReport(record, o.detailedMetrics) << std::endl;
        if (o.log)
            appendRunToLog(logPath, record, o.logLevel, g);
    }
    if (o.log && !records.empty())
        context.human() << "Log: " << logPath << "\n";

    writeRunExports(context, records);
    const int gate = gateAgainstBaseline(context, records);

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
        std::cout << doc.dump() << std::endl;
    }
    if (interrupted())
        return 130;
    return gate;
}

} // namespace vlmscope
