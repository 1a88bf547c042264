# SPDX-License-Identifier: MIT
h2codec_check_suite(NAME test_fields SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_fields.c
                    LIBS h2codec_conn_obj h2codec_frame_obj h2codec_hpack_obj)
# The same suite against other scans of fields.c, built in here:
# test_fields_portable the uint64_t ones (what a big-endian or non-SSE2
# target runs, H2C_FIELDS_PORTABLE), test_fields_sse2 the SSE2 loops that
# a CPU with AVX2 would not run (H2C_FIELDS_NO_AVX2).
foreach(variant portable sse2)
  string(TOUPPER "${variant}" upper)
  if(variant STREQUAL "sse2")
    set(upper NO_AVX2)
  endif()
  h2codec_check_suite(NAME test_fields_${variant}
                      SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_fields.c
                              ${PROJECT_SOURCE_DIR}/conn/src/fields.c)
  target_include_directories(test_fields_${variant} PRIVATE ${PROJECT_SOURCE_DIR}/conn/include
                                                            ${PROJECT_SOURCE_DIR}/conn/src)
  target_compile_definitions(test_fields_${variant} PRIVATE H2C_FIELDS_${upper})
endforeach()
