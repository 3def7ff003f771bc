#include "core/profiling/scope_table.h"

#include <array>

namespace vlmscope {

namespace {
constexpr std::array<const char*, kCategoryCount> kCategoryNames = {
    "vision_encoder", "projector", "attention", "ffn", "norm", "embedding", "lm_head", "other"};
}

const char* categoryName(ScopeCategory category)
{
    return kCategoryNames[static_cast<std::size_t>(category)];
}

bool parseCategory(const std::string& name, ScopeCategory* out)
{
    for (std::size_t i = 0; i < kCategoryNames.size(); ++i) {
        if (name == kCategoryNames[i]) {
            *out = static_cast<ScopeCategory>(i);
            return true;
        }
    }
    return false;
}

int ScopeTable::add(std::string name, ScopeCategory category, int parent)
{
    const int depth = parent < 0 ? 0 : at(parent).depth + 1;
    m_scopes.push_back({std::move(name), category, parent, depth});
    return size() - 1;
}

int ScopeTable::find(const std::string& name) const
{
    for (int i = 0; i < size(); ++i) {
        if (m_scopes[static_cast<std::size_t>(i)].name == name)
            return i;
    }
    return -1;
}

} // namespace vlmscope
