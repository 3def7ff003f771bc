#include "core/engine/run_record.h"

#include <array>
#include <utility>

namespace vlmscope {

namespace {

template <typename Enum, std::size_t N>
bool parseName(const std::array<const char*, N>& names, const std::string& name, Enum* out)
{
    for (std::size_t i = 0; i < N; ++i) {
        if (name == names[i]) {
            *out = static_cast<Enum>(i);
            return true;
        }
    }
    return false;
}

constexpr std::array<const char*, 5> kPhaseNames = {"image_preprocess", "vision_encoder", "projector", "prefill",
                                                    "decode_step"};
constexpr std::array<const char*, 3> kProfilingNames = {"off", "layers", "ops"};
constexpr std::array<const char*, 4> kStatusNames = {"running", "finished", "stopped", "failed"};

} // namespace

const char* phaseName(Phase phase) { return kPhaseNames[static_cast<std::size_t>(phase)]; }
bool parsePhase(const std::string& name, Phase* out) { return parseName(kPhaseNames, name, out); }

const char* profilingLevelName(ProfilingLevel level) { return kProfilingNames[static_cast<std::size_t>(level)]; }
bool parseProfilingLevel(const std::string& name, ProfilingLevel* out) { return parseName(kProfilingNames, name, out); }

const char* runStatusName(RunStatus status) { return kStatusNames[static_cast<std::size_t>(status)]; }
bool parseRunStatus(const std::string& name, RunStatus* out) { return parseName(kStatusNames, name, out); }

MetricDefinitions RunRecord::definitions() const
{
    MetricDefinitions d;
    if (definitionsId != kMetricDefinitionsId)
        d = MetricDefinitions{definitionsId, {}, {}, {}, {}, {}, {}, {}};
    d.warmupRuns = settings.warmup;
    d.discardFirst = settings.discardFirst;
    d.stopAtEos = settings.stopAtEos;
    return d;
}

TimingInput RunRecord::timingInput() const
{
    TimingInput input;
    input.prefillEndNs = prefillEndNs;
    input.tokenTimesNs.reserve(tokens.size());
    for (const TokenEvent& token : tokens)
        input.tokenTimesNs.push_back(token.timeNs);
    input.endNs = endNs;
    input.inputTokens = inputTokens;
    input.imageTokens = imageTokens;
    input.discardFirst = settings.discardFirst;
    for (const MemorySample& sample : memory)
        input.memory.push_back({sample.timeNs, sample.rssBytes, sample.allocatorBytes, sample.kvCacheBytes});
    return input;
}

void RunRecord::computeMetrics()
{
    metrics = vlmscope::computeMetrics(timingInput());
}

} // namespace vlmscope
