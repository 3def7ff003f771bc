#include "core/model/nanovlm_model.h"

#include "core/model/cached_attention.h"
#include "core/model/fused_ops.h"
#include "core/model/int8_linear.h"
#include "core/model/matvec.h"
#include "core/util/error.h"

#include <atomic>
#include <cmath>
#include <limits>
#include <optional>
#include <vector>

namespace vlmscope {

namespace {

std::atomic<Float32Gemm> g_float32Gemm{Float32Gemm::OneDnn};

bool useOneDnnForFloat32()
{
    static const bool available = at::hasMKLDNN();
    return available && g_float32Gemm.load(std::memory_order_relaxed) == Float32Gemm::OneDnn;
}

// One-row inputs go through vlmscope's matrix-vector kernels (core/model/matvec.h): decode
// is bandwidth bound and both LibTorch paths waste bandwidth for M = 1 (issue 7); in int8
// mode oneDNN's dynamic int8 product costs 100+ us a call for one row. More rows go through
// oneDNN's GEMM (float32 activations for bf16 matrices are rounded to bf16 there, with the
// result and the bias added back in float32; int8 mode quantises them per call).
torch::Tensor linear(const torch::Tensor& x, const LinearWeights& w)
{
    const bool oneRow = x.dim() == 2 && x.size(0) == 1;
    if (w.int8 && !oneRow)
        return int8Linear(x, w.int8);
    if (oneRow) {
        torch::Tensor y = w.int8 ? matVec(w.weight, w.int8Scales, x) : matVec(w.weight, x);
        if (w.bias.defined())
            y.add_(w.bias);
        return y;
    }
    if (w.weight.scalar_type() == torch::kFloat32) {
        if (useOneDnnForFloat32())
            return at::mkldnn_linear(x.to_mkldnn(), w.weight, w.bias).to_dense();
        return at::linear(x, w.weight, w.bias);
    }
    torch::Tensor y = at::linear(x.to(torch::kBFloat16), w.weight).to(torch::kFloat32);
    if (w.bias.defined())
        y.add_(w.bias);
    return y;
}

// The vision encoder's attention products (196 x 196 x 64 per head on the 222M shape) in
// the precision of its GEMMs: in bf16 mode (and int8 mode, whose GEMMs are coarser still) their
// inputs are rounded to bf16, as the linear layers' are, and oneDNN's bf16 kernel runs them about 3x faster than float32 bmm (6 ms of
// the bf16 TTFT). Scores come back in float32 for the softmax; a product that only feeds a
// bf16 GEMM may stay bf16 (keepGemmPrecision): rounding it now or in that GEMM gives the
// same bits, and it saves two conversions and half the bytes of the reshape between.
torch::Tensor batchedProduct(const torch::Tensor& a, const torch::Tensor& b, WeightPrecision precision,
                             bool keepGemmPrecision = false)
{
    if (precision == WeightPrecision::Float32)
        return at::bmm(a, b);
    const torch::Tensor product = at::bmm(a.to(torch::kBFloat16), b.to(torch::kBFloat16));
    return keepGemmPrecision ? product : product.to(torch::kFloat32);
}

torch::Tensor rotateHalf(const torch::Tensor& x)
{
    const std::int64_t half = x.size(-1) / 2;
    return torch::cat({-x.narrow(-1, half, half), x.narrow(-1, 0, half)}, -1);
}

} // namespace

void setFloat32Gemm(Float32Gemm backend) { g_float32Gemm.store(backend); }
Float32Gemm float32Gemm() { return useOneDnnForFloat32() ? Float32Gemm::OneDnn : Float32Gemm::Blas; }

KvCache::KvCache(std::int64_t blocks, std::int64_t kvHeads, std::int64_t headDim, std::int64_t capacity)
    : m_capacity(capacity)
    , m_bytesPerToken(blocks * 2 * kvHeads * headDim * static_cast<std::int64_t>(sizeof(float)))
{
    for (std::int64_t i = 0; i < blocks; ++i) {
        m_keys.push_back(torch::empty({kvHeads, capacity, headDim}, torch::kFloat32));
        m_values.push_back(torch::empty({kvHeads, capacity, headDim}, torch::kFloat32));
    }
}

std::pair<torch::Tensor, torch::Tensor> KvCache::append(std::int64_t block, std::int64_t position,
                                                        const torch::Tensor& k, const torch::Tensor& v)
{
    const std::int64_t count = k.size(1);
    torch::Tensor& keys = m_keys[static_cast<std::size_t>(block)];
    torch::Tensor& values = m_values[static_cast<std::size_t>(block)];
    keys.narrow(1, position, count).copy_(k);
    values.narrow(1, position, count).copy_(v);
    return {keys.narrow(1, 0, position + count), values.narrow(1, 0, position + count)};
}

std::int64_t KvCache::usedBytes() const { return m_length * m_bytesPerToken; }
std::int64_t KvCache::reservedBytes() const { return m_capacity * m_bytesPerToken; }

NanoVlmModel::NanoVlmModel(ModelConfig config, ModelWeights weights)
    : m_config(std::move(config)), m_weights(std::move(weights))
{
    torch::NoGradGuard noGrad;
    const auto positions = torch::arange(contextLength(), torch::kInt64).to(torch::kFloat32);
    const torch::Tensor freqs = positions.unsqueeze(-1) * m_weights.decoder.invFreq.unsqueeze(0);
    const torch::Tensor angles = torch::cat({freqs, freqs}, -1);
    m_ropeCos = torch::cos(angles) * m_config.lmAttnScaling;
    m_ropeSin = torch::sin(angles) * m_config.lmAttnScaling;
    buildScopes();
}

void NanoVlmModel::buildScopes()
{
    ScopeTable& t = m_scopes;
    m_scope.vision = t.add("vision_encoder", ScopeCategory::VisionEncoder, -1);
    m_scope.patchEmbedding = t.add("vision_encoder.patch_embedding", ScopeCategory::VisionEncoder, m_scope.vision);
    for (std::size_t i = 0; i < m_weights.vision.blocks.size(); ++i) {
        const std::string p = "vision_encoder.blocks." + std::to_string(i);
        VitBlockScopes s{};
        s.block = t.add(p, ScopeCategory::VisionEncoder, m_scope.vision);
        s.ln1 = t.add(p + ".ln1", ScopeCategory::VisionEncoder, s.block);
        s.attn = t.add(p + ".attn", ScopeCategory::VisionEncoder, s.block);
        s.ln2 = t.add(p + ".ln2", ScopeCategory::VisionEncoder, s.block);
        s.mlp = t.add(p + ".mlp", ScopeCategory::VisionEncoder, s.block);
        m_scope.vitBlocks.push_back(s);
    }
    m_scope.vitFinalNorm = t.add("vision_encoder.layer_norm", ScopeCategory::VisionEncoder, m_scope.vision);
    m_scope.projector = t.add("MP", ScopeCategory::Projector, -1);
    m_scope.tokenEmbedding = t.add("decoder.token_embedding", ScopeCategory::Embedding, -1);
    m_scope.decoder = t.add("decoder", ScopeCategory::Other, -1);
    for (std::size_t i = 0; i < m_weights.decoder.blocks.size(); ++i) {
        const std::string p = "decoder.blocks." + std::to_string(i);
        LmBlockScopes s{};
        s.block = t.add(p, ScopeCategory::Other, m_scope.decoder);
        s.norm1 = t.add(p + ".norm1", ScopeCategory::Norm, s.block);
        s.attn = t.add(p + ".attn", ScopeCategory::Attention, s.block);
        s.norm2 = t.add(p + ".norm2", ScopeCategory::Norm, s.block);
        s.mlp = t.add(p + ".mlp", ScopeCategory::Ffn, s.block);
        m_scope.lmBlocks.push_back(s);
    }
    m_scope.lmFinalNorm = t.add("decoder.norm", ScopeCategory::Norm, m_scope.decoder);
    m_scope.head = t.add("decoder.head", ScopeCategory::LmHead, -1);
}

std::int64_t NanoVlmModel::imageTokenId() const
{
    // The extra tokens follow the base vocabulary in config order (<|image|> first).
    std::int64_t index = 0;
    for (const auto& entry : m_config.vlmExtraTokens) {
        if (entry.first == "image_token")
            break;
        ++index;
    }
    return m_config.lmBaseVocabSize.value_or(m_config.lmVocabSize) + index;
}

std::int64_t NanoVlmModel::imageTokensPerView() const
{
    const std::int64_t side = m_config.vitImgSize / m_config.vitPatchSize / m_config.mpPixelShuffleFactor;
    return side * side;
}

torch::Tensor NanoVlmModel::encodeImages(const torch::Tensor& pixels) const
{
    LayerScope scope(m_profiler, m_scope.vision);
    const VisionWeights& w = m_weights.vision;
    torch::Tensor x;
    {
        LayerScope patchScope(m_profiler, m_scope.patchEmbedding);
        x = at::conv2d(pixels, w.patchWeight, w.patchBias, {m_config.vitPatchSize, m_config.vitPatchSize});
        x = x.flatten(2).transpose(1, 2) + w.positionEmbedding; // [V, N, D]
    }
    for (std::size_t i = 0; i < w.blocks.size(); ++i)
        x = vitBlock(w.blocks[i], x, static_cast<int>(i));
    LayerScope normScope(m_profiler, m_scope.vitFinalNorm);
    return at::layer_norm(x, {m_config.vitHiddenDim}, w.finalNorm.weight, w.finalNorm.bias, m_config.vitLnEps);
}

torch::Tensor NanoVlmModel::vitBlock(const VitBlockWeights& w, const torch::Tensor& input, int index) const
{
    const VitBlockScopes& s = m_scope.vitBlocks[static_cast<std::size_t>(index)];
    LayerScope blockScope(m_profiler, s.block);
    const std::int64_t views = input.size(0), n = input.size(1), d = m_config.vitHiddenDim;
    const std::int64_t heads = m_config.vitNHeads, headDim = d / heads;
    const double eps = m_config.vitLnEps;

    torch::Tensor h;
    {
        LayerScope scope(m_profiler, s.ln1);
        h = at::layer_norm(input, {d}, w.ln1.weight, w.ln1.bias, eps);
    }
    torch::Tensor attended;
    {
        LayerScope scope(m_profiler, s.attn);
        const auto qkv = linear(h, w.qkv).split(d, 2);
        auto toHeads = [&](const torch::Tensor& t) {
            return t.reshape({views, n, heads, headDim}).permute({0, 2, 1, 3}).reshape({views * heads, n, headDim});
        };
        const torch::Tensor q = toHeads(qkv[0]), k = toHeads(qkv[1]), v = toHeads(qkv[2]);
        const WeightPrecision precision = m_weights.precision();
        const torch::Tensor scores = batchedProduct(q, k.transpose(1, 2), precision);
        const torch::ScalarType gemmType =
            precision == WeightPrecision::Float32 ? torch::kFloat32 : torch::kBFloat16;
        const torch::Tensor weights = scaledSoftmax(scores, 1.0 / std::sqrt(static_cast<double>(headDim)), gemmType);
        torch::Tensor y = batchedProduct(weights, v, precision, precision == WeightPrecision::BFloat16);
        y = y.view({views, heads, n, headDim}).permute({0, 2, 1, 3}).reshape({views, n, d});
        attended = linear(y, w.out);
    }
    torch::Tensor x = input + attended;
    {
        LayerScope scope(m_profiler, s.ln2);
        h = at::layer_norm(x, {d}, w.ln2.weight, w.ln2.bias, eps);
    }
    LayerScope scope(m_profiler, s.mlp);
    torch::Tensor mlp = geluTanhInPlace(linear(h, w.fc1));
    return x + linear(mlp, w.fc2);
}

torch::Tensor NanoVlmModel::project(const torch::Tensor& visionOut) const
{
    LayerScope scope(m_profiler, m_scope.projector);
    const std::int64_t views = visionOut.size(0), seq = visionOut.size(1), d = visionOut.size(2);
    const std::int64_t s = m_config.mpPixelShuffleFactor;
    const auto side = static_cast<std::int64_t>(std::lround(std::sqrt(static_cast<double>(seq))));
    const std::int64_t out = side / s;
    torch::Tensor x = visionOut.reshape({views, out, s, out, s, d}).permute({0, 1, 3, 2, 4, 5});
    x = x.reshape({views, out * out, d * s * s});
    return linear(x, m_weights.projector);
}

torch::Tensor NanoVlmModel::embedTokens(const torch::Tensor& ids) const
{
    LayerScope scope(m_profiler, m_scope.tokenEmbedding);
    return at::embedding(m_weights.decoder.tokenEmbedding, ids).to(torch::kFloat32);
}

torch::Tensor NanoVlmModel::buildDecoderInput(const torch::Tensor& ids, const torch::Tensor& imageEmbeds) const
{
    torch::Tensor text = embedTokens(ids);
    if (!imageEmbeds.defined())
        return text;
    const torch::Tensor rows = imageEmbeds.reshape({-1, m_config.lmHiddenDim});
    if (m_config.generation == ArchGeneration::V222mEra)
        return torch::cat({rows, text}, 0);

    const torch::Tensor slots = ids.eq(imageTokenId());
    const std::int64_t slotCount = slots.sum().item<std::int64_t>();
    if (slotCount != rows.size(0))
        throw InputError("prompt: it has " + std::to_string(slotCount) + " image-token placeholders but the image gives "
                         + std::to_string(rows.size(0)) + " embeddings");
    text.index_put_({slots}, rows);
    return text;
}

torch::Tensor NanoVlmModel::forwardDecoder(const torch::Tensor& input, std::int64_t start, KvCache* cache) const
{
    LayerScope scope(m_profiler, m_scope.decoder);
    // Without a cache (the no-KV mode re-runs the whole sequence) the fused attention still
    // needs somewhere to put keys and values: a cache that lives for this call.
    std::optional<KvCache> scratch;
    if (!cache && cachedAttentionSupported(m_config.lmHeadDim())) {
        scratch.emplace(makeKvCache(start + input.size(0)));
        cache = &*scratch;
    }
    torch::Tensor x = input;
    for (std::size_t i = 0; i < m_weights.decoder.blocks.size(); ++i)
        x = lmBlock(static_cast<std::int64_t>(i), x, start, cache);
    if (cache)
        cache->setLength(start + input.size(0));
    LayerScope normScope(m_profiler, m_scope.lmFinalNorm);
    return rmsNorm(x, m_weights.decoder.finalNorm.weight, m_config.lmRmsEps);
}

torch::Tensor NanoVlmModel::lmBlock(std::int64_t index, const torch::Tensor& input, std::int64_t start,
                                    KvCache* cache) const
{
    const LmBlockScopes& s = m_scope.lmBlocks[static_cast<std::size_t>(index)];
    const LmBlockWeights& w = m_weights.decoder.blocks[static_cast<std::size_t>(index)];
    LayerScope blockScope(m_profiler, s.block);
    torch::Tensor h;
    {
        LayerScope scope(m_profiler, s.norm1);
        h = rmsNorm(input, w.norm1.weight, m_config.lmRmsEps);
    }
    torch::Tensor x = input + lmAttention(index, h, start, cache);
    {
        LayerScope scope(m_profiler, s.norm2);
        h = rmsNorm(x, w.norm2.weight, m_config.lmRmsEps);
    }
    LayerScope scope(m_profiler, s.mlp);
    const torch::Tensor gated = siluGate(linear(h, w.gateUp));
    return x + linear(gated, w.down);
}

torch::Tensor NanoVlmModel::lmAttention(std::int64_t index, const torch::Tensor& x, std::int64_t start,
                                        KvCache* cache) const
{
    LayerScope scope(m_profiler, m_scope.lmBlocks[static_cast<std::size_t>(index)].attn);
    const LmBlockWeights& w = m_weights.decoder.blocks[static_cast<std::size_t>(index)];
    const torch::Tensor qkv = linear(x, w.qkv); // [T, (heads + 2 kvHeads) headDim]
    const std::int64_t t = x.size(0);
    const torch::Tensor y = cache && cachedAttentionSupported(m_config.lmHeadDim())
                                ? cachedAttention(qkv, m_ropeCos.narrow(0, start, t), m_ropeSin.narrow(0, start, t),
                                                  cache->keys(index), cache->values(index), start, m_config.lmNHeads)
                                : attentionWithOps(qkv, index, start, cache);
    return linear(y, w.out);
}

// Where cachedAttention has no kernel for this CPU or head size.
torch::Tensor NanoVlmModel::attentionWithOps(const torch::Tensor& qkv, std::int64_t index, std::int64_t start,
                                             KvCache* cache) const
{
    const std::int64_t t = qkv.size(0);
    const std::int64_t heads = m_config.lmNHeads, kvHeads = m_config.lmNKvHeads, headDim = m_config.lmHeadDim();
    const std::int64_t groups = heads / kvHeads;

    const torch::Tensor cos = m_ropeCos.narrow(0, start, t);
    const torch::Tensor sin = m_ropeSin.narrow(0, start, t);
    auto rotate = [&](const torch::Tensor& v) { return v * cos + rotateHalf(v) * sin; };
    // Heads [first, first + count) of the stacked projection, as [count, T, headDim].
    auto headsOf = [&](std::int64_t first, std::int64_t count) {
        return qkv.narrow(1, first * headDim, count * headDim).view({t, count, headDim}).transpose(0, 1);
    };
    const torch::Tensor q = rotate(headsOf(0, heads));
    torch::Tensor k = rotate(headsOf(heads, kvHeads));
    torch::Tensor v = headsOf(heads + kvHeads, kvHeads);
    if (cache)
        std::tie(k, v) = cache->append(index, start, k, v);
    const std::int64_t keys = k.size(1);

    // Grouped-query attention without repeating K/V: query head j uses KV head j / groups,
    // so the heads of one group are stacked as extra query rows of that KV head.
    const torch::Tensor grouped = q.reshape({kvHeads, groups * t, headDim});
    torch::Tensor scores = at::bmm(grouped, k.transpose(1, 2)) / std::sqrt(static_cast<double>(headDim));
    if (t > 1) {
        const torch::Tensor queryPos = torch::arange(start, start + t, torch::kInt64).unsqueeze(1);
        const torch::Tensor keyPos = torch::arange(keys, torch::kInt64).unsqueeze(0);
        const torch::Tensor future = keyPos.gt(queryPos); // [t, keys]
        scores = scores.view({kvHeads, groups, t, keys})
                     .masked_fill(future, -std::numeric_limits<float>::infinity())
                     .view({kvHeads, groups * t, keys});
    }
    const torch::Tensor y = at::bmm(scores.softmax(-1), v); // [kvHeads, groups * t, headDim]
    return y.view({heads, t, headDim}).transpose(0, 1).reshape({t, heads * headDim});
}

torch::Tensor NanoVlmModel::lmHead(const torch::Tensor& hidden) const
{
    LayerScope scope(m_profiler, m_scope.head);
    return linear(hidden, LinearWeights{m_weights.decoder.head, {}, {}, {}});
}

KvCache NanoVlmModel::makeKvCache(std::int64_t capacity) const
{
    return KvCache(m_config.lmNBlocks, m_config.lmNKvHeads, m_config.lmHeadDim(), capacity);
}

} // namespace vlmscope
