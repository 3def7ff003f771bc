#include "core/engine/model_bundle.h"

#include "core/image/image_preprocessor.h"
#include "core/model/int8_linear.h"
#include "core/model/safetensors_file.h"
#include "core/util/error.h"
#include "core/util/memory_budget.h"

#include <QDir>
#include <QFileInfo>

#include <chrono>
#include <memory>

namespace vlmscope {

namespace {

constexpr std::uint64_t kBuiltinSeed = 0x766c6d73636f7065; // "vlmscope"

// Matrices are the 2-D tensors of a nanoVLM state dict (linear weights, embeddings); with
// bfloat16 weights they are converted as they are read, so loading never holds the whole
// model in float32.
bool heldInBf16(const TensorInfo& info, WeightPrecision precision)
{
    return precision == WeightPrecision::BFloat16 && info.shape.size() == 2;
}

torch::Tensor tensorFromFile(const SafetensorsFile& file, const TensorInfo& info, WeightPrecision precision)
{
    if (heldInBf16(info, precision)) {
        if (info.dtype == DType::BF16) { // stored as we hold it: a straight copy
            torch::Tensor tensor = torch::empty(info.shape, torch::kBFloat16);
            file.readInto(info, tensor.data_ptr());
            return tensor;
        }
        return tensorFromFile(file, info, WeightPrecision::Float32).to(torch::kBFloat16);
    }
    if (info.dtype == DType::F32) {
        // Read straight into memory LibTorch owns: the run never depends on the file again,
        // and a file truncated while loading is an InputError, not SIGBUS.
        torch::Tensor tensor = torch::empty(info.shape, torch::kFloat32);
        file.readInto(info, tensor.data_ptr());
        return tensor;
    }
    std::vector<float> values = file.toFloat32(info);
    return torch::tensor(values, torch::kFloat32).reshape(info.shape);
}

StateDict readStateDict(const std::string& path, WeightPrecision precision)
{
    const SafetensorsFile file = SafetensorsFile::open(path);
    MemoryEstimate weights; // float32, or bfloat16 for the matrices
    for (const TensorInfo& info : file.tensors())
        weights.weightsBytes += info.numel() * (heldInBf16(info, precision) ? 2 : 4);
    requireMemory(weights, path);
    StateDict dict;
    for (const TensorInfo& info : file.tensors()) {
        if (info.dtype != DType::F32 && info.dtype != DType::F16 && info.dtype != DType::BF16 && info.dtype != DType::F64)
            throw InputError(path + ": tensor '" + info.name + "' has dtype " + dtypeName(info.dtype)
                             + "; model weights must be floating point");
        dict[info.name] = tensorFromFile(file, info, precision);
    }
    return dict;
}

std::string joinPath(const std::string& dir, const char* name)
{
    return QDir(QString::fromStdString(dir)).filePath(QString::fromLatin1(name)).toStdString();
}

ModelBundle builtinBundle(const std::string& spec, WeightPrecision precision)
{
    ModelBundle bundle;
    const bool tiny = spec == "tiny";
    ModelConfig config = tiny ? ModelConfig::tiny() : ModelConfig::builtin222m();
    ModelWeights weights = syntheticWeights(config, kBuiltinSeed, precision);
    weights.convertTo(precision);
    bundle.model = std::make_unique<NanoVlmModel>(std::move(config), std::move(weights));
    bundle.source = spec;
    bundle.displayName = tiny ? "tiny (synthetic weights)" : "builtin nanoVLM-222M shape (synthetic weights)";
    bundle.synthetic = true;
    return bundle;
}

ModelBundle checkpointBundle(const std::string& dir, WeightPrecision precision)
{
    const QFileInfo info(QString::fromStdString(dir));
    if (!info.exists())
        throw InputError("--model " + dir + ": no such directory (use a nanoVLM checkpoint folder, 'builtin' or 'tiny')");
    if (!info.isDir())
        throw InputError("--model " + dir + ": not a directory (expected a folder with config.json and model.safetensors)");
    const std::string configPath = joinPath(dir, "config.json");
    const std::string weightsPath = joinPath(dir, "model.safetensors");
    std::string missing;
    for (const std::string& path : {configPath, weightsPath}) {
        if (!QFileInfo::exists(QString::fromStdString(path)))
            missing += (missing.empty() ? "" : " and ") + QFileInfo(QString::fromStdString(path)).fileName().toStdString();
    }
    if (!missing.empty())
        throw InputError("--model " + dir + ": the folder lacks " + missing
                         + " (download the missing file from the model's Hugging Face page)");

    ModelConfig config = ModelConfig::fromFile(configPath);
    ModelWeights weights = weightsFromStateDict(config, readStateDict(weightsPath, precision), weightsPath);
    weights.convertTo(precision);
    ModelBundle bundle;
    bundle.model = std::make_unique<NanoVlmModel>(std::move(config), std::move(weights));
    bundle.source = dir;
    bundle.displayName = info.absoluteFilePath().section('/', -1).toStdString();
    return bundle;
}

void attachTokenizer(ModelBundle& bundle, const std::string& tokenizerPath)
{
    std::string path = tokenizerPath;
    if (path.empty() && !bundle.synthetic) {
        const std::string inFolder = joinPath(bundle.source, "tokenizer.json");
        if (QFileInfo::exists(QString::fromStdString(inFolder)))
            path = inFolder;
        else
            bundle.notices.push_back("no tokenizer.json in " + bundle.source
                                     + "; using the built-in SmolLM2 tokenizer (the vocabulary of both nanoVLM generations)");
    }
    if (path.empty())
        path = kBuiltinTokenizerPath;
    bundle.tokenizer = std::make_unique<BpeTokenizer>(BpeTokenizer::fromFile(path));
    bundle.tokenizerSource = path == kBuiltinTokenizerPath ? "built-in SmolLM2 tokenizer" : path;

    const ModelConfig& config = bundle.model->config();
    if (config.generation == ArchGeneration::Current) {
        std::vector<std::string> extra;
        for (const auto& entry : config.vlmExtraTokens)
            extra.push_back(entry.second);
        if (config.lmBaseVocabSize && bundle.tokenizer->vocabSize() != *config.lmBaseVocabSize)
            bundle.notices.push_back("the tokenizer has " + std::to_string(bundle.tokenizer->vocabSize())
                                     + " entries but lm_base_vocab_size is " + std::to_string(*config.lmBaseVocabSize)
                                     + ": text prompts may not match the model's ids (use --input-ids)");
        bundle.tokenizer->addSpecialTokens(extra);
    }
}

} // namespace

ModelBundle loadModelBundle(const std::string& spec, const std::string& tokenizerPath, WeightPrecision precision)
{
    if (precision == WeightPrecision::Int8 && !int8Supported())
        throw InputError("--dtype int8: this LibTorch was built without the oneDNN quantised engine int8 mode runs on");
    const auto start = std::chrono::steady_clock::now();
    ModelBundle bundle =
        (spec == "builtin" || spec == "tiny") ? builtinBundle(spec, precision) : checkpointBundle(spec, precision);
    attachTokenizer(bundle, tokenizerPath);
    bundle.loadSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return bundle;
}

namespace {

ImageInput pixelsFromSafetensors(const std::string& path, const ModelConfig& config)
{
    const SafetensorsFile file = SafetensorsFile::open(path);
    const TensorInfo* info = file.find("image");
    if (!info)
        info = file.find("pixel_values");
    if (!info && file.tensors().size() == 1)
        info = &file.tensors().front();
    if (!info)
        throw InputError(path + ": no tensor named 'image' or 'pixel_values'");
    std::vector<std::int64_t> shape = info->shape;
    if (shape.size() == 3)
        shape.insert(shape.begin(), 1);
    const std::int64_t side = config.vitImgSize;
    if (shape.size() != 4 || shape[1] != 3 || shape[2] != side || shape[3] != side)
        throw InputError(path + ": tensor '" + info->name + "' must have shape [views, 3, " + std::to_string(side) + ", "
                         + std::to_string(side) + "] for this model");
    ImageInput input;
    input.pixels = torch::tensor(file.toFloat32(*info), torch::kFloat32).reshape(shape);
    input.layout.present = true;
    if (shape[0] > 1) {
        // Views of a tiled image: a global view plus a square-ish grid is all we can infer.
        input.layout.gridRows = 1;
        input.layout.gridCols = static_cast<int>(shape[0] - 1);
    }
    input.source = path;
    return input;
}

} // namespace

ImageInput loadImageInput(const std::string& path, const ModelConfig& config)
{
    if (QString::fromStdString(path).endsWith(".safetensors", Qt::CaseInsensitive))
        return pixelsFromSafetensors(path, config);
    const QImage image = loadImage(path);
    PreprocessedImage processed = config.generation == ArchGeneration::V222mEra
        ? preprocess222m(image, static_cast<int>(config.vitImgSize))
        : preprocessCurrent(image, static_cast<int>(config.vitImgSize), static_cast<int>(config.maxImgSize.value_or(config.vitImgSize)),
                            config.resizeToMaxSideLen.value_or(false));
    // The tensor takes the pixels' buffer over instead of copying it (a copy is time to first token).
    auto pixels = std::make_unique<PixelTensor>(std::move(processed.pixels));
    const std::vector<std::int64_t> shape{pixels->views, pixels->channels, pixels->height, pixels->width};
    float* data = pixels->data.data();
    ImageInput input;
    input.pixels = torch::from_blob(data, shape, [owner = pixels.release()](void*) { delete owner; }, torch::kFloat32);
    input.layout = {true, processed.gridRows, processed.gridCols};
    input.source = path == kSampleImagePath ? "built-in sample image" : path;
    return input;
}

} // namespace vlmscope
