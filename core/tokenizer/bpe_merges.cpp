#include "core/tokenizer/bpe_merges.h"

#include <limits>
#include <queue>

namespace vlmscope {

namespace {

// Below this length the scan beats the heap's bookkeeping and allocations.
constexpr std::size_t kScanMaxSymbols = 48;

} // namespace

void BpeMerges::add(std::int32_t left, std::int32_t right, std::int32_t rank, std::int32_t result)
{
    m_table.insert_or_assign(key(left, right), Merge{rank, result});
}

std::optional<BpeMerges::Merge> BpeMerges::find(std::int32_t left, std::int32_t right) const
{
    const auto it = m_table.find(key(left, right));
    if (it == m_table.end())
        return std::nullopt;
    return it->second;
}

void BpeMerges::apply(std::vector<std::int32_t>& symbols) const
{
    if (symbols.size() <= kScanMaxSymbols)
        applyByScan(symbols);
    else
        applyByHeap(symbols);
}

void BpeMerges::applyByScan(std::vector<std::int32_t>& symbols) const
{
    while (symbols.size() > 1) {
        std::int32_t bestRank = std::numeric_limits<std::int32_t>::max();
        std::size_t best = 0;
        std::int32_t bestResult = -1;
        for (std::size_t i = 0; i + 1 < symbols.size(); ++i) {
            const auto it = m_table.find(key(symbols[i], symbols[i + 1]));
            if (it != m_table.end() && it->second.rank < bestRank) {
                bestRank = it->second.rank;
                best = i;
                bestResult = it->second.result;
            }
        }
        if (bestResult < 0)
            return;
        symbols[best] = bestResult;
        symbols.erase(symbols.begin() + static_cast<std::ptrdiff_t>(best) + 1);
    }
}

void BpeMerges::applyByHeap(std::vector<std::int32_t>& symbols) const
{
    const std::size_t n = symbols.size();
    if (n < 2)
        return;
    constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();
    std::vector<std::size_t> prev(n);
    std::vector<std::size_t> next(n);
    std::vector<bool> alive(n, true);
    for (std::size_t i = 0; i < n; ++i) {
        prev[i] = i == 0 ? kNone : i - 1;
        next[i] = i + 1 == n ? kNone : i + 1;
    }

    // Candidates ordered by (rank, position): positions keep their left-to-right order
    // through merges, so the smallest position is the leftmost pair.
    struct Candidate {
        std::int32_t rank;
        std::size_t pos;
        std::int32_t left;
        std::int32_t right;
        bool operator>(const Candidate& o) const { return rank != o.rank ? rank > o.rank : pos > o.pos; }
    };
    std::priority_queue<Candidate, std::vector<Candidate>, std::greater<>> queue;
    const auto push = [&](std::size_t pos) {
        if (pos == kNone || next[pos] == kNone)
            return;
        const auto it = m_table.find(key(symbols[pos], symbols[next[pos]]));
        if (it != m_table.end())
            queue.push({it->second.rank, pos, symbols[pos], symbols[next[pos]]});
    };
    for (std::size_t i = 0; i + 1 < n; ++i)
        push(i);

    while (!queue.empty()) {
        const Candidate top = queue.top();
        queue.pop();
        const std::size_t right = next[top.pos];
        // Stale entries: either side was merged away or changed since it was queued.
        if (!alive[top.pos] || right == kNone || symbols[top.pos] != top.left || symbols[right] != top.right)
            continue;
        symbols[top.pos] = m_table.find(key(top.left, top.right))->second.result;
        alive[right] = false;
        next[top.pos] = next[right];
        if (next[right] != kNone)
            prev[next[right]] = top.pos;
        push(prev[top.pos]);
        push(top.pos);
    }

    std::size_t out = 0;
    for (std::size_t i = 0; i < n; ++i) {
        if (alive[i])
            symbols[out++] = symbols[i];
    }
    symbols.resize(out);
}

} // namespace vlmscope
