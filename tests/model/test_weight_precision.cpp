// Reduced precision: weight conversion and the names the CLI accepts (the bf16 kernels are
// tested in test_matvec).
#include "core/engine/model_bundle.h"
#include "core/model/int8_linear.h"
#include "core/model/weight_precision.h"

#include <QtTest>

using namespace vlmscope;

class TestWeightPrecision : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void namesRoundTrip()
    {
        QCOMPARE(parsePrecision("bf16"), std::optional(WeightPrecision::BFloat16));
        QCOMPARE(parsePrecision("bfloat16"), std::optional(WeightPrecision::BFloat16));
        QCOMPARE(parsePrecision("fp32"), std::optional(WeightPrecision::Float32));
        QCOMPARE(parsePrecision(precisionName(WeightPrecision::Float32)), std::optional(WeightPrecision::Float32));
        QCOMPARE(parsePrecision(precisionName(WeightPrecision::BFloat16)), std::optional(WeightPrecision::BFloat16));
        QCOMPARE(parsePrecision("int8"), std::optional(WeightPrecision::Int8));
        QCOMPARE(parsePrecision("qint8"), std::optional(WeightPrecision::Int8));
        QCOMPARE(parsePrecision(precisionName(WeightPrecision::Int8)), std::optional(WeightPrecision::Int8));
        QCOMPARE(std::string(precisionDescription(WeightPrecision::Float32)), std::string());
        QVERIFY(std::string(precisionDescription(WeightPrecision::Int8)).find("int8") != std::string::npos);
        QVERIFY(!parsePrecision("int4"));
        QVERIFY(!parsePrecision("BF16 "));
    }

    void conversionHalvesMatricesAndKeepsTies()
    {
        const ModelBundle f32 = loadModelBundle("tiny");
        const ModelBundle bf16 = loadModelBundle("tiny", {}, WeightPrecision::BFloat16);
        QCOMPARE(f32.model->precision(), WeightPrecision::Float32);
        QCOMPARE(bf16.model->precision(), WeightPrecision::BFloat16);
        const ModelWeights& w = bf16.model->weights();
        QCOMPARE(w.parameterCount(), f32.model->weights().parameterCount());
        QCOMPARE(w.decoder.blocks[0].qkv.weight.scalar_type(), torch::kBFloat16);
        QCOMPARE(w.vision.blocks[0].fc1.weight.scalar_type(), torch::kBFloat16);
        QCOMPARE(w.projector.weight.scalar_type(), torch::kBFloat16);
        QCOMPARE(w.vision.blocks[0].fc1.bias.scalar_type(), torch::kFloat32);
        QCOMPARE(w.decoder.blocks[0].norm1.weight.scalar_type(), torch::kFloat32);
        QCOMPARE(w.vision.patchWeight.scalar_type(), torch::kFloat32);
        QCOMPARE(w.decoder.head.is_same(w.decoder.tokenEmbedding),
                 f32.model->weights().decoder.head.is_same(f32.model->weights().decoder.tokenEmbedding));
        // Exactly: every matrix element is 2 bytes instead of 4; vectors keep 4.
        std::int64_t matrixElements = w.projector.weight.numel() + w.decoder.tokenEmbedding.numel();
        if (!w.decoder.head.is_same(w.decoder.tokenEmbedding))
            matrixElements += w.decoder.head.numel();
        for (const auto& b : w.vision.blocks)
            for (const auto* l : {&b.qkv, &b.out, &b.fc1, &b.fc2})
                matrixElements += l->weight.numel();
        for (const auto& b : w.decoder.blocks)
            for (const auto* l : {&b.qkv, &b.out, &b.gateUp, &b.down})
                matrixElements += l->weight.numel();
        QCOMPARE(w.parameterBytes(), f32.model->weights().parameterBytes() - 2 * matrixElements);
    }

    void int8QuantisesLinearLayersPerChannel()
    {
        if (!int8Supported())
            QSKIP("this LibTorch has no oneDNN quantised engine");
        const ModelBundle f32 = loadModelBundle("tiny");
        const ModelBundle int8 = loadModelBundle("tiny", {}, WeightPrecision::Int8);
        QCOMPARE(int8.model->precision(), WeightPrecision::Int8);
        const ModelWeights& w = int8.model->weights();
        const ModelWeights& reference = f32.model->weights();
        QCOMPARE(w.parameterCount(), reference.parameterCount());
        std::int64_t linearElements = 0;
        auto check = [&](const LinearWeights& l, const LinearWeights& original) {
            QVERIFY(l.int8);
            QVERIFY(l.weight.is_quantized());
            QVERIFY(l.weight.qscheme() == at::kPerChannelAffine);
            // Symmetric, one scale per row: the row's largest weight maps to +-127.
            const torch::Tensor expectedScales = original.weight.abs().amax(1) / 127;
            QVERIFY(l.int8Scales.allclose(expectedScales, 1e-6, 0));
            QVERIFY(l.weight.q_per_channel_zero_points().eq(0).all().item<bool>());
            QVERIFY((l.weight.dequantize() - original.weight).abs().le(expectedScales.unsqueeze(1) * 0.5001).all().item<bool>());
            if (original.bias.defined())
                QCOMPARE(l.bias.scalar_type(), torch::kFloat32);
            linearElements += l.weight.numel();
        };
        for (std::size_t i = 0; i < w.vision.blocks.size(); ++i) {
            check(w.vision.blocks[i].qkv, reference.vision.blocks[i].qkv);
            check(w.vision.blocks[i].fc2, reference.vision.blocks[i].fc2);
            linearElements += w.vision.blocks[i].out.weight.numel() + w.vision.blocks[i].fc1.weight.numel();
        }
        check(w.projector, reference.projector);
        for (std::size_t i = 0; i < w.decoder.blocks.size(); ++i) {
            check(w.decoder.blocks[i].gateUp, reference.decoder.blocks[i].gateUp);
            linearElements += w.decoder.blocks[i].qkv.weight.numel() + w.decoder.blocks[i].out.weight.numel() +
                              w.decoder.blocks[i].down.weight.numel();
        }
        // Embedding (and the head tied to it) in bf16; norms float32.
        QCOMPARE(w.decoder.tokenEmbedding.scalar_type(), torch::kBFloat16);
        QVERIFY(w.decoder.head.is_same(w.decoder.tokenEmbedding) ==
                reference.decoder.head.is_same(reference.decoder.tokenEmbedding));
        QCOMPARE(w.decoder.blocks[0].norm1.weight.scalar_type(), torch::kFloat32);
        std::int64_t embeddingElements = w.decoder.tokenEmbedding.numel();
        if (!w.decoder.head.is_same(w.decoder.tokenEmbedding))
            embeddingElements += w.decoder.head.numel();
        QCOMPARE(w.parameterBytes(), reference.parameterBytes() - 3 * linearElements - 2 * embeddingElements);
    }

    void int8LinearIsCloseToTheFloatProduct()
    {
        if (!int8Supported())
            QSKIP("this LibTorch has no oneDNN quantised engine");
        torch::manual_seed(4);
        const torch::Tensor weight = torch::randn({96, 64}) * 0.05, bias = torch::randn({96});
        const Int8Packed packed = packInt8(weight, bias);
        for (const std::int64_t rows : {1, 7, 196}) {
            const torch::Tensor x = torch::randn({rows, 64});
            const torch::Tensor expected = at::linear(x, weight, bias);
            const torch::Tensor got = int8Linear(x, packed);
            QCOMPARE(got.sizes(), expected.sizes());
            // 8-bit activations and weights: about 1% of the output's range.
            const double error = (got - expected).abs().max().item<double>() / expected.abs().max().item<double>();
            QVERIFY2(error < 0.03, qPrintable(QString::number(error)));
        }
        // Leading dimensions pass through: [2, 3, 64] -> [2, 3, 96].
        QCOMPARE(int8Linear(torch::randn({2, 3, 64}), packed).sizes(), (std::vector<std::int64_t>{2, 3, 96}));
        QVERIFY_THROWS_EXCEPTION(c10::Error, packInt8(torch::randn({4}), {}));
    }
};

QTEST_GUILESS_MAIN(TestWeightPrecision)
#include "test_weight_precision.moc"
