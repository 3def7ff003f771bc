// libFuzzer harness for the .log reader: arbitrary bytes either yield runs with finite
// figures or throw InputError; nothing else escapes, nothing crashes or hangs.
#include "core/io/generation_log_reader.h"
#include "core/util/error.h"

#include <cmath>
#include <cstdint>
#include <string_view>

namespace {

void requireFinite(const std::optional<double>& v)
{
    if (v && !std::isfinite(*v))
        __builtin_trap();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    std::vector<std::string> warnings;
    try {
        const std::vector<vlmscope::LogRunSummary> runs = vlmscope::parseGenerationLog(text, "fuzz.log", &warnings);
        if (runs.empty())
            __builtin_trap(); // no runs must be an InputError
        for (const vlmscope::LogRunSummary& run : runs) {
            for (const auto& v : {run.totalS, run.ttftS, run.prefillS, run.tpotS, run.overallTps, run.inputTps,
                                  run.outputTps, run.e2eOutputTps, run.peakTps, run.peakTpsWindow8, run.stabilityAbs,
                                  run.stabilityRelPct, run.itlMeanS, run.itlP50S, run.itlP90S, run.itlP99S,
                                  run.itlMinS, run.itlMaxS, run.itlCv, run.peakMemoryMb, run.memoryIncreaseMb,
                                  run.memoryPerTokenMb, run.kvCacheMb})
                requireFinite(v);
            for (const double tps : run.perSecondTps)
                requireFinite(tps);
        }
    } catch (const vlmscope::InputError&) {
    }
    if (warnings.size() > 101)
        __builtin_trap(); // warnings are bounded
    return 0;
}
