list(APPEND VLMSCOPE_BASE_SOURCES
  engine/prompt_builder.h engine/prompt_builder.cpp
  engine/run_record.h engine/run_record.cpp
  engine/run_events.h)
list(APPEND VLMSCOPE_TORCH_SOURCES
  engine/generator.h engine/generator.cpp
  engine/model_bundle.h engine/model_bundle.cpp
  engine/run_session.h engine/run_session.cpp
  engine/engine.h engine/engine.cpp)
