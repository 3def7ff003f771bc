list(APPEND VLMSCOPE_BASE_SOURCES
  image/pillow_resample.h image/pillow_resample.cpp
  image/image_preprocessor.h image/image_preprocessor.cpp)
