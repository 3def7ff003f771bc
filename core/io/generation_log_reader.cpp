#include "core/io/generation_log_reader.h"

#include "core/io/generation_log.h"
#include "core/io/report_sections.h"
#include "core/io/run_manifest.h"
#include "core/metrics/generation_metrics.h"
#include "core/util/atomic_write.h"
#include "core/util/error.h"

#include <charconv>
#include <cmath>

namespace vlmscope {

namespace {

constexpr std::size_t kMaxWarnings = 100;
constexpr std::size_t kMaxShares = 256;
constexpr std::size_t kMaxPerSecond = static_cast<std::size_t>(kMaxRunNs / 1'000'000'000); // a week of seconds
constexpr std::size_t kMaxFieldBytes = 4096;
constexpr std::size_t kClosingRuleMin = 60; // separators are 80 '='; title banners 50

std::string_view trim(std::string_view s)
{
    const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; };
    while (!s.empty() && blank(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && blank(s.back()))
        s.remove_suffix(1);
    return s;
}

bool startsWith(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

bool isRule(std::string_view s, std::size_t minLength)
{
    return s.size() >= minLength && s.find_first_not_of('=') == std::string_view::npos;
}

std::string capped(std::string_view s) { return std::string(s.substr(0, kMaxFieldBytes)); }

// A leading finite number; `rest` is what follows it, trimmed.
std::optional<double> leadingNumber(std::string_view s, std::string_view* rest)
{
    s = trim(s);
    if (startsWith(s, "\xC2\xB1")) // '±'
        s.remove_prefix(2);
    if (startsWith(s, "+"))
        s.remove_prefix(1);
    double value = 0;
    const auto result = std::from_chars(s.data(), s.data() + s.size(), value);
    if (result.ec != std::errc() || !std::isfinite(value))
        return std::nullopt;
    *rest = trim(s.substr(static_cast<std::size_t>(result.ptr - s.data())));
    return value;
}

// "n/a" (or a value starting with it) is a legitimate undefined figure.
bool isNotAvailable(std::string_view value) { return startsWith(trim(value), "n/a"); }

struct Quantity {
    bool ok = false;
    std::optional<double> value;
};

// A number followed by `unit` ("1.96s", "10.22 TPS", "±0.0% of mean TPS"), or "n/a".
Quantity quantity(std::string_view value, std::string_view unit)
{
    if (isNotAvailable(value))
        return {true, std::nullopt};
    std::string_view rest;
    const std::optional<double> number = leadingNumber(value, &rest);
    if (!number || !startsWith(rest, unit))
        return {};
    return {true, number};
}

bool integer(std::string_view value, std::int64_t* out)
{
    value = trim(value);
    const auto result = std::from_chars(value.data(), value.data() + value.size(), *out);
    return result.ec == std::errc() && result.ptr == value.data() + value.size();
}

struct NamedFigure {
    std::string_view name;
    std::optional<double>* value;
};

enum class Section {
    Header,
    Performance,
    Latency,
    Itl,
    Multimodal,
    Memory,
    Layers,
    DetailedLayers,
    PerSecond,
    Other, // known but not read (phases, environment) or unknown
};

Section sectionNamed(std::string_view name, std::optional<std::int64_t>* itlCount)
{
    if (name == "TPS stability")
        return Section::Performance;
    if (name == label::kLatencySection)
        return Section::Latency;
    if (startsWith(name, label::kItlSection)) {
        std::string_view rest;
        const std::size_t open = name.find('(');
        if (open != std::string_view::npos) {
            const std::optional<double> count = leadingNumber(name.substr(open + 1), &rest);
            if (count && *count >= 0 && *count < 9e15 && startsWith(rest, "interval"))
                *itlCount = static_cast<std::int64_t>(*count);
        }
        return Section::Itl;
    }
    if (name == label::kMultimodalSection)
        return Section::Multimodal;
    if (name == label::kMemorySection)
        return Section::Memory;
    if (name == label::kLayerSection)
        return Section::Layers;
    if (startsWith(name, "Detailed layer breakdown"))
        return Section::DetailedLayers;
    if (name == label::kPerSecondSection)
        return Section::PerSecond;
    return Section::Other;
}

bool isHeaderLabel(std::string_view label)
{
    for (const char* known : {"Model", "Date", "Device", "Generation", "Prompt", "Max tokens", "Status", "Note", "Tool"})
        if (label == known)
            return true;
    return false;
}

class LogParser {
public:
    LogParser(const std::string& source, std::vector<std::string>* warnings) : m_source(source), m_warnings(warnings)
    {
    }

    void line(std::string_view raw, std::int64_t number)
    {
        // "- 0-1s: 20.0=====": the original appended the next entry's banner without a newline.
        // Only a banner-wide run is split off, so a value ending in '=' can never close an entry.
        const std::string_view right = trim(raw);
        const std::size_t lastOther = right.find_last_not_of('=');
        if (lastOther != std::string_view::npos && right.size() - lastOther - 1 == kLogBannerWidth) {
            logicalLine(right.substr(0, lastOther + 1), number);
            logicalLine(right.substr(lastOther + 1), number);
            return;
        }
        logicalLine(right, number);
    }

    std::vector<LogRunSummary> finish(std::int64_t lastLine)
    {
        endEntry();
        if (m_strayLines > 0)
            warn(m_strayFrom, std::to_string(m_strayLines) + " line(s) of unrecognised text after the last entry ignored");
        if (m_runs.empty()) {
            if (m_skipped > 0)
                throw InputError(m_source + ": no readable generation summary (" + std::to_string(m_skipped)
                                 + " damaged or incomplete)");
            throw InputError(m_source + (lastLine == 0 ? ": empty file, no generation summary"
                                                       : ": no GENERATION SUMMARY found (not a vlmscope or nanoVLM .log)"));
        }
        return std::move(m_runs);
    }

private:
    enum class Mode { Preamble, Entry, Benchmark, Between };

    struct Entry {
        LogRunSummary summary;
        Section section = Section::Header;
        bool closed = false;
    };

    void logicalLine(std::string_view t, std::int64_t number)
    {
        if (t == kLogSummaryTitle) {
            endEntry();
            m_entry = Entry{};
            m_entry->summary.line = number;
            m_mode = Mode::Entry;
            m_strayLines = 0;
            return;
        }
        if (t == kLogBenchmarkTitle) {
            endEntry();
            m_mode = Mode::Benchmark;
            m_strayLines = 0;
            return;
        }
        if (isRule(t, kClosingRuleMin)) {
            if (m_entry)
                m_entry->closed = true;
            endEntry();
            m_mode = Mode::Between;
            return;
        }
        if (t.empty() || isRule(t, 1))
            return;
        if (m_mode == Mode::Entry && m_entry)
            entryLine(t, number);
        else if (m_mode == Mode::Between && m_strayLines++ == 0)
            m_strayFrom = number;
    }

    void entryLine(std::string_view t, std::int64_t number)
    {
        Entry& e = *m_entry;
        if (startsWith(t, "-----") && t.find("PERFORMANCE METRICS") != std::string_view::npos) {
            e.section = Section::Performance;
            return;
        }
        if (t.back() == ':' && t.find(": ") == std::string_view::npos && t.front() != '-') {
            const std::string_view name = t.substr(0, t.size() - 1);
            if (!isHeaderLabel(name)) {
                e.section = sectionNamed(name, &e.summary.itlCount);
                return;
            }
        }
        std::string_view body = t;
        if (startsWith(body, "-"))
            body = trim(body.substr(1));
        const std::size_t colon = body.find(':');
        if (colon == std::string_view::npos)
            return;
        const std::string_view label = trim(body.substr(0, colon));
        const std::string_view value = trim(body.substr(colon + 1));
        if (!field(e, label, value))
            warn(number, "cannot read '" + capped(label.substr(0, 80)) + "' value '" + capped(value.substr(0, 80)) + "'");
    }

    // False when a known label has a value that cannot be read.
    bool field(Entry& e, std::string_view label, std::string_view value)
    {
        LogRunSummary& s = e.summary;
        switch (e.section) {
        case Section::Header: return headerField(s, label, value);
        case Section::Performance: return performanceField(s, label, value);
        case Section::Latency:
            if (label == "Total")
                return seconds(&s.totalS, value, " ms", 1e-3);
            if (label == "Prefill")
                return seconds(&s.prefillS, value, " ms", 1e-3);
            if (label == "TTFT")
                return seconds(&s.ttftS, value, " ms", 1e-3);
            if (label == "TPOT")
                return seconds(&s.tpotS, value, " ms", 1e-3);
            return true;
        case Section::Itl:
            if (label == "CV")
                return seconds(&s.itlCv, value, "", 1.0);
            for (const NamedFigure& figure : {NamedFigure{"Mean", &s.itlMeanS}, NamedFigure{"p50", &s.itlP50S},
                                              NamedFigure{"p90", &s.itlP90S}, NamedFigure{"p99", &s.itlP99S},
                                              NamedFigure{"Min", &s.itlMinS}, NamedFigure{"Max", &s.itlMaxS}})
                if (label == figure.name)
                    return seconds(figure.value, value, " ms", 1e-3);
            return true;
        case Section::Multimodal:
            if (label == "Image tokens")
                return count(&s.imageTokens, value);
            if (label == "Text tokens")
                return count(&s.textTokens, value);
            return true;
        case Section::Memory:
            if (label == "Peak")
                return seconds(&s.peakMemoryMb, value, " MB", 1.0);
            if (label == "Increase")
                return seconds(&s.memoryIncreaseMb, value, " MB", 1.0);
            if (label == "Per token")
                return seconds(&s.memoryPerTokenMb, value, " MB", 1.0);
            if (label == "KV cache")
                return startsWith(value, "off") || seconds(&s.kvCacheMb, value, " MB", 1.0);
            return true;
        case Section::Layers: return share(&s.categories, label, value);
        case Section::DetailedLayers: return share(&s.topLayers, label, value);
        case Section::PerSecond: return perSecond(s, label, value);
        case Section::Other: return true;
        }
        return true;
    }

    bool headerField(LogRunSummary& s, std::string_view label, std::string_view value)
    {
        if (label == "Model")
            s.model = capped(value);
        else if (label == "Date")
            s.date = capped(value);
        else if (label == "Device")
            s.device = capped(value);
        else if (label == "Prompt")
            s.prompt = capped(value);
        else if (label == "Status")
            s.status = capped(value);
        else if (label == "Note")
            s.synthetic = s.synthetic || value.find("synthetic weights") != std::string_view::npos;
        else if (label == "Tool")
            s.vlmscope = startsWith(value, "vlmscope");
        else if (label == "Generation") {
            std::int64_t n = 0;
            if (!integer(value, &n) || n < 0 || n > 1'000'000'000)
                return false;
            s.generationNumber = static_cast<int>(n);
        } else if (label == "Max tokens")
            return count(&s.maxTokens, value);
        else if (label == kLogDefinitionsLabel || label == kLogEnvironmentLabel)
            manifestLine(s, label == kLogDefinitionsLabel ? "definitions." : "environment.", value);
        else
            return performanceField(s, label, value); // the original had no PERFORMANCE line in some versions
        return true;
    }

    static void manifestLine(LogRunSummary& s, const char* prefix, std::string_view value)
    {
        constexpr std::size_t kMaxManifestFields = 64;
        for (auto& field : manifestFieldsOfLogValue(prefix, capped(value))) {
            if (s.manifest.size() < kMaxManifestFields)
                s.manifest.push_back(std::move(field));
        }
    }

    bool performanceField(LogRunSummary& s, std::string_view label, std::string_view value)
    {
        if (label == "Total tokens generated")
            return count(&s.totalTokens, value);
        if (label == "Input tokens")
            return count(&s.inputTokens, value);
        if (label == "Output tokens")
            return count(&s.outputTokens, value);
        if (label == "Total generation time")
            return seconds(&s.totalS, value, "s", 1.0);
        if (label == "Time to first token (TTFT)")
            return seconds(&s.ttftS, value, "s", 1.0);
        if (label == "Overall tokens per second")
            return seconds(&s.overallTps, value, "TPS", 1.0);
        for (const NamedFigure& figure :
             {NamedFigure{"Input TPS", &s.inputTps}, NamedFigure{"Output TPS", &s.outputTps},
              NamedFigure{"End-to-end output TPS", &s.e2eOutputTps}, NamedFigure{"Peak TPS", &s.peakTps},
              NamedFigure{"Peak TPS (8-token window)", &s.peakTpsWindow8}})
            if (label == figure.name)
                return seconds(figure.value, value, "tokens/s", 1.0);
        if (label == "Absolute")
            return seconds(&s.stabilityAbs, value, "TPS", 1.0);
        if (label == "Relative")
            return seconds(&s.stabilityRelPct, value, "%", 1.0);
        return true;
    }

    static bool seconds(std::optional<double>* out, std::string_view value, std::string_view unit, double scale)
    {
        const Quantity q = quantity(value, trim(unit));
        if (!q.ok)
            return false;
        *out = q.value ? std::optional<double>(*q.value * scale) : std::nullopt;
        return true;
    }

    static bool count(std::optional<std::int64_t>* out, std::string_view value)
    {
        std::int64_t n = 0;
        if (isNotAvailable(value))
            return true;
        if (!integer(value, &n) || n < 0)
            return false;
        *out = n;
        return true;
    }

    // "27.7% of time (0.87s)", "25.5% (0.80s, 20 calls)", "9.1% (0.390s self, ...)".
    bool share(std::vector<LogShare>* shares, std::string_view name, std::string_view value)
    {
        std::string_view rest;
        const std::optional<double> percent = leadingNumber(value, &rest);
        if (!percent || !startsWith(rest, "%"))
            return false;
        LogShare entry{capped(name), *percent, std::nullopt};
        const std::size_t open = rest.find('(');
        if (open != std::string_view::npos) {
            std::string_view unit;
            const std::optional<double> s = leadingNumber(rest.substr(open + 1), &unit);
            if (s && startsWith(unit, "s"))
                entry.seconds = s;
        }
        if (shares->size() < kMaxShares)
            shares->push_back(std::move(entry));
        return true;
    }

    // "0-1s: 20.0" (one second a line) or "0-9s: 1.0, 2.0, ..." (ten a line).
    bool perSecond(LogRunSummary& s, std::string_view label, std::string_view value)
    {
        if (label.empty() || label.back() != 's' || label.find('-') == std::string_view::npos)
            return false;
        while (!value.empty()) {
            const std::size_t comma = value.find(',');
            const std::string_view item = trim(value.substr(0, comma));
            std::string_view rest;
            const std::optional<double> tps = leadingNumber(item, &rest);
            if (!tps || !rest.empty())
                return false;
            if (s.perSecondTps.size() < kMaxPerSecond)
                s.perSecondTps.push_back(*tps);
            value = comma == std::string_view::npos ? std::string_view() : value.substr(comma + 1);
        }
        return true;
    }

    void endEntry()
    {
        if (!m_entry)
            return;
        Entry e = std::move(*m_entry);
        m_entry.reset();
        const LogRunSummary& s = e.summary;
        const bool figures = s.totalS || s.overallTps || s.outputTokens || s.totalTokens;
        if (!e.closed && s.vlmscope) {
            // vlmscope closes every entry: a missing separator means the file was cut.
            skip(s.line, "generation summary is incomplete (no closing separator; file truncated?), skipped");
        } else if (!figures) {
            skip(s.line, "generation summary has no figures, skipped");
        } else if (m_runs.size() >= kMaxLogRuns) {
            skip(s.line, "more than " + std::to_string(kMaxLogRuns) + " runs in one log; the rest are skipped");
        } else {
            m_runs.push_back(std::move(e.summary));
        }
    }

    void skip(std::int64_t line, const std::string& why)
    {
        ++m_skipped;
        warn(line, why);
    }

    void warn(std::int64_t line, const std::string& message)
    {
        if (!m_warnings)
            return;
        if (m_warningCount < kMaxWarnings)
            m_warnings->push_back(m_source + ":" + std::to_string(line) + ": " + message);
        else if (m_warningCount == kMaxWarnings)
            m_warnings->push_back(m_source + ": more warnings omitted");
        ++m_warningCount;
    }

    const std::string& m_source;
    std::vector<std::string>* m_warnings;
    std::size_t m_warningCount = 0;
    Mode m_mode = Mode::Preamble;
    std::optional<Entry> m_entry;
    std::vector<LogRunSummary> m_runs;
    std::size_t m_skipped = 0;
    std::int64_t m_strayLines = 0;
    std::int64_t m_strayFrom = 0;
};

} // namespace

std::vector<LogRunSummary> parseGenerationLog(std::string_view text, const std::string& source,
                                              std::vector<std::string>* warnings)
{
    if (text.size() > kMaxLogFileBytes)
        throw InputError(source + ": log too large (" + std::to_string(text.size()) + " bytes, limit "
                         + std::to_string(kMaxLogFileBytes) + ")");
    LogParser parser(source, warnings);
    std::int64_t number = 0;
    std::size_t start = 0;
    while (start < text.size()) {
        const std::size_t end = text.find('\n', start);
        const std::size_t stop = end == std::string_view::npos ? text.size() : end;
        parser.line(text.substr(start, stop - start), ++number);
        start = stop + 1;
    }
    return parser.finish(number);
}

std::vector<LogRunSummary> readGenerationLog(const std::string& path, std::vector<std::string>* warnings)
{
    const std::string text = readFileLimited(path, kMaxLogFileBytes);
    return parseGenerationLog(text, path, warnings);
}

} // namespace vlmscope
