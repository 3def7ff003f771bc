# Tests of the dashboard's chart widgets (ui/charts/), run on the offscreen platform.
vlmscope_add_test(test_charts
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_charts.cpp ${CMAKE_CURRENT_LIST_DIR}/chart_fixtures.h
  LIBS vlmscope_charts)
vlmscope_add_test(test_layer_heatmap
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_layer_heatmap.cpp ${CMAKE_CURRENT_LIST_DIR}/chart_fixtures.h
  LIBS vlmscope_charts)
# Renders every chart with realistic data into $VLMSCOPE_CHART_GALLERY (default:
# <temp>/vlmscope-charts/) for a person to look at, and checks the images are not blank.
vlmscope_add_test(test_chart_gallery
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_chart_gallery.cpp ${CMAKE_CURRENT_LIST_DIR}/chart_fixtures.h
  LIBS vlmscope_charts)
