// libFuzzer harness for the run record loader: bytes -> bounded JSON parse -> validation.
// Whatever loads must also write back to the same document and go through every exporter.
#include "core/io/benchmark_results.h"
#include "core/io/chrome_trace.h"
#include "core/io/csv_export.h"
#include "core/io/json_reader.h"
#include "core/io/run_record_json.h"
#include "core/util/error.h"

#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace vlmscope;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    RunRecord record;
    try {
        record = runRecordFromJson(parseJsonLimited(text, "fuzz.json"), "fuzz.json");
    } catch (const InputError&) {
        return 0;
    }
    const nlohmann::ordered_json written = runRecordToJson(record);
    const RunRecord again = runRecordFromJson(parseJsonLimited(dumpJson(written), "again.json"), "again.json");
    if (runRecordToJson(again) != written)
        std::abort(); // a loaded record must survive its own round trip

    (void)chromeTraceJson({record}).dump();
    (void)tokensCsv(record);
    (void)layersCsv(record);
    (void)stepsCsv(record);
    (void)benchmarkResultsToJson(buildBenchmarkResults(BenchmarkSetup{}, {{record}}));
    (void)summarizeConfiguration({record}, true);
    return 0;
}
