// The merge table of a BPE model and the merge loop: repeatedly join the adjacent pair
// with the lowest rank (leftmost first on ties) until no adjacent pair has a merge.
#pragma once

#include <cstdint>
#include <optional>
#include <unordered_map>
#include <vector>

namespace vlmscope {

class BpeMerges {
public:
    struct Merge {
        std::int32_t rank;
        std::int32_t result; // id of the joined token
    };

    // Registers left+right -> result with `rank`; a pair given again takes the later entry,
    // as Hugging Face's loader does.
    void add(std::int32_t left, std::int32_t right, std::int32_t rank, std::int32_t result);
    void reserve(std::size_t count) { m_table.reserve(count); }
    std::size_t size() const { return m_table.size(); }

    std::optional<Merge> find(std::int32_t left, std::int32_t right) const;

    // Merges `symbols` (token ids) in place. Picks the cheaper of the two equivalent
    // strategies below by length.
    void apply(std::vector<std::int32_t>& symbols) const;

    // Quadratic scan: fastest for the short pieces that make up almost all text.
    void applyByScan(std::vector<std::int32_t>& symbols) const;
    // Priority queue over a linked list: O(n log n) for long pieces (a megabyte of letters).
    void applyByHeap(std::vector<std::int32_t>& symbols) const;

private:
    static std::uint64_t key(std::int32_t left, std::int32_t right)
    {
        return (static_cast<std::uint64_t>(static_cast<std::uint32_t>(left)) << 32)
            | static_cast<std::uint32_t>(right);
    }

    std::unordered_map<std::uint64_t, Merge> m_table;
};

} // namespace vlmscope
