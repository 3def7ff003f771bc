// Mann-Whitney U against scipy.stats.mannwhitneyu: the values quoted from scipy's
// documentation, and cases computed by hand (full enumeration of the arrangements for the
// exact p, the tie-corrected normal formula for the approximate one).
#include "core/stats/mann_whitney.h"

#include <QtTest>

#include <cmath>
#include <limits>

using namespace vlmscope;
using Values = std::vector<double>;

Q_DECLARE_METATYPE(Values)

class TestMannWhitney : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void knownValues_data()
    {
        QTest::addColumn<Values>("x");
        QTest::addColumn<Values>("y");
        QTest::addColumn<int>("method"); // 0 auto, 1 exact, 2 normal
        QTest::addColumn<double>("u");
        QTest::addColumn<double>("p");
        QTest::addColumn<bool>("exact");
        // scipy docs (mannwhitneyu example): males vs females, statistic 17.0,
        // p 0.1111111111111111 (exact, the default here) and 0.11134688653314041 (asymptotic).
        const Values males{19, 22, 16, 29, 24}, females{20, 11, 17, 12};
        QTest::newRow("scipy docs exact") << males << females << 0 << 17.0 << 0.1111111111111111 << true;
        QTest::newRow("scipy docs asymptotic") << males << females << 2 << 17.0 << 0.11134688653314041 << false;
        // Full separation: one arrangement of C(6,3) = 20 on each side -> p = 2/20.
        QTest::newRow("3 vs 3 separated") << Values{1, 2, 3} << Values{4, 5, 6} << 0 << 0.0 << 0.1 << true;
        // 2 of C(10,5) = 252 arrangements.
        QTest::newRow("5 vs 5 separated") << Values{1, 2, 3, 4, 5} << Values{6, 7, 8, 9, 10} << 0 << 0.0
                                          << 0.007936507936507936 << true;
        // Enumerated: 126 of the 1716 arrangements have U >= 34 or U <= 8.
        QTest::newRow("6 vs 7 exact") << Values{1.5, 3.5, 2.5, 8.5, 9.5, 0.5} << Values{4, 5, 6, 7, 10, 11, 12} << 0
                                      << 8.0 << 0.07342657342657342 << true;
        // 9 values a side: auto uses the normal approximation, Exact enumerates C(18,9).
        const Values a{3.1, 2.4, 5.6, 4.4, 3.3, 2.2, 6.1, 4.0, 3.95}, b{5.5, 6.2, 7.7, 4.9, 6.6, 5.8, 7.1, 6.0, 8.3};
        QTest::newRow("9 vs 9 auto") << a << b << 0 << 6.0 << 0.002679714416821489 << false;
        QTest::newRow("9 vs 9 exact") << a << b << 1 << 6.0 << 0.0012340600575894694 << true;
        // Ties: normal approximation with tie correction sum(t^3 - t) and continuity 0.5.
        QTest::newRow("ties 10 vs 11") << Values{1, 2, 2, 3, 4, 5, 6, 7, 8, 9}
                                       << Values{2, 3, 5, 7, 9, 10, 11, 12, 13, 14, 15} << 0 << 22.0
                                       << 0.021759001358933636 << false;
        QTest::newRow("heavy ties 7 vs 8") << Values{5, 5, 5, 5, 6, 6, 7} << Values{5, 6, 6, 7, 7, 7, 8, 8} << 0 << 10.5
                                           << 0.04099308852798197 << false;
        QTest::newRow("ties force normal even when exact asked")
            << Values{1, 2, 2} << Values{2, 3, 4} << 1 << 1.0 << 0.16415972847851523 << false;
        QTest::newRow("all equal") << Values{4, 4, 4} << Values{4, 4} << 0 << 3.0 << 1.0 << false;
        QTest::newRow("identical samples") << Values{1, 2, 3, 4} << Values{1, 2, 3, 4} << 0 << 8.0 << 1.0 << false;
    }

    void knownValues()
    {
        QFETCH(Values, x);
        QFETCH(Values, y);
        QFETCH(int, method);
        QFETCH(double, u);
        QFETCH(double, p);
        QFETCH(bool, exact);
        const auto m = method == 0 ? MannWhitneyMethod::Auto
                                   : (method == 1 ? MannWhitneyMethod::Exact : MannWhitneyMethod::Normal);
        const MannWhitneyResult r = mannWhitneyU(x, y, m);
        QCOMPARE(r.n1, x.size());
        QCOMPARE(r.n2, y.size());
        QCOMPARE(r.u, u);
        QCOMPARE(r.exact, exact);
        QVERIFY2(std::fabs(r.pValue - p) < 1e-12, qPrintable(QString("p = %1, expected %2").arg(r.pValue, 0, 'g', 17).arg(p, 0, 'g', 17)));
    }

    void symmetricInItsArguments()
    {
        const Values x{1.1, 5.2, 3.3, 8.4, 2.5, 9.6, 4.7, 7.8, 6.9, 0.1};
        const Values y{2.2, 6.3, 7.4, 9.9, 10.5, 11.1, 3.8, 12.2};
        const MannWhitneyResult xy = mannWhitneyU(x, y), yx = mannWhitneyU(y, x);
        QCOMPARE(xy.u + yx.u, double(x.size() * y.size()));
        QCOMPARE(xy.pValue, yx.pValue);
        QCOMPARE(xy.z, -yx.z);
    }

    void leavesOutUndefinedValues()
    {
        const double nan = std::numeric_limits<double>::quiet_NaN(), inf = std::numeric_limits<double>::infinity();
        const MannWhitneyResult r = mannWhitneyU({1, nan, 2, 3, inf}, {4, 5, -inf, 6});
        QCOMPARE(r.n1, std::size_t(3));
        QCOMPARE(r.n2, std::size_t(3));
        QVERIFY(std::fabs(r.pValue - 0.1) < 1e-12);
        QVERIFY(std::isnan(mannWhitneyU({}, {1, 2}).pValue));
        QVERIFY(std::isnan(mannWhitneyU({nan}, {1, 2}).pValue));
    }

    void exactMatchesNormalForLargerSamples()
    {
        // 8 vs 400 (the largest exact case): exact and normal agree closely in the middle.
        Values x, y;
        for (int i = 0; i < 8; ++i)
            x.push_back(i * 50.0 + 0.5);
        for (int i = 0; i < 400; ++i)
            y.push_back(i + 0.25);
        const MannWhitneyResult exact = mannWhitneyU(x, y), normal = mannWhitneyU(x, y, MannWhitneyMethod::Normal);
        QVERIFY(exact.exact);
        QVERIFY(!normal.exact);
        QVERIFY2(std::fabs(exact.pValue - normal.pValue) < 0.01,
                 qPrintable(QString("%1 vs %2").arg(exact.pValue).arg(normal.pValue)));
    }
};

QTEST_GUILESS_MAIN(TestMannWhitney)
#include "test_mann_whitney.moc"
