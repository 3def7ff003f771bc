// Fault-test hook: with VLMSCOPE_TEST_SIGNAL_AT="INT@POINT" or "TERM@POINT" in the
// environment, --batch sends itself that signal when a run reaches POINT, so tests can stop
// a run in each phase through the real signal handler instead of racing a fast model.
// POINT: "load" (before the model loads), a phase name ("image_preprocess", "vision_encoder",
// "projector", "prefill": when that phase ends, i.e. while the next one runs) or "token:N"
// (when output token N arrives). Unset (always, outside tests): nothing happens.
#pragma once

#include "core/engine/run_events.h"

#include <string>

namespace vlmscope {

class SignalInjector : public RunEventSink {
public:
    // Forwards every event to `next` (after raising the signal, if this is its point).
    explicit SignalInjector(RunEventSink& next);

    // Marks a point outside a run ("load").
    void reached(const std::string& point);

    void runStarted(const RunRecord& header) override { m_next.runStarted(header); }
    void phaseFinished(const PhaseSpan& phase) override;
    void tokenGenerated(const TokenEvent& token) override;
    void stepTimed(const StepLayerTimes& step) override { m_next.stepTimed(step); }
    void memorySampled(const MemorySample& sample) override { m_next.memorySampled(sample); }
    void runEnded(const RunRecord& record) override { m_next.runEnded(record); }

private:
    RunEventSink& m_next;
    int m_signal = 0;
    std::string m_point;
};

} // namespace vlmscope
