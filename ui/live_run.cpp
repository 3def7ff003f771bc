#include "ui/live_run.h"

#include "core/engine/engine.h"

#include <algorithm>

namespace vlmscope {

LiveRun::LiveRun(QObject* parent) : QObject(parent), m_timer(this)
{
    m_timer.setSingleShot(true);
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &LiveRun::flush);
    m_clock.start();
}

void LiveRun::connectEngine(const Engine* engine)
{
    connect(engine, &Engine::runStarted, this, &LiveRun::begin, Qt::QueuedConnection);
    connect(engine, &Engine::phaseFinished, this, &LiveRun::addPhase, Qt::QueuedConnection);
    connect(engine, &Engine::tokenGenerated, this, &LiveRun::addToken, Qt::QueuedConnection);
    connect(engine, &Engine::stepTimed, this, &LiveRun::addStep, Qt::QueuedConnection);
    connect(engine, &Engine::memorySampled, this, &LiveRun::addMemory, Qt::QueuedConnection);
    connect(engine, &Engine::runFinished, this, &LiveRun::finish, Qt::QueuedConnection);
    connect(engine, &Engine::runFailed, this, &LiveRun::fail, Qt::QueuedConnection);
}

void LiveRun::setMaxRate(int hz) { m_maxRateHz = std::clamp(hz, 1, 1000); }

void LiveRun::begin(const RunRecord& header)
{
    m_timer.stop();
    m_record = std::make_shared<RunRecord>(header);
    m_record->status = RunStatus::Running;
    m_record->generatedText.clear();
    m_record->metrics = {};
    m_active = true;
    m_pending = 0;
    m_lastEventNs = 0;
    for (ScopeSummary& scope : m_record->scopes)
        scope.calls = scope.inclusiveNs = scope.selfNs = 0;
    Q_EMIT started();
}

bool LiveRun::accept()
{
    if (!m_active) {
        ++m_counters.dropped;
        return false;
    }
    ++m_counters.events;
    ++m_pending;
    return true;
}

void LiveRun::addPhase(const PhaseSpan& phase)
{
    if (!accept())
        return;
    m_record->phases.push_back(phase);
    if (phase.phase == Phase::Prefill)
        m_record->prefillEndNs = phase.endNs;
    m_lastEventNs = std::max(m_lastEventNs, phase.endNs);
    schedule();
}

void LiveRun::addToken(const TokenEvent& token)
{
    if (!accept())
        return;
    m_record->tokens.push_back(token);
    m_record->generatedText += token.text;
    m_lastEventNs = std::max(m_lastEventNs, token.timeNs);
    schedule();
}

void LiveRun::addStep(const StepLayerTimes& step)
{
    if (!accept())
        return;
    m_record->steps.push_back(step);
    const std::size_t n = std::max({step.selfNs.size(), step.inclusiveNs.size(), step.calls.size()});
    ensureScopes(n);
    // Running totals so the layer table is live; the final record brings the exact ones.
    for (std::size_t i = 0; i < n; ++i) {
        ScopeSummary& scope = m_record->scopes[i];
        if (i < step.selfNs.size())
            scope.selfNs += step.selfNs[i];
        if (i < step.inclusiveNs.size())
            scope.inclusiveNs += step.inclusiveNs[i];
        if (i < step.calls.size())
            scope.calls += step.calls[i];
    }
    schedule();
}

void LiveRun::addMemory(const MemorySample& sample)
{
    if (!accept())
        return;
    m_record->memory.push_back(sample);
    m_lastEventNs = std::max(m_lastEventNs, sample.timeNs);
    schedule();
}

void LiveRun::finish(const RunRecord& record)
{
    if (!m_active)
        ++m_counters.dropped; // a final record still replaces whatever we showed
    m_timer.stop();
    if (m_pending > 0) {
        m_counters.merged += m_pending - 1;
        ++m_counters.frames;
        m_pending = 0;
    }
    m_record = std::make_shared<RunRecord>(record);
    m_active = false;
    Q_EMIT changed();
    Q_EMIT finished(*m_record);
}

void LiveRun::fail(const QString& message)
{
    m_timer.stop();
    const bool wasActive = m_active;
    m_active = false;
    m_pending = 0;
    if (wasActive) {
        m_record->status = RunStatus::Failed;
        m_record->statusDetail = message.toStdString();
        refreshDerived();
        Q_EMIT changed();
    }
    Q_EMIT failed(message);
}

void LiveRun::clear()
{
    m_timer.stop();
    m_record = std::make_shared<RunRecord>();
    m_active = false;
    m_pending = 0;
    m_lastEventNs = 0;
    Q_EMIT changed();
}

void LiveRun::schedule()
{
    if (m_timer.isActive())
        return;
    // First event after a quiet spell goes out on the next loop turn; later ones wait for
    // the frame budget, and everything that arrives meanwhile rides along.
    const qint64 interval = 1000 / m_maxRateHz;
    const qint64 since = m_clock.elapsed() - m_lastFlushMs;
    m_timer.start(static_cast<int>(std::clamp<qint64>(interval - since, 0, interval)));
}

void LiveRun::flush()
{
    if (m_pending == 0 || !m_active)
        return;
    m_counters.merged += m_pending - 1;
    ++m_counters.frames;
    m_pending = 0;
    refreshDerived();
    Q_EMIT changed();
    // The budget counts from the end of the frame: a slow frame never starves input events.
    m_lastFlushMs = m_clock.elapsed();
}

void LiveRun::refreshDerived()
{
    m_record->endNs = std::max(m_record->endNs, m_lastEventNs);
    try {
        m_record->computeMetrics();
    } catch (const std::exception&) {
        // A partial stream can be inconsistent for a moment; keep the last good figures.
    }
}

void LiveRun::ensureScopes(std::size_t count)
{
    // Headers normally carry the scope table; without one, steps still get rows.
    while (m_record->scopes.size() < count) {
        ScopeSummary scope;
        scope.name = "scope " + std::to_string(m_record->scopes.size());
        m_record->scopes.push_back(std::move(scope));
    }
}

} // namespace vlmscope
