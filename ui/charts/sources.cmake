# The dashboard's chart widgets (library vlmscope_charts, see ui/CMakeLists.txt).
list(APPEND VLMSCOPE_CHART_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/chart_style.h ${CMAKE_CURRENT_LIST_DIR}/chart_style.cpp
  ${CMAKE_CURRENT_LIST_DIR}/chart_widget.h ${CMAKE_CURRENT_LIST_DIR}/chart_widget.cpp
  ${CMAKE_CURRENT_LIST_DIR}/chart_markers.h ${CMAKE_CURRENT_LIST_DIR}/chart_markers.cpp
  ${CMAKE_CURRENT_LIST_DIR}/chart_view_widget.h ${CMAKE_CURRENT_LIST_DIR}/chart_view_widget.cpp
  ${CMAKE_CURRENT_LIST_DIR}/series_decimator.h ${CMAKE_CURRENT_LIST_DIR}/series_decimator.cpp
  ${CMAKE_CURRENT_LIST_DIR}/horizontal_bars.h ${CMAKE_CURRENT_LIST_DIR}/horizontal_bars.cpp
  ${CMAKE_CURRENT_LIST_DIR}/heatmap_rows.h ${CMAKE_CURRENT_LIST_DIR}/heatmap_rows.cpp
  ${CMAKE_CURRENT_LIST_DIR}/tps_chart.h ${CMAKE_CURRENT_LIST_DIR}/tps_chart.cpp
  ${CMAKE_CURRENT_LIST_DIR}/memory_chart.h ${CMAKE_CURRENT_LIST_DIR}/memory_chart.cpp
  ${CMAKE_CURRENT_LIST_DIR}/layer_heatmap.h ${CMAKE_CURRENT_LIST_DIR}/layer_heatmap.cpp
  ${CMAKE_CURRENT_LIST_DIR}/category_chart.h ${CMAKE_CURRENT_LIST_DIR}/category_chart.cpp
  ${CMAKE_CURRENT_LIST_DIR}/layer_bars_chart.h ${CMAKE_CURRENT_LIST_DIR}/layer_bars_chart.cpp
  ${CMAKE_CURRENT_LIST_DIR}/sweep_chart.h ${CMAKE_CURRENT_LIST_DIR}/sweep_chart.cpp
  ${CMAKE_CURRENT_LIST_DIR}/band_chart.h ${CMAKE_CURRENT_LIST_DIR}/band_chart.cpp
  ${CMAKE_CURRENT_LIST_DIR}/itl_chart.h ${CMAKE_CURRENT_LIST_DIR}/itl_chart.cpp
)
