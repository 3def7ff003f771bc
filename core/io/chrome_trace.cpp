#include "core/io/chrome_trace.h"

#include "core/io/json_reader.h"
#include "core/io/run_manifest.h"
#include "core/util/atomic_write.h"

#include <algorithm>
#include <array>
#include <limits>
#include <utility>

namespace vlmscope {

namespace {

using Json = nlohmann::ordered_json;

constexpr double kMiB = 1024.0 * 1024.0;

enum Track : int { kPhasesTrack = 1, kLayersTrack, kTokensTrack, kOpsTrack };
constexpr std::array<const char*, 4> kTrackNames = {
    "phases", "layers (per step)", "tokens", "ATen ops (run totals laid end to end, not a timeline)"};

double micros(std::int64_t ns) { return static_cast<double>(ns) / 1000.0; }

// Sums of many op times from a file may not fit; a clamped position is still a valid layout.
std::int64_t addSaturating(std::int64_t a, std::int64_t b)
{
    return a > std::numeric_limits<std::int64_t>::max() - b ? std::numeric_limits<std::int64_t>::max() : a + b;
}

// Events are serialized as soon as they are made: a trace has hundreds of thousands of
// them, and one document holding them all costs more than the text.
struct TimedEvent {
    std::int64_t tsNs;
    std::string text;
};

void appendEvent(std::string& out, const std::string& text)
{
    if (out.back() != '[')
        out += ',';
    out += text;
}

// The events of one run, per track, sorted by time before they are emitted.
class RunTrace {
public:
    RunTrace(const RunRecord& run, int pid) : m_run(run), m_pid(pid) {}

    void build()
    {
        addPhases();
        addLayers();
        addTokens();
        addOps();
        addMemory();
    }

    // Appends this run's events to the open traceEvents array in `out`.
    void appendTo(std::string& out, int sortIndex)
    {
        appendEvent(out, metadata("process_name", 0, Json{{"name", processName()}}));
        appendEvent(out, metadata("process_sort_index", 0, Json{{"sort_index", sortIndex}}));
        for (int tid = kPhasesTrack; tid <= kOpsTrack; ++tid) {
            appendEvent(out, metadata("thread_name", tid, Json{{"name", kTrackNames[static_cast<std::size_t>(tid - 1)]}}));
            appendEvent(out, metadata("thread_sort_index", tid, Json{{"sort_index", tid}}));
        }
        for (auto& track : m_tracks) {
            // Stable: a parent slice stays ahead of a child that starts at the same time.
            std::stable_sort(track.begin(), track.end(),
                             [](const TimedEvent& a, const TimedEvent& b) { return a.tsNs < b.tsNs; });
            for (const TimedEvent& e : track)
                appendEvent(out, e.text);
        }
    }

private:
    std::string processName() const
    {
        std::string name = "run " + std::to_string(m_pid);
        if (!m_run.model.name.empty())
            name += ": " + m_run.model.name;
        if (!m_run.id.empty())
            name += " (" + m_run.id + ")";
        return name;
    }

    std::string metadata(const char* name, int tid, Json args) const
    {
        return dumpJson(Json{{"name", name}, {"ph", "M"}, {"pid", m_pid}, {"tid", tid}, {"args", std::move(args)}}, -1);
    }

    void complete(int tid, const std::string& name, const char* category, std::int64_t beginNs, std::int64_t durNs,
                  Json args)
    {
        Json e{{"name", name},        {"cat", category},      {"ph", "X"},  {"ts", micros(beginNs)},
               {"dur", micros(durNs)}, {"pid", m_pid},        {"tid", tid}, {"args", std::move(args)}};
        m_tracks[static_cast<std::size_t>(tid - 1)].push_back({beginNs, dumpJson(e, -1)});
    }

    std::int64_t traceEnd() const
    {
        std::int64_t end = std::max<std::int64_t>(m_run.endNs, 0);
        for (const PhaseSpan& p : m_run.phases)
            end = std::max(end, p.endNs);
        for (const TokenEvent& t : m_run.tokens)
            end = std::max(end, t.timeNs);
        return end;
    }

    // One "generation" slice over the run with the phases inside it, made sequential so a
    // malformed record cannot produce overlapping slices.
    void addPhases()
    {
        const std::int64_t end = traceEnd();
        complete(kPhasesTrack, "generation", "run", 0, end,
                 Json{{"id", m_run.id}, {"status", runStatusName(m_run.status)}, {"model", m_run.model.name},
                      {"output_tokens", m_run.tokens.size()}});
        std::vector<PhaseSpan> phases = m_run.phases;
        std::stable_sort(phases.begin(), phases.end(),
                         [](const PhaseSpan& a, const PhaseSpan& b) { return a.beginNs < b.beginNs; });
        std::int64_t cursor = 0;
        for (const PhaseSpan& p : phases) {
            const std::int64_t begin = std::max(p.beginNs, cursor);
            const std::int64_t finish = std::min(p.endNs, end);
            if (finish < begin)
                continue;
            std::string name = phaseName(p.phase);
            if (p.phase == Phase::DecodeStep)
                name += " " + std::to_string(p.step);
            complete(kPhasesTrack, name, "phase", begin, finish - begin, Json{{"step", p.step}});
            cursor = finish;
        }
    }

    // Where step `step`'s layer times were measured: step 0 covers image preprocessing to the
    // end of prefill, step i its decode-step phase. Without phases, the token times bound it.
    std::optional<std::pair<std::int64_t, std::int64_t>> stepSpan(std::int64_t step) const
    {
        std::optional<std::pair<std::int64_t, std::int64_t>> span;
        for (const PhaseSpan& p : m_run.phases) {
            const bool belongs = step == 0 ? p.phase != Phase::DecodeStep : p.phase == Phase::DecodeStep && p.step == step;
            if (!belongs)
                continue;
            span = span ? std::make_pair(std::min(span->first, p.beginNs), std::max(span->second, p.endNs))
                        : std::make_pair(p.beginNs, p.endNs);
        }
        if (span)
            return span;
        const auto tokenTime = [&](std::int64_t index) -> std::optional<std::int64_t> {
            if (index < 0 || index >= static_cast<std::int64_t>(m_run.tokens.size()))
                return std::nullopt;
            return m_run.tokens[static_cast<std::size_t>(index)].timeNs;
        };
        if (step == 0) {
            const std::optional<std::int64_t> end = m_run.prefillEndNs ? m_run.prefillEndNs : tokenTime(0);
            return std::make_pair(std::int64_t(0), end.value_or(m_run.endNs));
        }
        const auto begin = tokenTime(step - 1);
        const auto end = tokenTime(step);
        if (begin && end)
            return std::make_pair(*begin, *end);
        return std::nullopt;
    }

    // Layer scopes. Records keep per-step, per-scope sums rather than individual calls, so
    // the true call times are unknown. Each step becomes one "step N" slice spanning the time
    // the step was measured in; inside it the root scopes are laid end to end from its start,
    // each as long as its inclusive time in that step, and every scope's children are laid
    // end to end from their parent's start the same way (the parent's self time is the rest).
    // When children add up to more than their parent (or roots to more than the step), they
    // are shrunk in proportion, so every child lies inside its parent and nesting is valid.
    // args carry the exact measured sums; positions within a step are illustrative.
    void addLayers()
    {
        const std::size_t n = m_run.scopes.size();
        std::vector<std::vector<std::size_t>> children(n + 1); // [n]: the roots
        for (std::size_t i = 0; i < n; ++i) {
            const int parent = m_run.scopes[i].parent;
            const bool valid = parent >= 0 && static_cast<std::size_t>(parent) < i;
            children[valid ? static_cast<std::size_t>(parent) : n].push_back(i);
        }
        std::int64_t cursor = 0;
        for (const StepLayerTimes& step : m_run.steps) {
            if (step.inclusiveNs.size() != n || step.selfNs.size() != n || step.calls.size() != n)
                continue;
            const auto span = stepSpan(step.step);
            if (!span)
                continue;
            const std::int64_t begin = std::max(span->first, cursor);
            if (span->second <= begin)
                continue;
            cursor = span->second;
            complete(kLayersTrack, "step " + std::to_string(step.step), "step", begin, span->second - begin,
                     Json{{"step", step.step}});
            layOutStep(step, children, begin, span->second - begin);
        }
    }

    void layOutStep(const StepLayerTimes& step, const std::vector<std::vector<std::size_t>>& children,
                    std::int64_t begin, std::int64_t duration)
    {
        struct Slot {
            std::size_t parent; // index into `children`
            std::int64_t begin;
            std::int64_t duration;
        };
        // Explicit stack: scope chains in a file may be as deep as there are scopes.
        std::vector<Slot> pending{{children.size() - 1, begin, duration}};
        while (!pending.empty()) {
            const Slot slot = pending.back();
            pending.pop_back();
            const std::vector<std::size_t>& kids = children[slot.parent];
            long double total = 0;
            for (std::size_t k : kids)
                total += static_cast<long double>(std::max<std::int64_t>(step.inclusiveNs[k], 0));
            const long double scale = total > slot.duration ? slot.duration / total : 1.0L;
            std::int64_t at = slot.begin;
            std::vector<Slot> placed;
            for (std::size_t k : kids) {
                const std::int64_t measured = std::max<std::int64_t>(step.inclusiveNs[k], 0);
                if (measured == 0 && step.calls[k] == 0)
                    continue;
                auto length = static_cast<std::int64_t>(static_cast<long double>(measured) * scale);
                length = std::clamp<std::int64_t>(length, 0, slot.begin + slot.duration - at);
                emitScope(k, step, at, length);
                placed.push_back({k, at, length});
                at += length;
            }
            // Reversed so the first child is laid out (and emitted) first.
            pending.insert(pending.end(), placed.rbegin(), placed.rend());
        }
    }

    void emitScope(std::size_t k, const StepLayerTimes& step, std::int64_t begin, std::int64_t duration)
    {
        const ScopeSummary& scope = m_run.scopes[k];
        complete(kLayersTrack, scope.name, categoryName(scope.category), begin, duration,
                 Json{{"step", step.step},
                      {"calls", step.calls[k]},
                      {"inclusive_us", micros(step.inclusiveNs[k])},
                      {"self_us", micros(step.selfNs[k])}});
    }

    void addTokens()
    {
        for (const TokenEvent& t : m_run.tokens) {
            Json e{{"name", "token " + std::to_string(t.index)},
                   {"cat", "token"},
                   {"ph", "i"},
                   {"s", "t"},
                   {"ts", micros(t.timeNs)},
                   {"pid", m_pid},
                   {"tid", static_cast<int>(kTokensTrack)},
                   {"args", Json{{"index", t.index}, {"id", t.id}, {"text", t.text}}}};
            m_tracks[kTokensTrack - 1].push_back({t.timeNs, dumpJson(e, -1)});
        }
    }

    // Op statistics are run totals per layer scope: one slice per scope, as long as the self
    // time of its ops, holding one child per op, laid end to end from 0.
    void addOps()
    {
        const auto scopeCount = static_cast<int>(m_run.scopes.size());
        std::vector<std::vector<const OpStat*>> byScope(static_cast<std::size_t>(scopeCount) + 1);
        for (const OpStat& op : m_run.ops) {
            const bool inScope = op.scope >= 0 && op.scope < scopeCount;
            byScope[inScope ? static_cast<std::size_t>(op.scope) + 1 : 0].push_back(&op);
        }
        std::int64_t at = 0;
        for (std::size_t s = 0; s < byScope.size(); ++s) {
            if (byScope[s].empty())
                continue;
            std::int64_t length = 0;
            for (const OpStat* op : byScope[s])
                length = addSaturating(length, std::max<std::int64_t>(op->selfNs, 0));
            length = addSaturating(at, length) - at;
            const std::string name = s == 0 ? "(outside layer scopes)" : m_run.scopes[s - 1].name;
            complete(kOpsTrack, name, "ops", at, length, Json{{"ops", byScope[s].size()}});
            std::int64_t cursor = at;
            for (const OpStat* op : byScope[s]) {
                const std::int64_t self = std::min(std::max<std::int64_t>(op->selfNs, 0), at + length - cursor);
                complete(kOpsTrack, op->op, "op", cursor, self,
                         Json{{"count", op->count}, {"total_us", micros(op->totalNs)}, {"self_us", micros(op->selfNs)}});
                cursor += self;
            }
            at += length;
        }
    }

    void counter(const char* name, std::int64_t tsNs, double mib)
    {
        Json e{{"name", name}, {"ph", "C"}, {"ts", micros(tsNs)}, {"pid", m_pid}, {"tid", 0}, {"args", Json{{"MiB", mib}}}};
        m_tracks[kTrackNames.size()].push_back({tsNs, dumpJson(e, -1)});
    }

    void addMemory()
    {
        for (const MemorySample& m : m_run.memory) {
            counter("RSS", m.timeNs, static_cast<double>(m.rssBytes) / kMiB);
            if (m.allocatorBytes)
                counter("allocator", m.timeNs, static_cast<double>(*m.allocatorBytes) / kMiB);
            if (m.kvCacheBytes)
                counter("KV cache", m.timeNs, static_cast<double>(*m.kvCacheBytes) / kMiB);
        }
    }

    const RunRecord& m_run;
    int m_pid;
    std::array<std::vector<TimedEvent>, kTrackNames.size() + 1> m_tracks; // + the counters
};

std::string traceOf(const std::vector<const RunRecord*>& runs)
{
    std::string out = "{\"traceEvents\":[";
    Json ids = Json::array();
    Json manifests = Json::array(); // per run (pid order): the rules and machine of its figures
    for (std::size_t i = 0; i < runs.size(); ++i) {
        RunTrace trace(*runs[i], static_cast<int>(i) + 1);
        trace.build();
        trace.appendTo(out, static_cast<int>(i));
        ids.push_back(runs[i]->id);
        Json manifest = manifestToJson(manifestOf(*runs[i]));
        manifest["run"] = runs[i]->id;
        manifests.push_back(std::move(manifest));
    }
    out += "],\"displayTimeUnit\":\"ms\",\"otherData\":";
    out += dumpJson(Json{{"generator", "vlmscope"},
                         {"metric_definitions", kMetricDefinitionsId},
                         {"runs", std::move(ids)},
                         {"manifests", std::move(manifests)}},
                    -1);
    out += "}\n";
    return out;
}

} // namespace

std::string chromeTraceText(const std::vector<RunRecord>& runs)
{
    std::vector<const RunRecord*> pointers;
    for (const RunRecord& run : runs)
        pointers.push_back(&run);
    return traceOf(pointers);
}

nlohmann::ordered_json chromeTraceJson(const std::vector<RunRecord>& runs)
{
    return nlohmann::ordered_json::parse(chromeTraceText(runs));
}

void writeChromeTrace(const std::string& path, const std::vector<RunRecord>& runs)
{
    writeFileAtomically(path, chromeTraceText(runs));
}

void writeChromeTrace(const std::string& path, const RunRecord& run)
{
    writeFileAtomically(path, traceOf({&run}));
}

} // namespace vlmscope
