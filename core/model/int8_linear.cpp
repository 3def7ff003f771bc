#include "core/model/int8_linear.h"

#include <ATen/core/dispatch/Dispatcher.h>

#include <algorithm>

namespace vlmscope {

namespace {

constexpr std::int64_t kRowMultiple = 8;

bool cpuHasVnni()
{
#if defined(__x86_64__)
    static const bool has = [] {
        __builtin_cpu_init();
        return static_cast<bool>(__builtin_cpu_supports("avx512vnni"));
    }();
    return has;
#else
    return false;
#endif
}

// Packs are made for the engine selected when they are made, and run on it.
void selectOneDnnEngine()
{
    TORCH_CHECK(int8Supported(), "int8: this LibTorch has no oneDNN quantised engine");
    if (at::globalContext().qEngine() != at::QEngine::ONEDNN)
        at::globalContext().setQEngine(at::QEngine::ONEDNN);
}

} // namespace

bool int8Supported()
{
    const auto& engines = at::globalContext().supportedQEngines();
    return std::find(engines.begin(), engines.end(), at::QEngine::ONEDNN) != engines.end();
}

Int8Packed packInt8(const torch::Tensor& weight, const torch::Tensor& bias)
{
    selectOneDnnEngine();
    TORCH_CHECK(weight.dim() == 2, "packInt8: weight must be [out, in], got ", weight.sizes());
    const torch::Tensor values = weight.to(torch::kFloat32);
    // An all-zero row gets scale 1 (any scale represents it exactly; 0 is not allowed).
    torch::Tensor scales = values.abs().amax(1).div(127.0).to(torch::kDouble);
    scales.masked_fill_(scales.eq(0), 1.0);
    const torch::Tensor zeroPoints = torch::zeros({values.size(0)}, torch::kLong);
    const torch::Tensor quantized = torch::quantize_per_channel(values, scales, zeroPoints, 0, torch::kQInt8);
    static const auto prepack = c10::Dispatcher::singleton()
                                    .findSchemaOrThrow("quantized::linear_prepack", "")
                                    .typed<Int8Packed(at::Tensor, c10::optional<at::Tensor>)>();
    return prepack.call(quantized, bias.defined() ? c10::optional<at::Tensor>(bias.to(torch::kFloat32)) : c10::nullopt);
}

torch::Tensor int8Weight(const Int8Packed& packed)
{
    return std::get<0>(packed->unpack());
}

torch::Tensor int8Linear(const torch::Tensor& x, const Int8Packed& packed)
{
    static const auto linearDynamic = c10::Dispatcher::singleton()
                                          .findSchemaOrThrow("quantized::linear_dynamic", "")
                                          .typed<at::Tensor(at::Tensor, const Int8Packed&, bool)>();
    torch::Tensor rows = x.reshape({-1, x.size(-1)}).to(torch::kFloat32);
    const std::int64_t count = rows.size(0);
    // oneDNN builds (JIT-compiles) a kernel per row count and keeps 1024 of them: runs without
    // a KV cache grow the row count every step, and 60 layers x a new count each step thrash
    // that cache (measured: 7.9 tok/s against 30 in bf16). Zero rows up to a multiple of 8
    // bound the counts; they leave the result unchanged, since the activation range always
    // includes 0 in dynamic quantisation.
    const std::int64_t padded = (count + kRowMultiple - 1) / kRowMultiple * kRowMultiple;
    if (padded != count)
        rows = at::constant_pad_nd(rows, {0, 0, 0, padded - count});
    torch::Tensor y = linearDynamic.call(rows.contiguous(), packed, /*reduce_range=*/!cpuHasVnni());
    if (padded != count)
        y = y.narrow(0, 0, count);
    std::vector<std::int64_t> shape = x.sizes().vec();
    shape.back() = y.size(-1);
    return y.reshape(shape);
}

} // namespace vlmscope
