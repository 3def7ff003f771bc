// The LibTorch model against golden vectors made by running the original Python nanoVLM
// (tests/data/reference/{head,v222m-era}): every intermediate tensor and every decode
// step's logits within 1e-4, identical greedy ids, with and without the KV cache.
#include "core/engine/generator.h"
#include "core/engine/model_bundle.h"
#include "core/model/safetensors_file.h"

#include <QtTest>

using namespace vlmscope;

namespace {

constexpr double kTolerance = 1e-4;

std::string referenceDir(const QString& name)
{
    return (QString(VLMSCOPE_TEST_DATA) + "/reference/" + name).toStdString();
}

torch::Tensor readTensor(const SafetensorsFile& file, const char* name)
{
    const TensorInfo* info = file.find(name);
    if (!info)
        throw std::runtime_error(std::string("missing tensor ") + name);
    if (info->dtype == DType::I64)
        return torch::tensor(file.toInt64(*info), torch::kInt64).reshape(info->shape);
    return torch::tensor(file.toFloat32(*info), torch::kFloat32).reshape(info->shape);
}

double maxAbsDiff(const torch::Tensor& a, const torch::Tensor& b)
{
    if (a.sizes() != b.sizes())
        return std::numeric_limits<double>::infinity();
    return (a - b).abs().max().item<double>();
}

std::vector<std::int64_t> toVector(const torch::Tensor& ids)
{
    const torch::Tensor flat = ids.reshape({-1}).contiguous();
    return std::vector<std::int64_t>(flat.data_ptr<std::int64_t>(), flat.data_ptr<std::int64_t>() + flat.numel());
}

} // namespace

class TestReferenceVectors : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { at::set_num_threads(2); }

    void matchesOriginal_data()
    {
        QTest::addColumn<QString>("reference");
        QTest::addColumn<bool>("kvCache");
        QTest::newRow("head, kv cache") << "head" << true;
        QTest::newRow("head, no kv cache") << "head" << false;
        QTest::newRow("222m-era, kv cache") << "v222m-era" << true;
        QTest::newRow("222m-era, no kv cache") << "v222m-era" << false;
    }

    void matchesOriginal()
    {
        QFETCH(QString, reference);
        QFETCH(bool, kvCache);
        const std::string dir = referenceDir(reference);
        const ModelBundle bundle = loadModelBundle(dir);
        const SafetensorsFile inputs = SafetensorsFile::open(dir + "/inputs.safetensors");
        const SafetensorsFile expected = SafetensorsFile::open(dir + "/expected.safetensors");

        GenerationInput input;
        input.promptIds = toVector(readTensor(inputs, "input_ids"));
        input.pixels = readTensor(inputs, "image");
        GenerationSettings settings;
        settings.maxNewTokens = 16;
        settings.useKvCache = kvCache;
        settings.keepLogits = true;
        const GenerationOutput out = Generator(*bundle.model).run(input, settings);

        QVERIFY(maxAbsDiff(out.visionOut, readTensor(expected, "vision_out")) < kTolerance);
        QVERIFY(maxAbsDiff(out.imageEmbeds, readTensor(expected, "mp_out")) < kTolerance);
        QVERIFY(maxAbsDiff(out.decoderInput, readTensor(expected, "decoder_input")[0]) < kTolerance);
        QVERIFY(maxAbsDiff(out.prefillHidden, readTensor(expected, "prefill_hidden")[0]) < kTolerance);
        QVERIFY(maxAbsDiff(out.stepLogits.front(), readTensor(expected, "prefill_logits")) < kTolerance);
        const double stepDiff = maxAbsDiff(torch::cat(out.stepLogits, 0), readTensor(expected, "step_logits"));
        qInfo("max |step_logits - expected| = %.3g", stepDiff);
        QVERIFY(stepDiff < kTolerance);
        QCOMPARE(out.ids, toVector(readTensor(expected, "greedy_ids")));

        // last_logits: the head after feeding the 16th id too, over the whole sequence.
        const NanoVlmModel& model = *bundle.model;
        const torch::Tensor generated = model.embedTokens(torch::tensor(out.ids, torch::kInt64));
        const torch::Tensor all = torch::cat({out.decoderInput, generated}, 0);
        const torch::Tensor hidden = model.forwardDecoder(all, 0, nullptr);
        const torch::Tensor last = model.lmHead(hidden.narrow(0, hidden.size(0) - 1, 1));
        QVERIFY(maxAbsDiff(last, readTensor(expected, "last_logits")) < kTolerance);
    }

    // bfloat16 matrices are a user choice, not the reference: the drift is measured against
    // the original's float32 logits with the original's ids fed back (teacher forcing), so
    // one early flip of a near-tie does not compound over the steps.
    void reducedPrecisionDriftIsBounded_data()
    {
        QTest::addColumn<QString>("reference");
        QTest::addColumn<int>("precision");
        QTest::addColumn<double>("maxRms");    // of the logits' spread
        QTest::addColumn<double>("maxWorst");  // of the logits' spread
        QTest::addColumn<double>("minTop1");
        for (const char* reference : {"head", "v222m-era"}) {
            QTest::addRow("%s, bf16", reference) << reference << int(WeightPrecision::BFloat16) << 0.05 << 0.25 << 0.75;
            QTest::addRow("%s, int8", reference) << reference << int(WeightPrecision::Int8) << 0.12 << 0.50 << 0.60;
        }
    }

    void reducedPrecisionDriftIsBounded()
    {
        QFETCH(QString, reference);
        QFETCH(int, precision);
        QFETCH(double, maxRms);
        QFETCH(double, maxWorst);
        QFETCH(double, minTop1);
        const std::string dir = referenceDir(reference);
        const ModelBundle bundle = loadModelBundle(dir, {}, static_cast<WeightPrecision>(precision));
        const SafetensorsFile inputs = SafetensorsFile::open(dir + "/inputs.safetensors");
        const SafetensorsFile expected = SafetensorsFile::open(dir + "/expected.safetensors");
        const NanoVlmModel& model = *bundle.model;

        const torch::NoGradGuard noGrad;
        const torch::Tensor ids = readTensor(inputs, "input_ids").reshape({-1});
        const torch::Tensor imageEmbeds = model.project(model.encodeImages(readTensor(inputs, "image")));
        const torch::Tensor prompt = model.buildDecoderInput(ids, imageEmbeds);
        const torch::Tensor greedy = readTensor(expected, "greedy_ids").reshape({-1});
        const std::int64_t steps = greedy.size(0);
        const torch::Tensor fed = model.embedTokens(greedy.narrow(0, 0, steps - 1));
        const torch::Tensor hidden = model.forwardDecoder(torch::cat({prompt, fed}, 0), 0, nullptr);
        const torch::Tensor logits = model.lmHead(hidden.narrow(0, hidden.size(0) - steps, steps));
        const torch::Tensor reference32 = readTensor(expected, "step_logits");

        const double drift = maxAbsDiff(logits, reference32);
        const double rmsDrift = (logits - reference32).pow(2).mean().sqrt().item<double>();
        const double spread = reference32.std().item<double>();
        const double agreement = logits.argmax(-1).eq(reference32.argmax(-1)).to(torch::kDouble).mean().item<double>();
        qInfo("%s vs float32 reference logits: max |diff| %.3g, rms %.3g (%.1f%% / %.1f%% of their std %.3g), "
              "top-1 agreement %.0f%%",
              precisionName(model.precision()), drift, rmsDrift, 100 * drift / spread, 100 * rmsDrift / spread, spread,
              100 * agreement);
        QCOMPARE(int(model.precision()), precision);
        QVERIFY(rmsDrift > 0); // it really ran in reduced precision
        QVERIFY(rmsDrift < maxRms * spread);
        QVERIFY(drift < maxWorst * spread);
        QVERIFY(agreement >= minTop1);
    }
};

QTEST_GUILESS_MAIN(TestReferenceVectors)
#include "test_reference_vectors.moc"
