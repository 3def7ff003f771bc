// Reduced precision: the bf16 matrix-vector kernel against float32 arithmetic on the same
// (bf16-representable) numbers, weight conversion, and the names the CLI accepts.
#include "core/engine/model_bundle.h"
#include "core/model/bf16_matvec.h"
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

    void matVecMatchesFloat32_data()
    {
        QTest::addColumn<qint64>("rows");
        QTest::addColumn<qint64>("cols");
        // Widths that exercise the vector body, the scalar tail, and both together; row
        // counts below, at and above the per-thread grain.
        QTest::newRow("576 x 576") << qint64(576) << qint64(576);
        QTest::newRow("1536 x 576") << qint64(1536) << qint64(576);
        QTest::newRow("576 x 1536") << qint64(576) << qint64(1536);
        QTest::newRow("7 x 5 (tail only)") << qint64(7) << qint64(5);
        QTest::newRow("65 x 47 (body + tail)") << qint64(65) << qint64(47);
        QTest::newRow("1 x 1") << qint64(1) << qint64(1);
    }

    void matVecMatchesFloat32()
    {
        QFETCH(qint64, rows);
        QFETCH(qint64, cols);
        torch::manual_seed(7);
        const torch::Tensor weight = torch::randn({rows, cols}).to(torch::kBFloat16);
        const torch::Tensor x = torch::randn({cols});
        const torch::Tensor expected = at::mv(weight.to(torch::kDouble), x.to(torch::kDouble));
        const torch::Tensor got = bf16MatVec(weight, x);
        QCOMPARE(got.scalar_type(), torch::kFloat32);
        QCOMPARE(got.size(0), rows);
        // Only the float32 summation order differs from the exact product.
        const double scale = at::mv(weight.to(torch::kDouble).abs(), x.to(torch::kDouble).abs()).max().item<double>();
        const double error = (got.to(torch::kDouble) - expected).abs().max().item<double>();
        QVERIFY2(error <= 1e-6 * scale + 1e-30, qPrintable(QString("error %1, scale %2").arg(error).arg(scale)));
        const QString kernel = bf16MatVecKernel();
        QVERIFY(kernel == "avx512" || kernel == "avx2" || kernel == "scalar");
    }

    void matVecRejectsWrongShapes()
    {
        const torch::Tensor weight = torch::zeros({4, 8}, torch::kBFloat16);
        QVERIFY_THROWS_EXCEPTION(c10::Error, bf16MatVec(weight, torch::zeros({7})));
        QVERIFY_THROWS_EXCEPTION(c10::Error, bf16MatVec(weight.to(torch::kFloat32), torch::zeros({8})));
        QVERIFY_THROWS_EXCEPTION(c10::Error, bf16MatVec(weight.t(), torch::zeros({4})));
    }

    void conversionHalvesMatricesAndKeepsTies()
    {
        const ModelBundle f32 = loadModelBundle("tiny");
        const ModelBundle bf16 = loadModelBundle("tiny", {}, WeightPrecision::BFloat16);
        QCOMPARE(f32.model->precision(), WeightPrecision::Float32);
        QCOMPARE(bf16.model->precision(), WeightPrecision::BFloat16);
        const ModelWeights& w = bf16.model->weights();
        QCOMPARE(w.parameterCount(), f32.model->weights().parameterCount());
        QCOMPARE(w.decoder.blocks[0].q.weight.scalar_type(), torch::kBFloat16);
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
            for (const auto* l : {&b.q, &b.k, &b.v, &b.out, &b.gate, &b.up, &b.down})
                matrixElements += l->weight.numel();
        QCOMPARE(w.parameterBytes(), f32.model->weights().parameterBytes() - 2 * matrixElements);
    }
};

QTEST_GUILESS_MAIN(TestWeightPrecision)
#include "test_weight_precision.moc"
