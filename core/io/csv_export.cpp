#include "core/io/csv_export.h"

#include "core/io/run_manifest.h"
#include "core/util/atomic_write.h"

#include <charconv>
#include <cstdint>

namespace vlmscope {

namespace {

constexpr const char* kLineEnd = "\r\n";

// `value` / 10^decimals written exactly, without going through a double (nanoseconds as
// seconds or milliseconds) and without the locale's decimal separator.
std::string scaled(std::int64_t value, int decimals)
{
    std::uint64_t magnitude = value < 0 ? 0 - static_cast<std::uint64_t>(value) : static_cast<std::uint64_t>(value);
    std::uint64_t unit = 1;
    for (int i = 0; i < decimals; ++i)
        unit *= 10;
    std::string fraction = std::to_string(magnitude % unit);
    fraction.insert(0, static_cast<std::size_t>(decimals) - fraction.size(), '0');
    return (value < 0 ? "-" : "") + std::to_string(magnitude / unit) + (decimals > 0 ? "." + fraction : "");
}

// Fixed-point text of a double, independent of the C locale.
std::string fixed(double value, int decimals)
{
    char buffer[64];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed, decimals);
    if (result.ec != std::errc())
        return {};
    return std::string(buffer, result.ptr);
}

void appendRow(std::string& out, std::initializer_list<std::string> fields)
{
    bool first = true;
    for (const std::string& field : fields) {
        if (!first)
            out += ',';
        out += field;
        first = false;
    }
    out += kLineEnd;
}

std::string ms(std::int64_t ns) { return scaled(ns, 6); }

} // namespace

std::string csvField(std::string_view text)
{
    if (text.find_first_of(",\"\r\n") == std::string_view::npos)
        return std::string(text);
    std::string out = "\"";
    for (const char c : text) {
        if (c == '"')
            out += '"';
        out += c;
    }
    out += '"';
    return out;
}

std::string tokensCsv(const RunRecord& run)
{
    std::string out;
    appendRow(out, {"index", "id", "text", "time_s", "latency_ms"});
    for (const TokenEvent& t : run.tokens) {
        appendRow(out, {std::to_string(t.index), std::to_string(t.id), csvField(t.text), scaled(t.timeNs, 9),
                        ms(t.latencyNs)});
    }
    return out;
}

std::string layersCsv(const RunRecord& run)
{
    long double totalSelf = 0;
    for (const ScopeSummary& s : run.scopes)
        totalSelf += static_cast<long double>(s.selfNs);
    std::string out;
    appendRow(out, {"scope", "category", "parent", "calls", "inclusive_ms", "self_ms", "self_pct", "mean_per_call_us"});
    for (std::size_t i = 0; i < run.scopes.size(); ++i) {
        const ScopeSummary& s = run.scopes[i];
        const bool hasParent = s.parent >= 0 && static_cast<std::size_t>(s.parent) < run.scopes.size();
        const std::string parent = hasParent ? run.scopes[static_cast<std::size_t>(s.parent)].name : std::string();
        const std::string pct =
            totalSelf > 0 ? fixed(static_cast<double>(static_cast<long double>(s.selfNs) / totalSelf * 100), 4) : "";
        const std::string perCall =
            s.calls > 0 ? fixed(static_cast<double>(s.inclusiveNs) / static_cast<double>(s.calls) / 1000.0, 3) : "";
        appendRow(out, {csvField(s.name), categoryName(s.category), csvField(parent), std::to_string(s.calls),
                        ms(s.inclusiveNs), ms(s.selfNs), pct, perCall});
    }
    return out;
}

std::string stepsCsv(const RunRecord& run)
{
    std::string out;
    appendRow(out, {"step", "scope", "calls", "self_ms", "inclusive_ms"});
    const std::size_t n = run.scopes.size();
    for (const StepLayerTimes& step : run.steps) {
        if (step.selfNs.size() != n || step.inclusiveNs.size() != n || step.calls.size() != n)
            continue; // not produced by this run's scope table
        for (std::size_t k = 0; k < n; ++k) {
            appendRow(out, {std::to_string(step.step), csvField(run.scopes[k].name), std::to_string(step.calls[k]),
                            ms(step.selfNs[k]), ms(step.inclusiveNs[k])});
        }
    }
    return out;
}

std::string csvManifestJson(const RunRecord& run)
{
    nlohmann::ordered_json doc = {{"run", run.id}, {"files", {"tokens.csv", "layers.csv", "steps.csv"}}};
    doc.update(manifestToJson(manifestOf(run)));
    return dumpJson(doc, 2) + "\n";
}

void writeCsv(const std::string& dir, const RunRecord& run)
{
    const std::string base = dir.empty() || dir.back() == '/' ? dir : dir + "/";
    writeFileAtomically(base + "tokens.csv", tokensCsv(run));
    writeFileAtomically(base + "layers.csv", layersCsv(run));
    writeFileAtomically(base + "steps.csv", stepsCsv(run));
    writeFileAtomically(base + kCsvManifestFile, csvManifestJson(run));
}

} // namespace vlmscope
