// libFuzzer harness: arbitrary bytes as a tokenizer.json. Loading either succeeds or throws
// InputError (any other exception or crash is a bug); a loaded tokenizer must encode and
// decode without crashing.
#include "core/tokenizer/bpe_tokenizer.h"
#include "core/util/error.h"

#include <cstdint>
#include <string_view>

using namespace vlmscope;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view json(reinterpret_cast<const char*>(data), size);
    try {
        BpeTokenizer tokenizer = BpeTokenizer::fromJson(json, "fuzz.json");
        const std::vector<std::int64_t> ids = tokenizer.encode("Hello world, 123 <s> don't \xF0\x9F\x98\x80\n");
        tokenizer.decode(ids);
        tokenizer.decode({0, 1, 2, 255, 256, 257, -1, tokenizer.vocabSize()}, true);
        tokenizer.addSpecialTokens({"<|image|>", "<s>"});
        tokenizer.encode("<|image|>x<s>");
    } catch (const InputError&) {
    }
    return 0;
}
