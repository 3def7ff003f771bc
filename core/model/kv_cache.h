// Per-block key/value cache, pre-allocated to the context length so a decode step writes
// in place instead of concatenating (no per-token reallocation).
#pragma once

#include <torch/torch.h>

#include <vector>

namespace vlmscope {

class KvCache {
public:
    KvCache(std::int64_t blocks, std::int64_t kvHeads, std::int64_t headDim, std::int64_t capacity);

    // Writes k/v [kvHeads, T, headDim] at `position` and returns views of all cached
    // keys/values [kvHeads, position + T, headDim].
    std::pair<torch::Tensor, torch::Tensor> append(std::int64_t block, std::int64_t position, const torch::Tensor& k,
                                                   const torch::Tensor& v);

    // A block's whole cache [kvHeads, capacity, headDim], for kernels that write in place.
    const torch::Tensor& keys(std::int64_t block) const { return m_keys[static_cast<std::size_t>(block)]; }
    const torch::Tensor& values(std::int64_t block) const { return m_values[static_cast<std::size_t>(block)]; }

    void setLength(std::int64_t length) { m_length = length; }
    std::int64_t length() const { return m_length; }
    std::int64_t capacity() const { return m_capacity; }
    // Bytes holding cached tokens (what the cache costs so far), and bytes reserved.
    std::int64_t usedBytes() const;
    std::int64_t reservedBytes() const;

private:
    std::vector<torch::Tensor> m_keys;
    std::vector<torch::Tensor> m_values;
    std::int64_t m_capacity;
    std::int64_t m_length = 0;
    std::int64_t m_bytesPerToken;
};

} // namespace vlmscope
