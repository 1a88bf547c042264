# HPACK encoder suites.
h2codec_check_suite(NAME test_hpack_encoder
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_encoder.c
  LIBS h2codec_hpack_obj)
