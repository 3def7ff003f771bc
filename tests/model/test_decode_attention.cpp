// The fused decode attention against the formula it replaces, written here independently
// of the model (RoPE by cat, K/V repeated per query head, softmax, product, in double
// precision): heads and head sizes that exercise every vector tail, the first and the last
// cache position, saturated softmax, NaN, the cache left untouched outside the new token's
// row, and bad arguments.
#include "core/model/decode_attention.h"

#include <QtTest>

#include <limits>

using namespace vlmscope;

namespace {

struct Case {
    std::int64_t heads, kvHeads, headDim, capacity, position;
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
    in.qkv = torch::randn({1, (c.heads + 2 * c.kvHeads) * d});
    in.qkv.narrow(1, 0, c.heads * d).mul_(c.queryScale);
    const torch::Tensor angles = torch::rand({d / 2}) * 6.28;
    in.cos = torch::cat({angles.cos(), angles.cos()}) * 0.9;
    in.sin = torch::cat({angles.sin(), angles.sin()}) * 0.9;
    in.keys = torch::randn({c.kvHeads, c.capacity, d});
    in.values = torch::randn({c.kvHeads, c.capacity, d});
    return in;
}

// softmax(q k^T / sqrt(d)) v per head in double, from the float32 rotated q and the cache
// as the kernel should have left it.
torch::Tensor expectedOutput(const Case& c, const Inputs& in, const torch::Tensor& keys, const torch::Tensor& values)
{
    const std::int64_t d = c.headDim, n = c.position + 1, groups = c.heads / c.kvHeads;
    const torch::Tensor q = rope(in.qkv.narrow(1, 0, c.heads * d).view({c.heads, d}), in.cos, in.sin);
    const torch::Tensor k = keys.narrow(1, 0, n).repeat_interleave(groups, 0).to(torch::kDouble);   // [heads, n, d]
    const torch::Tensor v = values.narrow(1, 0, n).repeat_interleave(groups, 0).to(torch::kDouble); // [heads, n, d]
    const torch::Tensor scores = torch::bmm(k, q.to(torch::kDouble).unsqueeze(2)).squeeze(2) / std::sqrt(double(d));
    return torch::bmm(scores.softmax(-1).unsqueeze(1), v).reshape({1, c.heads * d});
}

} // namespace

Q_DECLARE_METATYPE(Case)

class TestDecodeAttention : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void init()
    {
        if (!decodeAttentionSupported(64))
            QSKIP("no AVX-512 on this CPU: the model keeps LibTorch's ops for decode attention");
    }

    void matchesTheFormula_data()
    {
        QTest::addColumn<Case>("c");
        // 222M shape: 9 query heads on 3 KV heads of 64.
        QTest::newRow("222M, first position") << Case{9, 3, 64, 160, 0};
        QTest::newRow("222M, position 15 (16 keys)") << Case{9, 3, 64, 160, 15};
        QTest::newRow("222M, position 16 (17 keys)") << Case{9, 3, 64, 160, 16};
        QTest::newRow("222M, last position") << Case{9, 3, 64, 160, 159};
        QTest::newRow("222M, saturated softmax") << Case{9, 3, 64, 160, 70, 40.0};
        QTest::newRow("tiny model: d 16, half a vector of RoPE") << Case{4, 2, 16, 20, 7};
        QTest::newRow("d 48: three column vectors, masked RoPE") << Case{2, 2, 48, 40, 33};
        QTest::newRow("d 128: two passes of four columns") << Case{1, 1, 128, 64, 63};
        QTest::newRow("d 80: four columns and one") << Case{6, 1, 80, 30, 29};
    }

    void matchesTheFormula()
    {
        QFETCH(Case, c);
        torch::manual_seed(c.position * 31 + c.headDim);
        const Inputs in = makeInputs(c);
        const torch::Tensor keysBefore = in.keys.clone(), valuesBefore = in.values.clone();
        const std::int64_t d = c.headDim;

        const torch::Tensor got = decodeAttention(in.qkv, in.cos, in.sin, in.keys, in.values, c.position, c.heads);

        // The new row: the key rotated with the formula's exact bits, the value copied.
        const torch::Tensor newKey = rope(in.qkv.narrow(1, c.heads * d, c.kvHeads * d).view({c.kvHeads, d}), in.cos, in.sin);
        const torch::Tensor newValue = in.qkv.narrow(1, (c.heads + c.kvHeads) * d, c.kvHeads * d).view({c.kvHeads, d});
        QVERIFY(in.keys.select(1, c.position).equal(newKey));
        QVERIFY(in.values.select(1, c.position).equal(newValue));
        // Every other row is untouched.
        torch::Tensor keysExpected = keysBefore.clone(), valuesExpected = valuesBefore.clone();
        keysExpected.select(1, c.position).copy_(newKey);
        valuesExpected.select(1, c.position).copy_(newValue);
        QVERIFY(in.keys.equal(keysExpected));
        QVERIFY(in.values.equal(valuesExpected));

        const torch::Tensor expected = expectedOutput(c, in, in.keys, in.values);
        QCOMPARE(got.sizes(), (std::vector<std::int64_t>{1, c.heads * d}));
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
        const torch::Tensor got = decodeAttention(in.qkv, in.cos, in.sin, in.keys, in.values, c.position, c.heads)
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
                        std::int64_t position, std::int64_t heads) {
            return decodeAttention(qkv, in.cos, in.sin, keys, values, position, heads);
        };
        QVERIFY_THROWS_EXCEPTION(c10::Error, call(in.qkv, in.keys, in.values, 8, 4));  // past the cache
        QVERIFY_THROWS_EXCEPTION(c10::Error, call(in.qkv, in.keys, in.values, -1, 4));
        QVERIFY_THROWS_EXCEPTION(c10::Error, call(in.qkv, in.keys, in.values, 3, 3));  // 3 heads on 2 KV heads
        QVERIFY_THROWS_EXCEPTION(c10::Error, call(in.qkv.narrow(1, 0, 64), in.keys, in.values, 3, 4));
        QVERIFY_THROWS_EXCEPTION(c10::Error, call(in.qkv, in.keys, in.values.narrow(1, 0, 4), 3, 4));
        QVERIFY_THROWS_EXCEPTION(c10::Error, call(in.qkv, in.keys.transpose(0, 1), in.values, 3, 4));
        QVERIFY_THROWS_EXCEPTION(c10::Error, call(in.qkv.to(torch::kBFloat16), in.keys, in.values, 3, 4));
        QVERIFY_THROWS_EXCEPTION(c10::Error, decodeAttention(in.qkv, in.cos.narrow(0, 0, 8), in.sin, in.keys,
                                                             in.values, 3, 4));
        // Head sizes off the 16-lane grid are left to LibTorch, and the kernel says so.
        QVERIFY(!decodeAttentionSupported(60));
        QVERIFY(!decodeAttentionSupported(0));
        const torch::Tensor odd = torch::zeros({2, 8, 24});
        QVERIFY_THROWS_EXCEPTION(c10::Error, decodeAttention(torch::zeros({1, 8 * 24}), torch::zeros({24}),
                                                             torch::zeros({24}), odd, odd.clone(), 3, 4));
    }
};

QTEST_GUILESS_MAIN(TestDecodeAttention)
#include "test_decode_attention.moc"
