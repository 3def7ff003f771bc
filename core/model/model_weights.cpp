#include "core/model/model_weights.h"

#include "core/util/error.h"

#include <set>
#include <sstream>

namespace vlmscope {

namespace {

std::string shapeText(at::IntArrayRef shape)
{
    std::ostringstream out;
    out << '[';
    for (std::size_t i = 0; i < shape.size(); ++i)
        out << (i ? ", " : "") << shape[i];
    out << ']';
    return out.str();
}

// Hands out state-dict entries by name with shape checks, and remembers what was used so
// that leftovers can be reported the way the original's strict loader does.
class StateDictTaker {
public:
    StateDictTaker(StateDict dict, std::string source) : m_dict(std::move(dict)), m_source(std::move(source)) {}

    torch::Tensor take(const std::string& name, std::vector<std::int64_t> shape)
    {
        auto it = m_dict.find(name);
        if (it == m_dict.end())
            throw InputError(m_source + ": tensor '" + name + "' is missing (expected shape " + shapeText(shape) + ")");
        if (it->second.sizes() != at::IntArrayRef(shape))
            throw InputError(m_source + ": tensor '" + name + "' has shape " + shapeText(it->second.sizes())
                             + ", expected " + shapeText(shape) + " from config.json");
        // bfloat16 matrices stay as they were loaded (see WeightPrecision); the rest is float32.
        const bool keep = it->second.scalar_type() == torch::kBFloat16 && shape.size() == 2;
        torch::Tensor tensor = (keep ? it->second : it->second.to(torch::kFloat32)).contiguous();
        m_dict.erase(it);
        return tensor;
    }

    bool has(const std::string& name) const { return m_dict.count(name) > 0; }

    void erase(const std::string& name) { m_dict.erase(name); }

    void requireEmpty() const
    {
        if (m_dict.empty())
            return;
        std::string names;
        int listed = 0;
        for (const auto& entry : m_dict) {
            if (listed++ == 3) {
                names += ", ...";
                break;
            }
            names += (names.empty() ? "'" : ", '") + entry.first + "'";
        }
        throw InputError(m_source + ": " + std::to_string(m_dict.size())
                         + " unexpected tensor(s) for this config: " + names);
    }

private:
    StateDict m_dict;
    std::string m_source;
};

LinearWeights takeLinear(StateDictTaker& sd, const std::string& prefix, std::int64_t out, std::int64_t in, bool bias)
{
    LinearWeights linear;
    linear.weight = sd.take(prefix + ".weight", {out, in});
    if (bias)
        linear.bias = sd.take(prefix + ".bias", {out});
    return linear;
}

// One matrix holding the parts' rows in order (their biases likewise: all parts have one or
// none, as the loader asks).
LinearWeights stackRows(std::vector<LinearWeights> parts)
{
    std::vector<torch::Tensor> weights, biases;
    for (LinearWeights& part : parts) {
        weights.push_back(std::move(part.weight));
        if (part.bias.defined())
            biases.push_back(std::move(part.bias));
    }
    return {torch::cat(weights), biases.empty() ? torch::Tensor() : torch::cat(biases), {}, {}};
}

NormWeights takeNorm(StateDictTaker& sd, const std::string& prefix, std::int64_t dim, bool bias)
{
    NormWeights norm;
    norm.weight = sd.take(prefix + ".weight", {dim});
    if (bias)
        norm.bias = sd.take(prefix + ".bias", {dim});
    return norm;
}

VisionWeights takeVision(StateDictTaker& sd, const ModelConfig& c)
{
    const std::int64_t d = c.vitHiddenDim;
    VisionWeights vision;
    vision.patchWeight = sd.take("vision_encoder.patch_embedding.conv.weight", {d, 3, c.vitPatchSize, c.vitPatchSize});
    vision.patchBias = sd.take("vision_encoder.patch_embedding.conv.bias", {d});
    vision.positionEmbedding = sd.take("vision_encoder.patch_embedding.position_embedding", {1, c.vitNumPatches(), d});
    for (std::int64_t i = 0; i < c.vitNBlocks; ++i) {
        const std::string p = "vision_encoder.blocks." + std::to_string(i);
        VitBlockWeights block;
        block.ln1 = takeNorm(sd, p + ".ln1", d, true);
        block.ln2 = takeNorm(sd, p + ".ln2", d, true);
        block.qkv = takeLinear(sd, p + ".attn.qkv_proj", 3 * d, d, true);
        block.out = takeLinear(sd, p + ".attn.out_proj", d, d, true);
        block.fc1 = takeLinear(sd, p + ".mlp.fc1", c.vitInterDim, d, true);
        block.fc2 = takeLinear(sd, p + ".mlp.fc2", d, c.vitInterDim, true);
        vision.blocks.push_back(std::move(block));
    }
    vision.finalNorm = takeNorm(sd, "vision_encoder.layer_norm", d, true);
    return vision;
}

DecoderWeights takeDecoder(StateDictTaker& sd, const ModelConfig& c)
{
    const std::int64_t h = c.lmHiddenDim;
    const std::int64_t kv = c.lmNKvHeads * c.lmHeadDim();
    DecoderWeights decoder;
    // A tied head is stored under one of its two names (HF keeps the smallest name).
    const std::string embedName = "decoder.token_embedding.weight";
    const std::string headName = "decoder.head.weight";
    if (c.lmTieWeights) {
        const bool hasEmbed = sd.has(embedName);
        const bool hasHead = sd.has(headName);
        if (hasEmbed && hasHead) {
            decoder.tokenEmbedding = sd.take(embedName, {c.lmVocabSize, h});
            torch::Tensor head = sd.take(headName, {c.lmVocabSize, h});
            if (!torch::equal(head, decoder.tokenEmbedding))
                throw InputError(std::string("model.safetensors: lm_tie_weights is true but '") + embedName + "' and '"
                                 + headName + "' differ");
        } else {
            decoder.tokenEmbedding = sd.take(hasHead ? headName : embedName, {c.lmVocabSize, h});
        }
        decoder.head = decoder.tokenEmbedding;
    } else {
        decoder.tokenEmbedding = sd.take(embedName, {c.lmVocabSize, h});
        decoder.head = sd.take(headName, {c.lmVocabSize, h});
    }
    for (std::int64_t i = 0; i < c.lmNBlocks; ++i) {
        const std::string p = "decoder.blocks." + std::to_string(i);
        LmBlockWeights block;
        block.norm1 = takeNorm(sd, p + ".norm1", h, false);
        block.norm2 = takeNorm(sd, p + ".norm2", h, false);
        block.qkv = stackRows({takeLinear(sd, p + ".attn.q_proj", h, h, false),
                               takeLinear(sd, p + ".attn.k_proj", kv, h, false),
                               takeLinear(sd, p + ".attn.v_proj", kv, h, false)});
        block.out = takeLinear(sd, p + ".attn.out_proj", h, h, false);
        block.gateUp = stackRows({takeLinear(sd, p + ".mlp.gate_proj", c.lmInterDim, h, false),
                                  takeLinear(sd, p + ".mlp.up_proj", c.lmInterDim, h, false)});
        block.down = takeLinear(sd, p + ".mlp.down_proj", h, c.lmInterDim, false);
        decoder.blocks.push_back(std::move(block));
    }
    decoder.finalNorm = takeNorm(sd, "decoder.norm", h, false);
    // A persistent buffer in the original; identical to what we compute, so prefer the file's.
    const std::string invFreqName = "decoder.rotary_embd.inv_freq";
    decoder.invFreq = sd.has(invFreqName) ? sd.take(invFreqName, {c.lmHeadDim() / 2}) : ropeInverseFrequencies(c);
    return decoder;
}

} // namespace

template <typename Weights, typename Visit>
void ModelWeights::forEachLinear(Weights& w, Visit&& visit)
{
    for (auto& b : w.vision.blocks)
        for (auto* l : {&b.qkv, &b.out, &b.fc1, &b.fc2})
            visit(*l);
    visit(w.projector);
    for (auto& b : w.decoder.blocks)
        for (auto* l : {&b.qkv, &b.out, &b.gateUp, &b.down})
            visit(*l);
}

template <typename Weights, typename Visit>
void ModelWeights::forEachTensor(Weights& w, Visit&& visit)
{
    auto norm = [&visit](auto& n) {
        visit(n.weight, TensorRole::Vector);
        visit(n.bias, TensorRole::Vector);
    };
    visit(w.vision.patchWeight, TensorRole::Vector);
    visit(w.vision.patchBias, TensorRole::Vector);
    visit(w.vision.positionEmbedding, TensorRole::Vector);
    for (auto& b : w.vision.blocks) {
        norm(b.ln1);
        norm(b.ln2);
    }
    norm(w.vision.finalNorm);
    visit(w.decoder.tokenEmbedding, TensorRole::Matrix);
    if (!w.decoder.head.is_same(w.decoder.tokenEmbedding))
        visit(w.decoder.head, TensorRole::Matrix);
    norm(w.decoder.finalNorm);
    for (auto& b : w.decoder.blocks) {
        norm(b.norm1);
        norm(b.norm2);
    }
    forEachLinear(w, [&visit](auto& l) {
        visit(l.weight, TensorRole::Matrix);
        visit(l.bias, TensorRole::Vector);
    });
}

std::int64_t ModelWeights::parameterCount() const
{
    std::int64_t count = 0;
    forEachTensor(*this, [&count](const torch::Tensor& t, TensorRole) {
        if (t.defined())
            count += t.numel();
    });
    return count;
}

std::int64_t ModelWeights::parameterBytes() const
{
    std::int64_t bytes = 0;
    forEachTensor(*this, [&bytes](const torch::Tensor& t, TensorRole) {
        if (t.defined())
            bytes += t.numel() * static_cast<std::int64_t>(t.element_size());
    });
    return bytes;
}

WeightPrecision ModelWeights::precision() const
{
    if (projector.int8)
        return WeightPrecision::Int8;
    return decoder.tokenEmbedding.scalar_type() == torch::kBFloat16 ? WeightPrecision::BFloat16
                                                                    : WeightPrecision::Float32;
}

void ModelWeights::convertTo(WeightPrecision target)
{
    const torch::ScalarType matrixType = target == WeightPrecision::Float32 ? torch::kFloat32 : torch::kBFloat16;
    const bool tied = decoder.head.is_same(decoder.tokenEmbedding);
    // Each linear layer is quantised, or its int8 pack dropped, before the next one: the old
    // copy is freed before the next one is made.
    forEachLinear(*this, [target](LinearWeights& l) {
        if (target == WeightPrecision::Int8 && !l.int8) {
            l.int8 = packInt8(l.weight, l.bias);
            l.weight = int8Weight(l.int8);
            l.int8Scales = l.weight.q_per_channel_scales().to(torch::kFloat32);
        } else if (target != WeightPrecision::Int8 && l.int8) {
            l.weight = l.weight.dequantize();
            l.int8.reset();
            l.int8Scales = torch::Tensor();
        }
    });
    // The same for every other tensor (a no-op when it already has its type).
    forEachTensor(*this, [matrixType](torch::Tensor& t, TensorRole role) {
        if (t.defined() && !t.is_quantized())
            t = t.to(role == TensorRole::Matrix ? matrixType : torch::kFloat32).contiguous();
    });
    if (tied)
        decoder.head = decoder.tokenEmbedding;
}

torch::Tensor ropeInverseFrequencies(const ModelConfig& config)
{
    const std::int64_t dim = config.lmHeadDim();
    torch::Tensor exponent = torch::arange(0, dim, 2, torch::kInt64).to(torch::kFloat32) / static_cast<float>(dim);
    return 1.0 / torch::pow(static_cast<double>(config.lmReBase), exponent);
}

ModelWeights weightsFromStateDict(const ModelConfig& config, StateDict stateDict, const std::string& source)
{
    if (config.vitClsFlag)
        throw InputError(source + ": vit_cls_flag=true is not supported (the projector needs a square patch grid)");
    StateDictTaker sd(std::move(stateDict), source);
    ModelWeights weights;
    weights.vision = takeVision(sd, config);
    weights.projector = takeLinear(sd, "MP.proj", config.lmHiddenDim,
                                   config.vitHiddenDim * config.mpPixelShuffleFactor * config.mpPixelShuffleFactor, false);
    weights.decoder = takeDecoder(sd, config);
    sd.requireEmpty();
    return weights;
}

ModelWeights syntheticWeights(const ModelConfig& config, std::uint64_t seed, WeightPrecision precision)
{
    // Shapes come from the real parameter list, so the synthetic model can never drift
    // from what a checkpoint must hold. Values: N(0, 0.02) like the original init, norms 1,
    // biases 0 — timing-faithful; the text it produces means nothing.
    torch::NoGradGuard noGrad;
    auto generator = at::detail::createCPUGenerator(seed);
    StateDict dict;
    // Matrices drawn in float32 and rounded one by one: the bf16 model holds exactly the
    // float32 model's values rounded, without ever holding the float32 model.
    auto normal = [&](std::vector<std::int64_t> shape, double std) {
        torch::Tensor values = torch::empty(shape, torch::kFloat32).normal_(0.0, std, generator);
        if (precision == WeightPrecision::BFloat16 && shape.size() == 2)
            values = values.to(torch::kBFloat16);
        return values;
    };
    auto ones = [](std::int64_t n) { return torch::ones({n}, torch::kFloat32); };
    auto zeros = [](std::int64_t n) { return torch::zeros({n}, torch::kFloat32); };
    const ModelConfig& c = config;
    const std::int64_t d = c.vitHiddenDim, h = c.lmHiddenDim, kv = c.lmNKvHeads * c.lmHeadDim();

    dict["vision_encoder.patch_embedding.conv.weight"] = normal({d, 3, c.vitPatchSize, c.vitPatchSize}, 0.02);
    dict["vision_encoder.patch_embedding.conv.bias"] = zeros(d);
    dict["vision_encoder.patch_embedding.position_embedding"] = normal({1, c.vitNumPatches(), d}, 0.02);
    for (std::int64_t i = 0; i < c.vitNBlocks; ++i) {
        const std::string p = "vision_encoder.blocks." + std::to_string(i);
        for (const char* ln : {".ln1", ".ln2"}) {
            dict[p + ln + ".weight"] = ones(d);
            dict[p + ln + ".bias"] = zeros(d);
        }
        dict[p + ".attn.qkv_proj.weight"] = normal({3 * d, d}, 0.02);
        dict[p + ".attn.qkv_proj.bias"] = zeros(3 * d);
        dict[p + ".attn.out_proj.weight"] = normal({d, d}, 0.02);
        dict[p + ".attn.out_proj.bias"] = zeros(d);
        dict[p + ".mlp.fc1.weight"] = normal({c.vitInterDim, d}, 0.02);
        dict[p + ".mlp.fc1.bias"] = zeros(c.vitInterDim);
        dict[p + ".mlp.fc2.weight"] = normal({d, c.vitInterDim}, 0.02);
        dict[p + ".mlp.fc2.bias"] = zeros(d);
    }
    dict["vision_encoder.layer_norm.weight"] = ones(d);
    dict["vision_encoder.layer_norm.bias"] = zeros(d);
    dict["MP.proj.weight"] = normal({h, d * c.mpPixelShuffleFactor * c.mpPixelShuffleFactor}, 0.02);
    dict["decoder.token_embedding.weight"] = normal({c.lmVocabSize, h}, 0.02);
    if (!c.lmTieWeights)
        dict["decoder.head.weight"] = normal({c.lmVocabSize, h}, 0.02);
    for (std::int64_t i = 0; i < c.lmNBlocks; ++i) {
        const std::string p = "decoder.blocks." + std::to_string(i);
        dict[p + ".norm1.weight"] = ones(h);
        dict[p + ".norm2.weight"] = ones(h);
        dict[p + ".attn.q_proj.weight"] = normal({h, h}, 0.02);
        dict[p + ".attn.k_proj.weight"] = normal({kv, h}, 0.02);
        dict[p + ".attn.v_proj.weight"] = normal({kv, h}, 0.02);
        dict[p + ".attn.out_proj.weight"] = normal({h, h}, 0.02);
        dict[p + ".mlp.gate_proj.weight"] = normal({c.lmInterDim, h}, 0.02);
        dict[p + ".mlp.up_proj.weight"] = normal({c.lmInterDim, h}, 0.02);
        dict[p + ".mlp.down_proj.weight"] = normal({h, c.lmInterDim}, 0.02);
    }
    dict["decoder.norm.weight"] = ones(h);
    return weightsFromStateDict(config, std::move(dict), "built-in model");
}

} // namespace vlmscope
