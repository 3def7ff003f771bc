#include "core/tokenizer/tokenizer_json.h"

#include "core/tokenizer/tokenizer_json_sax.h"
#include "core/util/error.h"

#include <nlohmann/json.hpp>

namespace vlmscope {

namespace {

using nlohmann::json;

const char* const kWhatWeRead = "vlmscope reads byte-level BPE tokenizers such as SmolLM2's";

[[noreturn]] void fail(const std::string& source, const std::string& problem)
{
    throw InputError(source + ": " + problem);
}

// JSON text shows its own type (3, "3", [..]), so it is not quoted again.
std::string valueForMessage(const json& value)
{
    return bareForMessage(value.dump(-1, ' ', true, json::error_handler_t::replace));
}

const json* member(const json& object, const char* key)
{
    if (!object.is_object())
        return nullptr;
    const auto it = object.find(key);
    return it == object.end() ? nullptr : &*it;
}

bool isNull(const json* value) { return value == nullptr || value->is_null(); }

bool boolMember(const json& object, const char* key, bool fallback, const std::string& source,
                const std::string& where)
{
    const json* value = member(object, key);
    if (isNull(value))
        return fallback;
    if (!value->is_boolean())
        fail(source, where + "." + key + " must be true or false, not " + valueForMessage(*value));
    return value->get<bool>();
}

std::string typeOf(const json& object)
{
    const json* type = member(object, "type");
    return type != nullptr && type->is_string() ? type->get<std::string>() : std::string();
}

// A token id in [0, kMaxTokenId], or -1.
std::int64_t tokenIdValue(const json& value)
{
    if (value.is_number_unsigned()) {
        const auto id = value.get<std::uint64_t>();
        return id <= static_cast<std::uint64_t>(TokenizerJson::kMaxTokenId) ? static_cast<std::int64_t>(id) : -1;
    }
    if (value.is_number_integer()) {
        const auto id = value.get<std::int64_t>();
        return id >= 0 && id <= TokenizerJson::kMaxTokenId ? id : -1;
    }
    return -1;
}

std::string idRangeText()
{
    return "ids must be whole numbers from 0 to " + std::to_string(TokenizerJson::kMaxTokenId);
}

std::string positionText(std::string_view text, std::size_t offset)
{
    std::size_t line = 1;
    std::size_t column = 1;
    for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
        if (text[i] == '\n') {
            ++line;
            column = 1;
        } else {
            ++column;
        }
    }
    return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

// Streams the file through TokenizerJsonSax; returns the small DOM of everything else.
json parseJson(std::string_view text, const std::string& source, TokenizerJson& out, bool& sawVocab, bool& sawMerges)
{
    TokenizerJsonSax sax(out);
    const bool complete = json::sax_parse(text.begin(), text.end(), &sax);
    if (sax.problem())
        fail(source, *sax.problem());
    if (sax.syntaxErrorAt()) {
        // The position counts from 1 and runs one past the end when the input stops early.
        const std::size_t at = *sax.syntaxErrorAt();
        if (sax.numberOverflow())
            fail(source, "not valid JSON (number out of range at " + positionText(text, at - 1) + ")");
        if (at > text.size())
            fail(source, text.find_first_not_of(" \t\r\n") == std::string_view::npos
                             ? std::string("not valid JSON (the file is empty)")
                             : "not valid JSON (it ends early, at byte " + std::to_string(text.size())
                                   + ": truncated file?)");
        fail(source, "not valid JSON (syntax error at " + positionText(text, at > 0 ? at - 1 : 0) + ")");
    }
    if (!complete)
        fail(source, "not valid JSON");
    sawVocab = sax.sawVocab();
    sawMerges = sax.sawMerges();
    return sax.root();
}

void readModelOptions(const json& model, const std::string& source, TokenizerJson& out)
{
    const json* type = member(model, "type");
    if (type != nullptr && typeOf(model) != "BPE")
        fail(source, "model type " + (type->is_string() ? quotedForMessage(typeOf(model)) : valueForMessage(*type))
                         + " is not supported (" + kWhatWeRead + ")");
    for (const char* key : {"continuing_subword_prefix", "end_of_word_suffix"}) {
        const json* value = member(model, key);
        if (!isNull(value) && !(value->is_string() && value->get_ref<const std::string&>().empty()))
            fail(source, std::string("model.") + key + " is not supported (" + kWhatWeRead + ")");
    }
    const json* dropout = member(model, "dropout");
    if (!isNull(dropout) && !(dropout->is_number() && dropout->get<double>() == 0.0))
        fail(source,
             "model.dropout " + valueForMessage(*dropout) + " is not supported (encoding must be deterministic)");
    if (boolMember(model, "byte_fallback", false, source, "model"))
        fail(source, std::string("model.byte_fallback is not supported (") + kWhatWeRead + ")");
    out.fuseUnk = boolMember(model, "fuse_unk", false, source, "model");
    out.ignoreMerges = boolMember(model, "ignore_merges", false, source, "model");
    const json* unk = member(model, "unk_token");
    if (!isNull(unk)) {
        if (!unk->is_string())
            fail(source, "model.unk_token must be a string or null, not " + valueForMessage(*unk));
        out.unkToken = unk->get<std::string>();
    }
}

void readAddedTokens(const json& root, const std::string& source, TokenizerJson& out)
{
    const json* added = member(root, "added_tokens");
    if (isNull(added))
        return;
    if (!added->is_array())
        fail(source, "added_tokens must be an array, not " + valueForMessage(*added));
    for (std::size_t i = 0; i < added->size(); ++i) {
        const json& entry = (*added)[i];
        const std::string where = "added_tokens[" + std::to_string(i) + "]";
        const json* id = member(entry, "id");
        const json* content = member(entry, "content");
        if (id == nullptr || tokenIdValue(*id) < 0)
            fail(source, where + " has no valid id (" + idRangeText() + ")");
        if (content == nullptr || !content->is_string() || content->get_ref<const std::string&>().empty())
            fail(source, where + " has no content (a non-empty string)");
        for (const char* flag : {"lstrip", "rstrip", "single_word"}) {
            if (boolMember(entry, flag, false, source, where))
                fail(source, where + " " + quotedForMessage(content->get_ref<const std::string&>()) + ": " + flag
                                 + "=true is not supported");
        }
        AddedTokenEntry token;
        token.id = tokenIdValue(*id);
        token.content = content->get<std::string>();
        token.special = boolMember(entry, "special", false, source, where);
        token.normalized = boolMember(entry, "normalized", !token.special, source, where);
        out.addedTokens.push_back(std::move(token));
    }
}

void readPreTokenizerStep(const json& step, const std::string& source, bool& sawByteLevel, PreTokenizerOptions& options)
{
    const std::string type = typeOf(step);
    if (sawByteLevel)
        fail(source, "pre_tokenizer: a " + quotedForMessage(type) + " step after ByteLevel is not supported");
    if (type == "Digits" && !options.splitDigits) {
        options.splitDigits = true;
        options.individualDigits = boolMember(step, "individual_digits", false, source, "pre_tokenizer.Digits");
    } else if (type == "ByteLevel") {
        // Hugging Face's default is add_prefix_space=true, so a missing flag means true.
        if (boolMember(step, "add_prefix_space", true, source, "pre_tokenizer.ByteLevel"))
            fail(source, "pre_tokenizer ByteLevel with add_prefix_space=true is not supported");
        options.useRegex = boolMember(step, "use_regex", true, source, "pre_tokenizer.ByteLevel");
        sawByteLevel = true;
    } else {
        fail(source, "pre_tokenizer step " + (type.empty() ? valueForMessage(step) : quotedForMessage(type))
                         + " is not supported (" + kWhatWeRead + ")");
    }
}

PreTokenizerOptions readPreTokenizer(const json& root, const std::string& source)
{
    const json* pre = member(root, "pre_tokenizer");
    if (isNull(pre))
        fail(source, std::string("pre_tokenizer is missing: not a byte-level BPE tokenizer (") + kWhatWeRead + ")");
    PreTokenizerOptions options;
    bool sawByteLevel = false;
    if (typeOf(*pre) == "Sequence") {
        const json* steps = member(*pre, "pretokenizers");
        if (steps == nullptr || !steps->is_array())
            fail(source, "pre_tokenizer Sequence has no 'pretokenizers' array");
        for (const json& step : *steps)
            readPreTokenizerStep(step, source, sawByteLevel, options);
    } else {
        readPreTokenizerStep(*pre, source, sawByteLevel, options);
    }
    if (!sawByteLevel)
        fail(source, std::string("pre_tokenizer has no ByteLevel step: not a byte-level BPE tokenizer (") + kWhatWeRead
                         + ")");
    return options;
}

void checkNormalizerAndDecoder(const json& root, const std::string& source)
{
    const json* normalizer = member(root, "normalizer");
    if (!isNull(normalizer))
        fail(source, "normalizer " + quotedForMessage(typeOf(*normalizer)) + " is not supported (" + kWhatWeRead + ")");
    // Without a ByteLevel decoder Hugging Face would join token strings with spaces.
    const json* decoder = member(root, "decoder");
    if (isNull(decoder))
        fail(source, "decoder is missing: not a byte-level BPE tokenizer (need a ByteLevel decoder)");
    if (typeOf(*decoder) != "ByteLevel")
        fail(source, "decoder " + quotedForMessage(typeOf(*decoder)) + " is not supported (need ByteLevel)");
}

} // namespace

std::string quotedForMessage(std::string_view text)
{
    constexpr std::size_t kMaxShown = 60;
    std::size_t shown = text.size();
    if (shown > kMaxShown) {
        shown = kMaxShown;
        while (shown > 0 && (static_cast<unsigned char>(text[shown]) & 0xC0) == 0x80)
            --shown; // never cut a UTF-8 sequence in two
    }
    std::string out = "'";
    for (std::size_t i = 0; i < shown; ++i) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x20 || c == 0x7F) {
            static const char* const kHex = "0123456789abcdef";
            out += "\\x";
            out += kHex[c >> 4];
            out += kHex[c & 0xF];
        } else {
            out += static_cast<char>(c);
        }
    }
    return out + (shown < text.size() ? "...'" : "'");
}

std::string bareForMessage(std::string_view text)
{
    const std::string quoted = quotedForMessage(text);
    return quoted.substr(1, quoted.size() - 2);
}

TokenizerJson TokenizerJson::parse(std::string_view text, const std::string& source)
{
    if (text.size() > kMaxBytes)
        fail(source, "file too large (" + std::to_string(text.size()) + " bytes, limit " + std::to_string(kMaxBytes)
                         + ")");
    TokenizerJson out;
    bool sawVocab = false;
    bool sawMerges = false;
    const json root = parseJson(text, source, out, sawVocab, sawMerges);
    if (!root.is_object())
        fail(source, "not a tokenizer.json (the top-level JSON value is not an object)");
    const json* model = member(root, "model");
    if (model == nullptr || !model->is_object())
        fail(source, "not a tokenizer.json (no \"model\" object)");

    try {
        readModelOptions(*model, source, out);
        if (!sawVocab)
            fail(source, "model.vocab is missing or not an object: not a BPE tokenizer.json");
        if (!sawMerges)
            fail(source, "model.merges is missing or not an array: not a BPE tokenizer.json");
        readAddedTokens(root, source, out);
        checkNormalizerAndDecoder(root, source);
        out.preTokenizer = readPreTokenizer(root, source);
    } catch (const json::exception& e) {
        // The reads above check types first; this only guards against a missed case.
        fail(source, std::string("unexpected tokenizer.json structure (") + e.what() + ")");
    }
    return out;
}

} // namespace vlmscope
