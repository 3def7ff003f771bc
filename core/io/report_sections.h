// The sections that the text report and the .log share, written once so that both print
// the same labels and numbers (the original tool's labels, our definitions, "n/a" if undefined).
#pragma once

#include "core/engine/run_record.h"
#include "core/io/layer_breakdown.h"

#include <string>
#include <vector>

namespace vlmscope {

// Lines of text joined with '\n'.
class TextLines {
public:
    void add(std::string line) { m_lines.push_back(std::move(line)); }
    void blank() { m_lines.emplace_back(); }
    std::string str() const;

private:
    std::vector<std::string> m_lines;
};

void addStatusLines(TextLines& out, const RunRecord& record);
// "Total tokens generated" through "TPS stability" (format_metrics' first block).
void addThroughputLines(TextLines& out, const RunRecord& record);
void addLatencySection(TextLines& out, const GenerationMetrics& metrics);
void addItlSection(TextLines& out, const IntervalStats& itl);
void addMultimodalSection(TextLines& out, const RunRecord& record, const LayerBreakdown& breakdown);
void addMemorySection(TextLines& out, const RunRecord& record, bool detailed);
void addLayerSection(TextLines& out, const LayerBreakdown& breakdown);
void addDetailedLayerSection(TextLines& out, const RunRecord& record, const LayerBreakdown& breakdown,
                             std::size_t top);
void addPhaseSection(TextLines& out, const RunRecord& record);
// Per-second TPS, ten seconds to a line ("- 0-9s: ...") as format_metrics prints it.
void addPerSecondChunks(TextLines& out, const std::vector<double>& perSecondTps);
// Per-second TPS, one second to a line ("- 0-1s: ...") as the original .log prints it.
void addPerSecondLines(TextLines& out, const std::vector<double>& perSecondTps);
void addEnvironmentSection(TextLines& out, const RunRecord& record);
// "Profiler overhead (estimated): 1.234 ms, 0.45% of the run (...)"; "none" with profiling
// off; nothing for records without the estimate (older files).
void addOverheadLine(TextLines& out, const RunRecord& record);
std::string overheadSummary(const ProfilerOverhead& overhead, std::int64_t runNs);

// Shared labels, also read back by the log reader.
namespace label {
inline constexpr const char* kSynthetic = "synthetic weights: text not meaningful";
inline constexpr const char* kLayerSection = "Layer performance";
inline constexpr const char* kDetailedLayerSection = "Detailed layer breakdown (top 10)";
inline constexpr const char* kPerSecondSection = "TPS per second";
inline constexpr const char* kMemorySection = "Memory usage";
inline constexpr const char* kLatencySection = "Latency";
inline constexpr const char* kItlSection = "Inter-token latency";
inline constexpr const char* kMultimodalSection = "Multimodal breakdown";
inline constexpr const char* kPhaseSection = "Phases";
inline constexpr const char* kEnvironmentSection = "Environment";
inline constexpr const char* kOverhead = "Profiler overhead (estimated)";
} // namespace label

} // namespace vlmscope
