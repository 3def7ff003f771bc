#include "app/batch_runner.h"

#include "core/engine/model_bundle.h"
#include "core/util/blas_probe.h"
#include "core/util/error.h"
#include "core/version.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <chrono>
#include <iostream>
#include <thread>

namespace vlmscope {

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

void configureThreads(const BatchOptions& options)
{
    // LibTorch's default intra-op count is 1 here: choose it deliberately.
    const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
    at::set_num_threads(options.threads > 0 ? options.threads : static_cast<int>(cores));
}

void checkDevice(const std::string& device)
{
    if (device == "cuda" && !torch::cuda::is_available())
        throw InputError("--device cuda: this LibTorch build has no CUDA support or no GPU is visible");
    if (device == "mps")
        throw InputError("--device mps: Apple Metal is not available in this LibTorch build");
}

int runTokenize(const BatchOptions& options)
{
    BpeTokenizer tokenizer = BpeTokenizer::fromFile(options.tokenizer.empty() ? kBuiltinTokenizerPath : options.tokenizer);
    const std::vector<std::int64_t> ids = tokenizer.encode(*options.tokenizeText);
    if (options.json) {
        std::cout << nlohmann::json{{"ids", ids}}.dump() << std::endl;
    } else {
        for (std::size_t i = 0; i < ids.size(); ++i)
            std::cout << (i ? " " : "") << ids[i];
        std::cout << std::endl;
    }
    return 0;
}

struct PreparedPrompt {
    GenerationInput input;
    std::string imageSource;
};

PreparedPrompt preparePrompt(const BatchOptions& options, const ModelBundle& bundle)
{
    PreparedPrompt prepared;
    const ModelConfig& config = bundle.model->config();
    ImageLayout layout;
    if (!options.noImage) {
        ImageInput image = loadImageInput(options.image.empty() ? kSampleImagePath : options.image, config);
        prepared.input.pixels = image.pixels;
        layout = image.layout;
        prepared.imageSource = image.source;
    }
    if (options.inputIds)
        prepared.input.promptIds = *options.inputIds;
    else
        prepared.input.promptIds = PromptBuilder(config, *bundle.tokenizer).promptIds(options.prompt, layout);
    return prepared;
}

nlohmann::json generationJson(const GenerationOutput& out, const std::string& text, double seconds)
{
    return {{"generated_ids", out.ids},
            {"text", text},
            {"prompt_positions", out.promptTokens},
            {"image_tokens", out.imageTokens},
            {"stopped_at_eos", out.hitEos},
            {"seconds", seconds}};
}

int runGenerate(const BatchOptions& options)
{
    std::ostream& info = options.json || options.quiet ? std::cerr : std::cout;
    const BlasInfo blas = probeBlas();
    if (!options.quiet)
        info << "BLAS: " << blas.label << " (" << blas.path << "), threads: " << at::get_num_threads() << "\n";
    if (!blas.warning.empty())
        std::cerr << "warning: " << blas.warning << "\n";

    ModelBundle bundle = loadModelBundle(options.model, options.tokenizer);
    for (const std::string& notice : bundle.notices)
        std::cerr << "note: " << notice << "\n";
    if (!options.quiet) {
        info << "Model: " << bundle.displayName << ", " << bundle.model->weights().parameterCount() / 1e6
             << "M parameters, loaded in " << bundle.loadSeconds << " s\n";
        if (bundle.synthetic)
            info << "Note: synthetic weights; timings are representative, the text is not meaningful.\n";
    }

    PreparedPrompt prepared = preparePrompt(options, bundle);
    GenerationSettings settings = options.generation;
    if (!options.ignoreEos)
        settings.eosTokenId = PromptBuilder(bundle.model->config(), *bundle.tokenizer).eosTokenId();

    const Generator generator(*bundle.model);
    nlohmann::json runs = nlohmann::json::array();
    for (int g = 0; g < options.numGenerations; ++g) {
        const auto start = Clock::now();
        const GenerationOutput out = generator.run(prepared.input, settings);
        const double seconds = secondsSince(start);
        const std::string text = bundle.tokenizer->decode(out.ids, true);
        if (options.json) {
            runs.push_back(generationJson(out, text, seconds));
        } else if (options.quiet) {
            std::cout << text << std::endl;
        } else {
            std::cout << "  >> Generation " << g + 1 << ": " << text << std::endl;
            info << "     " << out.ids.size() << " tokens in " << seconds << " s\n";
        }
    }
    if (options.json) {
        nlohmann::json doc = {{"model", bundle.displayName},
                              {"synthetic_weights", bundle.synthetic},
                              {"prompt_ids", prepared.input.promptIds},
                              {"image", prepared.imageSource},
                              {"kv_cache", settings.useKvCache},
                              {"blas", blas.label},
                              {"threads", at::get_num_threads()},
                              {"version", VLMSCOPE_VERSION},
                              {"runs", runs}};
        // The first run's fields at top level, for scripts that run one generation.
        for (const auto& [key, value] : runs.front().items())
            doc[key] = value;
        std::cout << doc.dump() << std::endl;
    }
    return 0;
}

} // namespace

int runBatch(const BatchOptions& options)
{
    try {
        checkDevice(options.device);
        configureThreads(options);
        if (options.tokenizeText)
            return runTokenize(options);
        return runGenerate(options);
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
