list(APPEND VLMSCOPE_BASE_SOURCES
  util/error.h
  util/atomic_write.h util/atomic_write.cpp
  util/blas_probe.h util/blas_probe.cpp)
