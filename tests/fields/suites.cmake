# SPDX-License-Identifier: MIT
h2codec_check_suite(NAME test_fields SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_fields.c
                    LIBS h2codec_conn_obj h2codec_frame_obj h2codec_hpack_obj)
# The same suite against the portable uint64_t scans of fields.c (what a
# big-endian or non-SSE2 target runs), built in here with H2C_FIELDS_PORTABLE.
h2codec_check_suite(NAME test_fields_portable
                    SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_fields.c
                            ${PROJECT_SOURCE_DIR}/conn/src/fields.c)
target_include_directories(test_fields_portable PRIVATE ${PROJECT_SOURCE_DIR}/conn/include
                                                        ${PROJECT_SOURCE_DIR}/conn/src)
target_compile_definitions(test_fields_portable PRIVATE H2C_FIELDS_PORTABLE)
