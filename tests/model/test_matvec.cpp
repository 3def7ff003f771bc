// The decode matrix-vector kernels, every instruction set this CPU runs, against exact
// (double) products of the same numbers: float32, bf16 and int8 (with row scales) matrices,
// widths that exercise the
// vector body, the masked or scalar tail and both, row counts around the 4-row blocks and
// the per-thread grain, one and two threads.
#include "core/model/matvec.h"

#include <ATen/Parallel.h>

#include <QtTest>

using namespace vlmscope;

class TestMatVec : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void cleanup()
    {
        setMatVecIsa(std::nullopt);
        setMatVecGrainElements(64 << 10);
    }

    void matchesExactProduct_data()
    {
        QTest::addColumn<int>("dtype");
        QTest::addColumn<qint64>("rows");
        QTest::addColumn<qint64>("cols");
        QTest::addColumn<int>("isa");
        QTest::addColumn<int>("threads");
        const std::vector<std::pair<qint64, qint64>> shapes{
            {576, 576}, {1536, 576}, {576, 1536}, {7, 5}, {65, 47}, {1, 1}, {3, 17}, {1027, 33}};
        for (const MatVecIsa isa : supportedMatVecIsas())
            for (const torch::ScalarType dtype : {torch::kFloat32, torch::kBFloat16, torch::kChar})
                for (const auto& [rows, cols] : shapes)
                    for (const int threads : {1, 2})
                        QTest::addRow("%s %s %lldx%lld %d thread(s)", matVecIsaName(isa), c10::toString(dtype), rows,
                                      cols, threads)
                            << static_cast<int>(dtype) << rows << cols << static_cast<int>(isa) << threads;
    }

    void matchesExactProduct()
    {
        QFETCH(int, dtype);
        QFETCH(qint64, rows);
        QFETCH(qint64, cols);
        QFETCH(int, isa);
        QFETCH(int, threads);
        at::set_num_threads(threads);
        setMatVecIsa(static_cast<MatVecIsa>(isa));
        setMatVecGrainElements(1024); // small matrices still split over the threads
        torch::manual_seed(7);
        const bool int8 = dtype == static_cast<int>(torch::kChar);
        const torch::Tensor weight = int8 ? torch::randint(-127, 128, {rows, cols}).to(torch::kChar)
                                          : torch::randn({rows, cols}).to(static_cast<torch::ScalarType>(dtype));
        const torch::Tensor scales = torch::rand({rows}) * 0.01 + 0.001;
        auto product = [&](const torch::Tensor& x) { return int8 ? matVec(weight, scales, x) : matVec(weight, x); };
        const torch::Tensor x = torch::randn({cols});
        const torch::Tensor wide =
            int8 ? weight.to(torch::kDouble) * scales.to(torch::kDouble).unsqueeze(1) : weight.to(torch::kDouble);
        const torch::Tensor expected = at::mv(wide, x.to(torch::kDouble));
        const torch::Tensor got = product(x);
        QCOMPARE(got.scalar_type(), torch::kFloat32);
        QCOMPARE(got.size(0), rows);
        // One row in, one row out; a non-contiguous or double x is converted first.
        QVERIFY(product(x.unsqueeze(0)).squeeze(0).equal(got));
        QCOMPARE(product(x.unsqueeze(0)).dim(), 2);
        QVERIFY(product(x.to(torch::kDouble)).equal(got));
        QVERIFY(product(torch::stack({x, x}, 1).select(1, 0)).equal(got));
        // Only the float32 summation order differs from the exact product.
        const double scale = at::mv(wide.abs(), x.to(torch::kDouble).abs()).max().item<double>();
        const double error = (got.to(torch::kDouble) - expected).abs().max().item<double>();
        QVERIFY2(error <= 1e-6 * scale + 1e-30, qPrintable(QString("error %1, scale %2").arg(error).arg(scale)));
    }

    void bestInstructionSetIsTheDefault()
    {
        const std::vector<MatVecIsa> isas = supportedMatVecIsas();
        QVERIFY(!isas.empty());
        QCOMPARE(isas.front(), MatVecIsa::Scalar);
        QCOMPARE(matVecIsa(), isas.back());
        setMatVecIsa(MatVecIsa::Scalar);
        QCOMPARE(matVecIsa(), MatVecIsa::Scalar);
        setMatVecIsa(std::nullopt);
        QCOMPARE(matVecIsa(), isas.back());
    }

    void rejectsWrongShapesAndTypes()
    {
        const torch::Tensor weight = torch::zeros({4, 8}, torch::kBFloat16);
        QVERIFY_THROWS_EXCEPTION(c10::Error, matVec(weight, torch::zeros({7})));
        QVERIFY_THROWS_EXCEPTION(c10::Error, matVec(weight.to(torch::kDouble), torch::zeros({8})));
        QVERIFY_THROWS_EXCEPTION(c10::Error, matVec(weight.t(), torch::zeros({4})));
        QVERIFY_THROWS_EXCEPTION(c10::Error, matVec(torch::zeros({8}), torch::zeros({8})));
        QVERIFY_THROWS_EXCEPTION(c10::Error, matVec(weight, torch::zeros({2, 8})));
        // int8 takes one scale per row, float32.
        const torch::Tensor int8 = torch::zeros({4, 8}, torch::kChar);
        QVERIFY_THROWS_EXCEPTION(c10::Error, matVec(int8, torch::zeros({8})));
        QVERIFY_THROWS_EXCEPTION(c10::Error, matVec(int8, torch::ones({3}), torch::zeros({8})));
        QVERIFY_THROWS_EXCEPTION(c10::Error, matVec(int8, torch::ones({4}, torch::kDouble), torch::zeros({8})));
        QVERIFY_THROWS_EXCEPTION(c10::Error, matVec(weight, torch::ones({4}), torch::zeros({8})));
        QVERIFY_THROWS_EXCEPTION(c10::Error, matVec(int8.t(), torch::ones({8}), torch::zeros({4})));
    }

    void int8TakesQuantizedTensorsAsTheyAre()
    {
        // A per-channel quantised weight: its integers and the given scales, the same as kChar.
        torch::manual_seed(3);
        const torch::Tensor values = torch::randn({37, 50});
        const torch::Tensor scales = values.abs().amax(1) / 127;
        const torch::Tensor q = torch::quantize_per_channel(values, scales.to(torch::kDouble),
                                                            torch::zeros({37}, torch::kLong), 0, torch::kQInt8);
        const torch::Tensor x = torch::randn({50});
        QVERIFY(matVec(q, scales, x).equal(matVec(q.int_repr(), scales, x)));
        QVERIFY(matVec(q, scales, x).allclose(at::mv(q.dequantize(), x), 1e-5, 1e-5));
    }
};

QTEST_GUILESS_MAIN(TestMatVec)
#include "test_matvec.moc"
