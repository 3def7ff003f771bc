// The vision encoder's GELU (tanh approximation) against the formula in double precision
// and against at::gelu, over the range activations take and beyond, in place and not.
#include "core/model/gelu.h"

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

class TestGelu : public QObject {
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
};

QTEST_GUILESS_MAIN(TestGelu)
#include "test_gelu.moc"
