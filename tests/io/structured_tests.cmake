# Structured run files: run record JSON, benchmark results, Chrome trace, CSV. The tests share
# one realistic RunRecord fixture.
add_library(vlmscope_io_fixture STATIC run_record_fixture.h run_record_fixture.cpp)
target_link_libraries(vlmscope_io_fixture PUBLIC vlmscope_core_base)
vlmscope_warnings(vlmscope_io_fixture)

foreach(name run_record_json benchmark_results chrome_trace csv_export run_manifest)
  vlmscope_add_test(test_${name} SOURCES test_${name}.cpp LIBS vlmscope_io_fixture vlmscope_core_base)
endforeach()
