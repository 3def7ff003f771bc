list(APPEND VLMSCOPE_BASE_SOURCES
  util/error.h
  util/atomic_write.h util/atomic_write.cpp
  util/memory_budget.h util/memory_budget.cpp
  util/blas_probe.h util/blas_probe.cpp
  util/file_fingerprint.h util/file_fingerprint.cpp)
