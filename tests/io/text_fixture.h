// A realistic run record for the text report and .log tests: a vision + language run with
// nested scopes of every category, phases, ten tokens, memory samples and computed metrics.
// Every figure the tests expect is worked out by hand in the comments.
#pragma once

#include "core/engine/run_record.h"

#include <cstdint>

namespace textfixture {

using namespace vlmscope;

constexpr std::int64_t kMs = 1'000'000;
constexpr std::int64_t kMiB = 1024 * 1024;

inline void addScope(RunRecord& r, const char* name, ScopeCategory category, int parent, std::int64_t calls,
                     std::int64_t inclusiveMs, std::int64_t selfMs)
{
    r.scopes.push_back({name, category, parent, calls, inclusiveMs * kMs, selfMs * kMs, std::nullopt});
}

// t0 = 0, prefill ends at 500 ms, tokens at 600 680 780 900 1000 1100 1150 1300 1400 1600 ms,
// tE = 1700 ms; 72 input tokens (64 image + 8 text).
//   overall TPS (72 + 10) / 1.7 = 48.235; input TPS 72 / 0.5 = 144; decode TPS 9 / 1.0 = 9;
//   end-to-end output TPS 10 / 1.7 = 5.882; TTFT 0.600 s; TPOT 111.111 ms.
//   ITL (ms) 80 100 120 100 100 50 150 100 200 -> sorted 50 80 100 100 100 100 120 150 200:
//   p50 100, p90 150 + 0.2 * 50 = 160, p99 150 + 0.92 * 50 = 196, min 50, max 200.
//   per second [4, 6]: peak 6, stability sd 1 (20% of the mean 5); 8-token window 7 / 0.7 = 10.
// Scopes (self ms): vision 20 + 180, MP 10, embedding 5, decoder 50 + block 50, norm 100,
//   attn 400, mlp 400, head 100 = 1315 ms; 385 ms outside scopes.
//   Categories of 1700 ms: vision 200 (11.8%), projector 10 (0.6%), attention 400 (23.5%),
//   ffn 400 (23.5%), norm 100 (5.9%), embedding 5 (0.3%), lm_head 100 (5.9%),
//   other 50 + 50 + 385 = 485 (28.5%).
// Memory: RSS 100 -> 110 -> 120 MiB (peak 120, increase 20, 2 MiB per token); allocator
//   10 -> 20 -> 25 MiB; KV cache 81 positions (72 + 9) x 4096 bytes.
inline RunRecord fixtureRecord()
{
    RunRecord r;
    r.id = "fixture-run";
    r.startedAt = "2025-05-13T01:51:00.000Z";
    r.status = RunStatus::Finished;
    r.statusDetail = "reached --max-tokens 10";
    r.settings.model = "builtin";
    r.settings.prompt = "What is in this image?";
    r.settings.image = "sample.png";
    r.settings.maxNewTokens = 10;
    r.settings.threads = 2;
    r.model.name = "nanoVLM-222M";
    r.model.source = "builtin";
    r.model.synthetic = true;
    r.environment.cpuModel = "Test CPU";
    r.environment.logicalCores = 4;
    r.environment.threads = 2;
    r.environment.blas = "OpenBLAS (openmp)";
    r.environment.torchVersion = "1.13.1";
    r.environment.qtVersion = "6.4.2";
    r.environment.os = "Debian GNU/Linux 12";
    r.inputTokens = 72;
    r.imageTokens = 64;
    r.prefillEndNs = 500 * kMs;
    r.endNs = 1700 * kMs;
    r.cpuUtilization = 1.5;
    r.kvCacheBytes = 81 * 4096;

    r.phases.push_back({Phase::ImagePreprocess, 0, 0, 10 * kMs});
    r.phases.push_back({Phase::VisionEncoder, 0, 10 * kMs, 210 * kMs});
    r.phases.push_back({Phase::Projector, 0, 210 * kMs, 220 * kMs});
    r.phases.push_back({Phase::Prefill, 0, 220 * kMs, 500 * kMs});
    const std::int64_t tokenMs[] = {600, 680, 780, 900, 1000, 1100, 1150, 1300, 1400, 1600};
    for (std::int64_t i = 0; i < 10; ++i) {
        const std::int64_t previous = i == 0 ? 0 : tokenMs[i - 1];
        r.tokens.push_back({i, 100 + i, "tok" + std::to_string(i), tokenMs[i] * kMs, (tokenMs[i] - previous) * kMs});
        if (i > 0)
            r.phases.push_back({Phase::DecodeStep, i, tokenMs[i - 1] * kMs, tokenMs[i] * kMs});
    }

    addScope(r, "vision_encoder", ScopeCategory::VisionEncoder, -1, 1, 200, 20);
    addScope(r, "vision_encoder.blocks.0", ScopeCategory::VisionEncoder, 0, 1, 180, 180);
    addScope(r, "MP", ScopeCategory::Projector, -1, 1, 10, 10);
    addScope(r, "decoder.token_embedding", ScopeCategory::Embedding, -1, 10, 5, 5);
    addScope(r, "decoder", ScopeCategory::Other, -1, 10, 1000, 50);
    addScope(r, "decoder.blocks.0", ScopeCategory::Other, 4, 10, 950, 50);
    addScope(r, "decoder.blocks.0.norm1", ScopeCategory::Norm, 5, 10, 100, 100);
    addScope(r, "decoder.blocks.0.attn", ScopeCategory::Attention, 5, 10, 400, 400);
    addScope(r, "decoder.blocks.0.mlp", ScopeCategory::Ffn, 5, 10, 400, 400);
    addScope(r, "decoder.head", ScopeCategory::LmHead, -1, 10, 100, 100);

    r.memory.push_back({0, 100 * kMiB, 10 * kMiB, 0});
    r.memory.push_back({500 * kMs, 110 * kMiB, 20 * kMiB, 72 * 4096});
    r.memory.push_back({1600 * kMs, 120 * kMiB, 25 * kMiB, 81 * 4096});
    r.computeMetrics();
    return r;
}

} // namespace textfixture
