list(APPEND VLMSCOPE_BASE_SOURCES
  profiling/scope_table.h profiling/scope_table.cpp
  profiling/scope_profiler.h profiling/scope_profiler.cpp
  profiling/system_probe.h profiling/system_probe.cpp)
list(APPEND VLMSCOPE_TORCH_SOURCES
  profiling/allocator_tracker.h profiling/allocator_tracker.cpp
  profiling/op_profiler.h profiling/op_profiler.cpp)
