// One instrumented generation: turns RunSettings into a RunRecord, installing the layer
// scope profiler, the allocator hook and (optionally) the op profiler, and streaming
// events to a sink. Used identically by --batch and by the GUI's engine thread.
#pragma once

#include "core/engine/generator.h"
#include "core/engine/model_bundle.h"
#include "core/engine/run_events.h"

#include <atomic>
#include <optional>

namespace vlmscope {

struct RunRequest {
    RunSettings settings;
    std::optional<std::vector<std::int64_t>> inputIds; // replaces the prompt text
};

class RunSession {
public:
    explicit RunSession(const ModelBundle& bundle) : m_bundle(bundle) {}

    // Runs settings.warmup untracked generations, then the measured one. A stop request
    // ends the run at the next token (or before generation starts) with status Stopped.
    // Bad input throws InputError after the sink got runEnded with status Failed.
    RunRecord run(const RunRequest& request, RunEventSink* sink = nullptr,
                  const std::atomic<bool>* stop = nullptr) const;

    // Settings the model needs that the user may leave implicit (EOS, defaults).
    GenerationSettings generationSettings(const RunSettings& settings) const;
    ModelSummary modelSummary() const;
    // The machine, build and model identity of a run (the environment manifest).
    EnvironmentInfo environment(const RunSettings& settings) const;

private:
    GenerationInput prepareInput(const RunRequest& request) const;

    const ModelBundle& m_bundle;
};

} // namespace vlmscope
