// The nanoVLM parameters as plain tensors, one struct per module, named after the
// original state-dict paths. Float32, contiguous, on the model's device.
#pragma once

#include "core/model/model_config.h"

#include <torch/torch.h>

#include <map>
#include <string>
#include <vector>

namespace vlmscope {

struct LinearWeights {
    torch::Tensor weight; // [out, in]
    torch::Tensor bias;   // [out] or undefined
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

struct LmBlockWeights {
    NormWeights norm1, norm2;
    LinearWeights q, k, v, out, gate, up, down;
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
    std::int64_t parameterBytes() const;
};

using StateDict = std::map<std::string, torch::Tensor>;

// Checks names and shapes against the config (strictly, like the original loader) and
// arranges the tensors. `source` names the file in error messages.
ModelWeights weightsFromStateDict(const ModelConfig& config, StateDict stateDict, const std::string& source);

// Deterministic synthetic weights of the right shapes (the built-in models).
ModelWeights syntheticWeights(const ModelConfig& config, std::uint64_t seed);

// RoPE inverse frequencies exactly as the original computes them in float32.
torch::Tensor ropeInverseFrequencies(const ModelConfig& config);

} // namespace vlmscope
