// The matrix-vector products of one decode step of the built-in 222M shape (per decoder
// block the stacked qkv, out, stacked gate/up and down projections, then the tied head: 121
// matrices, laid out as the model holds them), timed alone: at::mv (OpenBLAS sgemv for
// float32) against vlmscope's kernels for float32, bf16 and int8 (the head in int8 too,
// which the model keeps in bf16), per instruction set, thread count and per-task grain, as
// effective read bandwidth and as a share of the bandwidth measured here. Prints figures;
// never fails on time.
// Usage: bench_matvec [--threads 1,2] [--steps N] [--grains 16384,65536,262144]
#include "core/model/matvec.h"
#include "core/model/model_config.h"
#include "tests/bench/bench_support.h"

#include <ATen/Parallel.h>

#include <QCoreApplication>
#include <QCommandLineParser>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <map>

using namespace vlmscope;
using namespace vlmscope::bench;
using Clock = std::chrono::steady_clock;

namespace {

torch::Tensor randomMatrix(std::int64_t rows, std::int64_t cols, torch::ScalarType dtype)
{
    return dtype == torch::kChar ? torch::randint(-127, 128, {rows, cols}).to(torch::kChar)
                                 : torch::randn({rows, cols}).to(dtype);
}

std::vector<torch::Tensor> decodeStepMatrices(const ModelConfig& c, torch::ScalarType dtype)
{
    const std::int64_t d = c.lmHiddenDim, kv = c.lmNKvHeads * c.lmHeadDim();
    std::vector<torch::Tensor> matrices;
    for (std::int64_t b = 0; b < c.lmNBlocks; ++b)
        for (const auto& [rows, cols] : std::vector<std::pair<std::int64_t, std::int64_t>>{
                 {d + 2 * kv, d}, {d, d}, {2 * c.lmInterDim, d}, {d, c.lmInterDim}})
            matrices.push_back(randomMatrix(rows, cols, dtype));
    matrices.push_back(randomMatrix(c.lmVocabSize, d, dtype));
    return matrices;
}

// Median milliseconds of one pass over every matrix, after a warm-up pass.
double stepMs(const std::vector<torch::Tensor>& matrices, const std::function<torch::Tensor(const torch::Tensor&,
                                                                                             const torch::Tensor&)>& product,
              int steps)
{
    std::vector<torch::Tensor> inputs;
    for (const torch::Tensor& m : matrices)
        inputs.push_back(torch::randn({m.size(1)}));
    std::vector<double> ms;
    for (int s = 0; s <= steps; ++s) {
        const auto start = Clock::now();
        for (std::size_t i = 0; i < matrices.size(); ++i)
            product(matrices[i], inputs[i]);
        if (s > 0)
            ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    }
    std::sort(ms.begin(), ms.end());
    return ms[ms.size() / 2];
}

} // namespace

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QCommandLineParser parser;
    parser.addOptions({{"threads", "intra-op thread counts", "LIST", "1,2"},
                       {"steps", "timed passes per row", "N", "20"},
                       {"grains", "per-task grains in weight elements", "LIST", "16384,65536,262144"}});
    parser.process(app);
    const int steps = std::max(1, parser.value("steps").toInt());
    const ModelConfig config = ModelConfig::builtin222m();

    std::printf("%-8s %3s %-14s %8s %9s %8s %7s\n", "dtype", "thr", "kernel", "grain", "ms/step", "GB/s", "% read");
    for (const torch::ScalarType dtype : {torch::kFloat32, torch::kBFloat16, torch::kChar}) {
        const std::vector<torch::Tensor> matrices = decodeStepMatrices(config, dtype);
        // int8 rows take a scale each, looked up by matrix so the timed loop allocates nothing.
        std::map<const void*, torch::Tensor> rowScales;
        for (const torch::Tensor& m : matrices)
            rowScales[m.data_ptr()] = torch::full({m.size(0)}, 0.01f);
        double bytes = 0;
        for (const torch::Tensor& m : matrices)
            bytes += static_cast<double>(m.nbytes());
        const char* dtypeName = dtype == torch::kFloat32 ? "float32" : dtype == torch::kBFloat16 ? "bf16" : "int8";
        for (const std::int64_t threads : parseList(parser.value("threads"))) {
            at::set_num_threads(static_cast<int>(threads));
            const double bandwidth = readBandwidth();
            const auto row = [&](const char* kernel, std::int64_t grain, double ms) {
                const double gbs = bytes / (ms / 1e3) / 1e9;
                std::printf("%-8s %3lld %-14s %8lld %9.2f %8.1f %6.0f%%\n", dtypeName, static_cast<long long>(threads),
                            kernel, static_cast<long long>(grain), ms, gbs, 100 * gbs / (bandwidth / 1e9));
            };
            std::printf("%-8s %3lld read bandwidth %.1f GB/s; %.1f MB per step\n", dtypeName,
                        static_cast<long long>(threads), bandwidth / 1e9, bytes / 1e6);
            if (dtype == torch::kFloat32)
                row("at::mv", 0, stepMs(matrices, [](const auto& w, const auto& x) { return at::mv(w, x); }, steps));
            for (const MatVecIsa isa : supportedMatVecIsas()) {
                setMatVecIsa(isa);
                for (const std::int64_t grain : parseList(parser.value("grains"))) {
                    setMatVecGrainElements(grain);
                    row(matVecIsaName(isa), grain, stepMs(matrices, [&](const auto& w, const auto& x) {
                            return dtype == torch::kChar ? matVec(w, rowScales.at(w.data_ptr()), x) : matVec(w, x);
                        }, steps));
                }
            }
            setMatVecIsa(std::nullopt);
        }
    }
    return 0;
}
