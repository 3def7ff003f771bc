#include "core/io/run_manifest.h"

#include "core/io/benchmark_results.h"
#include "core/io/generation_log_reader.h"
#include "core/io/run_record_json.h"
#include "core/io/text_format.h"
#include "core/util/atomic_write.h"
#include "core/util/error.h"

#include <QDir>
#include <QFileInfo>

#include <algorithm>
#include <charconv>
#include <limits>

namespace vlmscope {

namespace {

using Json = nlohmann::ordered_json;

constexpr std::int64_t kMaxInt = std::numeric_limits<int>::max();
constexpr const char* kDefinitionsPrefix = "definitions.";
constexpr const char* kEnvironmentPrefix = "environment.";

std::string optionalString(const JsonReader& r, const char* key)
{
    return r.has(key) ? r.field(key).string() : std::string();
}

std::string joinFlags(const std::vector<std::string>& flags)
{
    std::string text;
    for (const std::string& flag : flags)
        text += (text.empty() ? "" : " ") + flag;
    return text;
}

std::vector<std::string> splitFlags(const std::string& text)
{
    std::vector<std::string> flags;
    std::size_t start = 0;
    while ((start = text.find_first_not_of(' ', start)) != std::string::npos) {
        const std::size_t end = std::min(text.find(' ', start), text.size());
        flags.push_back(text.substr(start, end - start));
        start = end;
    }
    return flags;
}

bool parseInt(const std::string& text, std::int64_t min, std::int64_t max, std::int64_t* out)
{
    std::int64_t value = 0;
    const auto result = std::from_chars(text.data(), text.data() + text.size(), value);
    if (result.ec != std::errc() || result.ptr != text.data() + text.size() || value < min || value > max)
        return false;
    *out = value;
    return true;
}

std::string countText(int value) { return value > 0 ? std::to_string(value) : std::string(); }

// One manifest field as text: how the .log writes it and how differences are found. Plain
// text fields of the environment name their member; the others convert with `get` / `set`
// ("" from `get` means not recorded). `label` is null for fields that are not compared.
struct Field {
    const char* key;
    const char* label;
    std::string EnvironmentInfo::*text = nullptr;
    std::string (*get)(const RunManifest&) = nullptr;
    bool (*set)(RunManifest&, const std::string&) = nullptr;
    bool hash = false;

    std::string read(const RunManifest& m) const { return text ? m.environment.*text : get(m); }
    bool write(RunManifest& m, const std::string& value) const
    {
        if (!text)
            return set(m, value);
        m.environment.*text = value;
        return true;
    }
};

// Unknown definitions (a log entry without the line) have an empty id.
bool known(const RunManifest& m) { return !m.definitions.id.empty(); }

bool setCount(int* out, const std::string& value)
{
    std::int64_t n = 0;
    const bool ok = parseInt(value, 0, kMaxInt, &n);
    *out = static_cast<int>(n);
    return ok;
}

const Field kDefinitionFields[] = {
    {"id", "metric definitions", nullptr, [](const RunManifest& m) { return m.definitions.id; },
     [](RunManifest& m, const std::string& v) {
         m.definitions.id = v;
         return !v.empty();
     }},
    {"warmup_runs", "warm-up runs", nullptr,
     [](const RunManifest& m) { return known(m) ? std::to_string(m.definitions.warmupRuns) : std::string(); },
     [](RunManifest& m, const std::string& v) { return setCount(&m.definitions.warmupRuns, v); }},
    {"discard_first", "discard first", nullptr,
     [](const RunManifest& m) { return known(m) ? std::to_string(m.definitions.discardFirst) : std::string(); },
     [](RunManifest& m, const std::string& v) {
         return parseInt(v, 0, std::numeric_limits<std::int64_t>::max(), &m.definitions.discardFirst);
     }},
    {"stop_at_eos", "stop at EOS", nullptr,
     [](const RunManifest& m) { return known(m) ? std::string(m.definitions.stopAtEos ? "true" : "false") : std::string(); },
     [](RunManifest& m, const std::string& v) {
         m.definitions.stopAtEos = v == "true";
         return v == "true" || v == "false";
     }},
};

const Field kEnvironmentFields[] = {
    {"cpu_model", "CPU", &EnvironmentInfo::cpuModel},
    {"cpu_flags", "CPU flags", nullptr, [](const RunManifest& m) { return joinFlags(m.environment.cpuFlags); },
     [](RunManifest& m, const std::string& v) {
         m.environment.cpuFlags = splitFlags(v);
         return true;
     }},
    {"logical_cores", "logical cores", nullptr,
     [](const RunManifest& m) { return countText(m.environment.logicalCores); },
     [](RunManifest& m, const std::string& v) { return setCount(&m.environment.logicalCores, v); }},
    {"threads", "threads", nullptr, [](const RunManifest& m) { return countText(m.environment.threads); },
     [](RunManifest& m, const std::string& v) { return setCount(&m.environment.threads, v); }},
    {"blas", "BLAS", &EnvironmentInfo::blas},
    {"blas_path", "BLAS library", &EnvironmentInfo::blasPath},
    {"torch_version", "LibTorch", &EnvironmentInfo::torchVersion},
    {"qt_version", "Qt", &EnvironmentInfo::qtVersion},
    {"dtype", "dtype", &EnvironmentInfo::dtype},
    {"device", "device", &EnvironmentInfo::device},
    {"os", "OS", &EnvironmentInfo::os},
    {"app_version", nullptr, &EnvironmentInfo::appVersion},
    {"git_commit", nullptr, &EnvironmentInfo::gitCommit},
    {"model_config_hash", "model config hash", &EnvironmentInfo::modelConfigHash, nullptr, nullptr, true},
    {"weights_hash", "weights hash", &EnvironmentInfo::weightsHash, nullptr, nullptr, true},
    {"cuda_allocator", "CUDA allocator statistics", &EnvironmentInfo::cudaAllocator},
};

// "sampled-sha256/1:0123456789abcdef..." -> "sampled-sha256/1:0123456789ab".
std::string shortHash(const std::string& value)
{
    const std::size_t colon = value.rfind(':');
    const std::size_t keep = (colon == std::string::npos ? 0 : colon + 1) + 12;
    return value.size() > keep ? value.substr(0, keep) : value;
}

// Log values stay on the line and inside their "; " separated slot.
std::string logValue(const std::string& value)
{
    std::string text = singleLine(value, 1024);
    std::replace(text.begin(), text.end(), ';', ',');
    return text;
}

template <std::size_t N>
std::string logLine(const Field (&fields)[N], const RunManifest& manifest)
{
    std::string line;
    for (const Field& field : fields)
        line += (line.empty() ? "" : "; ") + std::string(field.key) + "=" + logValue(field.read(manifest));
    return line;
}

std::string flagDifference(const std::vector<std::string>& a, const std::vector<std::string>& b)
{
    const auto onlyIn = [](const std::vector<std::string>& x, const std::vector<std::string>& y) {
        std::string text;
        for (const std::string& flag : x) {
            if (std::find(y.begin(), y.end(), flag) == y.end())
                text += (text.empty() ? "" : ", ") + flag;
        }
        return text.empty() ? std::string("none") : text;
    };
    return "CPU flags " + onlyIn(a, b) + " vs " + onlyIn(b, a);
}

template <std::size_t N>
void addDifferences(const Field (&fields)[N], const RunManifest& a, const RunManifest& b, std::vector<std::string>& out)
{
    for (const Field& field : fields) {
        const std::string x = field.read(a), y = field.read(b);
        if (!field.label || x.empty() || y.empty() || x == y)
            continue;
        if (std::string_view(field.key) == "cpu_flags")
            out.push_back(flagDifference(a.environment.cpuFlags, b.environment.cpuFlags));
        else if (field.hash)
            out.push_back(std::string(field.label) + " " + shortHash(x) + " vs " + shortHash(y));
        else
            out.push_back(std::string(field.label) + " " + x + " vs " + y);
    }
}

template <std::size_t N>
bool setField(const Field (&fields)[N], RunManifest& manifest, const std::string& key, const std::string& value)
{
    for (const Field& field : fields) {
        if (key == field.key) {
            RunManifest trial = manifest;
            if (!field.write(trial, value))
                return false;
            manifest = std::move(trial);
            return true;
        }
    }
    return false;
}

std::optional<RunManifest> manifestOfJson(const Json& document, const std::string& path)
{
    if (!document.is_object() || !document.contains("schema"))
        return std::nullopt;
    if (document["schema"] == kRunSchema)
        return manifestOf(runRecordFromJson(document, path));
    return benchmarkResultsFromJson(document, path).manifest;
}

std::string firstJsonIn(const std::string& dir)
{
    const QDir folder(QString::fromStdString(dir));
    const QStringList names = folder.entryList({"*.json"}, QDir::Files | QDir::Readable, QDir::Name);
    return names.isEmpty() ? std::string() : folder.filePath(names.front()).toStdString();
}

} // namespace

RunManifest manifestOf(const RunRecord& run) { return {run.definitions(), run.environment}; }

nlohmann::ordered_json definitionsToJson(const MetricDefinitions& d)
{
    return Json{{"id", d.id},
                {"ttft", d.ttft},
                {"tpot", d.tpot},
                {"itl", d.itl},
                {"input_tokens", d.inputTokens},
                {"output_tokens", d.outputTokens},
                {"decode_tokens", d.decodeTokens},
                {"warmup_policy", d.warmupPolicy},
                {"warmup_runs", d.warmupRuns},
                {"discard_first", d.discardFirst},
                {"stop_at_eos", d.stopAtEos}};
}

nlohmann::ordered_json environmentToJson(const EnvironmentInfo& e)
{
    return Json{{"cpu_model", e.cpuModel},
                {"cpu_flags", e.cpuFlags},
                {"logical_cores", e.logicalCores},
                {"threads", e.threads},
                {"blas", e.blas},
                {"blas_path", e.blasPath},
                {"torch_version", e.torchVersion},
                {"qt_version", e.qtVersion},
                {"dtype", e.dtype},
                {"device", e.device},
                {"os", e.os},
                {"app_version", e.appVersion},
                {"git_commit", e.gitCommit},
                {"model_config_hash", e.modelConfigHash},
                {"weights_hash", e.weightsHash},
                {"cuda_allocator", e.cudaAllocator}};
}

nlohmann::ordered_json manifestToJson(const RunManifest& manifest)
{
    return Json{{"definitions", definitionsToJson(manifest.definitions)},
                {"environment", environmentToJson(manifest.environment)}};
}

MetricDefinitions readDefinitions(const JsonReader& r)
{
    r.requireObject();
    MetricDefinitions d;
    d.id = r.field("id").nonEmptyString();
    d.ttft = optionalString(r, "ttft");
    d.tpot = optionalString(r, "tpot");
    d.itl = optionalString(r, "itl");
    d.inputTokens = optionalString(r, "input_tokens");
    d.outputTokens = optionalString(r, "output_tokens");
    d.decodeTokens = optionalString(r, "decode_tokens");
    d.warmupPolicy = optionalString(r, "warmup_policy");
    d.warmupRuns = static_cast<int>(r.field("warmup_runs").integer(0, kMaxInt));
    d.discardFirst = r.field("discard_first").nonNegative();
    d.stopAtEos = r.field("stop_at_eos").boolean();
    return d;
}

EnvironmentInfo readEnvironment(const JsonReader& r)
{
    EnvironmentInfo e;
    e.cpuModel = r.field("cpu_model").string();
    e.logicalCores = static_cast<int>(r.field("logical_cores").integer(0, kMaxInt));
    e.threads = static_cast<int>(r.field("threads").integer(0, kMaxInt));
    e.blas = r.field("blas").string();
    e.torchVersion = r.field("torch_version").string();
    e.qtVersion = r.field("qt_version").string();
    e.device = r.field("device").string();
    e.os = r.field("os").string();
    e.appVersion = r.field("app_version").string();
    e.gitCommit = r.field("git_commit").string();
    if (r.has("cpu_flags")) {
        const JsonReader flags = r.field("cpu_flags");
        for (std::size_t i = 0; i < flags.arraySize(); ++i)
            e.cpuFlags.push_back(flags.element(i).nonEmptyString());
    }
    e.blasPath = optionalString(r, "blas_path");
    e.dtype = optionalString(r, "dtype");
    e.modelConfigHash = optionalString(r, "model_config_hash");
    e.weightsHash = optionalString(r, "weights_hash");
    e.cudaAllocator = optionalString(r, "cuda_allocator");
    return e;
}

std::string definitionsLogValue(const MetricDefinitions& definitions)
{
    return logLine(kDefinitionFields, RunManifest{definitions, {}});
}

std::string environmentLogValue(const EnvironmentInfo& environment)
{
    return logLine(kEnvironmentFields, RunManifest{{}, environment});
}

ManifestFields manifestFieldsOfLogValue(const std::string& prefix, const std::string& value)
{
    ManifestFields fields;
    std::size_t start = 0;
    while (start <= value.size()) {
        const std::size_t end = std::min(value.find("; ", start), value.size());
        const std::string item = value.substr(start, end - start);
        const std::size_t equals = item.find('=');
        if (equals != std::string::npos && equals > 0)
            fields.emplace_back(prefix + item.substr(0, equals), item.substr(equals + 1));
        start = end + 2;
    }
    return fields;
}

std::optional<RunManifest> manifestFromFields(const ManifestFields& fields)
{
    RunManifest manifest;
    manifest.definitions.id.clear(); // not recorded unless a field says so
    manifest.environment.device.clear();
    bool any = false;
    const std::string definitions = kDefinitionsPrefix, environment = kEnvironmentPrefix;
    for (const auto& [key, value] : fields) {
        if (key.rfind(definitions, 0) == 0)
            any = setField(kDefinitionFields, manifest, key.substr(definitions.size()), value) || any;
        else if (key.rfind(environment, 0) == 0)
            any = setField(kEnvironmentFields, manifest, key.substr(environment.size()), value) || any;
    }
    if (!any)
        return std::nullopt;
    if (manifest.definitions.id == kMetricDefinitionsId) {
        // The fixed texts follow from the id; keep what the line said about the rest.
        MetricDefinitions current;
        current.warmupRuns = manifest.definitions.warmupRuns;
        current.discardFirst = manifest.definitions.discardFirst;
        current.stopAtEos = manifest.definitions.stopAtEos;
        manifest.definitions = current;
    }
    return manifest;
}

std::vector<std::string> describeManifestDifferences(const RunManifest& a, const RunManifest& b)
{
    std::vector<std::string> out;
    addDifferences(kDefinitionFields, a, b, out);
    addDifferences(kEnvironmentFields, a, b, out);
    return out;
}

std::optional<RunManifest> readFileManifest(const std::string& path)
{
    const std::string file = QFileInfo(QString::fromStdString(path)).isDir() ? firstJsonIn(path) : path;
    if (file.empty())
        return std::nullopt;
    const std::string text = readFileLimited(file, std::max(kMaxRunRecordBytes, kMaxLogFileBytes));
    const std::size_t first = text.find_first_not_of(" \t\r\n");
    if (first == std::string::npos)
        return std::nullopt;
    if (text[first] == '{' || text[first] == '[') {
        try {
            return manifestOfJson(parseJsonLimited(text, file), file);
        } catch (const InputError&) {
            return std::nullopt; // JSON Lines of another tool; the gate names real problems
        }
    }
    for (const LogRunSummary& entry : parseGenerationLog(text, file)) {
        if (std::optional<RunManifest> manifest = manifestFromFields(entry.manifest))
            return manifest;
    }
    return std::nullopt;
}

} // namespace vlmscope
