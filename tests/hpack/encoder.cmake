# SPDX-License-Identifier: MIT
# HPACK encoder suites.
h2codec_check_suite(NAME test_hpack_encoder
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_encoder.c
  LIBS h2codec_hpack_obj)

h2codec_check_suite(NAME test_hpack_enc_roundtrip
  SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_enc_roundtrip.c
  LIBS h2codec_hpack_obj)
target_link_libraries(test_hpack_enc_roundtrip PRIVATE
  PkgConfig::H2C_JANSSON PkgConfig::H2C_NGHTTP2)  # nghttp2: the reference, tests only
# The longest suite: ctest -j starts it first (COST) rather than last.
set_tests_properties(test_hpack_enc_roundtrip PROPERTIES COST 100)
