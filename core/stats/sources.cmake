# Statistics over repeated runs: bootstrap intervals and stop-when-stable, Mann-Whitney U,
# warm-up detection, significance-aware comparisons and gate, CI reports (JUnit XML,
# Markdown), and importers for llama-bench and vLLM benchmark results.
list(APPEND VLMSCOPE_BASE_SOURCES
  stats/number_format.h stats/number_format.cpp
  stats/bootstrap.h stats/bootstrap.cpp
  stats/mann_whitney.h stats/mann_whitney.cpp
  stats/change_point.h stats/change_point.cpp
  stats/external_results.h stats/external_results.cpp
  stats/comparison.h stats/comparison.cpp
  stats/shared_metrics.h stats/shared_metrics.cpp
  stats/ci_reports.h stats/ci_reports.cpp)
