#include "core/engine/run_session.h"

#include "core/profiling/allocator_tracker.h"
#include "core/profiling/cuda_memory.h"
#include "core/profiling/op_profiler.h"
#include "core/profiling/overhead_calibration.h"
#include "core/profiling/system_probe.h"
#include "core/tokenizer/streaming_decoder.h"
#include "core/util/blas_probe.h"
#include "core/util/error.h"
#include "core/util/file_fingerprint.h"
#include "core/util/memory_budget.h"
#include "core/version.h"

#include <QDateTime>
#include <QDir>
#include <QUuid>
#include <QtGlobal>

#include <torch/version.h>

namespace vlmscope {

namespace {

// Receives the generator's callbacks and turns them into timestamped events, one batch of
// layer times per step, a memory sample per step.
class RunRecorder : public GenerationObserver {
public:
    RunRecorder(RunRecord& record, RunEventSink* sink, const BpeTokenizer& tokenizer, ScopeProfiler* profiler,
                const AllocatorTracker* allocator, std::int64_t kvBytesPerPosition, std::int64_t t0)
        : m_record(record), m_sink(sink), m_decoder(tokenizer, true), m_profiler(profiler), m_allocator(allocator)
        , m_kvBytesPerPosition(kvBytesPerPosition), m_t0(t0)
    {
    }

    std::int64_t now() const { return monotonicNs() - m_t0; }

    void phaseBegan(Phase, std::int64_t) override { m_phaseBegin = now(); }

    void phaseEnded(Phase phase, std::int64_t step) override
    {
        const PhaseSpan span{phase, step, m_phaseBegin, now()};
        m_record.phases.push_back(span);
        if (m_sink)
            m_sink->phaseFinished(span);
        if (phase == Phase::Prefill)
            m_record.prefillEndNs = span.endNs;
        if (phase == Phase::Prefill || phase == Phase::DecodeStep)
            finishStep(phase == Phase::Prefill ? 0 : step, phase == Phase::Prefill);
    }

    void tokenGenerated(std::int64_t index, std::int64_t id) override
    {
        TokenEvent token;
        token.index = index;
        token.id = id;
        token.timeNs = now();
        token.latencyNs = token.timeNs - (m_record.tokens.empty() ? 0 : m_record.tokens.back().timeNs);
        token.text = m_decoder.push(id);
        m_record.tokens.push_back(token);
        if (m_sink)
            m_sink->tokenGenerated(m_record.tokens.back());
    }

    void sampleMemory()
    {
        MemorySample sample;
        sample.timeNs = now();
        sample.rssBytes = currentRssBytes();
        if (m_allocator && m_allocator->currentBytes() >= 0)
            sample.allocatorBytes = m_allocator->currentBytes();
        if (m_kvBytesPerPosition > 0)
            sample.kvCacheBytes = m_kvPositions * m_kvBytesPerPosition;
        m_record.memory.push_back(sample);
        if (m_sink)
            m_sink->memorySampled(sample);
    }

    std::string flushText() { return m_decoder.flush(); }

private:
    void finishStep(std::int64_t step, bool prefill)
    {
        // The cache holds every position fed so far: the prompt, then one per decode step.
        m_kvPositions = prefill ? m_record.inputTokens : m_kvPositions + 1;
        if (m_profiler && m_profiler->enabled()) {
            StepLayerTimes times;
            times.step = step;
            for (const ScopeTimes& scope : m_profiler->takeStep()) {
                times.selfNs.push_back(scope.selfNs);
                times.inclusiveNs.push_back(scope.inclusiveNs);
                times.calls.push_back(scope.calls);
            }
            m_record.steps.push_back(std::move(times));
            if (m_sink)
                m_sink->stepTimed(m_record.steps.back());
        }
        sampleMemory();
    }

    RunRecord& m_record;
    RunEventSink* m_sink;
    StreamingDecoder m_decoder;
    ScopeProfiler* m_profiler;
    const AllocatorTracker* m_allocator;
    std::int64_t m_kvBytesPerPosition;
    std::int64_t m_t0;
    std::int64_t m_phaseBegin = 0;
    std::int64_t m_kvPositions = 0;
};

std::vector<ScopeSummary> scopeSummaries(const ScopeTable& table, const ScopeProfiler* profiler,
                                         const AllocatorTracker* allocator)
{
    std::vector<ScopeSummary> scopes;
    for (int i = 0; i < table.size(); ++i) {
        const ScopeInfo& info = table.at(i);
        ScopeSummary summary{info.name, info.category, info.parent, 0, 0, 0, std::nullopt};
        if (profiler && profiler->enabled()) {
            const ScopeTimes& t = profiler->totals()[static_cast<std::size_t>(i)];
            summary.calls = t.calls;
            summary.inclusiveNs = t.inclusiveNs;
            summary.selfNs = t.selfNs;
        }
        if (allocator)
            summary.allocatedBytes = allocator->allocatedPerScope()[static_cast<std::size_t>(i)];
        scopes.push_back(std::move(summary));
    }
    return scopes;
}

// What one generation allocates beyond the loaded weights: the KV cache (allocated for the
// whole sequence up front), the prefill's activations and attention scores (for every step
// without a cache), the vision encoder's, and the logits. An estimate to refuse work that
// cannot fit, not a prediction of peak RSS; doubles, as a lying config could overflow int64.
MemoryEstimate generationMemory(const ModelConfig& c, std::int64_t promptPositions, std::int64_t imageViews,
                                const GenerationSettings& g)
{
    const double positions = static_cast<double>(promptPositions + g.maxNewTokens);
    const double attended = g.useKvCache ? static_cast<double>(promptPositions) : positions;
    const double lm = attended * (4.0 * c.lmHiddenDim + 3.0 * c.lmInterDim) + double(c.lmNHeads) * attended * attended
        + 2.0 * c.lmVocabSize;
    const double patches = static_cast<double>(c.vitNumPatches());
    const double vision = double(imageViews) * (patches * (4.0 * c.vitHiddenDim + 2.0 * c.vitInterDim)
                                                + double(c.vitNHeads) * patches * patches);
    const double kv = g.useKvCache ? positions * 2.0 * double(c.lmNBlocks) * double(c.lmNKvHeads) * double(c.lmHeadDim()) : 0;
    const auto bytes = [](double floats) {
        return static_cast<std::int64_t>(std::min(floats * sizeof(float), 9.0e18));
    };
    MemoryEstimate estimate;
    estimate.kvCacheBytes = bytes(kv);
    estimate.activationBytes = bytes(lm + vision);
    return estimate;
}

// Key order and spacing must not change the hash: nlohmann::json sorts keys.
std::string configHash(const nlohmann::ordered_json& config)
{
    return "sha256:" + sha256Hex(nlohmann::json::parse(config.dump()).dump());
}

// Built-in weights come from a seeded generator: the first values of the first tensors it
// draws identify the generator and its seed. These tensors stay float32 under every
// --dtype, so the identity does not depend on the precision (the manifest's dtype says it).
std::string syntheticWeightsHash(const ModelWeights& weights)
{
    constexpr std::int64_t kValues = 4096;
    std::string bytes;
    for (const torch::Tensor& tensor : {weights.vision.patchWeight, weights.vision.positionEmbedding}) {
        const torch::Tensor head = tensor.flatten().narrow(0, 0, std::min(kValues, tensor.numel())).to(torch::kFloat32).contiguous();
        bytes.append(static_cast<const char*>(head.data_ptr()), static_cast<std::size_t>(head.numel()) * sizeof(float));
    }
    return "synthetic-sha256/1:" + sha256Hex(bytes);
}

ProfilerOverhead overheadOf(const ProfilerCalibration& calibration, const RunRecord& record,
                            const AllocatorTracker* allocator)
{
    ProfilerOverhead o;
    o.calibration = calibration;
    for (const ScopeSummary& scope : record.scopes)
        o.scopes += scope.calls;
    for (const OpStat& op : record.ops)
        o.opCallbacks += op.count;
    o.allocations = allocator ? allocator->allocations() : 0;
    return o;
}

std::string statusDetail(const GenerationOutput& out, std::int64_t maxNewTokens)
{
    if (out.stopped)
        return "stopped on request after " + std::to_string(out.ids.size()) + " tokens";
    if (out.hitEos)
        return "end-of-sequence token after " + std::to_string(out.ids.size()) + " tokens";
    return "reached --max-tokens " + std::to_string(maxNewTokens);
}

} // namespace

GenerationSettings RunSession::generationSettings(const RunSettings& s) const
{
    GenerationSettings g;
    g.maxNewTokens = s.maxNewTokens;
    g.useKvCache = s.kvCache;
    g.sampling = {s.greedy, s.temperature, s.topK, s.topP, s.seed};
    if (s.stopAtEos)
        g.eosTokenId = PromptBuilder(m_bundle.model->config(), *m_bundle.tokenizer).eosTokenId();
    return g;
}

ModelSummary RunSession::modelSummary() const
{
    const ModelConfig& config = m_bundle.model->config();
    ModelSummary m;
    m.name = m_bundle.displayName;
    m.source = m_bundle.source;
    m.synthetic = m_bundle.synthetic;
    m.generation = config.generation == ArchGeneration::V222mEra ? "222m-era" : "current";
    m.parameters = m_bundle.model->weights().parameterCount();
    m.parameterBytes = m_bundle.model->weights().parameterBytes();
    m.vocabSize = config.lmVocabSize;
    m.contextLength = m_bundle.model->contextLength();
    m.tokenizer = m_bundle.tokenizerSource;
    m.config = config.toJson();
    return m;
}

EnvironmentInfo RunSession::environment(const RunSettings& settings) const
{
    EnvironmentInfo env;
    env.cpuModel = cpuModelName();
    env.cpuFlags = cpuKernelFlags();
    env.logicalCores = static_cast<int>(std::thread::hardware_concurrency());
    env.threads = at::get_num_threads();
    const BlasInfo blas = probeBlas();
    env.blas = blas.label;
    env.blasPath = blas.path;
    env.torchVersion = TORCH_VERSION;
    env.qtVersion = qVersion();
    env.device = settings.device;
    env.os = osDescription();
    env.appVersion = VLMSCOPE_VERSION;
    env.gitCommit = VLMSCOPE_GIT_COMMIT;
    env.cudaAllocator = cudaStatsAvailability();
    const NanoVlmModel& model = *m_bundle.model;
    env.dtype = precisionName(model.weights().precision());
    env.modelConfigHash = configHash(model.config().toJson());
    env.weightsHash = m_bundle.synthetic
        ? syntheticWeightsHash(model.weights())
        : weightsFileFingerprint(QDir(QString::fromStdString(m_bundle.source)).filePath("model.safetensors").toStdString());
    return env;
}

GenerationInput RunSession::prepareInput(const RunRequest& request) const
{
    const ModelConfig& config = m_bundle.model->config();
    GenerationInput input;
    ImageLayout layout;
    if (!request.settings.image.empty()) {
        const ImageInput image = loadImageInput(request.settings.image, config);
        input.pixels = image.pixels;
        layout = image.layout;
    }
    input.promptIds = request.inputIds ? *request.inputIds
                                       : PromptBuilder(config, *m_bundle.tokenizer).promptIds(request.settings.prompt, layout);
    return input;
}

RunRecord RunSession::run(const RunRequest& request, RunEventSink* sink, const std::atomic<bool>* stop) const
{
    const RunSettings& settings = request.settings;
    NanoVlmModel& model = *m_bundle.model;
    const GenerationSettings generation = generationSettings(settings);
    const Generator generator(model);
    // Refuse what cannot fit before allocating it (a sequence beyond the context is left to
    // the generator, whose message says so).
    const auto requireMemoryFor = [&](const GenerationInput& input) {
        const std::int64_t prompt = generator.promptPositions(input);
        if (prompt + generation.maxNewTokens <= model.contextLength())
            requireMemory(generationMemory(model.config(), prompt, input.pixels.defined() ? input.pixels.size(0) : 0,
                                           generation),
                          "--max-tokens " + std::to_string(generation.maxNewTokens));
    };

    // Once per process (about 10 ms), before the warm-up so its cache effects wash out.
    std::optional<ProfilerCalibration> calibration;
    if (settings.profiling != ProfilingLevel::Off)
        calibration = profilerCalibration();

    if (settings.warmup > 0) {
        const GenerationInput warmupInput = prepareInput(request);
        requireMemoryFor(warmupInput);
        for (int i = 0; i < settings.warmup && !(stop && stop->load()); ++i)
            generator.run(warmupInput, generation, nullptr, stop);
    }

    // The previous run's (or the warm-up's) freed activations leave the heap first: this
    // run's RSS figures are its own (measured: +140 MB carried over from a no-KV-cache run).
    releaseFreeHeapMemory();
    RunRecord record;
    record.id = QUuid::createUuid().toString(QUuid::WithoutBraces).toStdString();
    record.startedAt = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs).toStdString();
    record.settings = settings;
    // The record states what the model actually ran in, whatever the request said.
    record.settings.dtype = precisionName(m_bundle.model->precision());
    record.model = modelSummary();
    record.environment = environment(settings);

    ScopeProfiler profiler(model.scopes());
    profiler.setEnabled(settings.profiling != ProfilingLevel::Off);
    auto allocator = settings.profiling == ProfilingLevel::Off
        ? nullptr
        : std::make_shared<AllocatorTracker>(&profiler, model.scopes().size());
    const std::int64_t kvBytesPerPosition = settings.kvCache
        ? model.config().lmNBlocks * 2 * model.config().lmNKvHeads * model.config().lmHeadDim()
            * static_cast<std::int64_t>(sizeof(float))
        : 0;

    const std::int64_t t0 = monotonicNs();
    const std::int64_t cpu0 = processCpuNs();
    RunRecorder recorder(record, sink, *m_bundle.tokenizer, &profiler, allocator.get(), kvBytesPerPosition, t0);
    // The scope table (names, categories, parents) goes out with the header so live views
    // can label rows before the first totals arrive.
    record.scopes = scopeSummaries(model.scopes(), nullptr, nullptr);
    if (sink)
        sink->runStarted(record);
    recorder.sampleMemory();

    auto finish = [&](RunStatus status, std::string detail) {
        record.endNs = recorder.now();
        record.status = status;
        record.statusDetail = std::move(detail);
        record.cpuUtilization = record.endNs > 0 ? static_cast<double>(processCpuNs() - cpu0) / record.endNs : 0;
        record.scopes = scopeSummaries(model.scopes(), &profiler, allocator.get());
        if (calibration)
            record.overhead = overheadOf(*calibration, record, allocator.get());
        record.computeMetrics();
        if (sink)
            sink->runEnded(record);
    };

    try {
        // The allocator hook makes LibTorch's CPU allocator book every allocation (a locked
        // map insert): about 15% of decode speed, so "off" really means off.
        std::optional<AllocatorTrackingGuard> trackAllocations;
        if (settings.profiling != ProfilingLevel::Off)
            trackAllocations.emplace(allocator);
        std::optional<OpProfiler> ops;
        if (settings.profiling == ProfilingLevel::Ops) {
            ops.emplace(profiler);
            ops->start();
        }
        model.setProfiler(&profiler);
        struct DetachProfiler {
            NanoVlmModel& model;
            ~DetachProfiler() { model.setProfiler(nullptr); }
        } detach{model};

        recorder.phaseBegan(Phase::ImagePreprocess, 0);
        const GenerationInput input = prepareInput(request);
        recorder.phaseEnded(Phase::ImagePreprocess, 0);
        requireMemoryFor(input);
        record.promptIds = input.promptIds;
        record.inputTokens = generator.promptPositions(input);
        record.imageTokens = input.pixels.defined() ? input.pixels.size(0) * model.imageTokensPerView() : 0;
        if (stop && stop->load()) {
            finish(RunStatus::Stopped, "stopped on request before generation started");
            return record;
        }

        const GenerationOutput out = generator.run(input, generation, &recorder, stop);
        if (ops) {
            ops->stop();
            record.ops = ops->results();
        }
        record.generatedText = m_bundle.tokenizer->decode(out.ids, true);
        record.kvCacheBytes = out.kvCacheBytes;
        (void)recorder.flushText();
        finish(out.stopped ? RunStatus::Stopped : RunStatus::Finished, statusDetail(out, settings.maxNewTokens));
    } catch (const std::exception& error) {
        if (record.status == RunStatus::Running)
            finish(RunStatus::Failed, error.what());
        throw;
    }
    return record;
}

} // namespace vlmscope
