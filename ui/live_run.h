// Accumulates the engine's event signals into one growing RunRecord and tells the
// dashboard about it at a bounded rate: however fast events arrive, changed() fires at
// most ~30 times a second, so the engine never waits for the UI and nothing is lost.
#pragma once

#include "core/engine/run_record.h"

#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <QTimer>

#include <memory>

namespace vlmscope {

class Engine;

class LiveRun : public QObject {
    Q_OBJECT
public:
    struct Counters {
        qint64 events = 0;  // events received while a run was live
        qint64 frames = 0;  // changed() signals emitted
        qint64 merged = 0;  // events that shared a frame with an earlier one (events - frames)
        qint64 dropped = 0; // events that arrived with no live run (stray, after the end)
    };

    explicit LiveRun(QObject* parent = nullptr);

    // Routes the engine's run signals here (queued: the engine lives in another thread).
    void connectEngine(const Engine* engine);

    // The run being recorded (or the last one recorded). Derived figures (metrics, layer
    // totals, end time) are brought up to date before each changed().
    const RunRecord& record() const { return *m_record; }
    // The same record, shareable: once finished it never changes (a new run starts a new
    // record), so the runs list can keep it without a copy.
    std::shared_ptr<const RunRecord> sharedRecord() const { return m_record; }
    bool isActive() const { return m_active; }
    const Counters& counters() const { return m_counters; }
    void resetCounters() { m_counters = {}; }

    // Most changed() signals per second (default 30).
    void setMaxRate(int hz);
    int maxRate() const { return m_maxRateHz; }

public Q_SLOTS:
    void begin(const vlmscope::RunRecord& header);
    void addPhase(const vlmscope::PhaseSpan& phase);
    void addToken(const vlmscope::TokenEvent& token);
    void addStep(const vlmscope::StepLayerTimes& step);
    void addMemory(const vlmscope::MemorySample& sample);
    // The engine's final record replaces what was accumulated (it is the complete one).
    void finish(const vlmscope::RunRecord& record);
    void fail(const QString& message);
    void clear();

Q_SIGNALS:
    void started();
    void changed();
    void finished(const vlmscope::RunRecord& record);
    void failed(const QString& message);

private:
    bool accept();
    void schedule();
    void flush();
    void refreshDerived();
    void ensureScopes(std::size_t count);

    std::shared_ptr<RunRecord> m_record = std::make_shared<RunRecord>();
    bool m_active = false;
    qint64 m_pending = 0;
    std::int64_t m_lastEventNs = 0;
    Counters m_counters;
    int m_maxRateHz = 30;
    QTimer m_timer;
    QElapsedTimer m_clock;
    qint64 m_lastFlushMs = -1'000'000;
};

} // namespace vlmscope
