#include "core/io/json_reader.h"

#include "core/util/error.h"

#include <QString>

#include <cmath>
#include <vector>

namespace vlmscope {

namespace {

constexpr std::size_t kMaxShownValueChars = 40;
constexpr std::size_t kMaxParseMessageChars = 160;

// Thrown from the parser callback; turned into an InputError once the parser has unwound.
struct ParseLimitExceeded {
    std::string problem;
};

void erasePrefix(std::string& text, const std::string& prefix)
{
    if (text.rfind(prefix, 0) == 0)
        text.erase(0, prefix.size());
}

// nlohmann's message without its "[json.exception.parse_error.101] parse error " preamble
// ("at line 1, column 4: invalid literal; ..."), on one short line of valid UTF-8 (it
// quotes what it last read, which may be the offending bytes).
std::string parseProblem(const nlohmann::json::exception& error)
{
    std::string text = error.what();
    const auto tagEnd = text.find("] ");
    if (text.rfind("[json.exception.", 0) == 0 && tagEnd != std::string::npos)
        text.erase(0, tagEnd + 2);
    erasePrefix(text, "parse error ");
    const auto colon = text.find(": ");
    if (colon != std::string::npos && text.compare(colon + 2, 35, "syntax error while parsing value - ") == 0)
        text.erase(colon + 2, 35);
    for (char& c : text) {
        if (c == '\n' || c == '\r')
            c = ' ';
    }
    if (text.size() > kMaxParseMessageChars)
        text = text.substr(0, kMaxParseMessageChars) + "...";
    return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size())).toStdString();
}

std::string shown(const OrderedJson& value)
{
    if (value.is_object())
        return "an object";
    if (value.is_array())
        return "an array";
    if (value.is_string() && value.get_ref<const std::string&>().size() > kMaxShownValueChars)
        return "a long string";
    std::string text = dumpJson(value, -1);
    if (text.size() > kMaxShownValueChars)
        text = text.substr(0, kMaxShownValueChars) + "...";
    return text;
}

std::string integerRule(std::int64_t min, std::int64_t max)
{
    constexpr auto lowest = std::numeric_limits<std::int64_t>::min();
    constexpr auto highest = std::numeric_limits<std::int64_t>::max();
    if (max == highest && min == 0)
        return "must be a non-negative integer";
    if (max == highest && min == 1)
        return "must be a positive integer";
    if (max == highest && min == lowest)
        return "must be an integer";
    if (max == highest)
        return "must be an integer of at least " + std::to_string(min);
    return "must be an integer from " + std::to_string(min) + " to " + std::to_string(max);
}

// Bounds as people write them: "0", not "0.0".
std::string bound(double value)
{
    if (std::trunc(value) == value && std::abs(value) < 1e15)
        return std::to_string(static_cast<std::int64_t>(value));
    return dumpJson(OrderedJson(value), -1);
}

std::string numberRule(double min, double max)
{
    const double highest = std::numeric_limits<double>::max();
    if (min == -highest && max == highest)
        return "must be a finite number";
    if (max == highest)
        return "must be a finite number of at least " + bound(min);
    return "must be a number from " + bound(min) + " to " + bound(max);
}

} // namespace

OrderedJson parseJsonLimited(std::string_view text, const std::string& source, int maxDepth)
{
    std::vector<std::size_t> keysAtDepth;
    const OrderedJson::parser_callback_t limits = [&](int depth, OrderedJson::parse_event_t event, OrderedJson&) {
        const auto level = static_cast<std::size_t>(depth) + 1;
        if (event == OrderedJson::parse_event_t::object_start || event == OrderedJson::parse_event_t::array_start) {
            if (depth + 1 > maxDepth)
                throw ParseLimitExceeded{"JSON nested deeper than " + std::to_string(maxDepth)
                                         + " levels: not a file this tool reads"};
            if (keysAtDepth.size() <= level)
                keysAtDepth.resize(level + 1);
            keysAtDepth[level] = 0;
        } else if (event == OrderedJson::parse_event_t::key) {
            const auto at = static_cast<std::size_t>(depth);
            if (keysAtDepth.size() <= at)
                keysAtDepth.resize(at + 1);
            if (++keysAtDepth[at] > kMaxJsonObjectKeys)
                throw ParseLimitExceeded{"a JSON object with more than " + std::to_string(kMaxJsonObjectKeys)
                                         + " keys: not a file this tool reads"};
        }
        return true;
    };
    try {
        return OrderedJson::parse(text.begin(), text.end(), limits);
    } catch (const ParseLimitExceeded& limit) {
        throw InputError(source + ": " + limit.problem);
    } catch (const nlohmann::json::exception& error) {
        const std::string problem = parseProblem(error);
        throw InputError(source + ": not valid JSON" + (problem.rfind("at line ", 0) == 0 ? " " : ": ") + problem);
    }
}

std::string dumpJson(const OrderedJson& value, int indent)
{
    return value.dump(indent, ' ', false, OrderedJson::error_handler_t::replace);
}

JsonReader::JsonReader(const OrderedJson& value, const std::string& source, std::string path)
    : m_value(&value), m_source(&source), m_path(std::move(path))
{
}

std::string JsonReader::displayPath() const { return m_path.empty() ? "the top level" : m_path; }

void JsonReader::fail(const std::string& problem) const
{
    throw InputError(*m_source + ": " + displayPath() + " " + problem);
}

void JsonReader::requireObject() const
{
    if (!m_value->is_object())
        fail("must be a JSON object (got " + shown(*m_value) + ")");
}

bool JsonReader::has(const char* key) const
{
    requireObject();
    return m_value->contains(key);
}

JsonReader JsonReader::field(const char* key) const
{
    requireObject();
    const auto it = m_value->find(key);
    const std::string path = m_path.empty() ? std::string(key) : m_path + "." + key;
    if (it == m_value->end())
        throw InputError(*m_source + ": " + path + " is missing");
    return JsonReader(*it, *m_source, path);
}

std::size_t JsonReader::arraySize() const
{
    if (!m_value->is_array())
        fail("must be an array (got " + shown(*m_value) + ")");
    return m_value->size();
}

JsonReader JsonReader::element(std::size_t index) const
{
    if (index >= arraySize())
        fail("has no element " + std::to_string(index));
    return JsonReader((*m_value)[index], *m_source, m_path + "[" + std::to_string(index) + "]");
}

std::int64_t JsonReader::integer(std::int64_t min, std::int64_t max) const
{
    std::int64_t value = 0;
    if (m_value->is_number_unsigned()) {
        const auto u = m_value->get<std::uint64_t>();
        if (u > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max()))
            fail(integerRule(min, max) + " (got " + shown(*m_value) + ")");
        value = static_cast<std::int64_t>(u);
    } else if (m_value->is_number_integer()) {
        value = m_value->get<std::int64_t>();
    } else {
        fail(integerRule(min, max) + " (got " + shown(*m_value) + ")");
    }
    if (value < min || value > max)
        fail(integerRule(min, max) + " (got " + std::to_string(value) + ")");
    return value;
}

std::uint64_t JsonReader::unsignedInteger() const
{
    if (m_value->is_number_unsigned())
        return m_value->get<std::uint64_t>();
    if (m_value->is_number_integer() && m_value->get<std::int64_t>() >= 0)
        return static_cast<std::uint64_t>(m_value->get<std::int64_t>());
    fail("must be a non-negative integer (got " + shown(*m_value) + ")");
}

double JsonReader::number(double min, double max) const
{
    if (!m_value->is_number())
        fail(numberRule(min, max) + " (got " + shown(*m_value) + ")");
    const double value = m_value->get<double>();
    if (!std::isfinite(value) || value < min || value > max)
        fail(numberRule(min, max) + " (got " + shown(*m_value) + ")");
    return value;
}

bool JsonReader::boolean() const
{
    if (!m_value->is_boolean())
        fail("must be true or false (got " + shown(*m_value) + ")");
    return m_value->get<bool>();
}

std::string JsonReader::string() const
{
    if (!m_value->is_string())
        fail("must be a string (got " + shown(*m_value) + ")");
    return m_value->get<std::string>();
}

std::string JsonReader::nonEmptyString() const
{
    std::string text = string();
    if (text.empty())
        fail("must not be empty");
    return text;
}

std::optional<std::int64_t> JsonReader::nullableInteger(std::int64_t min, std::int64_t max) const
{
    if (m_value->is_null())
        return std::nullopt;
    return integer(min, max);
}

std::optional<double> JsonReader::nullableNumber(double min, double max) const
{
    if (m_value->is_null())
        return std::nullopt;
    return number(min, max);
}

} // namespace vlmscope
