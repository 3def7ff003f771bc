// libFuzzer harness for ModelConfig::fromJson: any text must load or throw InputError, and
// a config that loads must survive its own toJson() round trip.
#include "core/model/model_config.h"
#include "core/util/error.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    try {
        const vlmscope::ModelConfig config = vlmscope::ModelConfig::fromJson(
            std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.json");
        const nlohmann::ordered_json json = config.toJson();
        const vlmscope::ModelConfig again = vlmscope::ModelConfig::fromJson(json.dump(), "fuzz-again.json");
        if (again.toJson() != json || again.generation != config.generation)
            __builtin_trap();
        (void)config.imageTokenLength();
        (void)config.lmHeadDim();
    } catch (const vlmscope::InputError&) {
    }
    return 0;
}
