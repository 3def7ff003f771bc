// libFuzzer harness for the benchmark results reader (ours and the original tool's files).
// Whatever loads must write back to a document that loads to the same results.
#include "core/io/benchmark_results.h"
#include "core/io/json_reader.h"
#include "core/util/error.h"

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace vlmscope;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    BenchmarkResults results;
    try {
        results = benchmarkResultsFromJson(parseJsonLimited(text, "fuzz.json"), "fuzz.json");
    } catch (const InputError&) {
        return 0;
    }
    const nlohmann::ordered_json written = benchmarkResultsToJson(results);
    const BenchmarkResults again = benchmarkResultsFromJson(parseJsonLimited(dumpJson(written), "again.json"), "again.json");
    if (benchmarkResultsToJson(again) != written)
        std::abort();
    return 0;
}
