# The dashboard (vlmscope_ui): main window, live-run accumulator, item models, files.
list(APPEND VLMSCOPE_UI_SOURCES
  ${CMAKE_CURRENT_LIST_DIR}/app_theme.h ${CMAKE_CURRENT_LIST_DIR}/app_theme.cpp
  ${CMAKE_CURRENT_LIST_DIR}/welcome_dialog.h ${CMAKE_CURRENT_LIST_DIR}/welcome_dialog.cpp
  ${CMAKE_CURRENT_LIST_DIR}/build_info.h ${CMAKE_CURRENT_LIST_DIR}/build_info.cpp
  ${CMAKE_CURRENT_LIST_DIR}/comparison_model.h ${CMAKE_CURRENT_LIST_DIR}/comparison_model.cpp
  ${CMAKE_CURRENT_LIST_DIR}/formatting.h ${CMAKE_CURRENT_LIST_DIR}/formatting.cpp
  ${CMAKE_CURRENT_LIST_DIR}/gui_main.h ${CMAKE_CURRENT_LIST_DIR}/gui_main.cpp
  ${CMAKE_CURRENT_LIST_DIR}/layer_table_model.h ${CMAKE_CURRENT_LIST_DIR}/layer_table_model.cpp
  ${CMAKE_CURRENT_LIST_DIR}/live_run.h ${CMAKE_CURRENT_LIST_DIR}/live_run.cpp
  ${CMAKE_CURRENT_LIST_DIR}/main_window.h ${CMAKE_CURRENT_LIST_DIR}/main_window.cpp
  ${CMAKE_CURRENT_LIST_DIR}/metric_cards.h ${CMAKE_CURRENT_LIST_DIR}/metric_cards.cpp
  ${CMAKE_CURRENT_LIST_DIR}/metric_catalog.h ${CMAKE_CURRENT_LIST_DIR}/metric_catalog.cpp
  ${CMAKE_CURRENT_LIST_DIR}/op_table_model.h ${CMAKE_CURRENT_LIST_DIR}/op_table_model.cpp
  ${CMAKE_CURRENT_LIST_DIR}/run_files.h ${CMAKE_CURRENT_LIST_DIR}/run_files.cpp
  ${CMAKE_CURRENT_LIST_DIR}/run_list_model.h ${CMAKE_CURRENT_LIST_DIR}/run_list_model.cpp
  ${CMAKE_CURRENT_LIST_DIR}/setup_panel.h ${CMAKE_CURRENT_LIST_DIR}/setup_panel.cpp)
