// The static list of layer scopes of a model (named after state-dict paths), built once
// when the model is built. Profilers and run records refer to scopes by index.
#pragma once

#include <string>
#include <vector>

namespace vlmscope {

// SPEC §3 categories; every measured nanosecond lands in exactly one of them.
enum class ScopeCategory { VisionEncoder, Projector, Attention, Ffn, Norm, Embedding, LmHead, Other };

const char* categoryName(ScopeCategory category);
bool parseCategory(const std::string& name, ScopeCategory* out);
constexpr int kCategoryCount = 8;

struct ScopeInfo {
    std::string name;       // "decoder.blocks.7.attn"
    ScopeCategory category;
    int parent;             // index of the enclosing scope, -1 for a root
    int depth;
};

class ScopeTable {
public:
    int add(std::string name, ScopeCategory category, int parent);
    const ScopeInfo& at(int id) const { return m_scopes[static_cast<std::size_t>(id)]; }
    int size() const { return static_cast<int>(m_scopes.size()); }
    int find(const std::string& name) const;
    const std::vector<ScopeInfo>& scopes() const { return m_scopes; }

private:
    std::vector<ScopeInfo> m_scopes;
};

} // namespace vlmscope
