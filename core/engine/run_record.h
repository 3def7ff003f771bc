// The plain data that flows from the engine to writers, readers, --batch and the GUI: the
// events of a generation and the run record that accumulates them. Small, copyable, no
// LibTorch, no widgets. Times are nanoseconds after the run start t0 (monotonic clock).
#pragma once

#include "core/metrics/generation_metrics.h"
#include "core/metrics/metric_definitions.h"
#include "core/profiling/scope_table.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vlmscope {

inline constexpr const char* kRunSchema = "vlmscope.run/1";

enum class Phase { ImagePreprocess, VisionEncoder, Projector, Prefill, DecodeStep };
const char* phaseName(Phase phase);
bool parsePhase(const std::string& name, Phase* out);

enum class ProfilingLevel { Off, Layers, Ops };
const char* profilingLevelName(ProfilingLevel level);
bool parseProfilingLevel(const std::string& name, ProfilingLevel* out);

enum class RunStatus { Running, Finished, Stopped, Failed };
const char* runStatusName(RunStatus status);
bool parseRunStatus(const std::string& name, RunStatus* out);

// What the user asked for.
struct RunSettings {
    std::string model = "builtin";   // "builtin", "tiny" or a checkpoint directory
    std::string tokenizer;           // empty: the checkpoint's or the built-in one
    std::string prompt;              // user prompt text (empty with --input-ids)
    std::string image;               // image path; empty: none
    std::int64_t maxNewTokens = 20;
    bool kvCache = true;
    bool greedy = true;
    double temperature = 0.5;
    std::int64_t topK = 50;
    double topP = 0.9;
    std::uint64_t seed = 0;
    bool stopAtEos = true;
    int threads = 0;
    std::string device = "cpu";
    std::string dtype = "float32";
    ProfilingLevel profiling = ProfilingLevel::Layers;
    int warmup = 0;
    std::int64_t discardFirst = 0;
};

struct ModelSummary {
    std::string name;        // what reports show
    std::string source;      // --model value
    bool synthetic = false;  // built-in weights: timings real, text meaningless
    std::string generation;  // "222m-era" or "current"
    std::int64_t parameters = 0;
    std::int64_t parameterBytes = 0;
    std::int64_t vocabSize = 0;
    std::int64_t contextLength = 0;
    std::string tokenizer;
    nlohmann::ordered_json config; // config.json fields as loaded
};

struct EnvironmentInfo {
    std::string cpuModel;
    int logicalCores = 0;
    int threads = 0;
    std::string blas;
    std::string torchVersion;
    std::string qtVersion;
    std::string device = "cpu";
    std::string os;
    std::string appVersion;
    std::string gitCommit;
    // Appended last so positional initialisers of the fields above keep working.
    std::vector<std::string> cpuFlags; // the SIMD/matrix features kernels dispatch on (avx2, avx512f, amx_bf16...)
    std::string blasPath;              // the libblas the process loaded (resolved), not the one configured
    std::string dtype;                 // weight precision of the loaded model
    std::string modelConfigHash;       // "sha256:<hex>" of the config's canonical JSON
    std::string weightsHash;           // core/util/file_fingerprint.h; "synthetic-..." for built-in weights
    std::string cudaAllocator;         // whether CUDA caching-allocator statistics exist (cuda_memory.h)
};

// What one profiler action costs on this machine, measured at start-up with the real code
// paths (core/profiling/overhead_calibration.h). Nanoseconds.
struct ProfilerCalibration {
    double scopeNs = 0;      // an empty layer scope, enter + exit
    double opCallbackNs = 0; // the op profiler's callbacks around one ATen op
    double allocationNs = 0; // the allocator hook on one allocation and its free
};

// The profiler's estimated cost in one run: its actions times their calibrated cost.
struct ProfilerOverhead {
    ProfilerCalibration calibration;
    std::int64_t scopes = 0;      // layer scope enter/exit pairs
    std::int64_t opCallbacks = 0; // ATen ops seen by the op callback
    std::int64_t allocations = 0; // allocations the allocator hook saw
    double estimatedNs() const
    {
        return static_cast<double>(scopes) * calibration.scopeNs
            + static_cast<double>(opCallbacks) * calibration.opCallbackNs
            + static_cast<double>(allocations) * calibration.allocationNs;
    }
    // Share of a run of `runNs`, in percent; 0 for an empty run.
    double estimatedPct(std::int64_t runNs) const
    {
        return runNs > 0 ? estimatedNs() / static_cast<double>(runNs) * 100.0 : 0.0;
    }
};

struct PhaseSpan {
    Phase phase = Phase::Prefill;
    std::int64_t step = 0; // decode step index (token index it produces); 0 otherwise
    std::int64_t beginNs = 0;
    std::int64_t endNs = 0;
};

struct TokenEvent {
    std::int64_t index = 0;     // 0-based output position
    std::int64_t id = 0;
    std::string text;           // printable piece (UTF-8; incomplete bytes held back)
    std::int64_t timeNs = 0;    // when the token was available
    std::int64_t latencyNs = 0; // since the previous token (since t0 for the first)
};

// Layer times of one step (step 0: image + prefill, step i: the decode step producing
// token i), indexed like the run's scope table. One batch per step, never per layer.
struct StepLayerTimes {
    std::int64_t step = 0;
    std::vector<std::int64_t> selfNs;
    std::vector<std::int64_t> inclusiveNs;
    std::vector<std::int64_t> calls;
};

struct MemorySample {
    std::int64_t timeNs = 0;
    std::int64_t rssBytes = 0;
    std::optional<std::int64_t> allocatorBytes;
    std::optional<std::int64_t> kvCacheBytes;
};

// One scope of the model and its run totals.
struct ScopeSummary {
    std::string name;
    ScopeCategory category = ScopeCategory::Other;
    int parent = -1;
    std::int64_t calls = 0;
    std::int64_t inclusiveNs = 0;
    std::int64_t selfNs = 0;
    std::optional<std::int64_t> allocatedBytes; // charged while the scope was innermost
};

// ATen operator totals inside one layer scope (like torch.profiler key averages).
struct OpStat {
    int scope = -1; // -1: outside every layer scope
    std::string op;
    std::int64_t count = 0;
    std::int64_t totalNs = 0;
    std::int64_t selfNs = 0;
};

struct RunRecord {
    std::string schema = kRunSchema;
    std::string id;        // unique per run
    std::string startedAt; // ISO 8601 UTC wall-clock time of t0
    RunStatus status = RunStatus::Running;
    std::string statusDetail; // why it stopped or failed

    RunSettings settings;
    ModelSummary model;
    EnvironmentInfo environment;

    std::vector<std::int64_t> promptIds;
    std::int64_t inputTokens = 0; // decoder positions of the prompt (text + image)
    std::int64_t imageTokens = 0;
    std::string generatedText;

    std::optional<std::int64_t> prefillEndNs;
    std::int64_t endNs = 0;
    std::vector<PhaseSpan> phases;
    std::vector<TokenEvent> tokens;
    std::vector<ScopeSummary> scopes;
    std::vector<StepLayerTimes> steps;
    std::vector<MemorySample> memory;
    std::vector<OpStat> ops;
    double cpuUtilization = 0;   // process CPU time / wall time over the run (1.0 = one core)
    std::int64_t kvCacheBytes = 0;
    std::optional<ProfilerOverhead> overhead; // empty with profiling off and in older files
    // The rules `metrics` follow: the current ones for runs measured or recomputed here; a
    // file's for runs read from a .log or results file; empty when that file did not say.
    std::string definitionsId = kMetricDefinitionsId;

    GenerationMetrics metrics;

    // The rules `metrics` follow, with this run's warm-up and discard settings (fixed texts
    // empty unless definitionsId is the current id).
    MetricDefinitions definitions() const;
    // The metric inputs of this record (used to (re)compute `metrics`).
    TimingInput timingInput() const;
    void computeMetrics();
};

} // namespace vlmscope
