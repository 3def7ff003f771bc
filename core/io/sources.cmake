# Run records, benchmark results, traces and CSV (structured files), and the human-readable
# report and consolidated .log (text files).
include(${CMAKE_CURRENT_LIST_DIR}/structured_sources.cmake OPTIONAL)
include(${CMAKE_CURRENT_LIST_DIR}/text_sources.cmake OPTIONAL)
