#include "app/batch_runner.h"

#include "app/batch_context.h"
#include "app/benchmark_command.h"
#include "app/generate_command.h"
#include "app/interrupt.h"
#include "core/engine/model_bundle.h"
#include "core/util/error.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <iostream>

namespace vlmscope {

namespace {

void checkDevice(const std::string& device)
{
    if (device == "cuda")
        throw InputError(std::string("--device cuda: the engine runs on the CPU only in this version (")
                         + (torch::cuda::is_available() ? "a CUDA device is visible" : "this LibTorch has no CUDA")
                         + ")");
    if (device == "mps")
        throw InputError("--device mps: Apple Metal is not available in this LibTorch build");
}

int runTokenize(const BatchOptions& options)
{
    const BpeTokenizer tokenizer =
        BpeTokenizer::fromFile(options.run.tokenizer.empty() ? kBuiltinTokenizerPath : options.run.tokenizer);
    const std::vector<std::int64_t> ids = tokenizer.encode(options.tokenizeText);
    if (options.json) {
        std::cout << nlohmann::json{{"ids", ids}}.dump() << std::endl;
    } else {
        for (std::size_t i = 0; i < ids.size(); ++i)
            std::cout << (i ? " " : "") << ids[i];
        std::cout << std::endl;
    }
    return 0;
}

} // namespace

int runBatch(const BatchOptions& options)
{
    try {
        checkDevice(options.run.device);
        BatchContext::applyThreads(options.run.threads);
        installInterruptHandlers();
        const BatchContext context(options);
        switch (options.mode) {
        case BatchMode::Tokenize: return runTokenize(options);
        case BatchMode::Benchmark: return runBenchmarkCommand(context);
        case BatchMode::Generate: return runGenerateCommand(context);
        }
        return 0;
    } catch (const InputError& error) {
        std::cerr << "error: " << error.what() << std::endl;
        return 1;
    } catch (const RuntimeFailure& error) {
        std::cerr << "error: " << error.what() << std::endl;
        return 2;
    } catch (const c10::Error& error) {
        std::cerr << "error: LibTorch: " << error.what_without_backtrace() << std::endl;
        return 2;
    } catch (const std::bad_alloc&) {
        std::cerr << "error: out of memory" << std::endl;
        return 2;
    }
}

} // namespace vlmscope
