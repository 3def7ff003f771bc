#include "core/io/run_record_json.h"

#include "core/io/run_manifest.h"
#include "core/util/atomic_write.h"
#include "core/util/error.h"

#include <limits>

namespace vlmscope {

namespace {

using Json = nlohmann::ordered_json;

constexpr std::int64_t kMaxInt = std::numeric_limits<int>::max();
constexpr std::int64_t kMaxStep = std::numeric_limits<std::int64_t>::max() / 2;

template <typename T>
Json orNull(const std::optional<T>& value)
{
    return value ? Json(*value) : Json(nullptr);
}

// ---- writing ----------------------------------------------------------------------------

Json settingsToJson(const RunSettings& s)
{
    return Json{{"model", s.model},
                {"tokenizer", s.tokenizer},
                {"prompt", s.prompt},
                {"image", s.image},
                {"max_new_tokens", s.maxNewTokens},
                {"kv_cache", s.kvCache},
                {"greedy", s.greedy},
                {"temperature", s.temperature},
                {"top_k", s.topK},
                {"top_p", s.topP},
                {"seed", s.seed},
                {"stop_at_eos", s.stopAtEos},
                {"threads", s.threads},
                {"device", s.device},
                {"dtype", s.dtype},
                {"profiling", profilingLevelName(s.profiling)},
                {"warmup", s.warmup},
                {"discard_first", s.discardFirst}};
}

Json modelToJson(const ModelSummary& m)
{
    return Json{{"name", m.name},
                {"source", m.source},
                {"synthetic", m.synthetic},
                {"generation", m.generation},
                {"parameters", m.parameters},
                {"parameter_bytes", m.parameterBytes},
                {"vocab_size", m.vocabSize},
                {"context_length", m.contextLength},
                {"tokenizer", m.tokenizer},
                {"config", m.config}};
}

Json intervalsToJson(const IntervalStats& s)
{
    return Json{{"count", s.count},         {"mean_s", orNull(s.mean)}, {"p50_s", orNull(s.p50)},
                {"p90_s", orNull(s.p90)},   {"p99_s", orNull(s.p99)},   {"min_s", orNull(s.min)},
                {"max_s", orNull(s.max)},   {"stddev_s", orNull(s.stddev)}, {"cv", orNull(s.cv)}};
}

Json memorySeriesToJson(const MemorySeriesMetrics& m)
{
    return Json{{"start_bytes", orNull(m.startBytes)},
                {"peak_bytes", orNull(m.peakBytes)},
                {"increase_bytes", orNull(m.increaseBytes)},
                {"per_output_token_bytes", orNull(m.perOutputTokenBytes)}};
}

Json metricsToJson(const GenerationMetrics& m)
{
    return Json{{"input_tokens", m.inputTokens},
                {"image_tokens", m.imageTokens},
                {"text_tokens", m.textTokens},
                {"output_tokens", m.outputTokens},
                {"discarded_tokens", m.discardedTokens},
                {"decode_tokens", m.decodeTokens},
                {"total_s", m.totalS},
                {"ttft_s", orNull(m.ttftS)},
                {"prefill_s", orNull(m.prefillS)},
                {"input_tps", orNull(m.inputTps)},
                {"output_tps", orNull(m.outputTps)},
                {"tpot_s", orNull(m.tpotS)},
                {"overall_tps", orNull(m.overallTps)},
                {"e2e_output_tps", orNull(m.e2eOutputTps)},
                {"itl", intervalsToJson(m.itl)},
                {"per_second_tps", m.perSecondTps},
                {"peak_tps_per_second", orNull(m.peakTpsPerSecond)},
                {"peak_tps_window8", orNull(m.peakTpsWindow8)},
                {"stability_abs_tps", orNull(m.stabilityAbs)},
                {"stability_rel_pct", orNull(m.stabilityRelPct)},
                {"memory",
                 Json{{"rss", memorySeriesToJson(m.rss)},
                      {"allocator", memorySeriesToJson(m.allocator)},
                      {"kv_cache", memorySeriesToJson(m.kvCache)}}}};
}

Json phasesToJson(const std::vector<PhaseSpan>& phases)
{
    Json out = Json::array();
    for (const PhaseSpan& p : phases)
        out.push_back(Json{{"phase", phaseName(p.phase)}, {"step", p.step}, {"begin_ns", p.beginNs}, {"end_ns", p.endNs}});
    return out;
}

Json tokensToJson(const std::vector<TokenEvent>& tokens)
{
    Json out = Json::array();
    for (const TokenEvent& t : tokens) {
        out.push_back(Json{
            {"index", t.index}, {"id", t.id}, {"text", t.text}, {"time_ns", t.timeNs}, {"latency_ns", t.latencyNs}});
    }
    return out;
}

Json scopesToJson(const std::vector<ScopeSummary>& scopes)
{
    Json out = Json::array();
    for (const ScopeSummary& s : scopes) {
        out.push_back(Json{{"name", s.name},
                           {"category", categoryName(s.category)},
                           {"parent", s.parent},
                           {"calls", s.calls},
                           {"inclusive_ns", s.inclusiveNs},
                           {"self_ns", s.selfNs},
                           {"allocated_bytes", orNull(s.allocatedBytes)}});
    }
    return out;
}

Json stepsToJson(const std::vector<StepLayerTimes>& steps)
{
    Json out = Json::array();
    for (const StepLayerTimes& s : steps)
        out.push_back(Json{{"step", s.step}, {"self_ns", s.selfNs}, {"inclusive_ns", s.inclusiveNs}, {"calls", s.calls}});
    return out;
}

Json memoryToJson(const std::vector<MemorySample>& memory)
{
    Json out = Json::array();
    for (const MemorySample& m : memory) {
        out.push_back(Json{{"time_ns", m.timeNs},
                           {"rss_bytes", m.rssBytes},
                           {"allocator_bytes", orNull(m.allocatorBytes)},
                           {"kv_cache_bytes", orNull(m.kvCacheBytes)}});
    }
    return out;
}

Json opsToJson(const std::vector<OpStat>& ops)
{
    Json out = Json::array();
    for (const OpStat& o : ops) {
        out.push_back(
            Json{{"scope", o.scope}, {"op", o.op}, {"count", o.count}, {"total_ns", o.totalNs}, {"self_ns", o.selfNs}});
    }
    return out;
}

Json overheadToJson(const std::optional<ProfilerOverhead>& overhead, std::int64_t endNs)
{
    if (!overhead)
        return nullptr;
    const ProfilerOverhead& o = *overhead;
    return Json{{"scope_ns", o.calibration.scopeNs},
                {"op_callback_ns", o.calibration.opCallbackNs},
                {"allocation_ns", o.calibration.allocationNs},
                {"scopes", o.scopes},
                {"op_callbacks", o.opCallbacks},
                {"allocations", o.allocations},
                {"estimated_ms", o.estimatedNs() / 1e6},
                {"estimated_pct", o.estimatedPct(endNs)}};
}

// ---- reading ----------------------------------------------------------------------------

template <typename Enum>
Enum readName(const JsonReader& r, bool (*parse)(const std::string&, Enum*), const char* what)
{
    const std::string name = r.string();
    Enum value{};
    if (!parse(name, &value))
        r.fail("'" + name + "' is not a known " + what);
    return value;
}

RunSettings readSettings(const JsonReader& r)
{
    RunSettings s;
    s.model = r.field("model").string();
    s.tokenizer = r.field("tokenizer").string();
    s.prompt = r.field("prompt").string();
    s.image = r.field("image").string();
    s.maxNewTokens = r.field("max_new_tokens").nonNegative();
    s.kvCache = r.field("kv_cache").boolean();
    s.greedy = r.field("greedy").boolean();
    s.temperature = r.field("temperature").number(0);
    s.topK = r.field("top_k").nonNegative();
    s.topP = r.field("top_p").number(0, 1);
    s.seed = r.field("seed").unsignedInteger();
    s.stopAtEos = r.field("stop_at_eos").boolean();
    s.threads = static_cast<int>(r.field("threads").integer(0, kMaxInt));
    s.device = r.field("device").string();
    s.dtype = r.field("dtype").string();
    s.profiling = readName(r.field("profiling"), parseProfilingLevel, "profiling level (off, layers, ops)");
    s.warmup = static_cast<int>(r.field("warmup").integer(0, kMaxInt));
    s.discardFirst = r.field("discard_first").nonNegative();
    return s;
}

ModelSummary readModel(const JsonReader& r)
{
    ModelSummary m;
    m.name = r.field("name").string();
    m.source = r.field("source").string();
    m.synthetic = r.field("synthetic").boolean();
    m.generation = r.field("generation").string();
    m.parameters = r.field("parameters").nonNegative();
    m.parameterBytes = r.field("parameter_bytes").nonNegative();
    m.vocabSize = r.field("vocab_size").nonNegative();
    m.contextLength = r.field("context_length").nonNegative();
    m.tokenizer = r.field("tokenizer").string();
    const JsonReader config = r.field("config");
    if (!config.isNull())
        config.requireObject();
    m.config = config.json();
    return m;
}

// A time inside the run: 0 <= t <= end_ns.
std::int64_t readRunTime(const JsonReader& r, std::int64_t endNs)
{
    return r.integer(0, endNs);
}

std::vector<PhaseSpan> readPhases(const JsonReader& r, std::int64_t endNs)
{
    std::vector<PhaseSpan> phases(r.arraySize());
    for (std::size_t i = 0; i < phases.size(); ++i) {
        const JsonReader p = r.element(i);
        PhaseSpan& span = phases[i];
        span.phase = readName(p.field("phase"), parsePhase, "phase");
        span.step = p.field("step").nonNegative();
        span.beginNs = readRunTime(p.field("begin_ns"), endNs);
        span.endNs = p.field("end_ns").integer(span.beginNs, endNs);
    }
    return phases;
}

std::vector<TokenEvent> readTokens(const JsonReader& r, std::int64_t endNs)
{
    std::vector<TokenEvent> tokens(r.arraySize());
    std::int64_t previousNs = 0;
    for (std::size_t i = 0; i < tokens.size(); ++i) {
        const JsonReader t = r.element(i);
        TokenEvent& token = tokens[i];
        token.index = t.field("index").integer(static_cast<std::int64_t>(i), static_cast<std::int64_t>(i));
        token.id = t.field("id").nonNegative();
        token.text = t.field("text").string();
        token.timeNs = t.field("time_ns").nonNegative();
        if (token.timeNs > endNs)
            t.field("time_ns").fail("(" + std::to_string(token.timeNs) + ") is after the run end (end_ns "
                                    + std::to_string(endNs) + ")");
        if (token.timeNs < previousNs)
            t.field("time_ns").fail("(" + std::to_string(token.timeNs) + ") is before the previous token's ("
                                    + std::to_string(previousNs) + "): token times must not decrease");
        token.latencyNs = t.field("latency_ns").nonNegative();
        if (token.latencyNs != token.timeNs - previousNs)
            t.field("latency_ns").fail("(" + std::to_string(token.latencyNs)
                                       + ") must equal time_ns minus the previous token's time ("
                                       + std::to_string(token.timeNs - previousNs) + ")");
        previousNs = token.timeNs;
    }
    return tokens;
}

// Durations are bounded like the run (kMaxRunNs): sums of them then stay far from overflow.
std::vector<ScopeSummary> readScopes(const JsonReader& r)
{
    std::vector<ScopeSummary> scopes(r.arraySize());
    if (scopes.size() > static_cast<std::size_t>(kMaxInt))
        r.fail("has too many scopes");
    for (std::size_t i = 0; i < scopes.size(); ++i) {
        const JsonReader s = r.element(i);
        ScopeSummary& scope = scopes[i];
        scope.name = s.field("name").nonEmptyString();
        scope.category = readName(s.field("category"), parseCategory, "scope category");
        // Scopes are registered outer first, so a parent always comes earlier: no cycles.
        const JsonReader parent = s.field("parent");
        const std::int64_t index = parent.integer(-1, kMaxInt);
        if (index >= static_cast<std::int64_t>(i))
            parent.fail("(" + std::to_string(index) + ") must be -1 (a root) or the index of an earlier scope (below "
                        + std::to_string(i) + ")");
        scope.parent = static_cast<int>(index);
        scope.calls = s.field("calls").nonNegative();
        scope.inclusiveNs = s.field("inclusive_ns").integer(0, kMaxRunNs);
        scope.selfNs = s.field("self_ns").integer(0, scope.inclusiveNs);
        scope.allocatedBytes = s.field("allocated_bytes").nullableInteger();
    }
    return scopes;
}

std::vector<std::int64_t> readScopeVector(const JsonReader& r, std::size_t scopeCount,
                                          std::int64_t max = std::numeric_limits<std::int64_t>::max())
{
    const std::size_t n = r.arraySize();
    if (n != scopeCount)
        r.fail("has " + std::to_string(n) + " values but the run has " + std::to_string(scopeCount) + " scopes");
    std::vector<std::int64_t> values(n);
    for (std::size_t i = 0; i < n; ++i)
        values[i] = r.element(i).integer(0, max);
    return values;
}

std::vector<StepLayerTimes> readSteps(const JsonReader& r, std::size_t scopeCount)
{
    std::vector<StepLayerTimes> steps(r.arraySize());
    for (std::size_t i = 0; i < steps.size(); ++i) {
        const JsonReader s = r.element(i);
        StepLayerTimes& step = steps[i];
        // Each step once, in increasing order; the cap keeps `+ 1` from overflowing.
        const std::int64_t lowest = i == 0 ? 0 : steps[i - 1].step + 1;
        step.step = s.field("step").integer(lowest, kMaxStep);
        step.selfNs = readScopeVector(s.field("self_ns"), scopeCount, kMaxRunNs);
        step.inclusiveNs = readScopeVector(s.field("inclusive_ns"), scopeCount, kMaxRunNs);
        step.calls = readScopeVector(s.field("calls"), scopeCount);
        for (std::size_t k = 0; k < scopeCount; ++k) {
            if (step.selfNs[k] > step.inclusiveNs[k])
                s.field("self_ns").element(k).fail("(" + std::to_string(step.selfNs[k]) + ") exceeds inclusive_ns["
                                                   + std::to_string(k) + "] (" + std::to_string(step.inclusiveNs[k])
                                                   + ")");
        }
    }
    return steps;
}

std::vector<MemorySample> readMemory(const JsonReader& r)
{
    std::vector<MemorySample> memory(r.arraySize());
    for (std::size_t i = 0; i < memory.size(); ++i) {
        const JsonReader m = r.element(i);
        MemorySample& sample = memory[i];
        sample.timeNs = m.field("time_ns").integer(i == 0 ? 0 : memory[i - 1].timeNs, kMaxRunNs);
        sample.rssBytes = m.field("rss_bytes").nonNegative();
        sample.allocatorBytes = m.field("allocator_bytes").nullableInteger();
        sample.kvCacheBytes = m.field("kv_cache_bytes").nullableInteger();
    }
    return memory;
}

std::vector<OpStat> readOps(const JsonReader& r, std::size_t scopeCount)
{
    std::vector<OpStat> ops(r.arraySize());
    for (std::size_t i = 0; i < ops.size(); ++i) {
        const JsonReader o = r.element(i);
        OpStat& op = ops[i];
        op.scope = static_cast<int>(o.field("scope").integer(-1, static_cast<std::int64_t>(scopeCount) - 1));
        op.op = o.field("op").nonEmptyString();
        op.count = o.field("count").nonNegative();
        op.totalNs = o.field("total_ns").integer(0, kMaxRunNs);
        op.selfNs = o.field("self_ns").integer(0, op.totalNs);
    }
    return ops;
}

std::vector<std::int64_t> readPromptIds(const JsonReader& r)
{
    std::vector<std::int64_t> ids(r.arraySize());
    for (std::size_t i = 0; i < ids.size(); ++i)
        ids[i] = r.element(i).nonNegative();
    return ids;
}

// Calibrations are costs of a few nanoseconds to microseconds; a second per action is not one.
std::optional<ProfilerOverhead> readOverhead(const JsonReader& r)
{
    if (r.isNull())
        return std::nullopt;
    r.requireObject();
    ProfilerOverhead o;
    o.calibration.scopeNs = r.field("scope_ns").number(0, 1e9);
    o.calibration.opCallbackNs = r.field("op_callback_ns").number(0, 1e9);
    o.calibration.allocationNs = r.field("allocation_ns").number(0, 1e9);
    o.scopes = r.field("scopes").nonNegative();
    o.opCallbacks = r.field("op_callbacks").nonNegative();
    o.allocations = r.field("allocations").nonNegative();
    return o;
}

void readSchema(const JsonReader& top)
{
    top.requireObject();
    if (!top.has("schema"))
        top.fail("has no 'schema' field: not a vlmscope run record");
    const std::string schema = top.field("schema").string();
    if (schema != kRunSchema)
        throw InputError(top.source() + ": schema '" + schema + "' is not supported (this build reads " + kRunSchema
                         + ")");
}

// Fields computed from others: present for readers of the file, recomputed here.
void checkDerivedFields(const JsonReader& top)
{
    if (top.has("metric_definitions"))
        top.field("metric_definitions").string();
    if (top.has("metrics") && !top.field("metrics").isNull())
        top.field("metrics").requireObject();
    // Follows from the settings (warm-up, discard): checked, not trusted; absent in older files.
    if (top.has("definitions"))
        readDefinitions(top.field("definitions"));
}

RunRecord readRecord(const JsonReader& top)
{
    readSchema(top);
    checkDerivedFields(top);
    RunRecord record;
    record.id = top.field("id").string();
    record.startedAt = top.field("started_at").string();
    record.status = readName(top.field("status"), parseRunStatus, "run status (running, finished, stopped, failed)");
    record.statusDetail = top.field("status_detail").string();
    record.settings = readSettings(top.field("settings"));
    record.model = readModel(top.field("model"));
    record.environment = readEnvironment(top.field("environment"));
    record.promptIds = readPromptIds(top.field("prompt_ids"));
    record.inputTokens = top.field("input_tokens").nonNegative();
    record.imageTokens = top.field("image_tokens").integer(0, record.inputTokens);
    record.generatedText = top.field("generated_text").string();
    record.endNs = top.field("end_ns").integer(0, kMaxRunNs);
    record.prefillEndNs = top.field("prefill_end_ns").nullableInteger(0, record.endNs);
    record.phases = readPhases(top.field("phases"), record.endNs);
    record.tokens = readTokens(top.field("tokens"), record.endNs);
    record.scopes = readScopes(top.field("scopes"));
    record.steps = readSteps(top.field("steps"), record.scopes.size());
    record.memory = readMemory(top.field("memory"));
    record.ops = readOps(top.field("ops"), record.scopes.size());
    record.cpuUtilization = top.field("cpu_utilization").number(0);
    record.kvCacheBytes = top.field("kv_cache_bytes").nonNegative();
    if (top.has("profiler_overhead"))
        record.overhead = readOverhead(top.field("profiler_overhead"));
    try {
        record.computeMetrics();
    } catch (const InputError& error) {
        // Validation above should have caught it; still name the file.
        throw InputError(top.source() + ": " + error.what());
    }
    return record;
}

} // namespace

nlohmann::ordered_json runRecordToJson(const RunRecord& r)
{
    return Json{{"schema", kRunSchema},
                {"metric_definitions", kMetricDefinitionsId},
                {"definitions", definitionsToJson(r.definitions())},
                {"id", r.id},
                {"started_at", r.startedAt},
                {"status", runStatusName(r.status)},
                {"status_detail", r.statusDetail},
                {"settings", settingsToJson(r.settings)},
                {"model", modelToJson(r.model)},
                {"environment", environmentToJson(r.environment)},
                {"prompt_ids", r.promptIds},
                {"input_tokens", r.inputTokens},
                {"image_tokens", r.imageTokens},
                {"generated_text", r.generatedText},
                {"prefill_end_ns", orNull(r.prefillEndNs)},
                {"end_ns", r.endNs},
                {"phases", phasesToJson(r.phases)},
                {"tokens", tokensToJson(r.tokens)},
                {"scopes", scopesToJson(r.scopes)},
                {"steps", stepsToJson(r.steps)},
                {"memory", memoryToJson(r.memory)},
                {"ops", opsToJson(r.ops)},
                {"cpu_utilization", r.cpuUtilization},
                {"kv_cache_bytes", r.kvCacheBytes},
                {"profiler_overhead", overheadToJson(r.overhead, r.endNs)},
                {"metrics", metricsToJson(r.metrics)}};
}

RunRecord runRecordFromJson(const nlohmann::ordered_json& document, const std::string& source)
{
    return readRecord(JsonReader(document, source));
}

RunRecord runRecordFromJson(const nlohmann::json& document, const std::string& source)
{
    return runRecordFromJson(nlohmann::ordered_json(document), source);
}

void writeRunRecord(const std::string& path, const RunRecord& record)
{
    writeFileAtomically(path, dumpJson(runRecordToJson(record)) + "\n");
}

RunRecord readRunRecord(const std::string& path)
{
    const std::string text = readFileLimited(path, kMaxRunRecordBytes);
    return runRecordFromJson(parseJsonLimited(text, path), path);
}

} // namespace vlmscope
