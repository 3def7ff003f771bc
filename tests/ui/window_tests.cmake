# The dashboard's main window and everything around it (GUI label: offscreen platform).
vlmscope_add_test(test_ui_models SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_ui_models.cpp LIBS vlmscope_ui LABELS gui)
vlmscope_add_test(test_live_run SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_live_run.cpp LIBS vlmscope_ui LABELS gui)
vlmscope_add_test(test_run_files SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_run_files.cpp LIBS vlmscope_ui LABELS gui)
vlmscope_add_test(test_main_window SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_main_window.cpp LIBS vlmscope_ui LABELS gui)

# Not a test: drives the window for tests/screenshots/make_screenshots.sh.
add_executable(screenshot_demo ${CMAKE_CURRENT_LIST_DIR}/../screenshots/screenshot_demo.cpp)
target_link_libraries(screenshot_demo PRIVATE vlmscope_ui)
vlmscope_warnings(screenshot_demo)

vlmscope_add_test(test_welcome_dialog SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_welcome_dialog.cpp LIBS vlmscope_ui LABELS gui)
vlmscope_add_test(test_results_gui SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_results_gui.cpp LIBS vlmscope_ui LABELS gui)
