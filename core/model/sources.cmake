# Checkpoint parsing (no LibTorch): safetensors reader/writer and the nanoVLM config.
list(APPEND VLMSCOPE_BASE_SOURCES
  model/safetensors_file.h model/safetensors_file.cpp
  model/model_config.h model/model_config.cpp
  model/weight_precision.h model/weight_precision.cpp)

# The LibTorch model.
list(APPEND VLMSCOPE_TORCH_SOURCES
  model/model_weights.h model/model_weights.cpp
  model/kv_cache.h
  model/int8_linear.h model/int8_linear.cpp
  model/nanovlm_model.h model/nanovlm_model.cpp)

# Hand-written SIMD kernels (LibTorch tensors in and out, nothing else of core/): their own
# library so CI can build and test them under AddressSanitizer in minutes.
list(APPEND VLMSCOPE_KERNEL_SOURCES
  model/matvec.h model/matvec.cpp
  model/fused_ops.h model/fused_ops.cpp
  model/cached_attention.h model/cached_attention.cpp
  model/avx512_math.h)
