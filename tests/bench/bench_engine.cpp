// Engine benchmark: load time, TTFT, decode tokens/s and per-token latency of the built-in
// nanoVLM-222M-shaped model, with and without the KV cache. Prints figures; never fails on
// time. Usage: bench_engine [--model builtin|tiny|DIR] [--tokens N] [--runs N] [--threads N]
#include "core/engine/generator.h"
#include "core/engine/model_bundle.h"
#include "core/engine/run_session.h"
#include "core/util/blas_probe.h"

#include <QCoreApplication>
#include <QCommandLineParser>

#include <algorithm>
#include <chrono>
#include <cstdio>

using namespace vlmscope;
using Clock = std::chrono::steady_clock;

namespace {

class TokenClock : public GenerationObserver {
public:
    Clock::time_point start = Clock::now();
    std::vector<double> tokenSeconds;
    void tokenGenerated(std::int64_t, std::int64_t) override
    {
        tokenSeconds.push_back(std::chrono::duration<double>(Clock::now() - start).count());
    }
};

double percentile(std::vector<double> values, double p)
{
    if (values.empty())
        return 0;
    std::sort(values.begin(), values.end());
    const double rank = p / 100.0 * static_cast<double>(values.size() - 1);
    const auto lo = static_cast<std::size_t>(rank);
    const std::size_t hi = std::min(lo + 1, values.size() - 1);
    return values[lo] + (rank - static_cast<double>(lo)) * (values[hi] - values[lo]);
}

struct RunFigures {
    double ttft, decodeTps;
    std::vector<double> itl;
};

RunFigures runOnce(const Generator& generator, const GenerationInput& input, const GenerationSettings& settings)
{
    TokenClock clock;
    generator.run(input, settings, &clock);
    RunFigures f{clock.tokenSeconds.front(), 0, {}};
    for (std::size_t i = 1; i < clock.tokenSeconds.size(); ++i)
        f.itl.push_back(clock.tokenSeconds[i] - clock.tokenSeconds[i - 1]);
    const double decodeSpan = clock.tokenSeconds.back() - clock.tokenSeconds.front();
    f.decodeTps = decodeSpan > 0 ? static_cast<double>(f.itl.size()) / decodeSpan : 0;
    return f;
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addOptions({{"model", "model spec", "SPEC", "builtin"},
                       {"tokens", "new tokens", "N", "100"},
                       {"runs", "measured runs per configuration", "N", "5"},
                       {"threads", "intra-op threads", "N", "2"}});
    parser.process(app);
    at::set_num_threads(parser.value("threads").toInt());
    const int runs = parser.value("runs").toInt();

    std::printf("BLAS: %s, threads: %d\n", probeBlas().label.c_str(), at::get_num_threads());
    const ModelBundle bundle = loadModelBundle(parser.value("model").toStdString());
    std::printf("model: %s, %.1fM parameters, load %.3f s\n", bundle.displayName.c_str(),
                static_cast<double>(bundle.model->weights().parameterCount()) / 1e6, bundle.loadSeconds);

    const auto image = loadImageInput(kSampleImagePath, bundle.model->config());
    GenerationInput input;
    input.pixels = image.pixels;
    input.promptIds = PromptBuilder(bundle.model->config(), *bundle.tokenizer).promptIds("What is in this image?", image.layout);
    std::printf("prompt: %zu text ids + %lld image positions\n", input.promptIds.size(),
                static_cast<long long>(Generator(*bundle.model).promptPositions(input) - static_cast<std::int64_t>(input.promptIds.size())));

    // The memory roofline: a decode step must read every language-model weight once.
    {
        const torch::Tensor big = torch::ones({256 * 1024 * 1024 / 4 * 2}, torch::kFloat32); // 512 MiB
        double best = 0;
        for (int r = 0; r < 5; ++r) {
            const auto start = Clock::now();
            const double sum = big.sum().item<double>();
            const double s = std::chrono::duration<double>(Clock::now() - start).count();
            if (sum > 0)
                best = std::max(best, static_cast<double>(big.nbytes()) / s);
        }
        const DecoderWeights& d = bundle.model->weights().decoder;
        std::int64_t decodeBytes = d.head.nbytes() + d.finalNorm.weight.nbytes();
        for (const LmBlockWeights& b : d.blocks)
            for (const LinearWeights* l : {&b.q, &b.k, &b.v, &b.out, &b.gate, &b.up, &b.down})
                decodeBytes += l->weight.nbytes();
        std::printf("read bandwidth %.1f GB/s, weights read per decode step %.1f MB -> roofline %.1f tok/s\n",
                    best / 1e9, static_cast<double>(decodeBytes) / 1e6, best / static_cast<double>(decodeBytes));
    }

    const Generator generator(*bundle.model);
    std::printf("\n%-12s %10s %12s %12s %12s %12s\n", "kv cache", "TTFT (s)", "decode tok/s", "ITL p50 ms",
                "ITL p90 ms", "ITL p99 ms");
    for (bool kv : {true, false}) {
        GenerationSettings settings;
        settings.maxNewTokens = parser.value("tokens").toLongLong();
        if (!kv)
            settings.maxNewTokens = std::min<std::int64_t>(settings.maxNewTokens, 50);
        settings.useKvCache = kv;
        runOnce(generator, input, settings); // warm-up
        std::vector<double> ttft, tps, itl;
        for (int r = 0; r < runs; ++r) {
            const RunFigures f = runOnce(generator, input, settings);
            ttft.push_back(f.ttft);
            tps.push_back(f.decodeTps);
            itl.insert(itl.end(), f.itl.begin(), f.itl.end());
        }
        std::printf("%-12s %10.3f %12.2f %12.2f %12.2f %12.2f   (median of %d runs, %lld tokens)\n", kv ? "on" : "off",
                    percentile(ttft, 50), percentile(tps, 50), percentile(itl, 50) * 1e3, percentile(itl, 90) * 1e3,
                    percentile(itl, 99) * 1e3, runs, static_cast<long long>(settings.maxNewTokens));
    }

    // Instrumentation cost: the same generation with profiling off, layer scopes, and
    // layer scopes + ATen op callbacks (median decode tok/s over the runs).
    RunSettings run;
    run.model = parser.value("model").toStdString();
    run.image = kSampleImagePath;
    run.prompt = "What is in this image?";
    run.maxNewTokens = parser.value("tokens").toLongLong();
    run.stopAtEos = false;
    const RunSession session(bundle);
    std::printf("\n%-10s %12s %10s %10s\n", "profiling", "decode tok/s", "TTFT (s)", "overhead");
    double baseline = 0;
    RunRecord last;
    for (ProfilingLevel level : {ProfilingLevel::Off, ProfilingLevel::Layers, ProfilingLevel::Ops}) {
        run.profiling = level;
        session.run({run, {}}); // warm-up
        std::vector<double> tps, ttft;
        for (int r = 0; r < runs; ++r) {
            last = session.run({run, {}});
            tps.push_back(last.metrics.outputTps.value_or(0));
            ttft.push_back(last.metrics.ttftS.value_or(0));
        }
        const double median = percentile(tps, 50);
        if (level == ProfilingLevel::Off)
            baseline = median;
        std::printf("%-10s %12.2f %10.3f %9.1f%%\n", profilingLevelName(level), median, percentile(ttft, 50),
                    baseline > 0 ? (baseline - median) / baseline * 100.0 : 0.0);
    }
    std::printf("\nphases of the last run (ms):");
    for (const PhaseSpan& p : last.phases) {
        if (p.phase != Phase::DecodeStep)
            std::printf("  %s %.1f", phaseName(p.phase), static_cast<double>(p.endNs - p.beginNs) / 1e6);
    }
    std::printf("\n");
    return 0;
}
