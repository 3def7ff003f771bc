#include "app/batch_options.h"

#include "core/util/error.h"

#include <QCommandLineParser>

namespace vlmscope {

namespace {

std::int64_t parseInteger(const QString& value, const char* option, std::int64_t min, std::int64_t max)
{
    bool ok = false;
    const qlonglong number = value.trimmed().toLongLong(&ok);
    if (!ok || number < min || number > max)
        throw InputError(std::string("--") + option + " " + value.toStdString() + ": expected an integer in ["
                         + std::to_string(min) + ", " + std::to_string(max) + "]");
    return number;
}

double parseReal(const QString& value, const char* option, double min, double max)
{
    bool ok = false;
    const double number = value.trimmed().toDouble(&ok);
    if (!ok || !(number >= min && number <= max))
        throw InputError(std::string("--") + option + " " + value.toStdString() + ": expected a number in ["
                         + std::to_string(min) + ", " + std::to_string(max) + "]");
    return number;
}

std::vector<std::int64_t> parseIdList(const QString& value)
{
    std::vector<std::int64_t> ids;
    for (const QString& part : value.split(',', Qt::SkipEmptyParts))
        ids.push_back(parseInteger(part, "input-ids", 0, std::numeric_limits<std::int32_t>::max()));
    if (ids.empty())
        throw InputError("--input-ids: expected a comma-separated list of token ids");
    return ids;
}

} // namespace

BatchOptions parseBatchOptions(const QStringList& arguments, bool* helpRequested, bool* versionRequested,
                               std::string* helpText)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        "vlmscope: profile token generation of nanoVLM vision-language models.\n"
        "Without --batch it opens the dashboard; with --batch it runs headless.");
    const QCommandLineOption help({"h", "help"}, "Show this help.");
    const QCommandLineOption version("version", "Show the version.");
    const QCommandLineOption batch("batch", "Run headless (no display needed).");
    const QCommandLineOption model("model", "Checkpoint folder (config.json + model.safetensors), 'builtin' "
                                            "(nanoVLM-222M shape, synthetic weights) or 'tiny'. Default: builtin.",
                                   "DIR|builtin|tiny", "builtin");
    const QCommandLineOption tokenizer("tokenizer", "tokenizer.json to use (default: the checkpoint's, else the "
                                                    "built-in SmolLM2 tokenizer).", "FILE");
    const QCommandLineOption prompt("prompt", "Prompt text. Default: \"What is in this image?\"", "TEXT");
    const QCommandLineOption inputIds("input-ids", "Prompt as raw token ids (reproduces a Python pipeline exactly).",
                                      "ID,ID,...");
    const QCommandLineOption image("image", "Image (PNG, JPEG, ...) or a .safetensors holding preprocessed pixels. "
                                            "Default: the built-in sample image.", "FILE");
    const QCommandLineOption noImage("no-image", "Run the language model on text only.");
    const QCommandLineOption maxTokens("max-tokens", "New tokens to generate (default 20).", "N", "20");
    const QCommandLineOption numGenerations("num-generations", "Generations to run (default 1).", "N", "1");
    const QCommandLineOption greedy("greedy", "Greedy decoding (the default).");
    const QCommandLineOption temperature("temperature", "Sample with this temperature (nanoVLM's default 0.5).", "T");
    const QCommandLineOption topK("top-k", "Top-k filter when sampling (default 50).", "K", "50");
    const QCommandLineOption topP("top-p", "Top-p filter when sampling (default 0.9).", "P", "0.9");
    const QCommandLineOption seed("seed", "Random seed for sampling (default 0).", "N", "0");
    const QCommandLineOption noKvCache("no-kv-cache", "Re-run the whole sequence every step (the 222M-era code).");
    const QCommandLineOption ignoreEos("ignore-eos", "Do not stop at the end-of-sequence token.");
    const QCommandLineOption threads("threads", "Intra-op threads (default: one per core).", "N", "0");
    const QCommandLineOption device("device", "cpu, cuda or mps (default cpu).", "DEVICE", "cpu");
    const QCommandLineOption tokenize("tokenize", "Print the token ids of TEXT (no special tokens added) and exit.",
                                      "TEXT");
    const QCommandLineOption json("json", "One machine-readable JSON object on stdout; human text on stderr.");
    const QCommandLineOption quiet("quiet", "Only the generated text (or JSON) on stdout.");
    parser.addOptions({help, version, batch, model, tokenizer, prompt, inputIds, image, noImage, maxTokens,
                       numGenerations, greedy, temperature, topK, topP, seed, noKvCache, ignoreEos, threads, device,
                       tokenize, json, quiet});
    *helpText = parser.helpText().toStdString();
    if (!parser.parse(arguments))
        throw InputError(parser.errorText().toStdString());
    if (!parser.positionalArguments().isEmpty())
        throw InputError("unexpected argument '" + parser.positionalArguments().first().toStdString()
                         + "' (see --help)");
    *helpRequested = parser.isSet(help);
    *versionRequested = parser.isSet(version);

    BatchOptions o;
    o.model = parser.value(model).toStdString();
    o.tokenizer = parser.value(tokenizer).toStdString();
    if (parser.isSet(prompt)) {
        o.prompt = parser.value(prompt).toStdString();
        o.promptGiven = true;
        if (o.prompt.empty())
            throw InputError("--prompt: the prompt is empty");
    }
    if (parser.isSet(inputIds)) {
        if (o.promptGiven)
            throw InputError("--input-ids and --prompt exclude each other");
        o.inputIds = parseIdList(parser.value(inputIds));
    }
    o.image = parser.value(image).toStdString();
    o.noImage = parser.isSet(noImage);
    if (o.noImage && !o.image.empty())
        throw InputError("--image and --no-image exclude each other");
    if (parser.isSet(tokenize))
        o.tokenizeText = parser.value(tokenize).toStdString();
    o.generation.maxNewTokens = parseInteger(parser.value(maxTokens), "max-tokens", 1, 1'000'000);
    o.numGenerations = static_cast<int>(parseInteger(parser.value(numGenerations), "num-generations", 1, 100'000));
    if (parser.isSet(temperature)) {
        if (parser.isSet(greedy))
            throw InputError("--greedy and --temperature exclude each other");
        o.generation.sampling.greedy = false;
        o.generation.sampling.temperature = parseReal(parser.value(temperature), "temperature", 1e-6, 100.0);
    }
    o.generation.sampling.topK = parseInteger(parser.value(topK), "top-k", 0, 10'000'000);
    o.generation.sampling.topP = parseReal(parser.value(topP), "top-p", 1e-9, 1.0);
    o.generation.sampling.seed = static_cast<std::uint64_t>(
        parseInteger(parser.value(seed), "seed", 0, std::numeric_limits<std::int64_t>::max()));
    o.generation.useKvCache = !parser.isSet(noKvCache);
    o.ignoreEos = parser.isSet(ignoreEos);
    o.threads = static_cast<int>(parseInteger(parser.value(threads), "threads", 0, 1024));
    o.device = parser.value(device).toStdString();
    if (o.device != "cpu" && o.device != "cuda" && o.device != "mps")
        throw InputError("--device " + o.device + ": unknown device (use cpu, cuda or mps)");
    o.json = parser.isSet(json);
    o.quiet = parser.isSet(quiet);
    return o;
}

} // namespace vlmscope
