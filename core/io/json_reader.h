// Defensive reading of untrusted JSON files: a bounded parser, and a reader that checks every
// value's type and range and reports problems as "<file>: <json path> <problem>".
#pragma once

#include <nlohmann/json.hpp>

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace vlmscope {

using OrderedJson = nlohmann::ordered_json;

// Our files nest a handful of levels; anything deeper is not one of them.
inline constexpr int kMaxJsonDepth = 64;
// Ordered objects find keys by linear search, so parsing an object costs keys²: bound it.
inline constexpr std::size_t kMaxJsonObjectKeys = 10000;

// Parses `text` keeping object key order. Throws InputError naming `source` on a syntax error,
// nesting deeper than `maxDepth` or an object with more than kMaxJsonObjectKeys keys.
OrderedJson parseJsonLimited(std::string_view text, const std::string& source, int maxDepth = kMaxJsonDepth);

// Serializes for files: invalid UTF-8 in strings becomes U+FFFD rather than an exception.
std::string dumpJson(const OrderedJson& value, int indent = 1);

// A view of one value of a parsed document and its path ("tokens[3].time_ns"). Accessors
// check type and range and throw InputError; nothing is read unchecked.
class JsonReader {
public:
    JsonReader(const OrderedJson& value, const std::string& source, std::string path = {});

    const OrderedJson& json() const { return *m_value; }
    const std::string& source() const { return *m_source; }
    std::string displayPath() const;
    [[noreturn]] void fail(const std::string& problem) const;

    void requireObject() const;
    bool has(const char* key) const;             // requires an object
    JsonReader field(const char* key) const;     // requires the member to exist
    std::size_t arraySize() const;               // requires an array
    JsonReader element(std::size_t index) const; // requires index < arraySize()
    bool isNull() const { return m_value->is_null(); }

    std::int64_t integer(std::int64_t min = std::numeric_limits<std::int64_t>::min(),
                         std::int64_t max = std::numeric_limits<std::int64_t>::max()) const;
    std::int64_t nonNegative() const { return integer(0); }
    std::uint64_t unsignedInteger() const;
    double number(double min = -std::numeric_limits<double>::max(),
                  double max = std::numeric_limits<double>::max()) const;
    bool boolean() const;
    std::string string() const;
    std::string nonEmptyString() const;

    // Null reads as an empty optional.
    std::optional<std::int64_t> nullableInteger(std::int64_t min = 0,
                                                std::int64_t max = std::numeric_limits<std::int64_t>::max()) const;
    std::optional<double> nullableNumber(double min = -std::numeric_limits<double>::max(),
                                         double max = std::numeric_limits<double>::max()) const;

private:
    const OrderedJson* m_value;
    const std::string* m_source;
    std::string m_path;
};

} // namespace vlmscope
