// Reduced precision: weight conversion and the names the CLI accepts (the bf16 kernels are
// tested in test_matvec).
#include "core/engine/model_bundle.h"
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
};

QTEST_GUILESS_MAIN(TestWeightPrecision)
#include "test_weight_precision.moc"
