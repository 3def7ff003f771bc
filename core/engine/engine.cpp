#include "core/engine/engine.h"

#include "core/engine/model_bundle.h"
#include "core/engine/run_session.h"
#include "core/util/error.h"

#include <torch/torch.h>

#include <thread>

namespace vlmscope {

// Forwards the session's callbacks as signals (queued to receivers in other threads).
class Engine::SignalSink : public RunEventSink {
public:
    explicit SignalSink(Engine& engine) : m_engine(engine) {}
    void runStarted(const RunRecord& header) override { Q_EMIT m_engine.runStarted(header); }
    void phaseFinished(const PhaseSpan& phase) override { Q_EMIT m_engine.phaseFinished(phase); }
    void tokenGenerated(const TokenEvent& token) override { Q_EMIT m_engine.tokenGenerated(token); }
    void stepTimed(const StepLayerTimes& step) override { Q_EMIT m_engine.stepTimed(step); }
    void memorySampled(const MemorySample& sample) override { Q_EMIT m_engine.memorySampled(sample); }

private:
    Engine& m_engine;
};

Engine::Engine(QObject* parent) : QObject(parent) { registerMetaTypes(); }

Engine::~Engine() = default;

void Engine::registerMetaTypes()
{
    qRegisterMetaType<EngineRequest>();
    qRegisterMetaType<RunRecord>();
    qRegisterMetaType<PhaseSpan>();
    qRegisterMetaType<TokenEvent>();
    qRegisterMetaType<StepLayerTimes>();
    qRegisterMetaType<MemorySample>();
}

void Engine::ensureModel(const RunSettings& settings)
{
    const WeightPrecision precision = parsePrecision(settings.dtype).value_or(WeightPrecision::Float32);
    const std::string key = settings.model + '\n' + settings.tokenizer + '\n' + precisionName(precision);
    if (m_bundle && key == m_bundleKey)
        return;
    Q_EMIT modelLoading(QString::fromStdString(settings.model));
    m_bundle.reset();
    m_bundle = std::make_unique<ModelBundle>(loadModelBundle(settings.model, settings.tokenizer, precision));
    m_bundleKey = key;
    Q_EMIT modelLoaded(QString::fromStdString(m_bundle->displayName), m_bundle->synthetic, m_bundle->loadSeconds);
}

void Engine::start(const EngineRequest& request)
{
    m_busy.store(true);
    try {
        const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
        at::set_num_threads(request.settings.threads > 0 ? request.settings.threads : static_cast<int>(cores));
        ensureModel(request.settings);
        SignalSink sink(*this);
        const RunSession session(*m_bundle);
        // The first run always starts, even when Stop came during loading: it ends at once
        // as a valid "stopped" record, so every Start leaves a record of what happened.
        for (int i = 0; i < std::max(1, request.iterations) && (i == 0 || !m_stop.load()); ++i) {
            RunRequest run{request.settings, request.inputIds};
            if (i > 0)
                run.settings.warmup = 0; // warm-up once per request
            Q_EMIT runFinished(session.run(run, &sink, &m_stop));
        }
    } catch (const std::exception& error) {
        Q_EMIT runFailed(QString::fromUtf8(error.what()));
    }
    m_busy.store(false);
    Q_EMIT idle();
}

} // namespace vlmscope
