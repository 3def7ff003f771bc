// nanoVLM forward passes in LibTorch: ViT, modality projector and language model, for both
// architecture generations. Batch size 1 throughout; tensors drop the batch dimension.
// Every module forward opens a LayerScope named after its state-dict path.
#pragma once

#include "core/model/kv_cache.h"
#include "core/model/model_config.h"
#include "core/model/model_weights.h"
#include "core/profiling/scope_profiler.h"
#include "core/profiling/scope_table.h"

namespace vlmscope {

// Who multiplies float32 matrices with more than one row (vision encoder, projector,
// prefill): oneDNN (LibTorch's mkldnn, the default where LibTorch has it) or the BLAS
// LibTorch links. Process-wide; the benchmark switches it to measure the difference.
enum class Float32Gemm { OneDnn, Blas };
void setFloat32Gemm(Float32Gemm backend);
Float32Gemm float32Gemm(); // what is in effect (Blas when LibTorch lacks oneDNN)

class NanoVlmModel {
public:
    NanoVlmModel(ModelConfig config, ModelWeights weights);

    const ModelConfig& config() const { return m_config; }
    const ModelWeights& weights() const { return m_weights; }
    WeightPrecision precision() const { return m_weights.precision(); }
    const ScopeTable& scopes() const { return m_scopes; }

    // Not owned; null (the default) turns layer timing off.
    void setProfiler(ScopeProfiler* profiler) { m_profiler = profiler; }

    // pixels [views, 3, S, S] -> [views, patches, vit_hidden]
    torch::Tensor encodeImages(const torch::Tensor& pixels) const;
    // [views, patches, vit_hidden] -> [views, image_tokens, lm_hidden]
    torch::Tensor project(const torch::Tensor& visionOut) const;
    // ids [T] -> [T, lm_hidden]
    torch::Tensor embedTokens(const torch::Tensor& ids) const;
    // What the decoder sees for a prompt: image rows prepended (222M era) or written over
    // the image-token placeholders (current nanoVLM). imageEmbeds [views, tokens, H].
    torch::Tensor buildDecoderInput(const torch::Tensor& ids, const torch::Tensor& imageEmbeds) const;
    // x [T, H] at positions start..start+T-1 -> final-normed hidden states [T, H]. With a
    // cache, K/V are written into it; without, the call must cover the whole sequence.
    torch::Tensor forwardDecoder(const torch::Tensor& x, std::int64_t start, KvCache* cache) const;
    // hidden [1, H] -> logits [1, V]
    torch::Tensor lmHead(const torch::Tensor& hidden) const;

    KvCache makeKvCache(std::int64_t capacity) const;
    std::int64_t contextLength() const { return m_config.lmMaxPositionEmbeddings; }
    // Decoder positions one image view occupies.
    std::int64_t imageTokensPerView() const;
    // The <|image|> placeholder id of the current generation.
    std::int64_t imageTokenId() const;

private:
    torch::Tensor vitBlock(const VitBlockWeights& w, const torch::Tensor& x, int scopeBase) const;
    torch::Tensor lmBlock(std::int64_t index, const torch::Tensor& x, std::int64_t start, KvCache* cache) const;
    torch::Tensor lmAttention(std::int64_t index, const torch::Tensor& x, std::int64_t start, KvCache* cache) const;
    void buildScopes();
    torch::Tensor attentionWithOps(const torch::Tensor& qkv, std::int64_t index, std::int64_t start,
                                   KvCache* cache) const;

    ModelConfig m_config;
    ModelWeights m_weights;
    ScopeTable m_scopes;
    ScopeProfiler* m_profiler = nullptr;
    torch::Tensor m_ropeCos; // [context, head_dim], attention scaling applied
    torch::Tensor m_ropeSin;

    struct VitBlockScopes { int block, ln1, attn, ln2, mlp; };
    struct LmBlockScopes { int block, norm1, attn, norm2, mlp; };
    struct Scopes {
        int vision = -1, patchEmbedding = -1, vitFinalNorm = -1, projector = -1;
        int decoder = -1, tokenEmbedding = -1, lmFinalNorm = -1, head = -1;
        std::vector<VitBlockScopes> vitBlocks;
        std::vector<LmBlockScopes> lmBlocks;
    } m_scope;
};

} // namespace vlmscope
