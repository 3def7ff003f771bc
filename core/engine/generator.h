// The generation loop: vision encoding, projection, prefill and decode steps, with greedy or
// sampled decoding, a KV cache or whole-sequence re-runs, and a stop flag checked per token.
#pragma once

#include "core/engine/run_record.h"
#include "core/model/nanovlm_model.h"

#include <atomic>
#include <optional>
#include <string>
#include <vector>

namespace vlmscope {

struct SamplingParams {
    bool greedy = true;
    double temperature = 0.5; // defaults of current nanoVLM's generate()
    std::int64_t topK = 50;
    double topP = 0.9;
    std::uint64_t seed = 0;
};

struct GenerationSettings {
    std::int64_t maxNewTokens = 20;
    bool useKvCache = true;
    SamplingParams sampling;
    std::optional<std::int64_t> eosTokenId; // stop when generated; none = run to maxNewTokens
    bool keepLogits = false;                // keep every step's logits (tests, drift reports)
};

struct GenerationInput {
    std::vector<std::int64_t> promptIds;
    torch::Tensor pixels; // [views, 3, S, S] float32 in [0, 1], or undefined for text only
};

// Callbacks from inside the loop, on the generating thread. Keep them cheap.
class GenerationObserver {
public:
    virtual ~GenerationObserver() = default;
    virtual void phaseBegan(Phase phase, std::int64_t step) {}
    virtual void phaseEnded(Phase phase, std::int64_t step) {}
    virtual void tokenGenerated(std::int64_t index, std::int64_t id) {}
};

struct GenerationOutput {
    std::vector<std::int64_t> ids;
    std::int64_t promptTokens = 0; // decoder positions of the prompt (text + image)
    std::int64_t imageTokens = 0;
    bool stopped = false;          // stop flag seen before max tokens / EOS
    bool hitEos = false;
    torch::Tensor visionOut, imageEmbeds, decoderInput, prefillHidden;
    std::vector<torch::Tensor> stepLogits; // [1, V] per generated token, if keepLogits
    std::int64_t kvCacheBytes = 0;
};

class Generator {
public:
    explicit Generator(const NanoVlmModel& model) : m_model(model) {}

    // Throws InputError for an empty prompt, ids outside the vocabulary, or a prompt plus
    // maxNewTokens beyond the context length.
    GenerationOutput run(const GenerationInput& input, const GenerationSettings& settings,
                         GenerationObserver* observer = nullptr, const std::atomic<bool>* stop = nullptr) const;

    // Prompt positions the decoder will see (text ids plus prepended image rows).
    std::int64_t promptPositions(const GenerationInput& input) const;

private:
    const NanoVlmModel& m_model;
};

// Greedy argmax, or nanoVLM's sampling: top-k, then top-p on the filtered logits, then
// softmax(logits / temperature) and a multinomial draw from `generator`.
std::int64_t chooseToken(const torch::Tensor& logits, const SamplingParams& params, at::Generator& generator);

} // namespace vlmscope
