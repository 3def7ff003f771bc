// The dashboard's files: opening run records, benchmark results and .log files as runs
// (whatever they are named), and writing the exports of SPEC §5 under its default names.
// The formats themselves live in core/io; this maps them to and from the runs list.
#pragma once

#include "core/engine/run_record.h"
#include "core/stats/external_results.h"

#include <QString>
#include <QStringList>

#include <vector>

namespace vlmscope {

struct BenchmarkResults;
struct LogRunSummary;

enum class ExportKind { RunRecord, Log, Trace, Csv };

struct LoadedRuns {
    QString kind; // "run record", "benchmark results", "log", "llama-bench results", "vLLM benchmark result"
    std::vector<RunRecord> runs;
    std::vector<ExternalRun> external; // other tools' results; `runs` is empty then
    QStringList warnings; // skipped log entries and the like
};

// Reads `path` as a run record, benchmark results (ours or benchmark-tps.py's), a
// consolidated .log, llama-bench JSON / JSONL or a vLLM benchmark_serving result, told
// apart by content. Throws InputError naming the file.
LoadedRuns loadRunFile(const QString& path);

// An external result as a run for the runs list and the metric cards: its decode rate,
// TTFT, TPOT and ITL figures (medians where the tool reported them), no tokens or layers.
RunRecord recordFromExternal(const ExternalRun& external);
// "llama-bench: tg128, 8 threads", "vLLM: vllm, rate inf, concurrency 4".
QString externalLabel(const ExternalRun& external);

// Runs for the runs list from parsed files: what the file says, figures in `metrics`.
RunRecord recordFromLogSummary(const LogRunSummary& summary);
std::vector<RunRecord> recordsFromBenchmark(const BenchmarkResults& results);

// Exports; all atomic. Throw RuntimeFailure (or InputError for an unusable path).
void writeRunRecordFile(const QString& path, const RunRecord& run);
void appendRunLogFile(const QString& path, const RunRecord& run); // detailed GENERATION SUMMARY
void writeTraceFile(const QString& path, const RunRecord& run);
QStringList writeCsvFiles(const QString& directory, const RunRecord& run); // returns the files written

// SPEC §5 names: tps_metrics_<model>_<N>tokens_<yyyyMMdd_HHmmss>.log for logs and the
// same pattern for the others (vlmscope_run_..., vlmscope_trace_..., <chart>_...).
QString defaultExportName(const RunRecord& run, ExportKind kind);
QString defaultChartName(const RunRecord& run, const QString& chartStem, const QString& suffix);

} // namespace vlmscope
