# Structured run files (SPEC §5): run record JSON, benchmark results, Chrome trace, CSV.
list(APPEND VLMSCOPE_BASE_SOURCES
  io/json_reader.h io/json_reader.cpp
  io/run_record_json.h io/run_record_json.cpp
  io/run_manifest.h io/run_manifest.cpp
  io/benchmark_results.h io/benchmark_results.cpp
  io/chrome_trace.h io/chrome_trace.cpp
  io/csv_export.h io/csv_export.cpp)
