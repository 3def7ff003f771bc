#include "core/io/report_sections.h"

#include "core/io/text_format.h"
#include "core/model/weight_precision.h"

#include <algorithm>
#include <optional>

namespace vlmscope {

namespace {

std::optional<double> asDouble(const std::optional<std::int64_t>& v)
{
    return v ? std::optional<double>(static_cast<double>(*v)) : std::nullopt;
}

// "12.34 tokens/s", or "n/a" with no unit.
std::string withUnit(const std::string& value, const char* unit)
{
    return value == kNotAvailable ? value : value + unit;
}

std::string plusMinus(const std::string& value) { return value == kNotAvailable ? value : "±" + value; }

std::string percentFromTenths(int tenths) { return std::to_string(tenths / 10) + "." + std::to_string(tenths % 10); }

std::string percentOf(double part, double total)
{
    return total > 0 ? formatFixed(part / total * 100.0, 1) : std::string(kNotAvailable);
}

std::string sectionTitle(const char* name) { return std::string(name) + ":"; }

} // namespace

std::string TextLines::str() const
{
    std::string text;
    for (std::size_t i = 0; i < m_lines.size(); ++i) {
        if (i > 0)
            text += '\n';
        text += m_lines[i];
    }
    return text;
}

void addStatusLines(TextLines& out, const RunRecord& record)
{
    if (record.status != RunStatus::Finished) {
        std::string line = std::string("Status: ") + runStatusName(record.status);
        if (!record.statusDetail.empty())
            line += " (" + singleLine(record.statusDetail, 512) + ")";
        out.add(line);
    }
    if (record.model.synthetic)
        out.add(std::string("Note: ") + label::kSynthetic);
    // Reduced precision changes both speed and numbers: never let a figure pass unlabelled.
    if (!record.settings.dtype.empty() && record.settings.dtype != "float32") {
        const std::optional<WeightPrecision> precision = parsePrecision(record.settings.dtype);
        const std::string what = precision ? precisionDescription(*precision)
                                           : singleLine(record.settings.dtype, 64) + " weights";
        out.add("Precision: " + what + "; logits differ from float32");
    }
}

std::string overheadSummary(const ProfilerOverhead& o, std::int64_t runNs)
{
    const ProfilerCalibration& c = o.calibration;
    return formatFixed(o.estimatedNs() / 1e6, 3) + " ms, " + formatFixed(o.estimatedPct(runNs), 2) + "% of the run ("
        + std::to_string(o.scopes) + " scopes x " + formatFixed(c.scopeNs, 1) + " ns, " + std::to_string(o.opCallbacks)
        + " op callbacks x " + formatFixed(c.opCallbackNs, 1) + " ns, " + std::to_string(o.allocations)
        + " allocations x " + formatFixed(c.allocationNs, 1) + " ns)";
}

void addOverheadLine(TextLines& out, const RunRecord& record)
{
    const std::string prefix = std::string(label::kOverhead) + ": ";
    if (record.overhead)
        out.add(prefix + overheadSummary(*record.overhead, record.endNs));
    else if (record.settings.profiling == ProfilingLevel::Off)
        out.add(prefix + "none (profiling off)");
}

void addThroughputLines(TextLines& out, const RunRecord& record)
{
    const GenerationMetrics& m = record.metrics;
    out.add("Total tokens generated: " + std::to_string(m.inputTokens + m.outputTokens));
    out.add("  - Input tokens: " + std::to_string(m.inputTokens));
    out.add("  - Output tokens: " + std::to_string(m.outputTokens));
    if (m.discardedTokens > 0)
        out.add("  - Discarded warm-up tokens: " + std::to_string(m.discardedTokens));
    out.add("Total generation time: " + withUnit(formatFixed(m.totalS, 2), "s"));
    out.add("Overall tokens per second: " + withUnit(formatFixed(m.overallTps, 2), " TPS"));
    out.add("  - Input TPS: " + withUnit(formatFixed(m.inputTps, 2), " tokens/s"));
    out.add("  - Output TPS: " + withUnit(formatFixed(m.outputTps, 2), " tokens/s"));
    out.add("  - End-to-end output TPS: " + withUnit(formatFixed(m.e2eOutputTps, 2), " tokens/s"));
    out.add("Time to first token (TTFT): " + withUnit(formatFixed(m.ttftS, 2), "s"));
    out.add("Peak TPS: " + withUnit(formatFixed(m.peakTpsPerSecond, 2), " tokens/s"));
    out.add("  - Peak TPS (8-token window): " + withUnit(formatFixed(m.peakTpsWindow8, 2), " tokens/s"));
    out.add("TPS stability:");
    out.add("  - Absolute: " + withUnit(plusMinus(formatFixed(m.stabilityAbs, 2)), " TPS"));
    out.add("  - Relative: " + withUnit(plusMinus(formatFixed(m.stabilityRelPct, 1)), "% of mean TPS"));
}

void addLatencySection(TextLines& out, const GenerationMetrics& m)
{
    out.add(sectionTitle(label::kLatencySection));
    out.add("- Total: " + withUnit(formatMs(m.totalS), " ms"));
    out.add("- Prefill: " + withUnit(formatMs(m.prefillS), " ms"));
    out.add("- TTFT: " + withUnit(formatMs(m.ttftS), " ms"));
    out.add("- TPOT: " + withUnit(formatMs(m.tpotS), " ms"));
}

void addItlSection(TextLines& out, const IntervalStats& itl)
{
    out.add(std::string(label::kItlSection) + " (" + std::to_string(itl.count) + " intervals):");
    out.add("- Mean: " + withUnit(formatMs(itl.mean), " ms"));
    out.add("- p50: " + withUnit(formatMs(itl.p50), " ms"));
    out.add("- p90: " + withUnit(formatMs(itl.p90), " ms"));
    out.add("- p99: " + withUnit(formatMs(itl.p99), " ms"));
    out.add("- Min: " + withUnit(formatMs(itl.min), " ms"));
    out.add("- Max: " + withUnit(formatMs(itl.max), " ms"));
    out.add("- Stddev: " + withUnit(formatMs(itl.stddev), " ms"));
    out.add("- CV: " + formatFixed(itl.cv, 3));
}

void addMultimodalSection(TextLines& out, const RunRecord& record, const LayerBreakdown& b)
{
    out.add(sectionTitle(label::kMultimodalSection));
    out.add("- Image tokens: " + std::to_string(record.metrics.imageTokens));
    out.add("- Text tokens: " + std::to_string(record.metrics.textTokens));
    if (!b.profiled) {
        out.add("- Time by part: n/a (layer profiling off)");
        return;
    }
    const auto part = [&](const char* name, double s, int tenths) {
        out.add(std::string("- ") + name + ": " + formatFixed(s, 3) + "s (" + percentFromTenths(tenths) + "% of time)");
    };
    part("Vision encoder", b.visionS, b.modalityTenths[0]);
    part("Projector", b.projectorS, b.modalityTenths[1]);
    part("Language model", b.languageS, b.modalityTenths[2]);
    part("Outside layer scopes", b.unscopedS, b.modalityTenths[3]);
}

void addMemorySection(TextLines& out, const RunRecord& record, bool detailed)
{
    const GenerationMetrics& m = record.metrics;
    out.add(sectionTitle(label::kMemorySection));
    out.add("- Peak: " + withUnit(formatMb(asDouble(m.rss.peakBytes)), " MB"));
    out.add("- Increase: " + withUnit(formatMb(asDouble(m.rss.increaseBytes)), " MB"));
    out.add("- Per token: " + withUnit(formatMb(m.rss.perOutputTokenBytes, 3), " MB"));
    if (!detailed)
        return;
    if (m.allocator.peakBytes) {
        out.add("- Allocator peak: " + formatMb(asDouble(m.allocator.peakBytes)) + " MB (increase "
                + withUnit(formatMb(asDouble(m.allocator.increaseBytes)), " MB") + ", "
                + withUnit(formatMb(m.allocator.perOutputTokenBytes, 3), " MB") + " per token)");
    }
    if (!record.settings.kvCache) {
        out.add("- KV cache: off (--no-kv-cache)");
        return;
    }
    if (record.kvCacheBytes <= 0) {
        out.add("- KV cache: n/a");
        return;
    }
    // Every prompt position is cached, then one per decode step (the last token is never fed).
    const std::int64_t positions = std::max<std::int64_t>(record.inputTokens, 0)
        + std::max<std::int64_t>(record.metrics.outputTokens - 1, 0);
    const double bytes = static_cast<double>(record.kvCacheBytes);
    const std::string perToken = positions > 0 ? formatFixed(bytes / static_cast<double>(positions), 0) : kNotAvailable;
    out.add("- KV cache: " + formatMb(bytes) + " MB for " + std::to_string(positions) + " cached positions ("
            + withUnit(perToken, " bytes") + " per token)");
}

void addLayerSection(TextLines& out, const LayerBreakdown& b)
{
    out.add(sectionTitle(label::kLayerSection));
    if (!b.profiled) {
        out.add("- n/a (layer profiling off)");
        return;
    }
    for (int c = 0; c < kCategoryCount; ++c) {
        const auto category = static_cast<ScopeCategory>(c);
        std::string line = std::string("- ") + categoryName(category) + ": "
            + percentFromTenths(b.categoryTenths[static_cast<std::size_t>(c)]) + "% of time ("
            + formatFixed(b.categoryS[static_cast<std::size_t>(c)], 3) + "s";
        if (category == ScopeCategory::Other)
            line += ", of which " + formatFixed(b.unscopedS, 3) + "s outside layer scopes";
        out.add(line + ")");
    }
}

void addDetailedLayerSection(TextLines& out, const RunRecord& record, const LayerBreakdown& b, std::size_t top)
{
    out.add(sectionTitle(label::kDetailedLayerSection));
    if (!b.profiled) {
        out.add("- n/a (layer profiling off)");
        return;
    }
    std::size_t shown = 0;
    for (const std::size_t index : b.scopesBySelf) {
        const ScopeSummary& s = record.scopes[index];
        if (shown == top || (s.calls <= 0 && s.selfNs <= 0))
            break;
        const double selfS = static_cast<double>(std::max<std::int64_t>(s.selfNs, 0)) / 1e9;
        const double inclusiveS = static_cast<double>(std::max<std::int64_t>(s.inclusiveNs, 0)) / 1e9;
        const std::optional<double> perCallS =
            s.calls > 0 ? std::optional<double>(inclusiveS / static_cast<double>(s.calls)) : std::nullopt;
        out.add("- " + singleLine(s.name, 256) + ": " + percentOf(selfS, b.totalS) + "% (" + formatFixed(selfS, 3)
                + "s self, " + formatFixed(inclusiveS, 3) + "s inclusive, " + std::to_string(s.calls) + " calls, "
                + withUnit(formatMs(perCallS), " ms") + " per call)");
        ++shown;
    }
}

void addPhaseSection(TextLines& out, const RunRecord& record)
{
    const PhaseTotals t = computePhaseTotals(record);
    out.add(sectionTitle(label::kPhaseSection));
    out.add("- Image preprocessing: " + formatMs(t.imagePreprocessS) + " ms");
    out.add("- Vision encoder: " + formatMs(t.visionEncoderS) + " ms");
    out.add("- Projector: " + formatMs(t.projectorS) + " ms");
    out.add("- Prefill: " + formatMs(t.prefillS) + " ms");
    const std::optional<double> perStep =
        t.decodeSteps > 0 ? std::optional<double>(t.decodeS / static_cast<double>(t.decodeSteps)) : std::nullopt;
    out.add("- Decode: " + formatMs(t.decodeS) + " ms over " + std::to_string(t.decodeSteps) + " steps ("
            + withUnit(formatMs(perStep), " ms") + " per step)");
}

void addPerSecondChunks(TextLines& out, const std::vector<double>& perSecondTps)
{
    if (perSecondTps.empty())
        return;
    out.add(sectionTitle(label::kPerSecondSection));
    for (std::size_t start = 0; start < perSecondTps.size(); start += 10) {
        const std::size_t end = std::min(perSecondTps.size(), start + 10);
        std::string line = "- " + std::to_string(start) + "-" + std::to_string(end - 1) + "s: ";
        for (std::size_t i = start; i < end; ++i)
            line += (i > start ? ", " : "") + formatFixed(perSecondTps[i], 1);
        out.add(line);
    }
}

void addPerSecondLines(TextLines& out, const std::vector<double>& perSecondTps)
{
    if (perSecondTps.empty())
        return;
    out.add(sectionTitle(label::kPerSecondSection));
    for (std::size_t i = 0; i < perSecondTps.size(); ++i)
        out.add("- " + std::to_string(i) + "-" + std::to_string(i + 1) + "s: " + formatFixed(perSecondTps[i], 1));
}

void addEnvironmentSection(TextLines& out, const RunRecord& record)
{
    const EnvironmentInfo& env = record.environment;
    out.add(sectionTitle(label::kEnvironmentSection));
    const auto field = [&](const char* name, const std::string& value) {
        if (!value.empty())
            out.add(std::string("- ") + name + ": " + singleLine(value, 256));
    };
    std::string cpu = env.cpuModel;
    if (env.logicalCores > 0)
        cpu += (cpu.empty() ? "" : ", ") + std::to_string(env.logicalCores) + " logical cores";
    field("CPU", cpu);
    if (env.threads > 0)
        out.add("- Threads: " + std::to_string(env.threads));
    out.add("- CPU utilisation: " + formatFixed(record.cpuUtilization, 2) + " cores");
    field("BLAS", env.blas);
    field("LibTorch", env.torchVersion);
    field("Qt", env.qtVersion);
    field("OS", env.os);
}

} // namespace vlmscope
