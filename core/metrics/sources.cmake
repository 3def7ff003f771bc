list(APPEND VLMSCOPE_BASE_SOURCES
  metrics/aggregate.h metrics/aggregate.cpp
  metrics/generation_metrics.h metrics/generation_metrics.cpp
  metrics/metric_definitions.h
  metrics/regression_gate.h metrics/regression_gate.cpp)
