// Run records for the chart tests and the chart gallery: a nanoVLM-shaped scope table
// (vision blocks, projector, decoder blocks with attn/mlp/norms), per-step layer times,
// tokens, phases and memory samples, all deterministic.
#pragma once

#include "core/engine/run_record.h"

#include <cmath>
#include <cstdint>
#include <string>

namespace vlmscope::fixtures {

struct RunShape {
    std::string id = "run-a";
    std::string model = "nanoVLM-222M";
    std::string startedAt = "2025-01-01T10:00:00Z";
    int visionBlocks = 4;
    int decoderBlocks = 6;
    int decodeSteps = 50; // tokens = decodeSteps + 1 (token 0 comes from prefill)
    double speed = 1.0;   // > 1: faster machine
    std::uint32_t seed = 1;
};

// Small deterministic noise in [0, 1).
inline double noise(std::uint32_t& state)
{
    state = state * 1664525u + 1013904223u;
    return static_cast<double>(state >> 8) / static_cast<double>(1u << 24);
}

inline int addScope(RunRecord& run, const std::string& name, ScopeCategory category, int parent)
{
    ScopeSummary scope;
    scope.name = name;
    scope.category = category;
    scope.parent = parent;
    run.scopes.push_back(scope);
    return static_cast<int>(run.scopes.size()) - 1;
}

inline void addScopes(RunRecord& run, const RunShape& shape)
{
    const int vision = addScope(run, "vision_encoder", ScopeCategory::VisionEncoder, -1);
    addScope(run, "vision_encoder.patch_embedding", ScopeCategory::VisionEncoder, vision);
    for (int b = 0; b < shape.visionBlocks; ++b) {
        const std::string p = "vision_encoder.blocks." + std::to_string(b);
        const int block = addScope(run, p, ScopeCategory::VisionEncoder, vision);
        for (const char* part : {".ln1", ".attn", ".ln2", ".mlp"})
            addScope(run, p + part, ScopeCategory::VisionEncoder, block);
    }
    addScope(run, "vision_encoder.layer_norm", ScopeCategory::VisionEncoder, vision);
    addScope(run, "MP", ScopeCategory::Projector, -1);
    addScope(run, "decoder.token_embedding", ScopeCategory::Embedding, -1);
    const int decoder = addScope(run, "decoder", ScopeCategory::Other, -1);
    for (int b = 0; b < shape.decoderBlocks; ++b) {
        const std::string p = "decoder.blocks." + std::to_string(b);
        const int block = addScope(run, p, ScopeCategory::Other, decoder);
        addScope(run, p + ".norm1", ScopeCategory::Norm, block);
        addScope(run, p + ".attn", ScopeCategory::Attention, block);
        addScope(run, p + ".norm2", ScopeCategory::Norm, block);
        addScope(run, p + ".mlp", ScopeCategory::Ffn, block);
    }
    addScope(run, "decoder.norm", ScopeCategory::Norm, decoder);
    addScope(run, "decoder.head", ScopeCategory::LmHead, -1);
}

// Self time of scope `s` in step `step` (ns): vision only in step 0, prefill ~40x a decode
// step, attention growing with the position, a few slow steps.
inline std::int64_t layerTime(const RunRecord& run, std::size_t s, std::int64_t step, const RunShape& shape,
                              std::uint32_t& state)
{
    const ScopeSummary& scope = run.scopes[s];
    const bool prefill = step == 0;
    double us = 0;
    switch (scope.category) {
    case ScopeCategory::VisionEncoder:
        us = prefill ? (scope.name.find(".mlp") != std::string::npos ? 900 : 350) : 0;
        break;
    case ScopeCategory::Projector:
        us = prefill ? 400 : 0;
        break;
    case ScopeCategory::Attention:
        us = prefill ? 2500 : 60 + 0.8 * static_cast<double>(step);
        break;
    case ScopeCategory::Ffn:
        us = prefill ? 3600 : 95;
        break;
    case ScopeCategory::Norm:
        us = prefill ? 120 : 6;
        break;
    case ScopeCategory::Embedding:
        us = prefill ? 40 : 3;
        break;
    case ScopeCategory::LmHead:
        us = prefill ? 900 : 180;
        break;
    case ScopeCategory::Other:
        us = prefill ? 60 : 4; // residual adds in blocks
        break;
    }
    if (us == 0)
        return 0;
    const double spike = (!prefill && step % 17 == 0) ? 2.2 : 1.0;
    return static_cast<std::int64_t>(us * 1000.0 * spike * (0.9 + 0.2 * noise(state)) / shape.speed);
}

inline RunRecord makeRun(const RunShape& shape = {})
{
    RunRecord run;
    run.id = shape.id;
    run.startedAt = shape.startedAt;
    run.model.name = shape.model;
    run.settings.maxNewTokens = shape.decodeSteps + 1;
    run.inputTokens = 80;
    run.imageTokens = 64;
    run.status = RunStatus::Finished;
    addScopes(run, shape);
    std::uint32_t state = shape.seed;

    const auto us = [&](double v) { return static_cast<std::int64_t>(v * 1000.0 / shape.speed); };
    std::int64_t t = us(4000);
    run.phases.push_back({Phase::ImagePreprocess, 0, 0, t});
    std::int64_t previousToken = 0;
    for (std::int64_t step = 0; step <= shape.decodeSteps; ++step) {
        StepLayerTimes times;
        times.step = step;
        std::int64_t sum = 0;
        for (std::size_t s = 0; s < run.scopes.size(); ++s) {
            const std::int64_t ns = layerTime(run, s, step, shape, state);
            times.selfNs.push_back(ns);
            times.inclusiveNs.push_back(ns);
            times.calls.push_back(ns > 0 ? 1 : 0);
            run.scopes[s].selfNs += ns;
            run.scopes[s].inclusiveNs += ns;
            run.scopes[s].calls += ns > 0 ? 1 : 0;
            sum += ns;
        }
        const std::int64_t begin = t;
        t += sum + us(150 + 60 * noise(state)); // sampling and bookkeeping outside scopes
        if (step == 0) {
            const std::int64_t vision = us(12000);
            run.phases.push_back({Phase::VisionEncoder, 0, begin, begin + vision});
            run.phases.push_back({Phase::Projector, 0, begin + vision, begin + vision + us(400)});
            run.phases.push_back({Phase::Prefill, 0, begin + vision + us(400), t});
            run.prefillEndNs = t;
        } else {
            run.phases.push_back({Phase::DecodeStep, step, begin, t});
        }
        TokenEvent token;
        token.index = step;
        token.id = 100 + step;
        token.text = " w" + std::to_string(step);
        token.timeNs = t;
        token.latencyNs = t - previousToken;
        previousToken = t;
        run.tokens.push_back(token);
        run.generatedText += token.text;
        run.steps.push_back(std::move(times));
    }
    run.endNs = t + us(2000);
    const std::int64_t sampleEvery = std::max<std::int64_t>(run.endNs / 60, 1);
    for (std::int64_t at = 0; at <= run.endNs; at += sampleEvery) {
        const double f = static_cast<double>(at) / static_cast<double>(run.endNs);
        MemorySample sample;
        sample.timeNs = at;
        sample.rssBytes = static_cast<std::int64_t>((820.0 + 160.0 * std::min(1.0, f * 4) + 25 * f) * 1048576.0);
        sample.allocatorBytes =
            static_cast<std::int64_t>((640.0 + 120.0 * std::min(1.0, f * 4) + 30 * f - (f > 0.9 ? 40 : 0)) * 1048576.0);
        sample.kvCacheBytes = static_cast<std::int64_t>(f * 48.0 * 1048576.0);
        run.memory.push_back(sample);
    }
    run.kvCacheBytes = run.memory.back().kvCacheBytes.value_or(0);
    run.computeMetrics();
    return run;
}

// The first `tokens` tokens, `steps` steps, `samples` memory samples and matching phases
// of `full`: what the live dashboard sees part-way through (metrics recomputed).
inline RunRecord prefix(const RunRecord& full, std::size_t tokens, std::size_t steps, std::size_t samples)
{
    RunRecord run = full;
    run.status = RunStatus::Running;
    run.tokens.resize(std::min(tokens, full.tokens.size()));
    run.steps.resize(std::min(steps, full.steps.size()));
    run.memory.resize(std::min(samples, full.memory.size()));
    std::int64_t end = 0;
    if (!run.tokens.empty())
        end = run.tokens.back().timeNs;
    run.phases.clear();
    for (const PhaseSpan& span : full.phases) {
        if (span.endNs <= std::max<std::int64_t>(end, full.phases.front().endNs))
            run.phases.push_back(span);
    }
    for (const MemorySample& m : run.memory)
        end = std::max(end, m.timeNs);
    run.endNs = end;
    for (ScopeSummary& scope : run.scopes)
        scope.selfNs = scope.inclusiveNs = scope.calls = 0;
    for (const StepLayerTimes& step : run.steps) {
        for (std::size_t s = 0; s < step.selfNs.size() && s < run.scopes.size(); ++s)
            run.scopes[s].selfNs += step.selfNs[s];
    }
    if (run.tokens.empty())
        run.prefillEndNs.reset();
    run.computeMetrics();
    return run;
}

} // namespace vlmscope::fixtures
