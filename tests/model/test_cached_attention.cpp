// The fused attention over the KV cache against the formula it replaces, written here
// independently of the model (RoPE by cat, K/V repeated per query head, causal softmax and
// product in double precision): decode steps (one new token) and prefills (many, starting at
// 0 or after cached ones), heads and head sizes that exercise every vector tail, the first and
// the last cache position, saturated softmax, NaN, the cache left untouched outside the new
// tokens' rows, and bad arguments.
#include "core/model/cached_attention.h"

#include <ATen/Parallel.h>

#include <QtTest>

#include <limits>

using namespace vlmscope;

namespace {

struct Case {
    std::int64_t heads, kvHeads, headDim, capacity, start;
    std::int64_t rows = 1; // new tokens
    double queryScale = 1.0;
};

torch::Tensor rotateHalf(const torch::Tensor& x)
{
    const std::int64_t half = x.size(-1) / 2;
    return torch::cat({-x.narrow(-1, half, half), x.narrow(-1, 0, half)}, -1);
}

// [n, d] rows rotated by the RoPE row, in float32 as the model's LibTorch path computes it.
torch::Tensor rope(const torch::Tensor& x, const torch::Tensor& cos, const torch::Tensor& sin)
{
    return x * cos + rotateHalf(x) * sin;
}

struct Inputs {
    torch::Tensor qkv, cos, sin, keys, values;
};

Inputs makeInputs(const Case& c)
{
    const std::int64_t d = c.headDim;
    Inputs in;
    in.qkv = torch::randn({c.rows, (c.heads + 2 * c.kvHeads) * d});
    in.qkv.narrow(1, 0, c.heads * d).mul_(c.queryScale);
    const torch::Tensor angles = torch::rand({c.rows, d / 2}) * 6.28;
    in.cos = torch::cat({angles.cos(), angles.cos()}, 1) * 0.9;
    in.sin = torch::cat({angles.sin(), angles.sin()}, 1) * 0.9;
    in.keys = torch::randn({c.kvHeads, c.capacity, d});
    in.values = torch::randn({c.kvHeads, c.capacity, d});
    return in;
}

// Heads [first, first + count) of the new tokens, rotated: [count, rows, d] in float32, as the
// model's LibTorch path computes them.
torch::Tensor rotatedHeads(const Case& c, const Inputs& in, std::int64_t first, std::int64_t count)
{
    const std::int64_t d = c.headDim;
    const torch::Tensor x = in.qkv.narrow(1, first * d, count * d).view({c.rows, count, d}).transpose(0, 1);
    return rope(x, in.cos, in.sin);
}

// Row i attends to cache positions 0 .. start + i, in double, from the float32 rotated queries
// and the cache as the kernel should have left it.
torch::Tensor expectedOutput(const Case& c, const Inputs& in, const torch::Tensor& keys, const torch::Tensor& values)
{
    const std::int64_t d = c.headDim, n = c.start + c.rows, groups = c.heads / c.kvHeads;
    const torch::Tensor q = rotatedHeads(c, in, 0, c.heads).to(torch::kDouble);                        // [heads, rows, d]
    const torch::Tensor k = keys.narrow(1, 0, n).repeat_interleave(groups, 0).to(torch::kDouble);   // [heads, n, d]
    const torch::Tensor v = values.narrow(1, 0, n).repeat_interleave(groups, 0).to(torch::kDouble); // [heads, n, d]
    const torch::Tensor future = torch::arange(n).unsqueeze(0) > (torch::arange(c.rows) + c.start).unsqueeze(1);
    const torch::Tensor scores = (torch::bmm(q, k.transpose(1, 2)) / std::sqrt(double(d)))
                                     .masked_fill(future, -std::numeric_limits<double>::infinity());
    return torch::bmm(scores.softmax(-1), v).transpose(0, 1).reshape({c.rows, c.heads * d});
}

} // namespace

Q_DECLARE_METATYPE(Case)

class TestCachedAttention : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        if (!cachedAttentionSupported(64))
            QSKIP("no AVX-512 on this CPU: the model keeps LibTorch's ops for decode attention");
    }

    void matchesTheFormula_data()
    {
        QTest::addColumn<Case>("c");
        QTest::addColumn<int>("threads");
        for (const int threads : {1, 2}) {
            // 222M shape: 9 query heads on 3 KV heads of 64.
            QTest::addRow("222M decode, first position, %d thr", threads) << Case{9, 3, 64, 160, 0} << threads;
            QTest::addRow("222M decode, 16 keys, %d thr", threads) << Case{9, 3, 64, 160, 15} << threads;
            QTest::addRow("222M decode, 17 keys, %d thr", threads) << Case{9, 3, 64, 160, 16} << threads;
            QTest::addRow("222M decode, last position, %d thr", threads) << Case{9, 3, 64, 160, 159} << threads;
            QTest::addRow("222M decode, saturated softmax, %d thr", threads) << Case{9, 3, 64, 160, 70, 1, 40.0}
                                                                              << threads;
            QTest::addRow("222M prefill of 59, %d thr", threads) << Case{9, 3, 64, 160, 0, 59} << threads;
            QTest::addRow("222M prefill after 20 cached, %d thr", threads) << Case{9, 3, 64, 160, 20, 33} << threads;
            QTest::addRow("222M prefill to the end, %d thr", threads) << Case{9, 3, 64, 64, 0, 64} << threads;
            QTest::addRow("tiny model: d 16, %d thr", threads) << Case{4, 2, 16, 20, 7} << threads;
            QTest::addRow("tiny model prefill, %d thr", threads) << Case{4, 2, 16, 20, 0, 11} << threads;
            QTest::addRow("d 48: three column vectors, %d thr", threads) << Case{2, 2, 48, 40, 33, 3} << threads;
            QTest::addRow("d 128: two passes of four, %d thr", threads) << Case{1, 1, 128, 64, 60, 4} << threads;
            QTest::addRow("d 80: four columns and one, %d thr", threads) << Case{6, 1, 80, 30, 29} << threads;
        }
    }

    void matchesTheFormula()
    {
        QFETCH(Case, c);
        QFETCH(int, threads);
        at::set_num_threads(threads);
        torch::manual_seed(c.start * 31 + c.headDim + c.rows);
        const Inputs in = makeInputs(c);
        const torch::Tensor keysBefore = in.keys.clone(), valuesBefore = in.values.clone();

        const torch::Tensor got = cachedAttention(in.qkv, in.cos, in.sin, in.keys, in.values, c.start, c.heads);

        // The new rows: keys rotated with the formula's exact bits, values copied.
        const torch::Tensor newKeys = rotatedHeads(c, in, c.heads, c.kvHeads);
        const torch::Tensor newValues =
            in.qkv.narrow(1, (c.heads + c.kvHeads) * c.headDim, c.kvHeads * c.headDim)
                .view({c.rows, c.kvHeads, c.headDim}).transpose(0, 1);
        QVERIFY(in.keys.narrow(1, c.start, c.rows).equal(newKeys));
        QVERIFY(in.values.narrow(1, c.start, c.rows).equal(newValues));
        // Every other row is untouched.
        torch::Tensor keysExpected = keysBefore.clone(), valuesExpected = valuesBefore.clone();
        keysExpected.narrow(1, c.start, c.rows).copy_(newKeys);
        valuesExpected.narrow(1, c.start, c.rows).copy_(newValues);
        QVERIFY(in.keys.equal(keysExpected));
        QVERIFY(in.values.equal(valuesExpected));

        const torch::Tensor expected = expectedOutput(c, in, in.keys, in.values);
        QCOMPARE(got.sizes(), (std::vector<std::int64_t>{c.rows, c.heads * c.headDim}));
        QCOMPARE(got.scalar_type(), torch::kFloat32);
        // The output is a convex combination of values of size ~1: float32 rounding of the
        // scores, exp and sums stays far below 1e-5.
        const double error = (got.to(torch::kDouble) - expected).abs().max().item<double>();
        QVERIFY2(error < 1e-5, qPrintable(QString::number(error)));
    }

    void propagatesNan()
    {
        const Case c{9, 3, 64, 32, 10};
        torch::manual_seed(5);
        Inputs in = makeInputs(c);
        in.keys[1][4][7] = std::numeric_limits<float>::quiet_NaN(); // an earlier key of KV head 1
        const torch::Tensor got = cachedAttention(in.qkv, in.cos, in.sin, in.keys, in.values, c.start, c.heads)
                                      .view({c.heads, c.headDim});
        // Query heads 3..5 read KV head 1; the others do not.
        QVERIFY(got.narrow(0, 3, 3).isnan().all().item<bool>());
        QVERIFY(!got.narrow(0, 0, 3).isnan().any().item<bool>());
        QVERIFY(!got.narrow(0, 6, 3).isnan().any().item<bool>());
    }

    void rejectsBadArguments()
    {
        const Case c{4, 2, 16, 8, 3};
        const Inputs in = makeInputs(c);
        auto call = [&](const torch::Tensor& qkv, const torch::Tensor& keys, const torch::Tensor& values,
                        std::int64_t start, std::int64_t heads) {
            return cachedAttention(qkv, in.cos, in.sin, keys, values, start, heads);
        };
        QVERIFY_THROWS_EXCEPTION(c10::Error, call(in.qkv, in.keys, in.values, 8, 4));  // past the cache
        QVERIFY_THROWS_EXCEPTION(c10::Error, call(in.qkv, in.keys, in.values, -1, 4));
        QVERIFY_THROWS_EXCEPTION(c10::Error, call(in.qkv, in.keys, in.values, 3, 3));  // 3 heads on 2 KV heads
        QVERIFY_THROWS_EXCEPTION(c10::Error, call(in.qkv.narrow(1, 0, 64), in.keys, in.values, 3, 4));
        QVERIFY_THROWS_EXCEPTION(c10::Error, call(in.qkv.view({-1}), in.keys, in.values, 3, 4));
        // Two new tokens need two RoPE rows and two free cache rows.
        QVERIFY_THROWS_EXCEPTION(c10::Error, call(torch::cat({in.qkv, in.qkv}), in.keys, in.values, 3, 4));
        const torch::Tensor twoCos = torch::cat({in.cos, in.cos}), twoSin = torch::cat({in.sin, in.sin});
        QVERIFY_THROWS_EXCEPTION(c10::Error, cachedAttention(torch::cat({in.qkv, in.qkv}), twoCos, twoSin, in.keys,
                                                             in.values, 7, 4));
        QVERIFY_THROWS_EXCEPTION(c10::Error, call(in.qkv, in.keys, in.values.narrow(1, 0, 4), 3, 4));
        QVERIFY_THROWS_EXCEPTION(c10::Error, call(in.qkv, in.keys.transpose(0, 1), in.values, 3, 4));
        QVERIFY_THROWS_EXCEPTION(c10::Error, call(in.qkv.to(torch::kBFloat16), in.keys, in.values, 3, 4));
        QVERIFY_THROWS_EXCEPTION(c10::Error, cachedAttention(in.qkv, in.cos.narrow(1, 0, 8), in.sin, in.keys,
                                                             in.values, 3, 4));
        // Head sizes off the 16-lane grid are left to LibTorch, and the kernel says so.
        QVERIFY(!cachedAttentionSupported(60));
        QVERIFY(!cachedAttentionSupported(0));
        const torch::Tensor odd = torch::zeros({2, 8, 24});
        QVERIFY_THROWS_EXCEPTION(c10::Error, cachedAttention(torch::zeros({1, 8 * 24}), torch::zeros({24}),
                                                             torch::zeros({24}), odd, odd.clone(), 3, 4));
        QVERIFY(cachedAttention(torch::cat({in.qkv, in.qkv}), twoCos, twoSin, in.keys, in.values, 6, 4).size(0) == 2);
    }
};

QTEST_GUILESS_MAIN(TestCachedAttention)
#include "test_cached_attention.moc"
