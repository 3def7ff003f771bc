#include "core/tokenizer/bpe_tokenizer.h"

#include "core/tokenizer/byte_level.h"
#include "core/tokenizer/tokenizer_json.h"
#include "core/tokenizer/utf8.h"
#include "core/util/atomic_write.h"
#include "core/util/error.h"

#include <algorithm>

namespace vlmscope {

namespace {

[[noreturn]] void fail(const std::string& source, const std::string& problem)
{
    throw InputError(source + ": " + problem);
}

// Ids are stored densely; a file with a few huge ids could otherwise make us allocate
// gigabytes. Real vocabularies use every id below their size.
void checkIdsAreDense(std::int64_t maxId, std::size_t entries, const std::string& source)
{
    if (maxId + 1 > static_cast<std::int64_t>(2 * entries + 1024))
        fail(source, "token ids are not contiguous (largest id " + std::to_string(maxId) + " for "
                         + std::to_string(entries) + " tokens)");
}

} // namespace

BpeTokenizer BpeTokenizer::fromFile(const std::string& path)
{
    if (path.empty())
        throw InputError("tokenizer: no tokenizer.json path given");
    const std::string bytes = readFileLimited(path, TokenizerJson::kMaxBytes);
    return fromJson(bytes, path);
}

BpeTokenizer BpeTokenizer::fromJson(std::string_view json, const std::string& sourceName)
{
    return BpeTokenizer(TokenizerJson::parse(json, sourceName), sourceName);
}

BpeTokenizer::BpeTokenizer(TokenizerJson&& spec, const std::string& source)
    : m_source(source), m_preTokenizer(spec.preTokenizer), m_fuseUnk(spec.fuseUnk), m_ignoreMerges(spec.ignoreMerges)
{
    if (spec.vocab.empty())
        fail(m_source, "model.vocab is empty");
    buildVocab(spec);
    buildMerges(spec);
    for (int b = 0; b < 256; ++b)
        m_byteIds[static_cast<std::size_t>(b)] = vocabId(toByteLevel(std::string(1, static_cast<char>(b))));
    for (const AddedTokenEntry& token : spec.addedTokens) {
        if (m_addedIds.count(token.content) != 0)
            fail(m_source, "added_tokens: " + quotedForMessage(token.content) + " appears twice");
        if ((m_tokens[static_cast<std::size_t>(token.id)].flags & Added) != 0)
            fail(m_source, "added_tokens: id " + std::to_string(token.id) + " is used twice");
        registerAddedToken(token.content, static_cast<std::int32_t>(token.id), token.special, token.normalized);
    }
    if (spec.unkToken) {
        m_unkId = vocabId(*spec.unkToken);
        if (m_unkId < 0)
            fail(m_source, "model.unk_token " + quotedForMessage(*spec.unkToken) + " is not in the vocab");
    }
}

void BpeTokenizer::buildVocab(TokenizerJson& spec)
{
    std::int64_t maxId = -1;
    for (const auto& entry : spec.vocab)
        maxId = std::max(maxId, entry.second);
    for (const AddedTokenEntry& token : spec.addedTokens)
        maxId = std::max(maxId, token.id);
    checkIdsAreDense(maxId, spec.vocab.size() + spec.addedTokens.size(), m_source);

    m_tokens.resize(static_cast<std::size_t>(maxId + 1));
    m_vocab.reserve(spec.vocab.size());
    for (auto& [token, id] : spec.vocab) {
        TokenEntry& entry = m_tokens[static_cast<std::size_t>(id)];
        if ((entry.flags & InVocab) != 0)
            fail(m_source, "model.vocab: id " + std::to_string(id) + " is used by both " + quotedForMessage(entry.text)
                               + " and " + quotedForMessage(token));
        // A JSON object may repeat a key; which id wins would be a guess, so refuse.
        if (!m_vocab.emplace(token, static_cast<std::int32_t>(id)).second)
            fail(m_source, "model.vocab: token " + quotedForMessage(token) + " appears twice");
        entry.text = std::move(token);
        entry.flags = InVocab;
    }
}

void BpeTokenizer::buildMerges(const TokenizerJson& spec)
{
    m_merges.reserve(spec.merges.size());
    std::string joined;
    for (std::size_t rank = 0; rank < spec.merges.size(); ++rank) {
        const auto& [left, right] = spec.merges[rank];
        const std::int32_t leftId = vocabId(left);
        const std::int32_t rightId = vocabId(right);
        joined.assign(left).append(right);
        const std::int32_t resultId = vocabId(joined);
        const std::string& missing = leftId < 0 ? left : rightId < 0 ? right : joined;
        if (leftId < 0 || rightId < 0 || resultId < 0)
            fail(m_source, "model.merges entry " + std::to_string(rank) + " uses " + quotedForMessage(missing)
                               + ", which is not in the vocab");
        m_merges.add(leftId, rightId, static_cast<std::int32_t>(rank), resultId);
    }
}

void BpeTokenizer::registerAddedToken(const std::string& content, std::int32_t id, bool special, bool normalized)
{
    TokenEntry& entry = m_tokens[static_cast<std::size_t>(id)];
    entry.text = content;
    entry.flags |= Added | (special ? Special : 0);
    m_addedIds[content] = id;
    (normalized ? m_normalizedMatcher : m_rawMatcher).add(content, id);
    // Hugging Face skips special tokens by their text, so a vocab entry spelled the same
    // way under another id is skipped too.
    const std::int32_t sameText = vocabId(content);
    if (special && sameText >= 0)
        m_tokens[static_cast<std::size_t>(sameText)].flags |= Special;
}

void BpeTokenizer::addSpecialTokens(const std::vector<std::string>& tokens)
{
    for (const std::string& token : tokens) {
        if (token.empty())
            fail(m_source, "cannot add an empty special token");
        if (const auto it = m_addedIds.find(token); it != m_addedIds.end()) {
            m_tokens[static_cast<std::size_t>(it->second)].flags |= Special;
            continue;
        }
        std::int32_t id = vocabId(token);
        if (id < 0) {
            if (vocabSize() > TokenizerJson::kMaxTokenId)
                fail(m_source, "too many tokens to add " + quotedForMessage(token));
            id = static_cast<std::int32_t>(m_tokens.size());
            m_tokens.emplace_back();
        }
        registerAddedToken(token, id, true, false);
    }
}

std::int32_t BpeTokenizer::vocabId(const std::string& token) const
{
    const auto it = m_vocab.find(token);
    return it == m_vocab.end() ? -1 : it->second;
}

std::vector<std::int64_t> BpeTokenizer::encode(std::string_view utf8) const
{
    std::vector<std::int64_t> ids;
    encodeAroundAddedTokens(utf8, false, ids);
    return ids;
}

void BpeTokenizer::encodeAroundAddedTokens(std::string_view text, bool normalizedPass,
                                           std::vector<std::int64_t>& ids) const
{
    const AddedTokenMatcher& matcher = normalizedPass ? m_normalizedMatcher : m_rawMatcher;
    std::size_t pos = 0;
    while (pos < text.size()) {
        const auto match = matcher.find(text, pos);
        const std::size_t gapEnd = match ? match->pos : text.size();
        if (gapEnd > pos) {
            const std::string_view gap = text.substr(pos, gapEnd - pos);
            if (normalizedPass)
                encodePlainText(gap, ids);
            else
                encodeAroundAddedTokens(gap, true, ids);
        }
        if (!match)
            return;
        ids.push_back(match->id);
        pos = match->pos + match->length;
    }
}

void BpeTokenizer::encodePlainText(std::string_view text, std::vector<std::int64_t>& ids) const
{
    std::vector<std::string_view> pieces;
    m_preTokenizer.split(text, pieces);
    std::vector<std::int32_t> symbols;
    for (const std::string_view piece : pieces)
        encodePiece(piece, symbols, ids);
}

void BpeTokenizer::encodePiece(std::string_view piece, std::vector<std::int32_t>& symbols,
                               std::vector<std::int64_t>& ids) const
{
    if (m_ignoreMerges) {
        const std::int32_t whole = vocabId(toByteLevel(piece));
        if (whole >= 0) {
            ids.push_back(whole);
            return;
        }
    }
    symbols.clear();
    bool previousWasUnknown = false;
    for (const char c : piece) {
        const std::int32_t id = m_byteIds[static_cast<unsigned char>(c)];
        if (id >= 0) {
            symbols.push_back(id);
            previousWasUnknown = false;
        } else if (m_unkId >= 0) {
            if (!(m_fuseUnk && previousWasUnknown))
                symbols.push_back(m_unkId);
            previousWasUnknown = true;
        }
        // Otherwise the byte is dropped without a trace, as Hugging Face does when a
        // byte has no vocab entry and there is no unk token (SmolLM2: 21 such bytes).
    }
    m_merges.apply(symbols);
    ids.insert(ids.end(), symbols.begin(), symbols.end());
}

std::string BpeTokenizer::decode(const std::vector<std::int64_t>& ids, bool skipSpecial) const
{
    std::string bytes;
    for (const std::int64_t id : ids) {
        if (!skipSpecial || !isSpecial(id))
            appendTokenBytes(id, bytes);
    }
    std::string text;
    text.reserve(bytes.size());
    appendUtf8Lossy(bytes, text, true);
    return text;
}

std::optional<std::int64_t> BpeTokenizer::tokenId(std::string_view token) const
{
    const std::string key(token);
    if (const auto it = m_addedIds.find(key); it != m_addedIds.end())
        return it->second;
    const std::int32_t id = vocabId(key);
    if (id < 0)
        return std::nullopt;
    return id;
}

std::string BpeTokenizer::tokenString(std::int64_t id) const
{
    return isKnown(id) ? m_tokens[static_cast<std::size_t>(id)].text : std::string();
}

void BpeTokenizer::appendTokenBytes(std::int64_t id, std::string& out) const
{
    if (isKnown(id))
        appendByteLevelDecoded(m_tokens[static_cast<std::size_t>(id)].text, out);
}

bool BpeTokenizer::isKnown(std::int64_t id) const
{
    return id >= 0 && id < vocabSize() && m_tokens[static_cast<std::size_t>(id)].flags != 0;
}

bool BpeTokenizer::isSpecial(std::int64_t id) const
{
    return isKnown(id) && (m_tokens[static_cast<std::size_t>(id)].flags & Special) != 0;
}

} // namespace vlmscope
