# The human-readable report and the consolidated .log (writer and reader).
list(APPEND VLMSCOPE_BASE_SOURCES
  io/text_format.h io/text_format.cpp
  io/layer_breakdown.h io/layer_breakdown.cpp
  io/report_sections.h io/report_sections.cpp
  io/text_report.h io/text_report.cpp
  io/generation_log.h io/generation_log.cpp
  io/generation_log_reader.h io/generation_log_reader.cpp)
