// What the tests of other tools' results share: their sample files, a tolerant comparison
// and a lookup of one metric's comparison by name.
#pragma once

#include "core/stats/comparison.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

namespace externalfixture {

using namespace vlmscope;

// A sample file under tests/data/external/.
inline std::string dataFile(const char* name) { return std::string(VLMSCOPE_TEST_DATA) + "/external/" + name; }

inline bool near(double a, double b) { return std::fabs(a - b) <= 1e-9 * std::max(1.0, std::fabs(b)); }

inline const MetricComparison* find(const std::vector<MetricComparison>& all, const std::string& name)
{
    for (const MetricComparison& c : all) {
        if (c.spec.name == name)
            return &c;
    }
    return nullptr;
}

} // namespace externalfixture
