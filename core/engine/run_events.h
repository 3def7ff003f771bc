// Where a running generation sends its events, in order: runStarted, then phases, tokens,
// per-step layer batches and memory samples as they happen, then runEnded with the
// complete (or, when stopped or failed, partial but valid) run record.
#pragma once

#include "core/engine/run_record.h"

namespace vlmscope {

class RunEventSink {
public:
    virtual ~RunEventSink() = default;
    virtual void runStarted(const RunRecord& header) {}
    virtual void phaseFinished(const PhaseSpan& phase) {}
    virtual void tokenGenerated(const TokenEvent& token) {}
    virtual void stepTimed(const StepLayerTimes& step) {}
    virtual void memorySampled(const MemorySample& sample) {}
    virtual void runEnded(const RunRecord& record) {}
};

} // namespace vlmscope
