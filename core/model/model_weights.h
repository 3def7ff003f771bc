// The nanoVLM parameters as plain tensors, one struct per module, named after the
// original state-dict paths. Contiguous; float32, or with the matrices in bfloat16 (see
// weight_precision.h).
#pragma once

#include "core/model/int8_linear.h"
#include "core/model/model_config.h"
#include "core/model/weight_precision.h"

#include <torch/torch.h>

#include <map>
#include <string>
#include <vector>

namespace vlmscope {

struct LinearWeights {
    torch::Tensor weight; // [out, in]; in int8 mode the quantised weight int8 holds
    torch::Tensor bias;   // [out] or undefined
    Int8Packed int8;      // int8 mode only: weight and bias packed for int8Linear,
    torch::Tensor int8Scales; // and the weight's per-row scales in float32 for matVec
};

struct NormWeights {
    torch::Tensor weight;
    torch::Tensor bias; // undefined for RMSNorm
};

struct VitBlockWeights {
    NormWeights ln1, ln2;
    LinearWeights qkv, out, fc1, fc2;
};

struct VisionWeights {
    torch::Tensor patchWeight;       // [D, 3, P, P]
    torch::Tensor patchBias;         // [D]
    torch::Tensor positionEmbedding; // [1, N, D]
    std::vector<VitBlockWeights> blocks;
    NormWeights finalNorm;
};

// The projections that multiply the same input are stacked by rows into one matrix, as the
// loader reads them: q_proj | k_proj | v_proj, and gate_proj | up_proj. Decode then streams
// one matrix per product instead of three or two (a fork/join each), and prefill makes one
// GEMM.
struct LmBlockWeights {
    NormWeights norm1, norm2;
    LinearWeights qkv;    // [(heads + 2 kvHeads) headDim, H]
    LinearWeights out;
    LinearWeights gateUp; // [2 inter, H]
    LinearWeights down;
};

struct DecoderWeights {
    torch::Tensor tokenEmbedding; // [V, H]
    torch::Tensor head;           // [V, H]; the same storage when the weights are tied
    NormWeights finalNorm;
    torch::Tensor invFreq;        // [head_dim / 2]
    std::vector<LmBlockWeights> blocks;
};

struct ModelWeights {
    VisionWeights vision;
    LinearWeights projector;
    DecoderWeights decoder;

    std::int64_t parameterCount() const;
    std::int64_t parameterBytes() const; // as held in memory, in their current precision

    // Of the matrices: Float32, BFloat16 or Int8, as loaded or converted.
    WeightPrecision precision() const;
    // Puts the matrices (linear weights, token embedding, head; a tied head stays tied) in
    // `precision` and everything else in float32. Int8 quantises the linear layers (see
    // int8_linear.h) and keeps the token embedding and head in bfloat16: the head is one
    // matrix-vector product a step, and the embedding is looked up by rows.
    // Norms, biases, the patch embedding and position embeddings stay float32: they are a
    // fraction of a percent of the bytes and the numerically delicate part.
    void convertTo(WeightPrecision precision);

private:
    enum class TensorRole { Matrix, Vector };
    template <typename Weights, typename Visit>
    static void forEachTensor(Weights& weights, Visit&& visit);
    template <typename Weights, typename Visit>
    static void forEachLinear(Weights& weights, Visit&& visit);
};

using StateDict = std::map<std::string, torch::Tensor>;

// Checks names and shapes against the config (strictly, like the original loader) and
// arranges the tensors. `source` names the file in error messages.
ModelWeights weightsFromStateDict(const ModelConfig& config, StateDict stateDict, const std::string& source);

// Deterministic synthetic weights of the right shapes (the built-in models); the matrices in
// `precision`.
ModelWeights syntheticWeights(const ModelConfig& config, std::uint64_t seed,
                              WeightPrecision precision = WeightPrecision::Float32);

// RoPE inverse frequencies exactly as the original computes them in float32.
torch::Tensor ropeInverseFrequencies(const ModelConfig& config);

} // namespace vlmscope
