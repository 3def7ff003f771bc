// libFuzzer harness for the llama-bench importer (-o json and -o jsonl): any input either
// throws InputError or gives tests with finite, non-negative figures, which then go through
// the comparison, the gate and both CI reports (the JUnit XML must read back cleanly).
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

void check(const vlmscope::RateFigures& rate)
{
    requireNonNegative(rate.mean);
    requireNonNegative(rate.stddev);
    for (double s : rate.samples)
        requireNonNegative(s);
}

void requireReadableXml(const std::string& xml)
{
    QXmlStreamReader reader(QByteArray::fromStdString(xml));
    while (!reader.atEnd())
        reader.readNext();
    if (reader.hasError())
        std::abort();
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    using namespace vlmscope;
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    std::vector<ExternalRun> runs;
    try {
        runs = llamaBenchFromText(text, "fuzz.json");
    } catch (const InputError&) {
        return 0;
    }
    if (runs.empty())
        std::abort();
    for (const ExternalRun& run : runs) {
        if (run.tool != ExternalTool::LlamaBench || run.configuration.empty())
            std::abort();
        check(run.decodeTps);
        check(run.promptTps);
        check(run.throughputTps);
        requireNonNegative(run.tpot.meanMs);
        for (double s : run.tpot.samplesMs)
            requireNonNegative(s);
    }
    ComparisonOptions options;
    options.bootstrap.resamples = 16; // the statistics, not their precision, are under test
    std::vector<MetricComparison> comparisons;
    for (const ExternalRun& run : runs) {
        const std::vector<MetricComparison> same = compareExternalRuns(run, run, options);
        comparisons.insert(comparisons.end(), same.begin(), same.end());
    }
    const SignificantGateResult gate = significantGate(comparisons, 5);
    if (gate.failed()) // a test compared with itself cannot regress
        std::abort();
    requireReadableXml(junitXml(gate));
    (void)markdownSummary(gate);
    return 0;
}
