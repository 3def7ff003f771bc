// Engine benchmark: the table of issue 7 in one run. For each weight precision and thread
// count: read bandwidth measured before every run and the decode roofline it implies, then
// TTFT (with its vision / prefill parts), decode tokens/s and per-token latency of the
// built-in nanoVLM-222M-shaped model with the KV cache on and off and with profiling off /
// layers / ops, and the instrumentation overhead. Medians over --runs runs after one warm-up
// run. Prints figures; never fails on time.
// Usage: bench_engine [--model builtin|tiny|DIR] [--tokens N] [--runs N] [--threads 1,2]
//                     [--dtype float32,bf16] [--no-kv-tokens N]
#include "core/engine/model_bundle.h"
#include "core/engine/run_session.h"
#include "core/model/matvec.h"
#include "core/util/blas_probe.h"
#include "tests/bench/bench_support.h"

#include <QCoreApplication>
#include <QCommandLineParser>

#include <algorithm>
#include <cstdio>

using namespace vlmscope;
using namespace vlmscope::bench;

namespace {

// The bytes a decode step must read: every language-model matrix and the head.
std::int64_t decodeStepBytes(const ModelWeights& weights)
{
    const DecoderWeights& d = weights.decoder;
    std::int64_t bytes = d.head.nbytes() + d.finalNorm.weight.nbytes();
    for (const LmBlockWeights& b : d.blocks) {
        bytes += b.norm1.weight.nbytes() + b.norm2.weight.nbytes();
        for (const LinearWeights* l : {&b.qkv, &b.out, &b.gateUp, &b.down})
            bytes += l->weight.nbytes();
    }
    return bytes;
}

double phaseMs(const RunRecord& record, Phase phase)
{
    std::int64_t ns = 0;
    for (const PhaseSpan& p : record.phases)
        if (p.phase == phase)
            ns += p.endNs - p.beginNs;
    return static_cast<double>(ns) / 1e6;
}

struct RowFigures {
    double ttftS = 0, visionMs = 0, prefillMs = 0, decodeTps = 0, itlP50Ms = 0, itlP99Ms = 0, peakRssMb = 0;
    double bandwidthGbs = 0, rooflinePct = 0;
};

// stepBytes: bytes a decode step reads, for the roofline share of each run.
RowFigures measure(const RunSession& session, const RunSettings& settings, int runs, double stepBytes)
{
    session.run({settings, {}}); // warm-up
    std::vector<double> ttft, vision, prefill, tps, p50, p99, rss, bandwidth, roofline;
    for (int r = 0; r < runs; ++r) {
        bandwidth.push_back(readBandwidth());
        const RunRecord record = session.run({settings, {}});
        const GenerationMetrics& m = record.metrics;
        ttft.push_back(m.ttftS.value_or(0));
        vision.push_back(phaseMs(record, Phase::VisionEncoder) + phaseMs(record, Phase::Projector));
        prefill.push_back(phaseMs(record, Phase::Prefill));
        tps.push_back(m.outputTps.value_or(0));
        p50.push_back(m.itl.p50.value_or(0) * 1e3);
        p99.push_back(m.itl.p99.value_or(0) * 1e3);
        rss.push_back(static_cast<double>(m.rss.peakBytes.value_or(0)) / 1e6);
        roofline.push_back(100 * tps.back() / (bandwidth.back() / stepBytes));
    }
    return {median(ttft),
            median(vision),
            median(prefill),
            median(tps),
            median(p50),
            median(p99),
            *std::max_element(rss.begin(), rss.end()),
            median(bandwidth) / 1e9,
            median(roofline)};
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addOptions({{"model", "model spec", "SPEC", "builtin"},
                       {"tokens", "new tokens", "N", "100"},
                       {"no-kv-tokens", "new tokens of the runs without KV cache", "N", "50"},
                       {"runs", "measured runs per configuration", "N", "5"},
                       {"threads", "intra-op thread counts", "LIST", "1,2"},
                       {"dtype", "weight precisions", "LIST", "float32,bf16,int8"}});
    parser.process(app);
    const int runs = std::max(1, parser.value("runs").toInt());
    const std::string model = parser.value("model").toStdString();

    std::printf("BLAS: %s; float32 GEMM: %s; matrix-vector kernel: %s\n", probeBlas().label.c_str(),
                float32Gemm() == Float32Gemm::OneDnn ? "oneDNN" : "BLAS", matVecIsaName(matVecIsa()));
    std::printf("median of %d runs after 1 warm-up; %lld new tokens (%lld without KV cache); "
                "TTFT = vision + projector + prefill + first token\n\n",
                runs, parser.value("tokens").toLongLong(), parser.value("no-kv-tokens").toLongLong());
    std::printf("%-8s %3s %3s %-7s %8s %9s %9s %9s %7s %7s %7s %8s %9s\n", "dtype", "thr", "kv", "profile",
                "TTFT s", "vision ms", "prefill ms", "decode/s", "ITL p50", "ITL p99", "roof %", "overhead",
                "peak RSS");

    for (const QString& dtypeName : parser.value("dtype").split(',', Qt::SkipEmptyParts)) {
        const std::optional<WeightPrecision> precision = parsePrecision(dtypeName.toStdString());
        if (!precision) {
            std::fprintf(stderr, "--dtype %s: expected float32, bf16 or int8\n", qPrintable(dtypeName));
            return 1;
        }
        const ModelBundle bundle = loadModelBundle(model, {}, *precision);
        const RunSession session(bundle);
        const double stepBytes = static_cast<double>(decodeStepBytes(bundle.model->weights()));
        for (const std::int64_t threadCount : parseList(parser.value("threads"))) {
            const int threads = static_cast<int>(threadCount);
            at::set_num_threads(threads);
            std::vector<double> bandwidths;
            RunSettings settings;
            settings.model = model;
            settings.image = kSampleImagePath;
            settings.prompt = "What is in this image?";
            settings.stopAtEos = false;
            settings.threads = threads;
            settings.dtype = precisionName(*precision);
            auto row = [&](bool kv, ProfilingLevel level, double offTps, const char* note = "") {
                settings.kvCache = kv;
                settings.profiling = level;
                settings.maxNewTokens = (kv ? parser.value("tokens") : parser.value("no-kv-tokens")).toLongLong();
                const RowFigures f = measure(session, settings, runs, stepBytes);
                bandwidths.push_back(f.bandwidthGbs * 1e9);
                std::printf("%-8s %3d %3s %-7s %8.3f %9.1f %9.1f %9.2f %7.2f %7.2f %6.0f%% ", precisionName(*precision),
                            threads, kv ? "on" : "off", profilingLevelName(level), f.ttftS, f.visionMs, f.prefillMs,
                            f.decodeTps, f.itlP50Ms, f.itlP99Ms, kv ? f.rooflinePct : 0.0);
                if (offTps > 0)
                    std::printf("%7.1f%% ", 100 * (offTps - f.decodeTps) / offTps);
                else
                    std::printf("%8s ", "-");
                std::printf("%6.0f MB %s\n", f.peakRssMb, note);
                std::fflush(stdout);
                return f.decodeTps;
            };
            const double off = row(true, ProfilingLevel::Off, 0);
            row(true, ProfilingLevel::Layers, off);
            row(true, ProfilingLevel::Ops, off);
            row(false, ProfilingLevel::Off, 0);
            if (*precision == WeightPrecision::Float32 && float32Gemm() == Float32Gemm::OneDnn) {
                // What routing float32 GEMMs through oneDNN instead of the BLAS gains.
                setFloat32Gemm(Float32Gemm::Blas);
                row(true, ProfilingLevel::Off, 0, "(GEMMs through the BLAS instead of oneDNN)");
                setFloat32Gemm(Float32Gemm::OneDnn);
            }
            const double bandwidth = median(bandwidths);
            std::printf("%-8s %3d     roofline %.1f tok/s (median %.1f GB/s read, range %.1f .. %.1f; %.1f MB per "
                        "decode step)\n",
                        precisionName(*precision), threads, bandwidth / stepBytes, bandwidth / 1e9,
                        *std::min_element(bandwidths.begin(), bandwidths.end()) / 1e9,
                        *std::max_element(bandwidths.begin(), bandwidths.end()) / 1e9, stepBytes / 1e6);
        }
    }
    return 0;
}
