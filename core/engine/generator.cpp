#include "core/engine/generator.h"

#include "core/util/error.h"

namespace vlmscope {

namespace {

// Brackets a phase for the observer, exception-safe.
class PhaseGuard {
public:
    PhaseGuard(GenerationObserver* observer, Phase phase, std::int64_t step)
        : m_observer(observer), m_phase(phase), m_step(step)
    {
        if (m_observer)
            m_observer->phaseBegan(m_phase, m_step);
    }
    ~PhaseGuard()
    {
        if (m_observer)
            m_observer->phaseEnded(m_phase, m_step);
    }

private:
    GenerationObserver* m_observer;
    Phase m_phase;
    std::int64_t m_step;
};

torch::Tensor filterTopKTopP(torch::Tensor logits, std::int64_t topK, double topP)
{
    const float minusInf = -std::numeric_limits<float>::infinity();
    topK = std::min<std::int64_t>(topK, logits.size(-1));
    if (topK > 0) {
        const torch::Tensor kth = std::get<0>(logits.topk(topK)).narrow(-1, topK - 1, 1);
        logits = logits.masked_fill(logits.lt(kth), minusInf);
    }
    if (topP < 1.0) {
        auto [sorted, order] = logits.sort(-1, true);
        torch::Tensor remove = sorted.softmax(-1).cumsum(-1).gt(topP);
        remove.narrow(-1, 0, 1).fill_(false); // always keep the best token
        logits = logits.masked_fill(remove.scatter(-1, order, remove), minusInf);
    }
    return logits;
}

} // namespace

std::int64_t chooseToken(const torch::Tensor& logits, const SamplingParams& params, at::Generator& generator)
{
    if (params.greedy)
        return logits.argmax(-1).item<std::int64_t>();
    const torch::Tensor filtered = filterTopKTopP(logits, params.topK, params.topP);
    const torch::Tensor probs = (filtered / params.temperature).softmax(-1);
    return at::multinomial(probs, 1, false, generator).item<std::int64_t>();
}

std::int64_t Generator::promptPositions(const GenerationInput& input) const
{
    auto positions = static_cast<std::int64_t>(input.promptIds.size());
    if (input.pixels.defined() && m_model.config().generation == ArchGeneration::V222mEra)
        positions += input.pixels.size(0) * m_model.imageTokensPerView();
    return positions;
}

GenerationOutput Generator::run(const GenerationInput& input, const GenerationSettings& settings,
                                GenerationObserver* observer, const std::atomic<bool>* stop) const
{
    torch::NoGradGuard noGrad;
    const ModelConfig& config = m_model.config();
    if (input.promptIds.empty())
        throw InputError("--prompt: the prompt is empty (no tokens)");
    for (const std::int64_t id : input.promptIds) {
        if (id < 0 || id >= config.lmVocabSize)
            throw InputError("--input-ids: id " + std::to_string(id) + " is outside the model's vocabulary (0.."
                             + std::to_string(config.lmVocabSize - 1) + ")");
    }
    if (settings.maxNewTokens < 1)
        throw InputError("--max-tokens: must be at least 1");
    const std::int64_t promptLength = promptPositions(input);
    if (promptLength + settings.maxNewTokens > m_model.contextLength())
        throw InputError("--max-tokens " + std::to_string(settings.maxNewTokens) + ": the prompt (" + std::to_string(promptLength)
                         + " positions) plus the new tokens exceed the model's context length of "
                         + std::to_string(m_model.contextLength()));

    GenerationOutput out;
    const torch::Tensor ids = torch::tensor(input.promptIds, torch::kInt64);
    if (input.pixels.defined()) {
        {
            PhaseGuard phase(observer, Phase::VisionEncoder, 0);
            out.visionOut = m_model.encodeImages(input.pixels);
        }
        PhaseGuard phase(observer, Phase::Projector, 0);
        out.imageEmbeds = m_model.project(out.visionOut);
        out.imageTokens = out.imageEmbeds.size(0) * out.imageEmbeds.size(1);
    }

    std::optional<KvCache> cache;
    if (settings.useKvCache)
        cache.emplace(m_model.makeKvCache(promptLength + settings.maxNewTokens));
    torch::Tensor logits;
    torch::Tensor sequence; // the whole decoder input, for --no-kv-cache
    {
        PhaseGuard phase(observer, Phase::Prefill, 0);
        out.decoderInput = m_model.buildDecoderInput(ids, out.imageEmbeds);
        out.promptTokens = out.decoderInput.size(0);
        out.prefillHidden = m_model.forwardDecoder(out.decoderInput, 0, cache ? &*cache : nullptr);
        logits = m_model.lmHead(out.prefillHidden.narrow(0, out.promptTokens - 1, 1));
        if (!cache)
            sequence = out.decoderInput;
    }

    at::Generator sampler = at::detail::createCPUGenerator(settings.sampling.seed);
    std::int64_t position = out.promptTokens;
    for (std::int64_t i = 0; i < settings.maxNewTokens; ++i) {
        if (i > 0) {
            PhaseGuard phase(observer, Phase::DecodeStep, i);
            const torch::Tensor next = m_model.embedTokens(torch::tensor({out.ids.back()}, torch::kInt64));
            torch::Tensor hidden;
            if (cache) {
                hidden = m_model.forwardDecoder(next, position, &*cache);
            } else {
                sequence = torch::cat({sequence, next}, 0);
                hidden = m_model.forwardDecoder(sequence, 0, nullptr);
            }
            ++position;
            logits = m_model.lmHead(hidden.narrow(0, hidden.size(0) - 1, 1));
        }
        if (settings.keepLogits)
            out.stepLogits.push_back(logits.clone());
        const std::int64_t id = chooseToken(logits, settings.sampling, sampler);
        out.ids.push_back(id);
        if (observer)
            observer->tokenGenerated(i, id);
        if (settings.eosTokenId && id == *settings.eosTokenId) {
            out.hitEos = true;
            break;
        }
        if (stop && stop->load(std::memory_order_relaxed) && i + 1 < settings.maxNewTokens) {
            out.stopped = true;
            break;
        }
    }
    if (cache)
        out.kvCacheBytes = cache->usedBytes();
    return out;
}

} // namespace vlmscope
