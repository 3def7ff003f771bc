// libFuzzer harness for the vLLM benchmark_serving.py result importer: any input either
// throws InputError or gives a run with finite, non-negative figures, which then goes
// through the comparison, the gate and both CI reports (the JUnit XML must read back).
#include "core/io/json_reader.h"
#include "core/stats/ci_reports.h"
#include "core/stats/external_results.h"
#include "core/util/error.h"

#include <QByteArray>
#include <QXmlStreamReader>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {

void requireNonNegative(const std::optional<double>& v)
{
    if (v && !(std::isfinite(*v) && *v >= 0))
        std::abort();
}

void check(const vlmscope::LatencyFigures& f)
{
    requireNonNegative(f.meanMs);
    requireNonNegative(f.medianMs);
    requireNonNegative(f.stddevMs);
    for (const auto& [pct, value] : f.percentilesMs) {
        if (!(pct >= 0 && pct <= 100))
            std::abort();
        requireNonNegative(value);
    }
    for (double s : f.samplesMs)
        requireNonNegative(s);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace vlmscope;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    ExternalRun run;
    try {
        run = vllmServingFromJson(parseJsonLimited(text, "fuzz.json"), "fuzz.json");
    } catch (const InputError&) {
        return 0;
    }
    check(run.ttft);
    check(run.tpot);
    check(run.itl);
    check(run.e2el);
    requireNonNegative(run.decodeTps.mean);
    requireNonNegative(run.throughputTps.mean);
    for (double s : run.decodeTps.samples)
        requireNonNegative(s);
    ComparisonOptions options;
    options.bootstrap.resamples = 16;
    const SignificantGateResult gate = significantGate(compareExternalRuns(run, run, options), 5);
    if (gate.failed()) // a file compared with itself cannot regress
        std::abort();
    QXmlStreamReader reader(QByteArray::fromStdString(junitXml(gate)));
    while (!reader.atEnd())
        reader.readNext();
    if (reader.hasError())
        std::abort();
    (void)markdownSummary(gate);
    return 0;
}
