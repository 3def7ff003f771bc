# The human-readable report and the consolidated .log (writer and reader).
vlmscope_add_test(test_text_report SOURCES test_text_report.cpp text_fixture.h LIBS vlmscope_core_base)
vlmscope_add_test(test_generation_log SOURCES test_generation_log.cpp text_fixture.h LIBS vlmscope_core_base)
