#include "core/stats/external_results.h"

#include "core/io/json_reader.h"
#include "core/util/atomic_write.h"
#include "core/util/error.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace vlmscope {

namespace {

// Far beyond any real test; keeps products and sums of token counts exact.
constexpr std::int64_t kMaxTokens = std::int64_t(1) << 40;
constexpr const char* kLatencyMetrics[] = {"ttft", "tpot", "itl", "e2el"};

// Shared by every sample array of one file, so a file cannot make us hold unbounded data.
class SampleBudget {
public:
    void take(std::size_t count, const JsonReader& where)
    {
        if (count > m_left)
            where.fail("holds more than " + std::to_string(kMaxExternalSamples) + " samples in all: too large");
        m_left -= count;
    }

private:
    std::size_t m_left = kMaxExternalSamples;
};

std::optional<std::string> optionalString(const JsonReader& r, const char* key)
{
    if (!r.has(key) || r.field(key).isNull())
        return std::nullopt;
    return r.field(key).string();
}

std::optional<std::int64_t> optionalInteger(const JsonReader& r, const char* key, std::int64_t min, std::int64_t max)
{
    if (!r.has(key))
        return std::nullopt;
    return r.field(key).nullableInteger(min, max);
}

std::optional<double> optionalNumber(const JsonReader& r, const char* key)
{
    if (!r.has(key))
        return std::nullopt;
    return r.field(key).nullableNumber(0);
}

// Non-negative finite numbers of an array, scaled; the reader names the first bad element.
std::vector<double> numberArray(const JsonReader& array, double scale, SampleBudget& budget)
{
    const std::size_t count = array.arraySize();
    budget.take(count, array);
    std::vector<double> values;
    values.reserve(count);
    for (std::size_t i = 0; i < count; ++i) {
        const OrderedJson& v = array.json()[i];
        // Checked inline: a path string per element would dominate the time for big files.
        const double x = v.is_number() ? v.get<double>() : -1;
        if (!(std::isfinite(x) && x >= 0))
            array.element(i).number(0); // throws the message naming the element
        values.push_back(x * scale);
    }
    return values;
}

std::string testName(std::int64_t prompt, std::int64_t generated, std::int64_t depth)
{
    std::string name;
    if (prompt > 0)
        name = "pp" + std::to_string(prompt);
    if (generated > 0)
        name += (name.empty() ? "tg" : "+tg") + std::to_string(generated);
    if (depth > 0)
        name += " @ d" + std::to_string(depth);
    return name;
}

std::string joinLabel(const std::string& model, const std::string& configuration)
{
    return model.empty() ? configuration : model + ", " + configuration;
}

ExternalRun llamaBenchTest(const JsonReader& r, SampleBudget& budget)
{
    r.requireObject();
    ExternalRun run;
    run.tool = ExternalTool::LlamaBench;
    run.source = r.source();
    const std::int64_t prompt = r.field("n_prompt").integer(0, kMaxTokens);
    const std::int64_t generated = r.field("n_gen").integer(0, kMaxTokens);
    if (prompt == 0 && generated == 0)
        r.fail("has n_prompt and n_gen both 0: not a llama-bench test");
    const std::int64_t depth = optionalInteger(r, "n_depth", 0, kMaxTokens).value_or(0);
    run.promptTokens = prompt;
    run.generatedTokens = generated;
    run.threads = optionalInteger(r, "n_threads", 0, 1 << 20);
    run.model = optionalString(r, "model_type").value_or(optionalString(r, "model_filename").value_or(""));
    run.date = optionalString(r, "test_time").value_or("");

    RateFigures rate;
    rate.mean = r.field("avg_ts").number(0);
    rate.stddev = optionalNumber(r, "stddev_ts");
    if (r.has("samples_ts"))
        rate.samples = numberArray(r.field("samples_ts"), 1, budget);
    run.repetitions = static_cast<std::int64_t>(rate.samples.size());

    run.configuration = testName(prompt, generated, depth);
    if (run.threads)
        run.configuration += ", " + std::to_string(*run.threads) + " threads";
    if (const auto layers = optionalInteger(r, "n_gpu_layers", -(1 << 20), 1 << 20); layers && *layers != 0)
        run.configuration += ", ngl " + std::to_string(*layers);
    if (const auto batch = optionalInteger(r, "n_batch", 0, kMaxTokens); batch && prompt > 0)
        run.configuration += ", batch " + std::to_string(*batch);
    run.label = joinLabel(run.model, run.configuration);

    if (prompt > 0 && generated > 0) {
        run.throughputTps = std::move(rate);
    } else if (prompt > 0) {
        run.promptTps = std::move(rate);
    } else {
        run.decodeTps = std::move(rate);
        // A text-generation test times n_gen tokens: its time per token is the TPOT.
        const double perToken = 1e-6 / static_cast<double>(generated);
        if (const auto avgNs = optionalNumber(r, "avg_ns"))
            run.tpot.meanMs = *avgNs * perToken;
        if (const auto stddevNs = optionalNumber(r, "stddev_ns"))
            run.tpot.stddevMs = *stddevNs * perToken;
        if (r.has("samples_ns"))
            run.tpot.samplesMs = numberArray(r.field("samples_ns"), perToken, budget);
    }
    return run;
}

std::size_t firstNonSpace(std::string_view text)
{
    std::size_t i = 0;
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t' || text[i] == '\r' || text[i] == '\n'))
        ++i;
    return i;
}

bool blank(std::string_view line) { return firstNonSpace(line) == line.size(); }

// One object per non-blank line.
std::vector<ExternalRun> llamaBenchLines(std::string_view text, const std::string& source)
{
    std::vector<ExternalRun> runs;
    SampleBudget budget;
    std::size_t lineNumber = 0;
    for (std::size_t start = 0; start < text.size();) {
        const std::size_t end = std::min(text.find('\n', start), text.size());
        const std::string_view line = text.substr(start, end - start);
        start = end + 1;
        ++lineNumber;
        if (blank(line))
            continue;
        const std::string where = source + " line " + std::to_string(lineNumber);
        const OrderedJson object = parseJsonLimited(line, where);
        runs.push_back(llamaBenchTest(JsonReader(object, where), budget));
        runs.back().source = source;
    }
    if (runs.empty())
        throw InputError(source + ": no llama-bench results (the file is empty)");
    return runs;
}

std::vector<ExternalRun> llamaBenchArray(const OrderedJson& document, const std::string& source)
{
    const JsonReader top(document, source);
    const std::size_t count = top.arraySize();
    if (count == 0)
        throw InputError(source + ": no llama-bench results (an empty array)");
    std::vector<ExternalRun> runs;
    SampleBudget budget;
    for (std::size_t i = 0; i < count; ++i)
        runs.push_back(llamaBenchTest(top.element(i), budget));
    return runs;
}

// "p99_ttft_ms" -> 99 for metric "ttft"; empty for other keys.
std::optional<double> percentileKey(const std::string& key, const std::string& metric)
{
    const std::string suffix = "_" + metric + "_ms";
    if (key.size() <= suffix.size() + 1 || key[0] != 'p' || key.compare(key.size() - suffix.size(), suffix.size(), suffix) != 0)
        return std::nullopt;
    const std::string number = key.substr(1, key.size() - suffix.size() - 1);
    if (number.find_first_not_of("0123456789.") != std::string::npos || number.front() == '.')
        return std::nullopt;
    char* end = nullptr;
    const double pct = std::strtod(number.c_str(), &end);
    if (end != number.c_str() + number.size() || !(pct >= 0 && pct <= 100))
        return std::nullopt;
    return pct;
}

LatencyFigures vllmLatency(const JsonReader& r, const std::string& metric)
{
    LatencyFigures f;
    f.meanMs = optionalNumber(r, ("mean_" + metric + "_ms").c_str());
    f.medianMs = optionalNumber(r, ("median_" + metric + "_ms").c_str());
    f.stddevMs = optionalNumber(r, ("std_" + metric + "_ms").c_str());
    for (const auto& item : r.json().items()) {
        if (const auto pct = percentileKey(item.key(), metric)) {
            if (const auto value = r.field(item.key().c_str()).nullableNumber(0))
                f.percentilesMs.emplace_back(*pct, *value);
        }
    }
    std::sort(f.percentilesMs.begin(), f.percentilesMs.end());
    return f;
}

bool looksLikeVllm(const JsonReader& r)
{
    if (r.has("output_throughput") || r.has("request_throughput"))
        return true;
    for (const char* metric : kLatencyMetrics) {
        if (r.has(("mean_" + std::string(metric) + "_ms").c_str()))
            return true;
    }
    return false;
}

// Requests that failed have an error text; their TTFT (0) and ITLs (none) are placeholders.
std::vector<bool> failedRequests(const JsonReader& r, std::size_t count)
{
    std::vector<bool> failed(count, false);
    if (!r.has("errors") || r.field("errors").isNull())
        return failed;
    const JsonReader errors = r.field("errors");
    if (errors.arraySize() != count)
        errors.fail("has " + std::to_string(errors.arraySize()) + " entries but there are " + std::to_string(count)
                    + " requests");
    for (std::size_t i = 0; i < count; ++i) {
        const JsonReader e = errors.element(i);
        failed[i] = !e.isNull() && !e.string().empty();
    }
    return failed;
}

// Per-request samples of a detailed result file (ttfts and itls are in seconds).
void vllmSamples(const JsonReader& r, ExternalRun& run, SampleBudget& budget)
{
    if (r.has("ttfts") && !r.field("ttfts").isNull()) {
        const std::vector<double> ttfts = numberArray(r.field("ttfts"), 1000, budget);
        const std::vector<bool> failed = failedRequests(r, ttfts.size());
        for (std::size_t i = 0; i < ttfts.size(); ++i) {
            if (!failed[i])
                run.ttft.samplesMs.push_back(ttfts[i]);
        }
    }
    if (!r.has("itls") || r.field("itls").isNull())
        return;
    const JsonReader itls = r.field("itls");
    const std::vector<bool> failed = failedRequests(r, itls.arraySize());
    for (std::size_t i = 0; i < itls.arraySize(); ++i) {
        const std::vector<double> gaps = numberArray(itls.element(i), 1000, budget);
        if (failed[i] || gaps.empty())
            continue;
        double total = 0;
        for (double g : gaps)
            total += g;
        if (total > 0)
            run.decodeTps.samples.push_back(static_cast<double>(gaps.size()) * 1000 / total);
        run.itl.samplesMs.insert(run.itl.samplesMs.end(), gaps.begin(), gaps.end());
    }
}

std::string requestRate(const JsonReader& r)
{
    if (!r.has("request_rate") || r.field("request_rate").isNull())
        return "";
    const JsonReader rate = r.field("request_rate");
    if (rate.json().is_string()) {
        const std::string text = rate.string();
        if (text != "inf")
            rate.fail("must be a number or \"inf\" (got \"" + text.substr(0, 20) + "\")");
        return text;
    }
    const double value = rate.number(0);
    char text[32];
    std::snprintf(text, sizeof text, "%g", value);
    return text;
}

std::vector<ExternalRun> fromDocument(const OrderedJson& document, const std::string& source)
{
    if (document.is_array())
        return llamaBenchArray(document, source);
    const JsonReader top(document, source);
    top.requireObject();
    if (top.has("avg_ts") && top.has("n_gen")) {
        SampleBudget budget;
        return {llamaBenchTest(top, budget)};
    }
    return {vllmServingFromJson(document, source)};
}

bool looksLikeJsonLines(std::string_view text)
{
    std::size_t objects = 0;
    for (std::size_t start = 0; start < text.size();) {
        const std::size_t end = std::min(text.find('\n', start), text.size());
        const std::string_view line = text.substr(start, end - start);
        start = end + 1;
        if (blank(line))
            continue;
        if (line[firstNonSpace(line)] != '{')
            return false;
        ++objects;
    }
    return objects >= 2;
}

} // namespace

const char* externalToolName(ExternalTool tool)
{
    return tool == ExternalTool::LlamaBench ? "llama-bench" : "vllm benchmark_serving";
}

std::optional<double> LatencyFigures::percentile(double pct) const
{
    for (const auto& [p, value] : percentilesMs) {
        if (p == pct)
            return value;
    }
    if (pct == 50 && medianMs)
        return medianMs;
    return std::nullopt;
}

std::vector<ExternalRun> llamaBenchFromText(std::string_view text, const std::string& source)
{
    if (text.size() > kMaxExternalResultsBytes)
        throw InputError(source + ": larger than " + std::to_string(kMaxExternalResultsBytes >> 20)
                         + " MiB: not a llama-bench result file");
    const std::size_t first = firstNonSpace(text);
    if (first < text.size() && text[first] == '[')
        return llamaBenchArray(parseJsonLimited(text, source), source);
    return llamaBenchLines(text, source);
}

ExternalRun vllmServingFromJson(const OrderedJson& document, const std::string& source)
{
    const JsonReader r(document, source);
    r.requireObject();
    if (!looksLikeVllm(r))
        throw InputError(source + ": not a llama-bench or vLLM benchmark_serving result (no avg_ts, "
                                  "output_throughput or mean_ttft_ms field)");
    ExternalRun run;
    run.tool = ExternalTool::VllmServing;
    run.source = source;
    run.model = optionalString(r, "model_id").value_or("");
    run.date = optionalString(r, "date").value_or("");
    run.repetitions = r.field("completed").integer(0, kMaxTokens);
    run.promptTokens = optionalInteger(r, "total_input_tokens", 0, kMaxTokens);
    run.generatedTokens = optionalInteger(r, "total_output_tokens", 0, kMaxTokens);
    run.requestThroughput = optionalNumber(r, "request_throughput");
    run.throughputTps.mean = optionalNumber(r, "output_throughput");
    run.ttft = vllmLatency(r, "ttft");
    run.tpot = vllmLatency(r, "tpot");
    run.itl = vllmLatency(r, "itl");
    run.e2el = vllmLatency(r, "e2el");
    // One stream's decode rate, comparable to vlmscope's decode TPS.
    const std::optional<double> tpot = run.tpot.medianMs ? run.tpot.medianMs : run.tpot.meanMs;
    if (tpot && *tpot > 0)
        run.decodeTps.mean = 1000 / *tpot;
    SampleBudget budget;
    vllmSamples(r, run, budget);

    const std::string rate = requestRate(r);
    run.configuration = "rate " + (rate.empty() ? std::string("unknown") : rate);
    if (const auto concurrency = optionalInteger(r, "max_concurrency", 1, kMaxTokens))
        run.configuration += ", concurrency " + std::to_string(*concurrency);
    if (const auto backend = optionalString(r, "backend"); backend && !backend->empty())
        run.configuration = *backend + ", " + run.configuration;
    run.label = joinLabel(run.model, run.configuration);
    return run;
}

std::vector<ExternalRun> externalRunsFromText(std::string_view text, const std::string& source)
{
    if (text.size() > kMaxExternalResultsBytes)
        throw InputError(source + ": larger than " + std::to_string(kMaxExternalResultsBytes >> 20)
                         + " MiB: not a benchmark result file");
    if (blank(text))
        throw InputError(source + ": the file is empty");
    OrderedJson document;
    try {
        document = parseJsonLimited(text, source);
    } catch (const InputError&) {
        if (looksLikeJsonLines(text))
            return llamaBenchLines(text, source);
        throw;
    }
    return fromDocument(document, source);
}

std::vector<ExternalRun> readExternalResults(const std::string& path)
{
    return externalRunsFromText(readFileLimited(path, kMaxExternalResultsBytes), path);
}

} // namespace vlmscope
