// Dashboard under load: a synthetic engine on its own thread streams 2,000 tokens/s with
// 300 layer scopes per step into LiveRun + MainWindow for ~10 s (offscreen). Prints UI-
// thread frame times (update + paint) p50/p99, event-loop stalls, display lag, and the
// merged/dropped event counts. Prints figures; never fails on time.
//   bench_ui [seconds=10] [tokens_per_second=2000] [scopes=300]
#include "tests/ui/synthetic_run.h"
#include "ui/live_run.h"
#include "ui/main_window.h"
#include "ui/run_list_model.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QSettings>
#include <QStandardPaths>
#include <QThread>
#include <QTimer>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <vector>

using namespace vlmscope;

namespace {

std::int64_t nowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

struct Stats {
    std::vector<double> ms;
    void add(double v) { ms.push_back(v); }
    double pct(double p)
    {
        if (ms.empty())
            return 0;
        std::sort(ms.begin(), ms.end());
        const double h = (ms.size() - 1) * p / 100.0;
        const auto lo = static_cast<std::size_t>(h);
        const std::size_t hi = std::min(lo + 1, ms.size() - 1);
        return ms[lo] + (h - lo) * (ms[hi] - ms[lo]);
    }
    void print(const char* name)
    {
        std::printf("  %-34s n=%6zu  p50 %8.2f ms  p99 %8.2f ms  max %8.2f ms\n", name, ms.size(), pct(50), pct(99),
                    pct(100));
    }
};

// Times every event the UI thread dispatches at the top level.
class BenchApp : public QApplication {
public:
    using QApplication::QApplication;
    QObject* liveTimerOwner = nullptr;
    const LiveRun* live = nullptr; // other events count only while the run is live
    Stats update, paint, frame, anyEvent;
    double pendingUpdateMs = -1;

    bool notify(QObject* receiver, QEvent* event) override
    {
        if (m_depth > 0)
            return QApplication::notify(receiver, event);
        // Classify first: handling may delete the receiver.
        const QEvent::Type type = event->type();
        const bool liveTimer = type == QEvent::Timer && liveTimerOwner && receiver->parent() == liveTimerOwner;
        ++m_depth;
        const std::int64_t t0 = nowNs();
        const bool result = QApplication::notify(receiver, event);
        const double ms = (nowNs() - t0) / 1e6;
        --m_depth;
        if (live && live->isActive())
            anyEvent.add(ms);
        if (liveTimer) {
            if (pendingUpdateMs >= 0)
                frame.add(pendingUpdateMs); // no paint came in between
            update.add(ms);
            pendingUpdateMs = ms;
        } else if (type == QEvent::UpdateRequest) {
            paint.add(ms);
            if (pendingUpdateMs >= 0) {
                frame.add(pendingUpdateMs + ms);
                pendingUpdateMs = -1;
            }
        }
        return result;
    }

private:
    int m_depth = 0;
};

// Plays the engine: the same signals, queued from its own thread, paced in real time.
class SyntheticEngine : public QObject {
    Q_OBJECT
public:
    SyntheticEngine(double seconds, int tokensPerSecond, int layers)
        : m_seconds(seconds), m_rate(tokensPerSecond), m_layers(layers)
    {
    }
    std::atomic<std::int64_t> emitted{0};
    std::vector<std::int64_t> emitTimes; // steady clock per token, read after the run

public Q_SLOTS:
    void run()
    {
        RunRecord record = testing::syntheticRun(0, 1, 1, m_layers, "synthetic-bench", true);
        record.tokens.clear();
        record.steps.clear();
        record.memory.clear();
        record.phases.clear();
        record.prefillEndNs.reset();
        record.status = RunStatus::Running;
        record.settings.maxNewTokens = static_cast<std::int64_t>(m_seconds * m_rate);
        for (ScopeSummary& s : record.scopes)
            s.calls = s.selfNs = s.inclusiveNs = 0;
        Q_EMIT runStarted(record);

        const std::int64_t t0 = nowNs();
        const std::int64_t total = record.settings.maxNewTokens;
        emitTimes.resize(static_cast<std::size_t>(total));
        const PhaseSpan prefill{Phase::Prefill, 0, 0, 1'000'000};
        Q_EMIT phaseFinished(prefill);
        record.phases.push_back(prefill);
        record.prefillEndNs = prefill.endNs;
        for (std::int64_t i = 0; i < total; ++i) {
            // Pace: token i is due at t0 + i / rate.
            const std::int64_t due = t0 + 1'000'000 + i * 1'000'000'000LL / m_rate;
            while (nowNs() < due)
                QThread::usleep(200);
            const std::int64_t t = nowNs() - t0;
            TokenEvent token{i, 1000 + i % 100, i % 7 == 6 ? std::string(".\n") : std::string(" tok"), t,
                             i == 0 ? t : t - record.tokens.back().timeNs};
            const StepLayerTimes step = testing::syntheticStep(record.scopes, i, 50 + i % 13);
            const MemorySample memory{t, (200LL << 20) + i * 1024, (50LL << 20) + i * 512, (i + 80) * 4096};
            const PhaseSpan phase{Phase::DecodeStep, i, t - 400'000, t};
            emitTimes[static_cast<std::size_t>(i)] = nowNs();
            Q_EMIT phaseFinished(phase);
            Q_EMIT stepTimed(step);
            Q_EMIT tokenGenerated(token);
            Q_EMIT memorySampled(memory);
            record.phases.push_back(phase);
            record.steps.push_back(step);
            record.tokens.push_back(token);
            record.memory.push_back(memory);
            record.generatedText += token.text;
            emitted.store(i + 1);
        }
        record.endNs = nowNs() - t0;
        for (const StepLayerTimes& s : record.steps) {
            for (std::size_t k = 0; k < record.scopes.size(); ++k) {
                record.scopes[k].selfNs += s.selfNs[k];
                record.scopes[k].inclusiveNs += s.inclusiveNs[k];
                record.scopes[k].calls += s.calls[k];
            }
        }
        record.status = RunStatus::Finished;
        record.statusDetail = "synthetic benchmark stream";
        record.computeMetrics();
        Q_EMIT runFinished(record);
    }

Q_SIGNALS:
    void runStarted(const vlmscope::RunRecord& header);
    void phaseFinished(const vlmscope::PhaseSpan& phase);
    void tokenGenerated(const vlmscope::TokenEvent& token);
    void stepTimed(const vlmscope::StepLayerTimes& step);
    void memorySampled(const vlmscope::MemorySample& sample);
    void runFinished(const vlmscope::RunRecord& record);

private:
    double m_seconds;
    int m_rate;
    int m_layers;
};

} // namespace

int main(int argc, char** argv)
{
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    BenchApp app(argc, argv);
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("vlmscope-bench"));
    QSettings().clear();
    const double seconds = argc > 1 ? std::max(0.5, std::atof(argv[1])) : 10.0;
    const int rate = argc > 2 ? std::max(1, std::atoi(argv[2])) : 2000;
    const int scopes = argc > 3 ? std::max(5, std::atoi(argv[3])) : 300;
    const int layers = std::max(1, (scopes - 4) / 4); // syntheticScopes: 4 per block + 4 others

    MainWindow window;
    window.setErrorDialogsEnabled(false);
    window.resize(1600, 1000);
    window.show();
    app.liveTimerOwner = window.liveRun();
    app.live = window.liveRun();

    QThread thread;
    SyntheticEngine engine(seconds, rate, layers);
    engine.moveToThread(&thread);
    LiveRun* live = window.liveRun();
    // Posted before the final record reaches LiveRun: starts the "finishing" clock.
    std::int64_t finishStart = 0;
    double finishMs = 0;
    QObject::connect(&engine, &SyntheticEngine::runFinished, live, [&] { finishStart = nowNs(); }, Qt::QueuedConnection);
    QObject::connect(&engine, &SyntheticEngine::runStarted, live, &LiveRun::begin, Qt::QueuedConnection);
    QObject::connect(&engine, &SyntheticEngine::phaseFinished, live, &LiveRun::addPhase, Qt::QueuedConnection);
    QObject::connect(&engine, &SyntheticEngine::tokenGenerated, live, &LiveRun::addToken, Qt::QueuedConnection);
    QObject::connect(&engine, &SyntheticEngine::stepTimed, live, &LiveRun::addStep, Qt::QueuedConnection);
    QObject::connect(&engine, &SyntheticEngine::memorySampled, live, &LiveRun::addMemory, Qt::QueuedConnection);
    QObject::connect(&engine, &SyntheticEngine::runFinished, live, &LiveRun::finish, Qt::QueuedConnection);

    // Display lag: how old the newest token is when a frame shows it.
    Stats lag;
    QObject::connect(live, &LiveRun::changed, live, [&] {
        if (!live->isActive() || live->record().tokens.empty())
            return;
        const auto i = static_cast<std::size_t>(live->record().tokens.back().index);
        if (i < engine.emitTimes.size() && engine.emitTimes[i] > 0)
            lag.add((nowNs() - engine.emitTimes[i]) / 1e6);
    });
    // Responsiveness: how late a 10 ms heartbeat fires.
    Stats heartbeat;
    QElapsedTimer beatClock;
    QTimer beat;
    beat.setTimerType(Qt::PreciseTimer);
    beat.setInterval(10);
    QObject::connect(&beat, &QTimer::timeout, [&] {
        if (beatClock.isValid())
            heartbeat.add(std::max(0.0, beatClock.nsecsElapsed() / 1e6 - 10.0));
        beatClock.restart();
    });

    QObject::connect(&window, &MainWindow::runAdded, &window, [&] {
        finishMs = (nowNs() - finishStart) / 1e6;
        beat.stop();
        QTimer::singleShot(200, &app, &QCoreApplication::quit);
    });

    std::printf("bench_ui: %.1f s at %d tokens/s, %d scopes per step (%s)\n", seconds, rate,
                static_cast<int>(testing::syntheticScopes(layers).size()), qPrintable(QGuiApplication::platformName()));
    thread.start();
    beat.start();
    const std::int64_t start = nowNs();
    QMetaObject::invokeMethod(&engine, "run", Qt::QueuedConnection);
    app.exec();
    const double wall = (nowNs() - start) / 1e9;
    thread.quit();
    thread.wait();

    const LiveRun::Counters& c = live->counters();
    std::printf("  tokens emitted %lld in %.2f s wall; run in list: %d tokens\n",
                static_cast<long long>(engine.emitted.load()), wall,
                window.runList()->rowCount() > 0 ? static_cast<int>(window.runList()->run(0).tokens.size()) : -1);
    std::printf("  events %lld, frames %lld (%.1f/s), merged %lld, dropped %lld\n", static_cast<long long>(c.events),
                static_cast<long long>(c.frames), c.frames / seconds, static_cast<long long>(c.merged),
                static_cast<long long>(c.dropped));
    app.frame.print("frame (update + paint)");
    app.update.print("update (LiveRun -> widgets)");
    app.paint.print("paint (UpdateRequest)");
    app.anyEvent.print("any UI-thread event while live");
    heartbeat.print("10 ms heartbeat lateness");
    lag.print("display lag (emit -> frame)");
    std::printf("  finishing the run (final record -> list, tables, charts): %.1f ms\n", finishMs);
    std::printf("  target: frame p99 < 50 ms -> %s\n", app.frame.pct(99) < 50 ? "met" : "NOT met");
    return 0;
}

#include "bench_ui.moc"
