// libFuzzer harness: encodes and decodes arbitrary bytes with the real SmolLM2 tokenizer
// (plus nanoVLM's extra tokens). Nothing may crash; decode(encode(s)) must give s back for
// valid UTF-8 without the bytes the vocabulary lacks; streaming must equal decode.
// Tokenizer: $VLMSCOPE_TOKENIZER, else the copy compiled in as :/vlmscope/tokenizer.json.
#include "core/tokenizer/bpe_tokenizer.h"
#include "core/tokenizer/byte_level.h"
#include "core/tokenizer/streaming_decoder.h"
#include "core/tokenizer/utf8.h"

#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>

using namespace vlmscope;

namespace {

struct Fixture {
    BpeTokenizer tokenizer;
    std::array<bool, 256> byteHasToken{};

    static BpeTokenizer load()
    {
        const char* path = std::getenv("VLMSCOPE_TOKENIZER");
        BpeTokenizer tokenizer = BpeTokenizer::fromFile(path != nullptr ? path : ":/vlmscope/tokenizer.json");
        std::vector<std::string> extra = {"<|image|>", "<|global_image|>"};
        for (int row = 1; row <= 8; ++row) {
            for (int col = 1; col <= 8; ++col)
                extra.push_back("<row_" + std::to_string(row) + "_col_" + std::to_string(col) + ">");
        }
        tokenizer.addSpecialTokens(extra);
        return tokenizer;
    }

    Fixture() : tokenizer(load())
    {
        for (int b = 0; b < 256; ++b)
            byteHasToken[static_cast<std::size_t>(b)] =
                tokenizer.tokenId(toByteLevel(std::string(1, static_cast<char>(b)))).has_value();
    }
};

const Fixture& fixture()
{
    static const Fixture instance;
    return instance;
}

[[noreturn]] void failure(const char* what)
{
    std::fprintf(stderr, "fuzz_tokenizer: %s\n", what);
    std::abort();
}

void checkStreaming(const BpeTokenizer& tokenizer, const std::vector<std::int64_t>& ids, bool skipSpecial)
{
    StreamingDecoder decoder(tokenizer, skipSpecial);
    std::string streamed;
    for (const std::int64_t id : ids)
        streamed += decoder.push(id);
    streamed += decoder.flush();
    if (streamed != tokenizer.decode(ids, skipSpecial))
        failure("streaming decode differs from decode");
}

} // namespace

// Loading the 49k-token vocabulary takes seconds under the sanitizers: do it before the
// fuzzing starts, where libFuzzer's per-input timeout does not count it.
extern "C" int LLVMFuzzerInitialize(int*, char***)
{
    (void)fixture();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const Fixture& f = fixture();
    const std::string_view text(reinterpret_cast<const char*>(data), size);

    const std::vector<std::int64_t> ids = f.tokenizer.encode(text);
    for (const std::int64_t id : ids) {
        if (!f.tokenizer.isKnown(id))
            failure("encode produced an unknown id");
    }
    const std::string decoded = f.tokenizer.decode(ids);
    if (!isValidUtf8(decoded))
        failure("decode produced invalid UTF-8");
    bool lossless = isValidUtf8(text);
    for (const char c : text)
        lossless = lossless && f.byteHasToken[static_cast<unsigned char>(c)];
    if (lossless && decoded != text)
        failure("decode(encode(s)) != s");
    checkStreaming(f.tokenizer, ids, true);

    // The same bytes read as raw ids (little-endian 16-bit, some beyond the vocabulary).
    std::vector<std::int64_t> raw;
    for (std::size_t i = 0; i + 1 < size; i += 2)
        raw.push_back(static_cast<std::int64_t>(data[i] | (data[i + 1] << 8)) - 1000);
    checkStreaming(f.tokenizer, raw, false);
    checkStreaming(f.tokenizer, raw, true);
    return 0;
}
