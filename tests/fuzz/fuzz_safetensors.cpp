// libFuzzer harness for SafetensorsFile: any byte string must parse or throw InputError,
// and every tensor a parsed header describes must be readable without leaving the buffer.
#include "core/model/safetensors_file.h"
#include "core/util/error.h"

#include <cstddef>
#include <cstdint>
#include <string>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    try {
        const vlmscope::SafetensorsFile file = vlmscope::SafetensorsFile::fromBytes(
            std::string(reinterpret_cast<const char*>(data), size), "fuzz.safetensors");
        for (const vlmscope::TensorInfo& tensor : file.tensors()) {
            if (file.find(tensor.name) != &tensor)
                __builtin_trap();
            try {
                file.toFloat32(tensor);
            } catch (const vlmscope::InputError&) {
            }
            try {
                file.toInt64(tensor);
            } catch (const vlmscope::InputError&) {
            }
        }
    } catch (const vlmscope::InputError&) {
    }
    return 0;
}
