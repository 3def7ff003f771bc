#include "core/model/safetensors_file.h"

#include "core/util/atomic_write.h"
#include "core/util/error.h"

#include <QFile>
#include <QFileInfo>
#include <QtEndian>
#include <QtGlobal>
#include <qfloat16.h>

#include <nlohmann/json.hpp>

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <limits>
#include <set>

namespace vlmscope {

namespace {

using Json = nlohmann::json;

struct DTypeEntry {
    DType dtype;
    const char* name;
    std::size_t size;
};

constexpr DTypeEntry kDTypes[] = {
    {DType::F64, "F64", 8}, {DType::F32, "F32", 4}, {DType::F16, "F16", 2}, {DType::BF16, "BF16", 2},
    {DType::I64, "I64", 8}, {DType::I32, "I32", 4}, {DType::I16, "I16", 2}, {DType::I8, "I8", 1},
    {DType::U8, "U8", 1},   {DType::BOOL, "BOOL", 1},
};

// Valid safetensors dtypes that no nanoVLM checkpoint uses; named so the message can say
// "not supported" instead of "unknown".
constexpr const char* kUnsupportedDTypes[] = {"F8_E4M3", "F8_E5M2", "F8_E8M0", "F6_E2M3", "F6_E3M2",
                                              "F4",      "U16",     "U32",     "U64",     "C64"};

// Deepest JSON nesting a valid header has: root object > tensor object > shape array > number.
constexpr int kMaxHeaderDepth = 3;

// Untrusted names go into messages: keep them short, cut on a UTF-8 character boundary.
std::string quote(const std::string& text)
{
    constexpr std::size_t kMax = 80;
    if (text.size() <= kMax)
        return "'" + text + "'";
    std::size_t cut = kMax;
    while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80)
        --cut;
    return "'" + text.substr(0, cut) + "...'";
}

std::string shapeText(const std::vector<std::int64_t>& shape)
{
    std::string text = "[";
    for (std::size_t i = 0; i < shape.size(); ++i)
        text += (i ? ", " : "") + std::to_string(shape[i]);
    return text + "]";
}

// numel × element size, or false when a partial product leaves int64 (then numel() could
// overflow too, as every element is at least one byte).
bool checkedByteCount(const std::vector<std::int64_t>& shape, std::size_t elementSize, std::uint64_t& bytes)
{
    std::int64_t total = static_cast<std::int64_t>(elementSize);
    for (const std::int64_t dim : shape) {
        if (dim < 0 || __builtin_mul_overflow(total, dim, &total))
            return false;
    }
    bytes = static_cast<std::uint64_t>(total);
    return true;
}

// Parses with a guard against deep nesting and duplicate keys (which would make the header
// ambiguous: two readers could disagree on a tensor's offsets).
Json parseHeader(const char* begin, const char* end, const std::string& name)
{
    std::vector<std::set<std::string>> keysPerObject;
    auto guard = [&](int depth, Json::parse_event_t event, Json& parsed) {
        if (depth > kMaxHeaderDepth)
            throw InputError(name + ": header nests deeper than a safetensors header can");
        switch (event) {
        case Json::parse_event_t::object_start:
            keysPerObject.emplace_back();
            break;
        case Json::parse_event_t::object_end:
            if (!keysPerObject.empty())
                keysPerObject.pop_back();
            break;
        case Json::parse_event_t::key:
            if (!keysPerObject.empty() && !keysPerObject.back().insert(parsed.get<std::string>()).second)
                throw InputError(name + ": header has the key " + quote(parsed.get<std::string>()) + " twice");
            break;
        default:
            break;
        }
        return true;
    };
    try {
        return Json::parse(begin, end, guard);
    } catch (const Json::exception& e) {
        std::string what = e.what();
        const auto bracket = what.find("] ");
        if (bracket != std::string::npos)
            what = what.substr(bracket + 2);
        throw InputError(name + ": header is not valid JSON (" + what + ")");
    }
}

DType parseDType(const Json& value, const std::string& where)
{
    if (!value.is_string())
        throw InputError(where + " has a 'dtype' that is not a string");
    const std::string text = value.get<std::string>();
    for (const DTypeEntry& entry : kDTypes) {
        if (text == entry.name)
            return entry.dtype;
    }
    for (const char* unsupported : kUnsupportedDTypes) {
        if (text == unsupported)
            throw InputError(where + " has dtype " + quote(text)
                             + ", which vlmscope does not support (use F32, F16, BF16, F64 or an integer type)");
    }
    throw InputError(where + " has unknown dtype " + quote(text));
}

std::uint64_t parseOffset(const Json& value, const std::string& where)
{
    if (!value.is_number_unsigned())
        throw InputError(where + " has data_offsets that are not two non-negative integers");
    return value.get<std::uint64_t>();
}

std::vector<std::int64_t> parseShape(const Json& value, const std::string& where)
{
    if (!value.is_array())
        throw InputError(where + " has a 'shape' that is not a list");
    if (value.size() > SafetensorsFile::kMaxRank)
        throw InputError(where + " has rank " + std::to_string(value.size()) + " (at most "
                         + std::to_string(SafetensorsFile::kMaxRank) + " supported)");
    std::vector<std::int64_t> shape;
    for (const Json& dim : value) {
        if (!dim.is_number_integer() || (dim.is_number_unsigned() && dim.get<std::uint64_t>() > std::uint64_t(INT64_MAX))
            || (!dim.is_number_unsigned() && dim.get<std::int64_t>() < 0))
            throw InputError(where + " has a shape entry " + dim.dump().substr(0, 40)
                             + " that is not a non-negative integer");
        shape.push_back(dim.get<std::int64_t>());
    }
    return shape;
}

std::map<std::string, std::string> parseMetadata(const Json& value, const std::string& name)
{
    if (!value.is_object())
        throw InputError(name + ": __metadata__ is not a JSON object of strings");
    std::map<std::string, std::string> metadata;
    for (const auto& [key, text] : value.items()) {
        if (!text.is_string())
            throw InputError(name + ": __metadata__ entry " + quote(key) + " is not a string");
        metadata.emplace(key, text.get<std::string>());
    }
    return metadata;
}

TensorInfo parseTensor(const std::string& tensorName, const Json& entry, std::uint64_t dataSize,
                       const std::string& name)
{
    const std::string where = name + ": tensor " + quote(tensorName);
    if (!entry.is_object())
        throw InputError(where + " is not a JSON object");
    for (const char* key : {"dtype", "shape", "data_offsets"}) {
        if (!entry.contains(key))
            throw InputError(where + " has no '" + key + "'");
    }
    TensorInfo info;
    info.name = tensorName;
    info.dtype = parseDType(entry["dtype"], where);
    info.shape = parseShape(entry["shape"], where);

    const Json& offsets = entry["data_offsets"];
    if (!offsets.is_array() || offsets.size() != 2)
        throw InputError(where + " has data_offsets that are not two non-negative integers");
    info.begin = parseOffset(offsets[0], where);
    info.end = parseOffset(offsets[1], where);
    const std::string range = "data_offsets [" + std::to_string(info.begin) + ", " + std::to_string(info.end) + "]";
    if (info.begin > info.end)
        throw InputError(where + " has " + range + " that end before they begin");
    if (info.end > dataSize)
        throw InputError(where + " " + range + " run past the end of the file (data section holds "
                         + std::to_string(dataSize) + " bytes)");

    std::uint64_t expected = 0;
    if (!checkedByteCount(info.shape, dtypeSize(info.dtype), expected))
        throw InputError(where + " has shape " + shapeText(info.shape) + " whose size overflows");
    if (expected != info.byteSize())
        throw InputError(where + " has shape " + shapeText(info.shape) + " of " + dtypeName(info.dtype) + " ("
                         + std::to_string(expected) + " bytes) but " + range + " span "
                         + std::to_string(info.byteSize()) + " bytes");
    return info;
}

void checkNoOverlap(const std::vector<TensorInfo>& sorted, const std::string& name)
{
    const TensorInfo* previous = nullptr;
    for (const TensorInfo& tensor : sorted) {
        if (tensor.begin == tensor.end)
            continue; // empty tensors own no bytes
        if (previous && tensor.begin < previous->end)
            throw InputError(name + ": tensors " + quote(previous->name) + " and " + quote(tensor.name)
                             + " overlap (bytes " + std::to_string(tensor.begin) + " to "
                             + std::to_string(std::min(previous->end, tensor.end)) + ")");
        previous = &tensor;
    }
}

// Rounds like IEEE double -> float conversion, without the undefined behaviour C++ gives
// an out-of-range cast.
float narrowToFloat(double value)
{
    constexpr double kMax = std::numeric_limits<float>::max();
    if (std::isfinite(value) && std::fabs(value) > kMax) {
        const double halfUlp = std::ldexp(1.0, 127 - 24);
        const float limit = std::fabs(value) < kMax + halfUlp ? std::numeric_limits<float>::max()
                                                              : std::numeric_limits<float>::infinity();
        return value > 0 ? limit : -limit;
    }
    return static_cast<float>(value);
}

template <typename Bits>
Bits loadLittleEndian(const std::uint8_t* bytes)
{
    return qFromLittleEndian<Bits>(bytes);
}

} // namespace

const char* dtypeName(DType dtype)
{
    for (const DTypeEntry& entry : kDTypes) {
        if (entry.dtype == dtype)
            return entry.name;
    }
    return "?";
}

std::size_t dtypeSize(DType dtype)
{
    for (const DTypeEntry& entry : kDTypes) {
        if (entry.dtype == dtype)
            return entry.size;
    }
    return 0;
}

std::int64_t TensorInfo::numel() const
{
    std::int64_t count = 1;
    for (const std::int64_t dim : shape)
        count *= dim; // validated at parse time: the byte count fits in 64 bits
    return count;
}

NamedTensorData tensorData(std::string name, std::vector<std::int64_t> shape, const std::vector<float>& values)
{
    return {std::move(name), DType::F32, std::move(shape),
            std::string_view(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float))};
}

NamedTensorData tensorData(std::string name, std::vector<std::int64_t> shape, const std::vector<std::int64_t>& values)
{
    return {std::move(name), DType::I64, std::move(shape),
            std::string_view(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(std::int64_t))};
}

SafetensorsFile::SafetensorsFile(SafetensorsFile&&) noexcept = default;
SafetensorsFile& SafetensorsFile::operator=(SafetensorsFile&&) noexcept = default;
SafetensorsFile::~SafetensorsFile() = default;

SafetensorsFile SafetensorsFile::open(const std::string& path)
{
    SafetensorsFile file;
    file.m_name = path;
    const QString qpath = QString::fromStdString(path);
    const QFileInfo info(qpath);
    if (!info.exists())
        throw InputError(path + ": file not found");
    if (info.isDir())
        throw InputError(path + ": is a directory, not a .safetensors file");
    file.m_file = std::make_unique<QFile>(qpath);
    if (!file.m_file->open(QIODevice::ReadOnly | QIODevice::Unbuffered))
        throw InputError(path + ": cannot read: " + file.m_file->errorString().toStdString());
    const qint64 size = file.m_file->size();
    file.m_size = static_cast<std::uint64_t>(std::max<qint64>(size, 0));
    file.m_owned = std::make_unique<std::string>();
    if (file.m_size >= 8) {
        // Only the header is read now. A length beyond the file or the limit is left for
        // parse() to reject from the first 8 bytes alone.
        file.m_owned->resize(8);
        file.readAt(0, file.m_owned->data(), 8, "the header length");
        const std::uint64_t headerLength =
            loadLittleEndian<quint64>(reinterpret_cast<const std::uint8_t*>(file.m_owned->data()));
        if (headerLength <= std::min(file.m_size - 8, kMaxHeaderBytes)) {
            file.m_owned->resize(8 + headerLength);
            file.readAt(8, file.m_owned->data() + 8, headerLength, "the header");
        }
    }
    file.m_bytes = reinterpret_cast<const std::uint8_t*>(file.m_owned->data());
    file.parse();
    return file;
}

SafetensorsFile SafetensorsFile::fromBytes(std::string bytes, std::string name)
{
    SafetensorsFile file;
    file.m_name = std::move(name);
    file.m_owned = std::make_unique<std::string>(std::move(bytes));
    file.m_bytes = reinterpret_cast<const std::uint8_t*>(file.m_owned->data());
    file.m_size = file.m_owned->size();
    file.parse();
    return file;
}

void SafetensorsFile::parse()
{
    if (m_size < 8)
        throw InputError(m_name + ": file is too short to be safetensors (" + std::to_string(m_size)
                         + " bytes, the header length alone takes 8)");
    const std::uint64_t headerLength = loadLittleEndian<quint64>(m_bytes);
    if (headerLength > kMaxHeaderBytes)
        throw InputError(m_name + ": header length " + std::to_string(headerLength)
                         + " is over the 100 MiB limit (not a safetensors file?)");
    if (headerLength > m_size - 8)
        throw InputError(m_name + ": header length " + std::to_string(headerLength) + " runs past the end of the file ("
                         + std::to_string(m_size) + " bytes)");
    m_dataStart = 8 + headerLength;
    const std::uint64_t dataSize = m_size - m_dataStart;

    const char* headerBegin = reinterpret_cast<const char*>(m_bytes + 8);
    const Json header = parseHeader(headerBegin, headerBegin + headerLength, m_name);
    if (!header.is_object())
        throw InputError(m_name + ": header is not a JSON object");

    for (const auto& [key, entry] : header.items()) {
        if (key == "__metadata__")
            m_metadata = parseMetadata(entry, m_name);
        else
            m_tensors.push_back(parseTensor(key, entry, dataSize, m_name));
    }
    std::sort(m_tensors.begin(), m_tensors.end(), [](const TensorInfo& a, const TensorInfo& b) {
        return a.begin != b.begin ? a.begin < b.begin : a.name < b.name;
    });
    checkNoOverlap(m_tensors, m_name);
    for (std::size_t i = 0; i < m_tensors.size(); ++i)
        m_index.emplace(m_tensors[i].name, i);
}

const TensorInfo* SafetensorsFile::find(std::string_view tensorName) const
{
    const auto it = m_index.find(tensorName);
    return it == m_index.end() ? nullptr : &m_tensors[it->second];
}

void SafetensorsFile::checkOwnTensor(const TensorInfo& tensor) const
{
    // A TensorInfo from another file (or edited by the caller) must not steer reads outside ours.
    if (tensor.begin > tensor.end || tensor.end > m_size - m_dataStart || dtypeSize(tensor.dtype) == 0)
        throw InputError(m_name + ": tensor " + quote(tensor.name) + " does not belong to this file");
}

void SafetensorsFile::readAt(std::uint64_t offset, char* destination, std::uint64_t count, const std::string& what) const
{
    const int fd = m_file->handle();
    std::uint64_t done = 0;
    while (done < count) {
        // pread keeps reads from several threads independent of a shared file position.
        const std::size_t chunk = static_cast<std::size_t>(std::min<std::uint64_t>(count - done, 1u << 30));
        const ssize_t got = ::pread(fd, destination + done, chunk, static_cast<off_t>(offset + done));
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0) {
            const qint64 now = QFileInfo(QString::fromStdString(m_name)).size();
            throw InputError(m_name + ": cannot read " + what + " (bytes " + std::to_string(offset) + " to "
                             + std::to_string(offset + count) + "): "
                             + (got < 0 ? std::string(std::strerror(errno))
                                        : "the file was truncated or replaced while loading (it was "
                                              + std::to_string(m_size) + " bytes, now " + std::to_string(now) + ")"));
        }
        done += static_cast<std::uint64_t>(got);
    }
}

void SafetensorsFile::readInto(const TensorInfo& tensor, void* destination) const
{
    checkOwnTensor(tensor);
    if (tensor.byteSize() == 0)
        return;
    if (m_file)
        readAt(m_dataStart + tensor.begin, static_cast<char*>(destination), tensor.byteSize(),
               "tensor " + quote(tensor.name));
    else
        std::memcpy(destination, m_bytes + m_dataStart + tensor.begin, tensor.byteSize());
}

std::string SafetensorsFile::bytes(const TensorInfo& tensor) const
{
    checkOwnTensor(tensor);
    std::string raw(tensor.byteSize(), '\0');
    readInto(tensor, raw.data());
    return raw;
}

std::vector<float> SafetensorsFile::toFloat32(const TensorInfo& tensor) const
{
    const std::string raw = this->bytes(tensor);
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(raw.data());
    const std::size_t elementSize = dtypeSize(tensor.dtype);
    const std::size_t count = static_cast<std::size_t>(tensor.byteSize() / elementSize);
    std::vector<float> values(count);
    switch (tensor.dtype) {
    case DType::F32:
        for (std::size_t i = 0; i < count; ++i) {
            const quint32 bits = loadLittleEndian<quint32>(bytes + 4 * i);
            std::memcpy(&values[i], &bits, 4);
        }
        break;
    case DType::F64:
        for (std::size_t i = 0; i < count; ++i) {
            const quint64 bits = loadLittleEndian<quint64>(bytes + 8 * i);
            double value;
            std::memcpy(&value, &bits, 8);
            values[i] = narrowToFloat(value);
        }
        break;
    case DType::F16:
        for (std::size_t i = 0; i < count; ++i) {
            const quint16 bits = loadLittleEndian<quint16>(bytes + 2 * i);
            qfloat16 half;
            // qfloat16 is a bare IEEE binary16 (Q_PRIMITIVE_TYPE); Qt's conversion is exact.
            std::memcpy(static_cast<void*>(&half), &bits, sizeof bits);
            values[i] = static_cast<float>(half);
        }
        break;
    case DType::BF16:
        for (std::size_t i = 0; i < count; ++i) {
            // bfloat16 is the top half of a float32.
            const quint32 bits = quint32(loadLittleEndian<quint16>(bytes + 2 * i)) << 16;
            std::memcpy(&values[i], &bits, 4);
        }
        break;
    default:
        throw InputError(m_name + ": tensor " + quote(tensor.name) + " is " + dtypeName(tensor.dtype)
                         + ", expected a floating-point tensor (F32, F16, BF16 or F64)");
    }
    return values;
}

std::vector<std::int64_t> SafetensorsFile::toInt64(const TensorInfo& tensor) const
{
    const std::string raw = this->bytes(tensor);
    const auto* bytes = reinterpret_cast<const std::uint8_t*>(raw.data());
    const std::size_t elementSize = dtypeSize(tensor.dtype);
    const std::size_t count = static_cast<std::size_t>(tensor.byteSize() / elementSize);
    std::vector<std::int64_t> values(count);
    switch (tensor.dtype) {
    case DType::I64:
        for (std::size_t i = 0; i < count; ++i)
            values[i] = loadLittleEndian<qint64>(bytes + 8 * i);
        break;
    case DType::I32:
        for (std::size_t i = 0; i < count; ++i)
            values[i] = loadLittleEndian<qint32>(bytes + 4 * i);
        break;
    case DType::I16:
        for (std::size_t i = 0; i < count; ++i)
            values[i] = loadLittleEndian<qint16>(bytes + 2 * i);
        break;
    case DType::I8:
        for (std::size_t i = 0; i < count; ++i)
            values[i] = static_cast<std::int8_t>(bytes[i]);
        break;
    case DType::U8:
        for (std::size_t i = 0; i < count; ++i)
            values[i] = bytes[i];
        break;
    default:
        throw InputError(m_name + ": tensor " + quote(tensor.name) + " is " + dtypeName(tensor.dtype)
                         + ", expected an integer tensor (I64, I32, I16, I8 or U8)");
    }
    return values;
}

std::string serializeSafetensors(const std::string& name, const std::vector<NamedTensorData>& tensors,
                                 const std::map<std::string, std::string>& metadata)
{
    nlohmann::ordered_json header = nlohmann::ordered_json::object();
    if (!metadata.empty())
        header["__metadata__"] = metadata;
    std::set<std::string> seen;
    std::uint64_t offset = 0;
    for (const NamedTensorData& tensor : tensors) {
        const std::string where = name + ": tensor " + quote(tensor.name);
        if (tensor.name == "__metadata__")
            throw InputError(where + " uses the reserved name");
        if (!seen.insert(tensor.name).second)
            throw InputError(where + " is given twice");
        if (tensor.shape.size() > SafetensorsFile::kMaxRank)
            throw InputError(where + " has rank " + std::to_string(tensor.shape.size()) + " (at most "
                             + std::to_string(SafetensorsFile::kMaxRank) + " supported)");
        std::uint64_t expected = 0;
        if (!checkedByteCount(tensor.shape, dtypeSize(tensor.dtype), expected) || expected != tensor.bytes.size())
            throw InputError(where + " has shape " + shapeText(tensor.shape) + " of " + dtypeName(tensor.dtype)
                             + " but " + std::to_string(tensor.bytes.size()) + " bytes of data");
        header[tensor.name] = {{"dtype", dtypeName(tensor.dtype)},
                               {"shape", tensor.shape},
                               {"data_offsets", {offset, offset + expected}}};
        offset += expected;
    }

    std::string headerText;
    try {
        headerText = header.dump();
    } catch (const nlohmann::ordered_json::exception&) {
        throw InputError(name + ": a tensor name or metadata entry is not valid UTF-8");
    }
    headerText.append((8 - headerText.size() % 8) % 8, ' ');

    std::string out;
    out.reserve(8 + headerText.size() + offset);
    char lengthBytes[8];
    qToLittleEndian<quint64>(headerText.size(), lengthBytes);
    out.append(lengthBytes, 8);
    out += headerText;
    for (const NamedTensorData& tensor : tensors)
        out.append(tensor.bytes.data(), tensor.bytes.size());
    return out;
}

void writeSafetensors(const std::string& path, const std::vector<NamedTensorData>& tensors,
                      const std::map<std::string, std::string>& metadata)
{
    writeFileAtomically(path, serializeSafetensors(path, tensors, metadata));
}

} // namespace vlmscope
