#include "core/io/text_report.h"

#include "core/io/layer_breakdown.h"
#include "core/io/report_sections.h"

namespace vlmscope {

std::string formatReport(const RunRecord& record, bool detailed)
{
    const LayerBreakdown breakdown = computeLayerBreakdown(record);
    TextLines out;
    out.add(kReportTitle);
    addStatusLines(out, record);
    addOverheadLine(out, record);
    addThroughputLines(out, record);
    out.blank();
    addLatencySection(out, record.metrics);
    out.blank();
    addItlSection(out, record.metrics.itl);
    out.blank();
    addMultimodalSection(out, record, breakdown);
    out.blank();
    addMemorySection(out, record, true);
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
        addPerSecondChunks(out, record.metrics.perSecondTps);
    }
    if (detailed) {
        out.blank();
        addEnvironmentSection(out, record);
    }
    return out.str() + "\n";
}

} // namespace vlmscope
