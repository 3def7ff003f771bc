// Test fixtures for the dashboard: run records and event streams with chosen timings, so
// tests and benchmarks need no model. Scopes are laid out like a small nanoVLM.
#pragma once

#include "core/engine/run_record.h"

#include <QString>

#include <cstdint>
#include <string>
#include <vector>

namespace vlmscope::testing {

// `layers` decoder blocks with attn/mlp/norm scopes (4 scopes per block + vision, MP, head).
inline std::vector<ScopeSummary> syntheticScopes(int layers)
{
    std::vector<ScopeSummary> scopes;
    auto add = [&](std::string name, ScopeCategory category, int parent) {
        ScopeSummary s;
        s.name = std::move(name);
        s.category = category;
        s.parent = parent;
        scopes.push_back(s);
        return static_cast<int>(scopes.size()) - 1;
    };
    add("vision_encoder", ScopeCategory::VisionEncoder, -1);
    add("MP", ScopeCategory::Projector, -1);
    add("decoder.token_embedding", ScopeCategory::Embedding, -1);
    for (int i = 0; i < layers; ++i) {
        const std::string block = "decoder.blocks." + std::to_string(i);
        const int b = add(block, ScopeCategory::Other, -1);
        add(block + ".norm1", ScopeCategory::Norm, b);
        add(block + ".attn", ScopeCategory::Attention, b);
        add(block + ".mlp", ScopeCategory::Ffn, b);
    }
    add("decoder.head", ScopeCategory::LmHead, -1);
    return scopes;
}

// Layer times of one step: scope i takes (i % 7 + 1) * base ns; blocks are inclusive of
// their children.
inline StepLayerTimes syntheticStep(const std::vector<ScopeSummary>& scopes, std::int64_t step, std::int64_t baseNs)
{
    StepLayerTimes t;
    t.step = step;
    const std::size_t n = scopes.size();
    t.selfNs.resize(n);
    t.inclusiveNs.resize(n);
    t.calls.assign(n, 1);
    for (std::size_t i = 0; i < n; ++i)
        t.selfNs[i] = static_cast<std::int64_t>(i % 7 + 1) * baseNs;
    t.inclusiveNs = t.selfNs;
    for (std::size_t i = 0; i < n; ++i) {
        if (scopes[i].parent >= 0)
            t.inclusiveNs[static_cast<std::size_t>(scopes[i].parent)] += t.selfNs[i];
    }
    return t;
}

// A finished run: `tokens` output tokens `itlNs` apart after a `ttftNs` first token, layer
// times per step, a memory sample per step, and computed metrics.
inline RunRecord syntheticRun(int tokens, std::int64_t ttftNs, std::int64_t itlNs, int layers = 4,
                              const std::string& model = "tiny", bool synthetic = true)
{
    RunRecord r;
    r.id = "synthetic-" + model + "-" + std::to_string(tokens) + "-" + std::to_string(itlNs);
    r.startedAt = "2025-01-02T03:04:05.000Z";
    r.status = RunStatus::Finished;
    r.statusDetail = "reached --max-tokens " + std::to_string(tokens);
    r.settings.model = model;
    r.settings.prompt = "What is in this image?";
    r.settings.image = ":/vlmscope/sample.png";
    r.settings.maxNewTokens = tokens;
    r.model.name = model;
    r.model.source = model;
    r.model.synthetic = synthetic;
    r.model.generation = "222m-era";
    r.inputTokens = 80;
    r.imageTokens = 64;
    r.environment.device = "cpu";
    r.scopes = syntheticScopes(layers);
    const std::int64_t prefillEnd = ttftNs * 3 / 4;
    r.phases.push_back({Phase::ImagePreprocess, 0, 0, ttftNs / 8});
    r.phases.push_back({Phase::Prefill, 0, ttftNs / 8, prefillEnd});
    r.prefillEndNs = prefillEnd;
    r.steps.push_back(syntheticStep(r.scopes, 0, 1000));
    r.memory.push_back({0, 100 << 20, std::int64_t(10) << 20, std::int64_t(0)});
    std::int64_t t = ttftNs;
    for (int i = 0; i < tokens; ++i) {
        TokenEvent token;
        token.index = i;
        token.id = 100 + i;
        token.text = i % 5 == 4 ? std::string(" word.") : " w" + std::to_string(i);
        token.timeNs = t;
        token.latencyNs = i == 0 ? ttftNs : itlNs;
        r.tokens.push_back(token);
        r.generatedText += token.text;
        if (i > 0) {
            r.phases.push_back({Phase::DecodeStep, i, t - itlNs, t});
            r.steps.push_back(syntheticStep(r.scopes, i, 100 + 10 * (i % 3)));
        }
        r.memory.push_back({t, (100 << 20) + std::int64_t(i) * 4096, std::int64_t(10 + i) << 20,
                            std::int64_t(80 + i) * 4096});
        t += itlNs;
    }
    r.endNs = t - itlNs + 1000;
    for (const StepLayerTimes& step : r.steps) {
        for (std::size_t i = 0; i < r.scopes.size(); ++i) {
            r.scopes[i].selfNs += step.selfNs[i];
            r.scopes[i].inclusiveNs += step.inclusiveNs[i];
            r.scopes[i].calls += step.calls[i];
        }
    }
    r.computeMetrics();
    return r;
}

} // namespace vlmscope::testing
