#include "tests/io/run_record_fixture.h"

#include <cmath>
#include <sstream>
#include <vector>

using namespace vlmscope;

namespace fixture {

const char* const kTokenTexts[3] = {"Hello, \"world\"", "line1\nline2 ünïcödé 😀", "a,b\r\nc"};

namespace {

struct ScopeSpec {
    const char* name;
    ScopeCategory category;
    int parent;
};

const ScopeSpec kScopes[] = {
    {"vision_encoder", ScopeCategory::VisionEncoder, -1},
    {"vision_encoder.blocks.0", ScopeCategory::VisionEncoder, 0},
    {"vision_encoder.blocks.0.attn", ScopeCategory::VisionEncoder, 1},
    {"MP", ScopeCategory::Projector, -1},
    {"decoder.token_embedding", ScopeCategory::Embedding, -1},
    {"decoder.blocks.0", ScopeCategory::Other, -1},
    {"decoder.blocks.0.attn", ScopeCategory::Attention, 5},
    {"decoder.blocks.0.mlp", ScopeCategory::Ffn, 5},
    {"decoder.norm", ScopeCategory::Norm, -1},
    {"decoder.head", ScopeCategory::LmHead, -1},
};
constexpr std::size_t kScopeCount = sizeof kScopes / sizeof kScopes[0];

// Per step, per scope: {inclusive µs, self µs, calls}. Parents hold their children.
struct Cell {
    std::int64_t inclusiveUs, selfUs, calls;
};
const Cell kStepCells[3][kScopeCount] = {
    {{27000, 1000, 1}, {26000, 6000, 1}, {20000, 20000, 1}, {900, 900, 1}, {100, 100, 1},
     {25000, 2000, 1}, {13000, 13000, 1}, {10000, 10000, 1}, {500, 500, 1}, {1500, 1500, 1}},
    {{0, 0, 0}, {0, 0, 0}, {0, 0, 0}, {0, 0, 0}, {50, 50, 1},
     {17000, 1000, 1}, {9000, 9000, 1}, {7000, 7000, 1}, {300, 300, 1}, {1200, 1200, 1}},
    {{0, 0, 0}, {0, 0, 0}, {0, 0, 0}, {0, 0, 0}, {40, 40, 1},
     {16000, 900, 1}, {8600, 8600, 1}, {6500, 6500, 1}, {310, 310, 1}, {1150, 1150, 1}},
};

template <typename T>
std::string show(const T& value)
{
    std::ostringstream out;
    out.precision(17);
    out << value;
    return out.str();
}
std::string show(const std::string& value) { return "'" + value + "'"; }
std::string show(bool value) { return value ? "true" : "false"; }
template <typename T>
std::string show(const std::optional<T>& value)
{
    return value ? show(*value) : std::string("null");
}

class Differ {
public:
    template <typename T>
    void check(const std::string& path, const T& a, const T& b)
    {
        if (m_first.empty() && !(a == b))
            m_first = path + ": " + show(a) + " != " + show(b);
    }
    template <typename T, typename F>
    void checkEach(const std::string& path, const std::vector<T>& a, const std::vector<T>& b, F compare)
    {
        check(path + ".size", a.size(), b.size());
        for (std::size_t i = 0; i < a.size() && i < b.size(); ++i)
            compare(path + "[" + std::to_string(i) + "]", a[i], b[i]);
    }
    template <typename T>
    void checkValues(const std::string& path, const std::vector<T>& a, const std::vector<T>& b)
    {
        checkEach(path, a, b, [this](const std::string& p, const T& x, const T& y) { check(p, x, y); });
    }
    const std::string& result() const { return m_first; }

private:
    std::string m_first;
};

void compareMemorySeries(Differ& d, const std::string& p, const MemorySeriesMetrics& a, const MemorySeriesMetrics& b)
{
    d.check(p + ".startBytes", a.startBytes, b.startBytes);
    d.check(p + ".peakBytes", a.peakBytes, b.peakBytes);
    d.check(p + ".increaseBytes", a.increaseBytes, b.increaseBytes);
    d.check(p + ".perOutputTokenBytes", a.perOutputTokenBytes, b.perOutputTokenBytes);
}

void compareMetrics(Differ& d, const GenerationMetrics& a, const GenerationMetrics& b)
{
    d.check("metrics.inputTokens", a.inputTokens, b.inputTokens);
    d.check("metrics.imageTokens", a.imageTokens, b.imageTokens);
    d.check("metrics.textTokens", a.textTokens, b.textTokens);
    d.check("metrics.outputTokens", a.outputTokens, b.outputTokens);
    d.check("metrics.discardedTokens", a.discardedTokens, b.discardedTokens);
    d.check("metrics.decodeTokens", a.decodeTokens, b.decodeTokens);
    d.check("metrics.totalS", a.totalS, b.totalS);
    d.check("metrics.ttftS", a.ttftS, b.ttftS);
    d.check("metrics.prefillS", a.prefillS, b.prefillS);
    d.check("metrics.inputTps", a.inputTps, b.inputTps);
    d.check("metrics.outputTps", a.outputTps, b.outputTps);
    d.check("metrics.tpotS", a.tpotS, b.tpotS);
    d.check("metrics.overallTps", a.overallTps, b.overallTps);
    d.check("metrics.e2eOutputTps", a.e2eOutputTps, b.e2eOutputTps);
    d.check("metrics.itl.count", a.itl.count, b.itl.count);
    d.check("metrics.itl.mean", a.itl.mean, b.itl.mean);
    d.check("metrics.itl.p50", a.itl.p50, b.itl.p50);
    d.check("metrics.itl.p90", a.itl.p90, b.itl.p90);
    d.check("metrics.itl.p99", a.itl.p99, b.itl.p99);
    d.check("metrics.itl.min", a.itl.min, b.itl.min);
    d.check("metrics.itl.max", a.itl.max, b.itl.max);
    d.check("metrics.itl.stddev", a.itl.stddev, b.itl.stddev);
    d.check("metrics.itl.cv", a.itl.cv, b.itl.cv);
    d.checkValues("metrics.perSecondTps", a.perSecondTps, b.perSecondTps);
    d.check("metrics.peakTpsPerSecond", a.peakTpsPerSecond, b.peakTpsPerSecond);
    d.check("metrics.peakTpsWindow8", a.peakTpsWindow8, b.peakTpsWindow8);
    d.check("metrics.stabilityAbs", a.stabilityAbs, b.stabilityAbs);
    d.check("metrics.stabilityRelPct", a.stabilityRelPct, b.stabilityRelPct);
    compareMemorySeries(d, "metrics.rss", a.rss, b.rss);
    compareMemorySeries(d, "metrics.allocator", a.allocator, b.allocator);
    compareMemorySeries(d, "metrics.kvCache", a.kvCache, b.kvCache);
}

void compareSettings(Differ& d, const RunSettings& a, const RunSettings& b)
{
    d.check("settings.model", a.model, b.model);
    d.check("settings.tokenizer", a.tokenizer, b.tokenizer);
    d.check("settings.prompt", a.prompt, b.prompt);
    d.check("settings.image", a.image, b.image);
    d.check("settings.maxNewTokens", a.maxNewTokens, b.maxNewTokens);
    d.check("settings.kvCache", a.kvCache, b.kvCache);
    d.check("settings.greedy", a.greedy, b.greedy);
    d.check("settings.temperature", a.temperature, b.temperature);
    d.check("settings.topK", a.topK, b.topK);
    d.check("settings.topP", a.topP, b.topP);
    d.check("settings.seed", a.seed, b.seed);
    d.check("settings.stopAtEos", a.stopAtEos, b.stopAtEos);
    d.check("settings.threads", a.threads, b.threads);
    d.check("settings.device", a.device, b.device);
    d.check("settings.dtype", a.dtype, b.dtype);
    d.check("settings.profiling", static_cast<int>(a.profiling), static_cast<int>(b.profiling));
    d.check("settings.warmup", a.warmup, b.warmup);
    d.check("settings.discardFirst", a.discardFirst, b.discardFirst);
}

void compareModel(Differ& d, const ModelSummary& a, const ModelSummary& b)
{
    d.check("model.name", a.name, b.name);
    d.check("model.source", a.source, b.source);
    d.check("model.synthetic", a.synthetic, b.synthetic);
    d.check("model.generation", a.generation, b.generation);
    d.check("model.parameters", a.parameters, b.parameters);
    d.check("model.parameterBytes", a.parameterBytes, b.parameterBytes);
    d.check("model.vocabSize", a.vocabSize, b.vocabSize);
    d.check("model.contextLength", a.contextLength, b.contextLength);
    d.check("model.tokenizer", a.tokenizer, b.tokenizer);
    // Key order is checked by the file round trip; values here.
    d.check("model.config", nlohmann::json(a.config).dump(), nlohmann::json(b.config).dump());
}

void compareEnvironment(Differ& d, const EnvironmentInfo& a, const EnvironmentInfo& b)
{
    d.check("environment.cpuModel", a.cpuModel, b.cpuModel);
    d.check("environment.logicalCores", a.logicalCores, b.logicalCores);
    d.check("environment.threads", a.threads, b.threads);
    d.check("environment.blas", a.blas, b.blas);
    d.check("environment.torchVersion", a.torchVersion, b.torchVersion);
    d.check("environment.qtVersion", a.qtVersion, b.qtVersion);
    d.check("environment.device", a.device, b.device);
    d.check("environment.os", a.os, b.os);
    d.check("environment.appVersion", a.appVersion, b.appVersion);
    d.check("environment.gitCommit", a.gitCommit, b.gitCommit);
    d.checkValues("environment.cpuFlags", a.cpuFlags, b.cpuFlags);
    d.check("environment.blasPath", a.blasPath, b.blasPath);
    d.check("environment.dtype", a.dtype, b.dtype);
    d.check("environment.modelConfigHash", a.modelConfigHash, b.modelConfigHash);
    d.check("environment.weightsHash", a.weightsHash, b.weightsHash);
    d.check("environment.cudaAllocator", a.cudaAllocator, b.cudaAllocator);
}

void compareOverhead(Differ& d, const std::optional<ProfilerOverhead>& a, const std::optional<ProfilerOverhead>& b)
{
    d.check("overhead.present", a.has_value(), b.has_value());
    if (!a || !b)
        return;
    d.check("overhead.scopeNs", a->calibration.scopeNs, b->calibration.scopeNs);
    d.check("overhead.opCallbackNs", a->calibration.opCallbackNs, b->calibration.opCallbackNs);
    d.check("overhead.allocationNs", a->calibration.allocationNs, b->calibration.allocationNs);
    d.check("overhead.scopes", a->scopes, b->scopes);
    d.check("overhead.opCallbacks", a->opCallbacks, b->opCallbacks);
    d.check("overhead.allocations", a->allocations, b->allocations);
}

void compareEvents(Differ& d, const RunRecord& a, const RunRecord& b)
{
    d.checkEach("phases", a.phases, b.phases, [&](const std::string& p, const PhaseSpan& x, const PhaseSpan& y) {
        d.check(p + ".phase", static_cast<int>(x.phase), static_cast<int>(y.phase));
        d.check(p + ".step", x.step, y.step);
        d.check(p + ".beginNs", x.beginNs, y.beginNs);
        d.check(p + ".endNs", x.endNs, y.endNs);
    });
    d.checkEach("tokens", a.tokens, b.tokens, [&](const std::string& p, const TokenEvent& x, const TokenEvent& y) {
        d.check(p + ".index", x.index, y.index);
        d.check(p + ".id", x.id, y.id);
        d.check(p + ".text", x.text, y.text);
        d.check(p + ".timeNs", x.timeNs, y.timeNs);
        d.check(p + ".latencyNs", x.latencyNs, y.latencyNs);
    });
    d.checkEach("scopes", a.scopes, b.scopes, [&](const std::string& p, const ScopeSummary& x, const ScopeSummary& y) {
        d.check(p + ".name", x.name, y.name);
        d.check(p + ".category", static_cast<int>(x.category), static_cast<int>(y.category));
        d.check(p + ".parent", x.parent, y.parent);
        d.check(p + ".calls", x.calls, y.calls);
        d.check(p + ".inclusiveNs", x.inclusiveNs, y.inclusiveNs);
        d.check(p + ".selfNs", x.selfNs, y.selfNs);
        d.check(p + ".allocatedBytes", x.allocatedBytes, y.allocatedBytes);
    });
    d.checkEach("steps", a.steps, b.steps, [&](const std::string& p, const StepLayerTimes& x, const StepLayerTimes& y) {
        d.check(p + ".step", x.step, y.step);
        d.checkValues(p + ".selfNs", x.selfNs, y.selfNs);
        d.checkValues(p + ".inclusiveNs", x.inclusiveNs, y.inclusiveNs);
        d.checkValues(p + ".calls", x.calls, y.calls);
    });
    d.checkEach("memory", a.memory, b.memory, [&](const std::string& p, const MemorySample& x, const MemorySample& y) {
        d.check(p + ".timeNs", x.timeNs, y.timeNs);
        d.check(p + ".rssBytes", x.rssBytes, y.rssBytes);
        d.check(p + ".allocatorBytes", x.allocatorBytes, y.allocatorBytes);
        d.check(p + ".kvCacheBytes", x.kvCacheBytes, y.kvCacheBytes);
    });
    d.checkEach("ops", a.ops, b.ops, [&](const std::string& p, const OpStat& x, const OpStat& y) {
        d.check(p + ".scope", x.scope, y.scope);
        d.check(p + ".op", x.op, y.op);
        d.check(p + ".count", x.count, y.count);
        d.check(p + ".totalNs", x.totalNs, y.totalNs);
        d.check(p + ".selfNs", x.selfNs, y.selfNs);
    });
}

std::int64_t scaled(std::int64_t ns, double scale) { return std::llround(static_cast<double>(ns) * scale); }

} // namespace

RunRecord makeRun(const std::string& id, double timeScale, std::int64_t maxNewTokens)
{
    RunRecord r;
    r.id = id;
    r.startedAt = "2025-05-13T01:51:00.123Z";
    r.status = RunStatus::Finished;
    r.statusDetail = "reached --max-tokens " + std::to_string(maxNewTokens);

    r.settings.model = "builtin";
    r.settings.prompt = "What is this?";
    r.settings.image = "assets/image.png";
    r.settings.maxNewTokens = maxNewTokens;
    r.settings.greedy = false;
    r.settings.temperature = 0.7;
    r.settings.topK = 40;
    r.settings.topP = 0.95;
    r.settings.seed = 18446744073709551615ULL; // uint64 max survives
    r.settings.threads = 2;
    r.settings.profiling = ProfilingLevel::Ops;
    r.settings.warmup = 1;
    r.settings.discardFirst = 1;

    r.model.name = "nanoVLM-222M (synthetic weights)";
    r.model.source = "builtin";
    r.model.synthetic = true;
    r.model.generation = "222m-era";
    r.model.parameters = 222'000'000;
    r.model.parameterBytes = 888'000'000;
    r.model.vocabSize = 49152;
    r.model.contextLength = 1024;
    r.model.tokenizer = "resources/tokenizer.json";
    // Keys deliberately not in alphabetical order: the file must keep their order.
    r.model.config = nlohmann::ordered_json::parse(
        R"({"vit_hidden_dim": 768, "lm_hidden_dim": 576, "lm_tokenizer": "HuggingFaceTB/cosmo2-tokenizer",
            "lm_re_base": 100000, "lm_rms_eps": 1e-05, "nested": {"z": 1, "a": [1, 2.5, "x", null, true]}})");

    r.environment = {"Intel(R) Xeon(R) CPU @ 2.20GHz", 8, 2, "OpenBLAS 0.3.21 (openmp)", "1.13.0", "6.4.2",
                     "cpu", "Debian GNU/Linux 12 (bookworm)", "0.1.0", "abc1234"};
    r.environment.cpuFlags = {"avx", "avx2", "fma", "avx512f"};
    r.environment.blasPath = "/usr/lib/x86_64-linux-gnu/openblas-openmp/libblas.so.3";
    r.environment.dtype = "float32";
    r.environment.modelConfigHash = "sha256:" + std::string(64, 'c');
    r.environment.weightsHash = "sampled-sha256/1:" + std::string(64, 'e');
    r.environment.cudaAllocator = "not compiled in (this LibTorch has no CUDA)";

    r.promptIds = {1, 9519, 42, 314, 28, 16, 3737, 2};
    r.imageTokens = 64;
    r.inputTokens = 72;

    const std::int64_t t[] = {0, 2 * kMs, 30 * kMs, 31 * kMs, 60 * kMs, 60'100'000, 60'200'000, 80 * kMs, 80'050'000,
                              80'100'000, 99 * kMs, 99'020'000, 100 * kMs};
    const auto at = [&](int i) { return scaled(t[i], timeScale); };
    r.phases = {{Phase::ImagePreprocess, 0, at(0), at(1)}, {Phase::VisionEncoder, 0, at(1), at(2)},
                {Phase::Projector, 0, at(2), at(3)},       {Phase::Prefill, 0, at(3), at(4)},
                {Phase::DecodeStep, 1, at(6), at(7)},      {Phase::DecodeStep, 2, at(9), at(10)}};
    r.prefillEndNs = at(4);
    const std::int64_t tokenTimes[] = {at(5), at(8), at(11)};
    const std::int64_t ids[] = {19556, 28, 7};
    std::int64_t previous = 0;
    for (int i = 0; i < 3; ++i) {
        r.tokens.push_back({i, ids[i], kTokenTexts[i], tokenTimes[i], tokenTimes[i] - previous});
        previous = tokenTimes[i];
    }
    r.endNs = at(12);
    r.generatedText = std::string(kTokenTexts[0]) + kTokenTexts[1] + kTokenTexts[2];

    for (std::size_t k = 0; k < kScopeCount; ++k)
        r.scopes.push_back({kScopes[k].name, kScopes[k].category, kScopes[k].parent, 0, 0, 0, std::nullopt});
    for (int s = 0; s < 3; ++s) {
        StepLayerTimes step;
        step.step = s;
        for (std::size_t k = 0; k < kScopeCount; ++k) {
            const Cell& c = kStepCells[s][k];
            step.inclusiveNs.push_back(scaled(c.inclusiveUs * 1000, timeScale));
            step.selfNs.push_back(scaled(c.selfUs * 1000, timeScale));
            step.calls.push_back(c.calls);
            r.scopes[k].calls += step.calls.back();
            r.scopes[k].inclusiveNs += step.inclusiveNs.back();
            r.scopes[k].selfNs += step.selfNs.back();
        }
        r.steps.push_back(step);
    }
    r.scopes[6].allocatedBytes = 3 * 1024 * 1024;
    r.scopes[7].allocatedBytes = 0;

    const std::int64_t MiB = 1024 * 1024;
    r.memory = {{0, 500 * MiB, 100 * MiB, std::nullopt},
                {at(4), 520 * MiB, 130 * MiB, 72 * 73728},
                {at(7), 521 * MiB, 131 * MiB, 73 * 73728},
                {at(10), 523 * MiB, std::nullopt, 74 * 73728}};
    r.ops = {{6, "aten::linear", 12, scaled(20 * kMs, timeScale), scaled(2 * kMs, timeScale)},
             {6, "aten::mm", 12, scaled(18 * kMs, timeScale), scaled(18 * kMs, timeScale)},
             {7, "aten::addmm", 6, scaled(15 * kMs, timeScale), scaled(15 * kMs, timeScale)},
             {-1, "aten::cat", 3, scaled(kMs / 2, timeScale), scaled(kMs / 2, timeScale)}};
    r.cpuUtilization = 1.85;
    r.kvCacheBytes = 74 * 73728;
    // Exactly representable costs, so the estimate's arithmetic is exact in tests.
    r.overhead = ProfilerOverhead{{25.5, 180.25, 60.0}, 62, 0, 400};
    r.computeMetrics();
    return r;
}

std::string firstDifference(const RunRecord& a, const RunRecord& b)
{
    Differ d;
    d.check("schema", a.schema, b.schema);
    d.check("id", a.id, b.id);
    d.check("startedAt", a.startedAt, b.startedAt);
    d.check("status", static_cast<int>(a.status), static_cast<int>(b.status));
    d.check("statusDetail", a.statusDetail, b.statusDetail);
    compareSettings(d, a.settings, b.settings);
    compareModel(d, a.model, b.model);
    compareEnvironment(d, a.environment, b.environment);
    d.checkValues("promptIds", a.promptIds, b.promptIds);
    d.check("inputTokens", a.inputTokens, b.inputTokens);
    d.check("imageTokens", a.imageTokens, b.imageTokens);
    d.check("generatedText", a.generatedText, b.generatedText);
    d.check("prefillEndNs", a.prefillEndNs, b.prefillEndNs);
    d.check("endNs", a.endNs, b.endNs);
    compareEvents(d, a, b);
    d.check("cpuUtilization", a.cpuUtilization, b.cpuUtilization);
    d.check("kvCacheBytes", a.kvCacheBytes, b.kvCacheBytes);
    compareOverhead(d, a.overhead, b.overhead);
    d.check("definitionsId", a.definitionsId, b.definitionsId);
    compareMetrics(d, a.metrics, b.metrics);
    return d.result();
}

} // namespace fixture
