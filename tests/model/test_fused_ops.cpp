// The fused element-wise steps: the vision encoder's GELU (tanh approximation) against the
// formula in double precision and against at::gelu, over the range activations take and
// beyond; the decoder's RMSNorm against the ATen formula on single rows, many rows, widths
// with and without a vector tail, and layouts the kernel leaves to LibTorch; the MLP gating
// silu(gate) * up against the formula in double precision and against LibTorch's ops; the
// vision encoder's scaled softmax in float32 and rounded to bfloat16.
#include "core/model/fused_ops.h"

#include <ATen/Parallel.h>

#include <QtTest>

using namespace vlmscope;

namespace {

torch::Tensor exactGelu(const torch::Tensor& x)
{
    const torch::Tensor d = x.to(torch::kDouble);
    const double c = std::sqrt(2.0 / M_PI);
    return 0.5 * d * (1 + torch::tanh(c * (d + 0.044715 * d.pow(3))));
}

double worstError(const torch::Tensor& got, const torch::Tensor& expected, const torch::Tensor& x)
{
    // Relative to |x| + tiny: near zero and far left the result is x times a small factor.
    return ((got.to(torch::kDouble) - expected).abs() / (x.to(torch::kDouble).abs() + 1e-30)).max().item<double>();
}

} // namespace

class TestFusedOps : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void matchesTheFormula_data()
    {
        QTest::addColumn<int>("threads");
        QTest::newRow("1 thread") << 1;
        QTest::newRow("2 threads") << 2;
    }

    void matchesTheFormula()
    {
        QFETCH(int, threads);
        at::set_num_threads(threads);
        // 100,003 values: not a multiple of 16, so the masked tail runs too.
        const torch::Tensor x = torch::cat({torch::linspace(-60, 60, 100003), torch::tensor({0.0f, 1e-30f, -1e-30f, 3e38f})});
        const torch::Tensor expected = exactGelu(x);
        const torch::Tensor reference = at::gelu(x, "tanh");
        torch::Tensor work = x.clone();
        const torch::Tensor got = geluTanhInPlace(work);
        QCOMPARE(got.sizes(), x.sizes());
        QVERIFY(worstError(got, expected, x) < 1e-6);
        QVERIFY(worstError(got, reference.to(torch::kDouble), x) < 1e-6);
        QCOMPARE(got.select(0, -4).item<float>(), 0.0f);
        QCOMPARE(got.select(0, -1).item<float>(), 3e38f);
    }

    void worksInPlaceOnContiguousFloat()
    {
        const torch::Tensor input = torch::randn({196, 3072});
        torch::Tensor x = input.clone();
        const void* storage = x.data_ptr();
        const torch::Tensor got = geluTanhInPlace(x);
        QVERIFY(worstError(got, exactGelu(input), input) < 1e-6);
        if (got.data_ptr() != storage)
            QSKIP("no AVX-512 on this CPU: at::gelu's result is returned instead");
    }

    void keepsNanAndHandlesOtherLayouts()
    {
        torch::Tensor nan = torch::full({17}, std::numeric_limits<float>::quiet_NaN());
        QVERIFY(geluTanhInPlace(nan).isnan().all().item<bool>());
        // A transposed view and double precision take LibTorch's path and agree with it.
        const torch::Tensor base = torch::randn({8, 5});
        QVERIFY(geluTanhInPlace(base.t()).allclose(at::gelu(base.t(), "tanh")));
        const torch::Tensor d = torch::randn({9}, torch::kDouble);
        QVERIFY(geluTanhInPlace(d).equal(at::gelu(d, "tanh")));
    }

    void rmsNormMatchesTheFormula_data()
    {
        QTest::addColumn<qint64>("rows");
        QTest::addColumn<qint64>("width");
        QTest::addColumn<int>("threads");
        for (const int threads : {1, 2}) {
            QTest::addRow("decode row 576, %d thread(s)", threads) << qint64(1) << qint64(576) << threads;
            QTest::addRow("prefill 59 x 576, %d thread(s)", threads) << qint64(59) << qint64(576) << threads;
            QTest::addRow("tail only 3 x 7, %d thread(s)", threads) << qint64(3) << qint64(7) << threads;
            QTest::addRow("body + tail 300 x 37, %d thread(s)", threads) << qint64(300) << qint64(37) << threads;
        }
    }

    void rmsNormMatchesTheFormula()
    {
        QFETCH(qint64, rows);
        QFETCH(qint64, width);
        QFETCH(int, threads);
        at::set_num_threads(threads);
        torch::manual_seed(11);
        const torch::Tensor x = torch::randn({rows, width}) * 3;
        const torch::Tensor weight = torch::randn({width});
        const double eps = 1e-5;
        const torch::Tensor xd = x.to(torch::kDouble);
        const torch::Tensor exact = xd * torch::rsqrt(xd.pow(2).mean(-1, true) + eps) * weight.to(torch::kDouble);
        const torch::Tensor got = rmsNorm(x, weight, eps);
        QCOMPARE(got.sizes(), x.sizes());
        QCOMPARE(got.scalar_type(), torch::kFloat32);
        const double error = ((got.to(torch::kDouble) - exact).abs() / (exact.abs() + 1e-6)).max().item<double>();
        QVERIFY2(error < 2e-6, qPrintable(QString::number(error)));
        QVERIFY(x.equal(x.clone())); // the input is left alone
    }

    void rmsNormKeepsOtherLayoutsOnLibTorch()
    {
        const torch::Tensor x = torch::randn({6, 4}), weight = torch::randn({6});
        const torch::Tensor formula = x.t() * torch::rsqrt(x.t().pow(2).mean(-1, true) + 1e-6) * weight;
        QVERIFY(rmsNorm(x.t(), weight, 1e-6).equal(formula));
        const torch::Tensor zeros = torch::zeros({2, 16});
        QVERIFY(rmsNorm(zeros, torch::ones({16}), 1e-5).equal(zeros)); // eps keeps 0 / 0 away
    }

    void siluGateMatchesTheFormula_data()
    {
        QTest::addColumn<qint64>("rows");
        QTest::addColumn<qint64>("width");
        QTest::addColumn<int>("threads");
        for (const int threads : {1, 2}) {
            QTest::addRow("decode row 1536, %d thread(s)", threads) << qint64(1) << qint64(1536) << threads;
            QTest::addRow("prefill 59 x 1536, %d thread(s)", threads) << qint64(59) << qint64(1536) << threads;
            QTest::addRow("tail only 3 x 5, %d thread(s)", threads) << qint64(3) << qint64(5) << threads;
            QTest::addRow("body + tail 200 x 37, %d thread(s)", threads) << qint64(200) << qint64(37) << threads;
        }
    }

    void siluGateMatchesTheFormula()
    {
        QFETCH(qint64, rows);
        QFETCH(qint64, width);
        QFETCH(int, threads);
        at::set_num_threads(threads);
        torch::manual_seed(12);
        // Gates far past where exp over- or underflows, and ordinary values.
        const torch::Tensor gateUp = torch::cat({torch::randn({rows, width}) * 40, torch::randn({rows, width})}, 1);
        const torch::Tensor g = gateUp.narrow(1, 0, width).to(torch::kDouble);
        const torch::Tensor u = gateUp.narrow(1, width, width).to(torch::kDouble);
        const torch::Tensor exact = g / (1 + torch::exp(-g)) * u;
        const torch::Tensor got = siluGate(gateUp);
        QCOMPARE(got.sizes(), (std::vector<std::int64_t>{rows, width}));
        QCOMPARE(got.scalar_type(), torch::kFloat32);
        // Relative to |g u|: silu(g) / g runs from 1 down to 0, and the error is in float32 ulps.
        const double error = ((got.to(torch::kDouble) - exact).abs() / ((g * u).abs() + 1e-30)).max().item<double>();
        QVERIFY2(error < 1e-6, qPrintable(QString::number(error)));
        const torch::Tensor ops = at::silu(gateUp.narrow(1, 0, width)) * gateUp.narrow(1, width, width);
        QVERIFY(got.allclose(ops, 1e-6, 1e-30));
    }

    void siluGateKeepsNanAndOtherLayouts()
    {
        torch::Tensor gateUp = torch::ones({1, 34});
        gateUp[0][3] = std::numeric_limits<float>::quiet_NaN();  // a gate
        gateUp[0][17 + 9] = std::numeric_limits<float>::quiet_NaN(); // an up
        const torch::Tensor got = siluGate(gateUp);
        QVERIFY(got[0][3].isnan().item<bool>());
        QVERIFY(got[0][9].isnan().item<bool>());
        QCOMPARE(got.isnan().sum().item<std::int64_t>(), std::int64_t(2));
        // A transposed view and double precision take LibTorch's ops.
        const torch::Tensor base = torch::randn({8, 6});
        const torch::Tensor t = base.t();
        QVERIFY(siluGate(t).allclose(at::silu(t.narrow(1, 0, 4)) * t.narrow(1, 4, 4)));
        const torch::Tensor d = torch::randn({2, 10}, torch::kDouble);
        QVERIFY(siluGate(d).equal(at::silu(d.narrow(1, 0, 5)) * d.narrow(1, 5, 5)));
        QVERIFY_THROWS_EXCEPTION(c10::Error, siluGate(torch::ones({2, 7})));
    }

    void scaledSoftmaxMatchesTheFormula_data()
    {
        QTest::addColumn<qint64>("rows");
        QTest::addColumn<qint64>("width");
        QTest::addColumn<int>("threads");
        for (const int threads : {1, 2}) {
            QTest::addRow("vision 12 x 196 x 196, %d thread(s)", threads) << qint64(12 * 196) << qint64(196) << threads;
            QTest::addRow("tail only 4 x 5, %d thread(s)", threads) << qint64(4) << qint64(5) << threads;
            QTest::addRow("body + tail 300 x 37, %d thread(s)", threads) << qint64(300) << qint64(37) << threads;
            QTest::addRow("one wide row, %d thread(s)", threads) << qint64(1) << qint64(5000) << threads;
        }
    }

    void scaledSoftmaxMatchesTheFormula()
    {
        QFETCH(qint64, rows);
        QFETCH(qint64, width);
        QFETCH(int, threads);
        at::set_num_threads(threads);
        torch::manual_seed(13);
        // Wide enough that most weights underflow in some rows, as trained attention does.
        const torch::Tensor scores = torch::randn({rows, width}) * 30;
        const double scale = 0.125;
        const torch::Tensor exact = (scores.to(torch::kDouble) * scale).softmax(-1);
        const torch::Tensor got = scaledSoftmax(scores, scale, torch::kFloat32);
        QCOMPARE(got.sizes(), scores.sizes());
        QCOMPARE(got.scalar_type(), torch::kFloat32);
        const double error = ((got.to(torch::kDouble) - exact).abs() - 2e-6 * exact).max().item<double>();
        QVERIFY2(error < 1e-12, qPrintable(QString::number(error)));
        // In bf16 the same values, rounded as c10::BFloat16 rounds them.
        const torch::Tensor half = scaledSoftmax(scores, scale, torch::kBFloat16);
        QCOMPARE(half.scalar_type(), torch::kBFloat16);
        QVERIFY(half.equal(got.to(torch::kBFloat16)));
    }

    void scaledSoftmaxKeepsNanAndOtherLayouts()
    {
        torch::Tensor scores = torch::zeros({3, 20});
        scores[1][17] = std::numeric_limits<float>::quiet_NaN();
        for (const torch::ScalarType type : {torch::kFloat32, torch::kBFloat16}) {
            const torch::Tensor got = scaledSoftmax(scores, 1.0, type).to(torch::kFloat32);
            QVERIFY(got[1].isnan().all().item<bool>()); // as LibTorch's softmax: the whole row
            QVERIFY(got[0].equal(torch::full({20}, 0.05f).to(type).to(torch::kFloat32)));
            QVERIFY(!got[2].isnan().any().item<bool>());
        }
        const torch::Tensor base = torch::randn({7, 9});
        QVERIFY(scaledSoftmax(base.t(), 0.5, torch::kFloat32).allclose((base.t() * 0.5).softmax(-1)));
        const torch::Tensor d = torch::randn({2, 10}, torch::kDouble);
        QVERIFY(scaledSoftmax(d, 0.5, torch::kFloat32).equal((d * 0.5).softmax(-1).to(torch::kFloat32)));
        QVERIFY_THROWS_EXCEPTION(c10::Error, scaledSoftmax(base, 1.0, torch::kInt32));
    }
};

QTEST_GUILESS_MAIN(TestFusedOps)
#include "test_fused_ops.moc"
