// LiveRun: events accumulate into one record, changed() fires at a bounded rate however
// fast events arrive, nothing is lost, and the engine's final record wins. Ends with the
// real engine on its own thread running the tiny model.
#include "core/engine/engine.h"
#include "tests/ui/synthetic_run.h"
#include "ui/live_run.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QThread>
#include <QtTest>

using namespace vlmscope;
using namespace vlmscope::testing;

namespace {

RunRecord headerOf(const RunRecord& run)
{
    RunRecord h = run;
    h.tokens.clear();
    h.steps.clear();
    h.memory.clear();
    h.phases.clear();
    h.generatedText.clear();
    h.prefillEndNs.reset();
    h.endNs = 0;
    h.status = RunStatus::Running;
    for (ScopeSummary& s : h.scopes)
        s.calls = s.inclusiveNs = s.selfNs = 0;
    return h;
}

void replay(LiveRun& live, const RunRecord& run)
{
    live.begin(headerOf(run));
    for (const PhaseSpan& p : run.phases)
        live.addPhase(p);
    for (const StepLayerTimes& s : run.steps)
        live.addStep(s);
    for (const TokenEvent& t : run.tokens)
        live.addToken(t);
    for (const MemorySample& m : run.memory)
        live.addMemory(m);
}

} // namespace

class TestLiveRun : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void accumulatesEveryEvent()
    {
        const RunRecord run = syntheticRun(50, 200'000'000, 20'000'000);
        LiveRun live;
        QSignalSpy changed(&live, &LiveRun::changed);
        replay(live, run);
        QTRY_VERIFY(changed.count() >= 1);
        const RunRecord& r = live.record();
        QCOMPARE(r.tokens.size(), run.tokens.size());
        QCOMPARE(r.steps.size(), run.steps.size());
        QCOMPARE(r.memory.size(), run.memory.size());
        QCOMPARE(r.generatedText, run.generatedText);
        QCOMPARE(r.prefillEndNs, run.prefillEndNs);
        // Running totals of the layer times equal the run's totals.
        QCOMPARE(r.scopes.size(), run.scopes.size());
        for (std::size_t i = 0; i < run.scopes.size(); ++i) {
            QCOMPARE(r.scopes[i].selfNs, run.scopes[i].selfNs);
            QCOMPARE(r.scopes[i].inclusiveNs, run.scopes[i].inclusiveNs);
            QCOMPARE(r.scopes[i].calls, run.scopes[i].calls);
        }
        // Live metrics are computed from what arrived.
        QCOMPARE(r.metrics.outputTokens, 50);
        QVERIFY(r.metrics.ttftS.has_value());
        QCOMPARE(*r.metrics.ttftS, 0.2);
        QVERIFY(r.metrics.outputTps.has_value());
        QVERIFY(std::fabs(*r.metrics.outputTps - 50.0) < 1e-6);
        QVERIFY(live.isActive());
        const auto& c = live.counters();
        const qint64 expectedEvents = static_cast<qint64>(run.phases.size() + run.steps.size() + run.tokens.size() + run.memory.size());
        QCOMPARE(c.events, expectedEvents);
        QCOMPARE(c.frames, changed.count());
        QCOMPARE(c.events - c.merged, c.frames);
        QCOMPARE(c.dropped, 0);
    }

    void coalescesBursts_data()
    {
        QTest::addColumn<int>("rateHz");
        QTest::addColumn<int>("events");
        QTest::newRow("30 Hz, 20k events") << 30 << 20000;
        QTest::newRow("10 Hz, 5k events") << 10 << 5000;
        QTest::newRow("60 Hz, 1k events") << 60 << 1000;
    }

    // A burst delivered in one go becomes one frame, not one per event.
    void coalescesBursts()
    {
        QFETCH(int, rateHz);
        QFETCH(int, events);
        LiveRun live;
        live.setMaxRate(rateHz);
        QSignalSpy changed(&live, &LiveRun::changed);
        live.begin(headerOf(syntheticRun(1, 1000, 1000)));
        for (int i = 0; i < events; ++i)
            live.addToken(TokenEvent{i, 7, "x", 1000 + i * 1000LL, 1000});
        QCOMPARE(changed.count(), 0); // nothing until the event loop turns
        QTRY_COMPARE(changed.count(), 1);
        QTest::qWait(2 * 1000 / rateHz);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(live.counters().merged, events - 1);
        QCOMPARE(live.record().tokens.size(), static_cast<std::size_t>(events));
    }

    void boundsTheRate_data()
    {
        QTest::addColumn<int>("rateHz");
        QTest::newRow("30 Hz") << 30;
        QTest::newRow("15 Hz") << 15;
    }

    // A steady stream far faster than the frame rate gives at most rateHz frames a second.
    void boundsTheRate()
    {
        QFETCH(int, rateHz);
        LiveRun live;
        live.setMaxRate(rateHz);
        QSignalSpy changed(&live, &LiveRun::changed);
        live.begin(headerOf(syntheticRun(1, 1000, 1000)));
        QElapsedTimer clock;
        clock.start();
        std::int64_t i = 0;
        while (clock.elapsed() < 600) {
            for (int k = 0; k < 20; ++k, ++i)
                live.addToken(TokenEvent{i, 7, "x", 1000 + i * 1000, 1000});
            QCoreApplication::processEvents(QEventLoop::AllEvents, 1);
            QThread::usleep(500);
        }
        const double seconds = clock.elapsed() / 1000.0;
        QVERIFY2(changed.count() <= rateHz * seconds + 2,
                 qPrintable(QStringLiteral("%1 frames in %2 s").arg(changed.count()).arg(seconds)));
        QVERIFY2(changed.count() >= rateHz * seconds / 3, "frames should keep coming while events do");
        QCOMPARE(live.counters().events, i);
    }

    void finalRecordReplacesAndLateEventsAreDropped()
    {
        const RunRecord run = syntheticRun(10, 1'000'000, 1'000'000);
        LiveRun live;
        QSignalSpy finished(&live, &LiveRun::finished);
        QSignalSpy changed(&live, &LiveRun::changed);
        replay(live, run);
        RunRecord last = run;
        last.status = RunStatus::Stopped;
        last.statusDetail = "stopped on request after 10 tokens";
        live.finish(last);
        QCOMPARE(finished.count(), 1);
        QCOMPARE(changed.count(), 1); // flushed with the final record
        QVERIFY(!live.isActive());
        QCOMPARE(live.record().status, RunStatus::Stopped);
        QCOMPARE(finished.at(0).at(0).value<RunRecord>().statusDetail, last.statusDetail);
        live.addToken(TokenEvent{99, 1, "late", 1, 1});
        QCOMPARE(live.counters().dropped, 1);
        QCOMPARE(live.record().tokens.size(), std::size_t(10));
        QTest::qWait(100);
        QCOMPARE(changed.count(), 1);
    }

    void headerWithoutScopesStillGetsRows()
    {
        RunRecord run = syntheticRun(3, 1000, 1000, 2);
        RunRecord header = headerOf(run);
        header.scopes.clear();
        LiveRun live;
        live.begin(header);
        live.addStep(run.steps[0]);
        QCOMPARE(live.record().scopes.size(), run.scopes.size());
        QCOMPARE(live.record().scopes[1].selfNs, run.steps[0].selfNs[1]);
    }

    void failureMarksTheRun()
    {
        LiveRun live;
        QSignalSpy failed(&live, &LiveRun::failed);
        live.begin(headerOf(syntheticRun(3, 1000, 1000)));
        live.addToken(TokenEvent{0, 1, "a", 10, 10});
        live.fail(QStringLiteral("image.png: not an image"));
        QCOMPARE(failed.count(), 1);
        QVERIFY(!live.isActive());
        QCOMPARE(live.record().status, RunStatus::Failed);
        QCOMPARE(QString::fromStdString(live.record().statusDetail), QStringLiteral("image.png: not an image"));
    }

    // The real engine on its own thread: the live record ends equal to the final one.
    void followsTheEngine()
    {
        Engine::registerMetaTypes();
        QThread thread;
        auto* engine = new Engine;
        engine->moveToThread(&thread);
        connect(&thread, &QThread::finished, engine, &QObject::deleteLater);
        thread.start();
        LiveRun live;
        live.connectEngine(engine);
        QSignalSpy finished(&live, &LiveRun::finished);
        QSignalSpy started(&live, &LiveRun::started);
        QSignalSpy idle(engine, &Engine::idle);
        std::size_t liveTokens = 0;
        connect(&live, &LiveRun::changed, this, [&] {
            if (live.isActive())
                liveTokens = live.record().tokens.size();
        });

        EngineRequest request;
        request.settings.model = "tiny";
        request.settings.image = ":/vlmscope/sample.png";
        request.settings.prompt = "What is in this image?";
        request.settings.maxNewTokens = 12;
        request.settings.stopAtEos = false;
        request.settings.threads = 1;
        QMetaObject::invokeMethod(engine, "start", Qt::QueuedConnection, Q_ARG(vlmscope::EngineRequest, request));
        QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 120000);
        QTRY_COMPARE_WITH_TIMEOUT(idle.count(), 1, 10000);
        QCOMPARE(started.count(), 1);
        const RunRecord last = finished.at(0).at(0).value<RunRecord>();
        QCOMPARE(last.status, RunStatus::Finished);
        QCOMPARE(last.tokens.size(), std::size_t(12));
        QCOMPARE(live.record().tokens.size(), std::size_t(12));
        QVERIFY(liveTokens <= 12);
        QCOMPARE(live.counters().dropped, 0);
        QVERIFY(live.counters().events >= 12 + 12 + 1); // tokens, steps, memory at least
        thread.quit();
        thread.wait();
    }
};

QTEST_MAIN(TestLiveRun)
#include "test_live_run.moc"
