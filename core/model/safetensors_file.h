// Reading and writing `.safetensors` checkpoints. The header is untrusted: every length,
// offset, dtype and shape is validated before any tensor byte is touched.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

class QFile;

namespace vlmscope {

// Element types we read. Other safetensors dtypes (F8_*, U16/U32/U64, ...) are rejected
// with a clear message rather than half-supported.
enum class DType { F64, F32, F16, BF16, I64, I32, I16, I8, U8, BOOL };

// The safetensors spelling ("F32", "BF16", ...).
const char* dtypeName(DType dtype);
// Bytes per element.
std::size_t dtypeSize(DType dtype);

struct TensorInfo {
    std::string name;
    DType dtype = DType::F32;
    std::vector<std::int64_t> shape;
    // Byte range relative to the start of the data section (after the header).
    std::uint64_t begin = 0;
    std::uint64_t end = 0;

    std::int64_t numel() const;
    std::uint64_t byteSize() const { return end - begin; }
};

// One tensor for writeSafetensors: `bytes` are the little-endian elements, numel × dtype size
// long. The view must stay valid until the write returns.
struct NamedTensorData {
    std::string name;
    DType dtype = DType::F32;
    std::vector<std::int64_t> shape;
    std::string_view bytes;
};

// Views `values` as tensor bytes (no copy: `values` must outlive the returned object).
NamedTensorData tensorData(std::string name, std::vector<std::int64_t> shape,
                           const std::vector<float>& values);
NamedTensorData tensorData(std::string name, std::vector<std::int64_t> shape,
                           const std::vector<std::int64_t>& values);

class SafetensorsFile {
public:
    // Largest header we accept; real checkpoints have headers of a few hundred KiB.
    static constexpr std::uint64_t kMaxHeaderBytes = 100ull << 20;
    static constexpr std::size_t kMaxRank = 8;

    // Opens `path` and reads its header; tensor bytes are read on demand. The file is read,
    // not memory-mapped, so a file truncated or rewritten while we load it gives an
    // InputError rather than SIGBUS. Throws InputError "<path>: <problem>".
    static SafetensorsFile open(const std::string& path);
    // Parses an in-memory copy; `name` stands for the path in messages.
    static SafetensorsFile fromBytes(std::string bytes, std::string name);

    SafetensorsFile(SafetensorsFile&&) noexcept;
    SafetensorsFile& operator=(SafetensorsFile&&) noexcept;
    SafetensorsFile(const SafetensorsFile&) = delete;
    SafetensorsFile& operator=(const SafetensorsFile&) = delete;
    ~SafetensorsFile();

    const std::string& name() const { return m_name; }
    // Ordered by data offset (the order of the bytes in the file), then by name.
    const std::vector<TensorInfo>& tensors() const { return m_tensors; }
    const TensorInfo* find(std::string_view tensorName) const;
    const std::map<std::string, std::string>& metadata() const { return m_metadata; }

    // Copies the tensor's byteSize() bytes, as stored (little-endian), to `destination`.
    // Throws InputError if the file no longer holds them. Safe to call from several threads.
    void readInto(const TensorInfo& tensor, void* destination) const;
    std::string bytes(const TensorInfo& tensor) const;
    // F32/F16/BF16/F64 as float32 (F16/BF16 exactly, F64 rounded). Throws InputError for
    // integer and bool tensors.
    std::vector<float> toFloat32(const TensorInfo& tensor) const;
    // I64/I32/I16/I8/U8 widened to int64. Throws InputError for other dtypes.
    std::vector<std::int64_t> toInt64(const TensorInfo& tensor) const;

private:
    SafetensorsFile() = default;
    void parse();
    void checkOwnTensor(const TensorInfo& tensor) const;
    // Reads exactly `count` bytes at `offset` of the open file; `what` names them in errors.
    void readAt(std::uint64_t offset, char* destination, std::uint64_t count, const std::string& what) const;

    std::string m_name;
    std::unique_ptr<QFile> m_file;        // set by open(): tensor bytes are read from it
    std::unique_ptr<std::string> m_owned; // the whole file (fromBytes) or its header (open)
    const std::uint8_t* m_bytes = nullptr; // m_owned's bytes; heap-held so moves keep it valid
    std::uint64_t m_size = 0;              // of the whole file
    std::uint64_t m_dataStart = 0;
    std::vector<TensorInfo> m_tensors;
    std::map<std::string, std::size_t, std::less<>> m_index;
    std::map<std::string, std::string> m_metadata;
};

// Serialises tensors (in the given order, data packed back to back, header padded to a
// multiple of 8 bytes as the reference writer does). Throws InputError "<name>: <problem>"
// on a malformed tensor (byte count not matching the shape, duplicate or reserved name).
std::string serializeSafetensors(const std::string& name, const std::vector<NamedTensorData>& tensors,
                                 const std::map<std::string, std::string>& metadata = {});

// serializeSafetensors + writeFileAtomically. Throws InputError / RuntimeFailure naming `path`.
void writeSafetensors(const std::string& path, const std::vector<NamedTensorData>& tensors,
                      const std::map<std::string, std::string>& metadata = {});

} // namespace vlmscope
