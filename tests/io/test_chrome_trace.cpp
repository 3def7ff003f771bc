// Checks the Chrome trace export by parsing it back: required keys per event type, valid
// nesting on every track (children inside parents), monotonic time per track, and that
// phases, layer times, tokens, memory and ops carry the record's values.
#include "core/io/chrome_trace.h"
#include "tests/io/run_record_fixture.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <fstream>
#include <map>
#include <set>

using namespace vlmscope;
using Json = nlohmann::json;

namespace {

std::int64_t ns(const Json& micros) { return std::llround(micros.get<double>() * 1000.0); }

Json parsed(const std::vector<RunRecord>& runs) { return Json::parse(chromeTraceJson(runs).dump()); }

std::vector<const Json*> eventsWhere(const Json& trace, const std::function<bool(const Json&)>& keep)
{
    std::vector<const Json*> out;
    for (const Json& e : trace.at("traceEvents")) {
        if (keep(e))
            out.push_back(&e);
    }
    return out;
}

std::vector<const Json*> slices(const Json& trace, int pid, int tid)
{
    return eventsWhere(trace, [&](const Json& e) { return e.at("ph") == "X" && e.at("pid") == pid && e.at("tid") == tid; });
}

// "" when every slice of the track lies inside the slice that encloses it, or after it
// ends; else the first offender. `enclosing` receives each slice's innermost parent name.
std::string nestingProblem(const std::vector<const Json*>& track, std::map<const Json*, std::string>* enclosing = nullptr)
{
    struct Open {
        std::string name;
        std::int64_t end;
    };
    std::vector<Open> stack;
    for (const Json* e : track) {
        const std::int64_t begin = ns(e->at("ts"));
        const std::int64_t end = begin + ns(e->at("dur"));
        while (!stack.empty() && stack.back().end <= begin && !(stack.back().end == begin && end == begin))
            stack.pop_back();
        if (!stack.empty() && end > stack.back().end)
            return e->at("name").get<std::string>() + " ends after " + stack.back().name;
        if (enclosing)
            (*enclosing)[e] = stack.empty() ? std::string() : stack.back().name;
        stack.push_back({e->at("name").get<std::string>(), end});
    }
    return {};
}

std::string parentName(const RunRecord& run, const std::string& scope)
{
    for (const ScopeSummary& s : run.scopes) {
        if (s.name == scope)
            return s.parent < 0 ? std::string() : run.scopes[static_cast<std::size_t>(s.parent)].name;
    }
    return "?";
}

} // namespace

class TestChromeTrace : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void requiredKeysPerEventType();
    void nestingIsValidOnEveryTrack();
    void timestampsAreMonotonicPerTrack();
    void phasesInsideTheRun();
    void layersCarryMeasuredTimes();
    void oversizedChildrenAreShrunkToFit();
    void tokensAreInstantEvents();
    void memoryCounters();
    void opsNestInsideTheirScope();
    void severalRunsAreSeveralProcesses();
    void malformedRecordStillNests();
    void writesFile();
    void nestingCheckCatchesOverlap();
};

void TestChromeTrace::requiredKeysPerEventType()
{
    const Json trace = parsed({fixture::makeRun()});
    QCOMPARE(trace.at("displayTimeUnit").get<std::string>(), std::string("ms"));
    QVERIFY(trace.at("traceEvents").is_array());
    std::map<std::string, int> counts;
    const std::set<std::string> metadataNames = {"process_name", "process_sort_index", "thread_name", "thread_sort_index"};
    for (const Json& e : trace.at("traceEvents")) {
        const std::string ph = e.at("ph").get<std::string>();
        ++counts[ph];
        QVERIFY(e.at("name").is_string());
        QVERIFY(e.at("pid").is_number_integer());
        if (ph == "M") {
            QVERIFY(metadataNames.count(e.at("name").get<std::string>()));
            QVERIFY(e.at("args").is_object() && e.at("args").size() == 1);
            continue;
        }
        QVERIFY(e.at("ts").is_number());
        QVERIFY(e.at("tid").is_number_integer());
        if (ph == "X") {
            QVERIFY(e.at("cat").is_string());
            QVERIFY(e.at("dur").is_number() && e.at("dur").get<double>() >= 0);
            QVERIFY(e.at("args").is_object());
        } else if (ph == "i") {
            QCOMPARE(e.at("s").get<std::string>(), std::string("t"));
            QVERIFY(e.at("args").is_object());
        } else if (ph == "C") {
            QVERIFY(!e.at("args").empty());
            for (const auto& value : e.at("args"))
                QVERIFY(value.is_number());
        } else {
            QFAIL(("unexpected phase type " + ph).c_str());
        }
    }
    QCOMPARE(counts["M"], 2 + 4 * 2);
    QCOMPARE(counts["i"], 3);
    QCOMPARE(counts["C"], 4 + 3 + 3);
    QVERIFY(counts["X"] > 20);
}

void TestChromeTrace::nestingIsValidOnEveryTrack()
{
    const Json trace = parsed({fixture::makeRun()});
    for (int tid = 1; tid <= 4; ++tid) {
        const std::string problem = nestingProblem(slices(trace, 1, tid));
        QVERIFY2(problem.empty(), problem.c_str());
    }
}

void TestChromeTrace::timestampsAreMonotonicPerTrack()
{
    const Json trace = parsed({fixture::makeRun(), fixture::makeRun("second", 1.5)});
    std::map<std::string, double> last;
    for (const Json& e : trace.at("traceEvents")) {
        if (e.at("ph") == "M")
            continue;
        const std::string track = std::to_string(e.at("pid").get<int>()) + "/"
            + (e.at("ph") == "C" ? e.at("name").get<std::string>() : std::to_string(e.at("tid").get<int>()));
        const double ts = e.at("ts").get<double>();
        if (last.count(track))
            QVERIFY2(ts >= last[track], track.c_str());
        last[track] = ts;
    }
    QVERIFY(last.size() >= 2 * 7);
}

void TestChromeTrace::phasesInsideTheRun()
{
    const RunRecord run = fixture::makeRun();
    const Json trace = parsed({run});
    const std::vector<const Json*> phases = slices(trace, 1, 1);
    QCOMPARE(phases.size(), run.phases.size() + 1);
    QCOMPARE(phases[0]->at("name").get<std::string>(), std::string("generation"));
    QCOMPARE(ns(phases[0]->at("dur")), run.endNs);
    std::map<const Json*, std::string> enclosing;
    QVERIFY(nestingProblem(phases, &enclosing).empty());
    for (std::size_t i = 1; i < phases.size(); ++i) {
        QCOMPARE(enclosing[phases[i]], std::string("generation"));
        QCOMPARE(ns(phases[i]->at("ts")), run.phases[i - 1].beginNs);
        QCOMPARE(ns(phases[i]->at("dur")), run.phases[i - 1].endNs - run.phases[i - 1].beginNs);
    }
    QCOMPARE(phases[5]->at("name").get<std::string>(), std::string("decode_step 1"));
}

void TestChromeTrace::layersCarryMeasuredTimes()
{
    const RunRecord run = fixture::makeRun();
    const Json trace = parsed({run});
    const std::vector<const Json*> layers = slices(trace, 1, 2);
    std::map<const Json*, std::string> enclosing;
    const std::string problem = nestingProblem(layers, &enclosing);
    QVERIFY2(problem.empty(), problem.c_str());

    std::size_t expectedSlices = 0;
    for (const StepLayerTimes& step : run.steps) {
        ++expectedSlices; // the step itself
        for (std::size_t k = 0; k < run.scopes.size(); ++k)
            expectedSlices += step.calls[k] > 0 || step.inclusiveNs[k] > 0;
    }
    QCOMPARE(layers.size(), expectedSlices);

    std::map<std::int64_t, const Json*> stepSlices;
    for (const Json* e : layers) {
        const std::string name = e->at("name").get<std::string>();
        const std::int64_t step = e->at("args").at("step").get<std::int64_t>();
        if (e->at("cat") == "step") {
            stepSlices[step] = e;
            QCOMPARE(enclosing[e], std::string());
            continue;
        }
        std::size_t k = 0;
        while (run.scopes[k].name != name)
            ++k;
        const StepLayerTimes& times = run.steps[static_cast<std::size_t>(step)];
        // The fixture's children fit their parents: every slice is as long as measured.
        QCOMPARE(ns(e->at("dur")), times.inclusiveNs[k]);
        QCOMPARE(e->at("args").at("inclusive_us").get<double>(), times.inclusiveNs[k] / 1000.0);
        QCOMPARE(e->at("args").at("self_us").get<double>(), times.selfNs[k] / 1000.0);
        QCOMPARE(e->at("args").at("calls").get<std::int64_t>(), times.calls[k]);
        QCOMPARE(e->at("cat").get<std::string>(), std::string(categoryName(run.scopes[k].category)));
        const std::string parent = parentName(run, name);
        QCOMPARE(enclosing[e], parent.empty() ? "step " + std::to_string(step) : parent);
    }
    // Step 0 spans image preprocessing to the end of prefill; step i its decode phase.
    QCOMPARE(ns(stepSlices.at(0)->at("ts")), std::int64_t(0));
    QCOMPARE(ns(stepSlices.at(0)->at("dur")), *run.prefillEndNs);
    QCOMPARE(ns(stepSlices.at(2)->at("ts")), run.phases[5].beginNs);
    QCOMPARE(ns(stepSlices.at(2)->at("dur")), run.phases[5].endNs - run.phases[5].beginNs);
}

void TestChromeTrace::oversizedChildrenAreShrunkToFit()
{
    RunRecord run = fixture::makeRun();
    run.steps[1].inclusiveNs[6] = 50 * fixture::kMs; // attn: more than its block and its step
    run.steps[1].inclusiveNs[9] = 30 * fixture::kMs; // head: roots exceed the step too
    const Json trace = parsed({run});
    const std::vector<const Json*> layers = slices(trace, 1, 2);
    const std::string problem = nestingProblem(layers);
    QVERIFY2(problem.empty(), problem.c_str());
    bool seen = false;
    for (const Json* e : layers) {
        if (e->at("name") == "decoder.blocks.0.attn" && e->at("args").at("step") == 1) {
            QCOMPARE(e->at("args").at("inclusive_us").get<double>(), 50000.0); // the measured value
            QVERIFY(ns(e->at("dur")) < 20 * fixture::kMs);                       // laid out to fit
            seen = true;
        }
    }
    QVERIFY(seen);
}

void TestChromeTrace::tokensAreInstantEvents()
{
    const RunRecord run = fixture::makeRun();
    const Json trace = parsed({run});
    const auto tokens = eventsWhere(trace, [](const Json& e) { return e.at("ph") == "i"; });
    QCOMPARE(tokens.size(), std::size_t(3));
    for (std::size_t i = 0; i < 3; ++i) {
        QCOMPARE(tokens[i]->at("args").at("text").get<std::string>(), std::string(fixture::kTokenTexts[i]));
        QCOMPARE(tokens[i]->at("args").at("id").get<std::int64_t>(), run.tokens[i].id);
        QCOMPARE(tokens[i]->at("args").at("index").get<std::int64_t>(), std::int64_t(i));
        QCOMPARE(ns(tokens[i]->at("ts")), run.tokens[i].timeNs);
        QCOMPARE(tokens[i]->at("tid").get<int>(), 3);
    }
}

void TestChromeTrace::memoryCounters()
{
    const RunRecord run = fixture::makeRun();
    const Json trace = parsed({run});
    const auto track = [&](const char* name) {
        return eventsWhere(trace, [&](const Json& e) { return e.at("ph") == "C" && e.at("name") == name; });
    };
    const auto rss = track("RSS");
    QCOMPARE(rss.size(), run.memory.size());
    QCOMPARE(rss[3]->at("args").at("MiB").get<double>(), 523.0);
    QCOMPARE(ns(rss[1]->at("ts")), run.memory[1].timeNs);
    QCOMPARE(track("allocator").size(), std::size_t(3));
    const auto kv = track("KV cache");
    QCOMPARE(kv.size(), std::size_t(3));
    QCOMPARE(kv[0]->at("args").at("MiB").get<double>(), 72 * 73728 / (1024.0 * 1024.0));
}

void TestChromeTrace::opsNestInsideTheirScope()
{
    const RunRecord run = fixture::makeRun();
    const Json trace = parsed({run});
    const std::vector<const Json*> ops = slices(trace, 1, 4);
    std::map<const Json*, std::string> enclosing;
    QVERIFY(nestingProblem(ops, &enclosing).empty());
    QCOMPARE(ops.size(), std::size_t(3 + 4));
    std::map<std::string, std::string> parentOf;
    for (const Json* e : ops)
        parentOf[e->at("name").get<std::string>()] = enclosing[e];
    QCOMPARE(parentOf["aten::mm"], std::string("decoder.blocks.0.attn"));
    QCOMPARE(parentOf["aten::addmm"], std::string("decoder.blocks.0.mlp"));
    QCOMPARE(parentOf["aten::cat"], std::string("(outside layer scopes)"));
    for (const Json* e : ops) {
        if (e->at("name") == "aten::linear") {
            QCOMPARE(e->at("args").at("count").get<int>(), 12);
            QCOMPARE(e->at("args").at("total_us").get<double>(), 20000.0);
            QCOMPARE(ns(e->at("dur")), 2 * fixture::kMs);
        }
    }
}

void TestChromeTrace::severalRunsAreSeveralProcesses()
{
    const Json trace = parsed({fixture::makeRun("first"), fixture::makeRun("second", 2.0)});
    const auto names = eventsWhere(trace, [](const Json& e) { return e.at("name") == "process_name"; });
    QCOMPARE(names.size(), std::size_t(2));
    QCOMPARE(names[0]->at("pid").get<int>(), 1);
    QVERIFY(names[1]->at("args").at("name").get<std::string>().find("(second)") != std::string::npos);
    QCOMPARE(trace.at("otherData").at("runs"), Json::parse(R"(["first", "second"])"));
    // Each run's manifest, in pid order.
    const Json& manifests = trace.at("otherData").at("manifests");
    QCOMPARE(manifests.size(), std::size_t(2));
    QCOMPARE(manifests.at(1).at("run").get<std::string>(), std::string("second"));
    QCOMPARE(manifests.at(0).at("definitions").at("id").get<std::string>(), std::string("vlmscope.metrics/1"));
    QCOMPARE(manifests.at(0).at("environment").at("cpu_flags"), Json::parse(R"(["avx", "avx2", "fma", "avx512f"])"));
    for (int pid = 1; pid <= 2; ++pid) {
        for (int tid = 1; tid <= 4; ++tid)
            QVERIFY(nestingProblem(slices(trace, pid, tid)).empty());
    }
    QCOMPARE(ns(slices(trace, 2, 1)[0]->at("dur")), 200 * fixture::kMs);
}

void TestChromeTrace::malformedRecordStillNests()
{
    RunRecord run = fixture::makeRun();
    run.phases.push_back({Phase::Prefill, 0, 10 * fixture::kMs, 70 * fixture::kMs}); // overlaps others
    run.phases.push_back({Phase::DecodeStep, 1, 90 * fixture::kMs, 500 * fixture::kMs}); // past the end
    run.scopes[2].parent = 7;  // a later scope: treated as a root
    run.scopes[4].parent = -9; // nonsense: a root
    run.steps[1].selfNs.pop_back(); // wrong size: step left out
    run.steps.push_back({7, std::vector<std::int64_t>(10, fixture::kMs), std::vector<std::int64_t>(10, fixture::kMs),
                         std::vector<std::int64_t>(10, 1)}); // no phase, no tokens: left out
    run.ops.push_back({42, "aten::bogus", 1, -5, -5});
    const Json trace = parsed({run});
    for (int tid = 1; tid <= 4; ++tid) {
        const std::string problem = nestingProblem(slices(trace, 1, tid));
        QVERIFY2(problem.empty(), problem.c_str());
    }
}

void TestChromeTrace::writesFile()
{
    QTemporaryDir dir;
    const std::string path = dir.filePath("trace.json").toStdString();
    writeChromeTrace(path, fixture::makeRun());
    std::ifstream in(path);
    const Json trace = Json::parse(in);
    QCOMPARE(trace, parsed({fixture::makeRun()}));
}

void TestChromeTrace::nestingCheckCatchesOverlap()
{
    const Json events = Json::parse(R"([{"name": "a", "ts": 0, "dur": 10}, {"name": "b", "ts": 5, "dur": 10}])");
    QCOMPARE(QString::fromStdString(nestingProblem({&events[0], &events[1]})), QString("b ends after a"));
    const Json fine = Json::parse(R"([{"name": "a", "ts": 0, "dur": 10}, {"name": "b", "ts": 10, "dur": 10}])");
    QVERIFY(nestingProblem({&fine[0], &fine[1]}).empty());
}

QTEST_GUILESS_MAIN(TestChromeTrace)
#include "test_chrome_trace.moc"
