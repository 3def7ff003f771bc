#include "core/tokenizer/tokenizer_json_sax.h"

namespace vlmscope {

namespace {

using nlohmann::json;

std::string jsonText(const json& value)
{
    return bareForMessage(value.dump(-1, ' ', true, json::error_handler_t::replace));
}

std::string idRangeText()
{
    return "ids must be whole numbers from 0 to " + std::to_string(TokenizerJson::kMaxTokenId);
}

} // namespace

bool TokenizerJsonSax::badVocabId(const std::string& text)
{
    m_problem = "model.vocab: token " + quotedForMessage(m_vocabToken) + " has id " + text + " (" + idRangeText() + ")";
    return false;
}

bool TokenizerJsonSax::badMerge(const std::string& text)
{
    m_problem = "model.merges entry " + std::to_string(m_out.merges.size()) + " is " + text
        + ", not \"left right\" or [\"left\", \"right\"]";
    return false;
}

bool TokenizerJsonSax::checkMergeForm(MergeForm form, const std::string& text)
{
    if (m_mergeForm == MergeForm::Unknown)
        m_mergeForm = form;
    if (m_mergeForm == form)
        return true;
    m_problem = "model.merges entry " + std::to_string(m_out.merges.size()) + " is " + text + ", but entry 0 is "
        + (m_mergeForm == MergeForm::Strings ? "a \"left right\" string" : "a [\"left\", \"right\"] pair")
        + ": the two forms cannot be mixed";
    return false;
}

bool TokenizerJsonSax::addMerge(std::string&& text)
{
    // Older files write "left right" (exactly one space), newer ones ["left", "right"].
    const std::size_t space = text.find(' ');
    if (space == std::string::npos || text.find(' ', space + 1) != std::string::npos)
        return badMerge(jsonText(json(std::move(text))));
    if (!checkMergeForm(MergeForm::Strings, jsonText(json(text))))
        return false;
    m_out.merges.emplace_back(text.substr(0, space), text.substr(space + 1));
    return true;
}

json* TokenizerJsonSax::place(json&& value)
{
    if (m_stack.empty()) {
        m_root = std::move(value);
        return &m_root;
    }
    json& parent = *m_stack.back();
    if (parent.is_array()) {
        parent.push_back(std::move(value));
        return &parent.back();
    }
    *m_slot = std::move(value);
    return m_slot;
}

bool TokenizerJsonSax::scalar(json&& value, const std::string& text)
{
    switch (m_mode) {
    case Mode::Dom:
        place(std::move(value));
        return true;
    case Mode::Vocab:
        return badVocabId(text);
    case Mode::Merges:
        return badMerge(text);
    case Mode::MergePair:
        return badMerge("[...]");
    }
    return false;
}

bool TokenizerJsonSax::null() { return scalar(json(), "null"); }

bool TokenizerJsonSax::boolean(bool value) { return scalar(json(value), value ? "true" : "false"); }

bool TokenizerJsonSax::number_integer(number_integer_t value)
{
    if (m_mode == Mode::Vocab && value >= 0 && value <= TokenizerJson::kMaxTokenId) {
        m_out.vocab.emplace_back(std::move(m_vocabToken), value);
        return true;
    }
    return scalar(json(value), std::to_string(value));
}

bool TokenizerJsonSax::number_unsigned(number_unsigned_t value)
{
    if (m_mode == Mode::Vocab && value <= static_cast<number_unsigned_t>(TokenizerJson::kMaxTokenId)) {
        m_out.vocab.emplace_back(std::move(m_vocabToken), static_cast<std::int64_t>(value));
        return true;
    }
    return scalar(json(value), std::to_string(value));
}

bool TokenizerJsonSax::number_float(number_float_t value, const string_t& text)
{
    return scalar(json(value), bareForMessage(text));
}

bool TokenizerJsonSax::string(string_t& value)
{
    if (m_mode == Mode::Merges)
        return addMerge(std::move(value));
    if (m_mode == Mode::MergePair) {
        if (m_pair.size() == 2)
            return badMerge("[...]");
        m_pair.push_back(std::move(value));
        return true;
    }
    json item(std::move(value));
    const std::string text = m_mode == Mode::Dom ? std::string() : jsonText(item);
    return scalar(std::move(item), text);
}

bool TokenizerJsonSax::binary(binary_t&) { return false; } // JSON text has no binary values

bool TokenizerJsonSax::startContainer(json&& empty, bool isObject)
{
    if (m_mode == Mode::Vocab)
        return badVocabId(isObject ? "{...}" : "[...]");
    if (m_mode == Mode::MergePair)
        return badMerge("[...]");
    if (m_mode == Mode::Merges) {
        if (isObject)
            return badMerge("{...}");
        if (!checkMergeForm(MergeForm::Pairs, "[...]"))
            return false;
        m_mode = Mode::MergePair;
        m_pair.clear();
        return true;
    }
    if (m_stack.size() >= kMaxNesting) {
        m_problem = "not a tokenizer.json (JSON nested deeper than " + std::to_string(kMaxNesting) + " levels)";
        return false;
    }
    // model.vocab and model.merges stream into m_out; a repeated key replaces, as in a DOM.
    const bool inModel = m_stack.size() == 2 && m_stackKeys[1] == "model" && m_stack[0]->is_object()
        && m_stack[1]->is_object();
    if (inModel && isObject && m_key == "vocab") {
        place(json::object());
        m_out.vocab.clear();
        m_sawVocab = true;
        m_mode = Mode::Vocab;
        return true;
    }
    if (inModel && !isObject && m_key == "merges") {
        place(json::array());
        m_out.merges.clear();
        m_mergeForm = MergeForm::Unknown;
        m_sawMerges = true;
        m_mode = Mode::Merges;
        return true;
    }
    const bool inObject = !m_stack.empty() && m_stack.back()->is_object();
    m_stackKeys.push_back(inObject ? m_key : std::string());
    m_stack.push_back(place(std::move(empty)));
    return true;
}

bool TokenizerJsonSax::start_object(std::size_t) { return startContainer(json::object(), true); }

bool TokenizerJsonSax::start_array(std::size_t) { return startContainer(json::array(), false); }

bool TokenizerJsonSax::key(string_t& value)
{
    if (m_mode == Mode::Vocab) {
        m_vocabToken = std::move(value);
        return true;
    }
    if (m_stack.size() == 1 && value == "model") {
        // A later "model" replaces an earlier one, streamed parts included.
        m_out.vocab.clear();
        m_out.merges.clear();
        m_sawVocab = false;
        m_sawMerges = false;
    }
    m_slot = &(*m_stack.back())[value];
    m_key = std::move(value);
    return true;
}

bool TokenizerJsonSax::end_object()
{
    if (m_mode == Mode::Vocab) {
        m_mode = Mode::Dom;
        return true;
    }
    m_stack.pop_back();
    m_stackKeys.pop_back();
    return true;
}

bool TokenizerJsonSax::end_array()
{
    if (m_mode == Mode::MergePair) {
        if (m_pair.size() != 2)
            return badMerge("[...]");
        m_out.merges.emplace_back(std::move(m_pair[0]), std::move(m_pair[1]));
        m_mode = Mode::Merges;
        return true;
    }
    if (m_mode == Mode::Merges) {
        m_mode = Mode::Dom;
        return true;
    }
    m_stack.pop_back();
    m_stackKeys.pop_back();
    return true;
}

bool TokenizerJsonSax::parse_error(std::size_t position, const std::string&, const nlohmann::detail::exception& error)
{
    m_syntaxErrorAt = position;
    m_numberOverflow = dynamic_cast<const nlohmann::detail::out_of_range*>(&error) != nullptr;
    return false;
}

} // namespace vlmscope
