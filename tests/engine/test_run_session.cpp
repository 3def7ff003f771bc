// An instrumented generation on the tiny built-in model: the order and content of the
// event stream, layer-time accounting with nothing double counted, op and allocator
// hooks, stop mid-run, and reproducible sampling.
#include "core/engine/run_session.h"
#include "core/profiling/cuda_memory.h"
#include "core/profiling/overhead_calibration.h"
#include "core/util/error.h"

#include <QCryptographicHash>
#include <QFile>
#include <QtTest>

#include <cmath>

using namespace vlmscope;

namespace {

// Records the events in arrival order; can request a stop after some tokens.
class EventLog : public RunEventSink {
public:
    std::vector<std::string> kinds;
    std::vector<TokenEvent> tokens;
    std::vector<StepLayerTimes> steps;
    std::vector<MemorySample> memory;
    std::vector<PhaseSpan> phases;
    RunRecord ended;
    std::atomic<bool>* stop = nullptr;
    std::size_t stopAfter = 0;

    void runStarted(const RunRecord&) override { kinds.push_back("started"); }
    void phaseFinished(const PhaseSpan& p) override
    {
        kinds.push_back("phase");
        phases.push_back(p);
    }
    void tokenGenerated(const TokenEvent& t) override
    {
        kinds.push_back("token");
        tokens.push_back(t);
        if (stop && tokens.size() == stopAfter)
            stop->store(true);
    }
    void stepTimed(const StepLayerTimes& s) override
    {
        kinds.push_back("step");
        steps.push_back(s);
    }
    void memorySampled(const MemorySample& m) override
    {
        kinds.push_back("memory");
        memory.push_back(m);
    }
    void runEnded(const RunRecord& r) override
    {
        kinds.push_back("ended");
        ended = r;
    }
};

RunSettings tinySettings(std::int64_t maxTokens, ProfilingLevel profiling = ProfilingLevel::Layers)
{
    RunSettings s;
    s.model = "tiny";
    s.image = kSampleImagePath;
    s.prompt = "What is in this image?";
    s.maxNewTokens = maxTokens;
    s.stopAtEos = false;
    s.profiling = profiling;
    return s;
}

} // namespace

class TestRunSession : public QObject {
    Q_OBJECT

    ModelBundle m_bundle;

private Q_SLOTS:
    void initTestCase()
    {
        at::set_num_threads(2);
        m_bundle = loadModelBundle("tiny");
    }

    void streamsEventsInOrder()
    {
        EventLog log;
        const RunRecord record = RunSession(m_bundle).run({tinySettings(6), {}}, &log);
        QCOMPARE(log.kinds.front(), std::string("started"));
        QCOMPARE(log.kinds.back(), std::string("ended"));
        QCOMPARE(record.status, RunStatus::Finished);
        QCOMPARE(log.tokens.size(), std::size_t(6));
        QCOMPARE(record.tokens.size(), std::size_t(6));
        // One layer batch per step: prefill (step 0) and decode steps 1..5.
        QCOMPARE(log.steps.size(), std::size_t(6));
        for (std::size_t i = 0; i < log.steps.size(); ++i)
            QCOMPARE(log.steps[i].step, static_cast<std::int64_t>(i));
        QCOMPARE(log.memory.size(), std::size_t(7)); // at start + one per step
        QVERIFY(log.memory.back().allocatorBytes.has_value());
        QVERIFY(*log.memory.back().kvCacheBytes > *log.memory[1].kvCacheBytes);

        std::vector<Phase> order;
        for (const PhaseSpan& p : record.phases)
            order.push_back(p.phase);
        const std::vector<Phase> expected{Phase::ImagePreprocess, Phase::VisionEncoder, Phase::Projector, Phase::Prefill,
                                          Phase::DecodeStep, Phase::DecodeStep, Phase::DecodeStep, Phase::DecodeStep,
                                          Phase::DecodeStep};
        QVERIFY(order == expected);
        // Monotonic timestamps, latencies consistent with times.
        std::int64_t previous = 0;
        for (const TokenEvent& t : record.tokens) {
            QVERIFY(t.timeNs >= previous);
            QCOMPARE(t.latencyNs, t.timeNs - previous);
            previous = t.timeNs;
        }
        QVERIFY(*record.prefillEndNs <= record.tokens.front().timeNs);
        QVERIFY(record.endNs >= record.tokens.back().timeNs);
        QVERIFY(record.metrics.ttftS.has_value());
        QCOMPARE(record.metrics.outputTokens, std::int64_t(6));
        QCOMPARE(record.inputTokens, static_cast<std::int64_t>(record.promptIds.size()) + 4); // 4 image rows, 222M era
        QVERIFY(record.environment.threads >= 1);
        QVERIFY(record.model.synthetic);
    }

    void layerTimesAreNotDoubleCounted()
    {
        const RunRecord record = RunSession(m_bundle).run({tinySettings(8), {}});
        std::int64_t selfSum = 0, rootSum = 0;
        for (const ScopeSummary& scope : record.scopes) {
            QVERIFY(scope.selfNs >= 0);
            QVERIFY(scope.selfNs <= scope.inclusiveNs);
            selfSum += scope.selfNs;
            if (scope.parent < 0)
                rootSum += scope.inclusiveNs;
        }
        // Self times partition the time spent inside scopes exactly.
        QCOMPARE(selfSum, rootSum);
        QVERIFY(rootSum <= record.endNs);
        // Per-step batches add up to the run totals.
        for (std::size_t s = 0; s < record.scopes.size(); ++s) {
            std::int64_t stepSum = 0;
            for (const StepLayerTimes& step : record.steps)
                stepSum += step.selfNs[s];
            QCOMPARE(stepSum, record.scopes[s].selfNs);
        }
        // Every decoder block attention ran once per step.
        const auto attn = std::find_if(record.scopes.begin(), record.scopes.end(),
                                       [](const ScopeSummary& s) { return s.name == "decoder.blocks.1.attn"; });
        QVERIFY(attn != record.scopes.end());
        QCOMPARE(attn->calls, std::int64_t(8));
        QCOMPARE(attn->category, ScopeCategory::Attention);
    }

    void profilingOffRecordsNoLayers()
    {
        const RunRecord record = RunSession(m_bundle).run({tinySettings(4, ProfilingLevel::Off), {}});
        QVERIFY(record.steps.empty());
        for (const ScopeSummary& scope : record.scopes)
            QCOMPARE(scope.calls, std::int64_t(0));
        QCOMPARE(record.tokens.size(), std::size_t(4));
    }

    // Costs measured with the real code paths: positive, finite, below a millisecond. What
    // they are on this machine is printed, not judged (speed belongs in benchmarks).
    void calibrationIsPlausible()
    {
        const ProfilerCalibration c = measureProfilerCalibration();
        qInfo("scope %.1f ns, op callback %.1f ns, allocation %.1f ns", c.scopeNs, c.opCallbackNs, c.allocationNs);
        for (const double cost : {c.scopeNs, c.opCallbackNs, c.allocationNs}) {
            QVERIFY(std::isfinite(cost));
            QVERIFY(cost > 0);
            QVERIFY(cost < 1e6);
        }
    }

    // The estimate is the run's counted actions times the process's calibration, over its time.
    void overheadEstimateMatchesCounts()
    {
        const RunRecord record = RunSession(m_bundle).run({tinySettings(4, ProfilingLevel::Ops), {}});
        QVERIFY(record.overhead);
        const ProfilerOverhead& o = *record.overhead;
        std::int64_t scopes = 0, ops = 0;
        for (const ScopeSummary& scope : record.scopes)
            scopes += scope.calls;
        for (const OpStat& op : record.ops)
            ops += op.count;
        QVERIFY(scopes > 0);
        QVERIFY(ops > 0);
        QVERIFY(o.allocations > 0);
        QCOMPARE(o.scopes, scopes);
        QCOMPARE(o.opCallbacks, ops);
        const ProfilerCalibration& c = profilerCalibration();
        QCOMPARE(o.calibration.scopeNs, c.scopeNs);
        QCOMPARE(o.calibration.opCallbackNs, c.opCallbackNs);
        const double estimateNs = static_cast<double>(scopes) * c.scopeNs + static_cast<double>(ops) * c.opCallbackNs
            + static_cast<double>(o.allocations) * c.allocationNs;
        QCOMPARE(o.estimatedNs(), estimateNs);
        QCOMPARE(o.estimatedPct(record.endNs), estimateNs / static_cast<double>(record.endNs) * 100.0);
        // Profiling off: nothing to estimate.
        QVERIFY(!RunSession(m_bundle).run({tinySettings(2, ProfilingLevel::Off), {}}).overhead);
    }

    void environmentManifest()
    {
        const RunRecord record = RunSession(m_bundle).run({tinySettings(2), {}});
        const EnvironmentInfo& e = record.environment;
        QCOMPARE(e.dtype, std::string("float32"));
        QVERIFY(e.modelConfigHash.rfind("sha256:", 0) == 0);
        QCOMPARE(e.modelConfigHash.size(), std::size_t(7 + 64));
        QVERIFY(e.weightsHash.rfind("synthetic-sha256/1:", 0) == 0);
        QCOMPARE(e.cudaAllocator, cudaStatsAvailability());
        QVERIFY(!e.cudaAllocator.empty());
        // The same model gives the same identity; another config another one.
        QCOMPARE(RunSession(m_bundle).environment(record.settings).weightsHash, e.weightsHash);
        // A checkpoint's weights file: small files are hashed whole, the digest the Hub lists.
        const QString dir = QStringLiteral(VLMSCOPE_TEST_DATA "/reference/head");
        const ModelBundle checkpoint = loadModelBundle(dir.toStdString());
        const EnvironmentInfo other = RunSession(checkpoint).environment(record.settings);
        QFile weights(dir + "/model.safetensors");
        QVERIFY(weights.open(QIODevice::ReadOnly));
        QCOMPARE(QString::fromStdString(other.weightsHash),
                 "sha256:" + QString::fromLatin1(QCryptographicHash::hash(weights.readAll(), QCryptographicHash::Sha256).toHex()));
        QVERIFY(other.modelConfigHash != e.modelConfigHash);
    }

    void opLevelAggregatesAtenOps()
    {
        const RunRecord record = RunSession(m_bundle).run({tinySettings(4, ProfilingLevel::Ops), {}});
        QVERIFY(!record.ops.empty());
        bool sawMatrixProduct = false, sawDecodeKernel = false;
        for (const OpStat& op : record.ops) {
            QVERIFY(op.selfNs <= op.totalNs);
            QVERIFY(op.count > 0);
            if (op.op == "aten::mkldnn_linear" || op.op == "aten::addmm" || op.op == "aten::mm")
                sawMatrixProduct = true;
            if (op.op == "vlmscope::matvec")
                sawDecodeKernel = op.count > 0;
        }
        // Prefill's GEMMs are ATen's (oneDNN's linear, or addmm through the BLAS); decode's
        // one-row products are vlmscope's kernel, recorded as an op of its own.
        QVERIFY(sawMatrixProduct);
        QVERIFY(sawDecodeKernel);
    }

    void stopKeepsAValidPartialRun()
    {
        std::atomic<bool> stop{false};
        EventLog log;
        log.stop = &stop;
        log.stopAfter = 3;
        const RunRecord record = RunSession(m_bundle).run({tinySettings(50), {}}, &log, &stop);
        QCOMPARE(record.status, RunStatus::Stopped);
        QCOMPARE(record.tokens.size(), std::size_t(3));
        QCOMPARE(log.ended.status, RunStatus::Stopped);
        QCOMPARE(record.metrics.outputTokens, std::int64_t(3));
        QVERIFY(record.metrics.outputTps.has_value());
    }

    void samplingIsReproducibleForASeed()
    {
        RunSettings s = tinySettings(12);
        s.greedy = false;
        s.temperature = 1.5;
        s.topK = 0;
        s.topP = 1.0;
        s.seed = 7;
        const RunSession session(m_bundle);
        const RunRecord a = session.run({s, {}});
        const RunRecord b = session.run({s, {}});
        s.seed = 8;
        const RunRecord c = session.run({s, {}});
        auto ids = [](const RunRecord& r) {
            std::vector<std::int64_t> out;
            for (const TokenEvent& t : r.tokens)
                out.push_back(t.id);
            return out;
        };
        QVERIFY(ids(a) == ids(b));
        QVERIFY(ids(a) != ids(c));
    }

    void badInputEndsAsFailedRun()
    {
        RunSettings s = tinySettings(4);
        s.image = "/nonexistent/picture.png";
        EventLog log;
        const RunRequest request{s, {}};
        const RunSession session(m_bundle);
        QVERIFY_THROWS_EXCEPTION(InputError, session.run(request, &log));
        QCOMPARE(log.ended.status, RunStatus::Failed);
        QVERIFY(log.ended.statusDetail.find("/nonexistent/picture.png") != std::string::npos);
    }
};

QTEST_GUILESS_MAIN(TestRunSession)
#include "test_run_session.moc"
