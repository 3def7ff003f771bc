// The engine thread's face: a QObject that loads models, runs instrumented generations
// and announces everything with coarse, typed, queued signals (one per token, per step,
// per memory sample, per run). Move it to a QThread; call requestStop() from any thread.
#pragma once

#include "core/engine/run_events.h"
#include "core/engine/run_record.h"

#include <QMetaType>
#include <QObject>
#include <QString>

#include <atomic>
#include <memory>
#include <optional>
#include <vector>

namespace vlmscope {

struct ModelBundle;

struct EngineRequest {
    RunSettings settings;
    std::optional<std::vector<std::int64_t>> inputIds;
    int iterations = 1; // measured runs, one runFinished each
};

class Engine : public QObject {
    Q_OBJECT
public:
    explicit Engine(QObject* parent = nullptr);
    ~Engine() override;

    // Thread-safe: the running generation ends at its next token, keeping what it measured.
    void requestStop() { m_stop.store(true); }
    // Call before queueing start(), from the thread that may call requestStop(): a Stop
    // pressed while the request waits or the model loads is then kept, not reset by start().
    void clearStop() { m_stop.store(false); }
    bool isBusy() const { return m_busy.load(); }

    static void registerMetaTypes();

public Q_SLOTS:
    // Runs on the engine's thread; emits the signals below, never blocks the UI.
    void start(const vlmscope::EngineRequest& request);

Q_SIGNALS:
    void modelLoading(const QString& source);
    void modelLoaded(const QString& name, bool synthetic, double seconds);
    void runStarted(const vlmscope::RunRecord& header);
    void phaseFinished(const vlmscope::PhaseSpan& phase);
    void tokenGenerated(const vlmscope::TokenEvent& token);
    void stepTimed(const vlmscope::StepLayerTimes& step);
    void memorySampled(const vlmscope::MemorySample& sample);
    void runFinished(const vlmscope::RunRecord& record); // finished or stopped: status says which
    void runFailed(const QString& message);
    void idle();

private:
    class SignalSink;
    void ensureModel(const RunSettings& settings);

    std::unique_ptr<ModelBundle> m_bundle;
    std::string m_bundleKey;
    std::atomic<bool> m_stop{false};
    std::atomic<bool> m_busy{false};
};

} // namespace vlmscope

Q_DECLARE_METATYPE(vlmscope::EngineRequest)
Q_DECLARE_METATYPE(vlmscope::RunRecord)
Q_DECLARE_METATYPE(vlmscope::PhaseSpan)
Q_DECLARE_METATYPE(vlmscope::TokenEvent)
Q_DECLARE_METATYPE(vlmscope::StepLayerTimes)
Q_DECLARE_METATYPE(vlmscope::MemorySample)
