# SPDX-License-Identifier: MIT
# Memory safety: allocation-failure injection across the public API, and
# every catalogue input and corpus client stream against a guard page.
# Both reuse the catalogue's runner (tests/catalogue/suites.cmake must be
# included first: it defines H2C_CATALOGUE_SOURCES).
set(_r ${CMAKE_CURRENT_LIST_DIR})
foreach(_s alloc_inject guard)
  h2codec_check_suite(NAME test_${_s} TIMEOUT 120
                      SOURCES ${_r}/test_${_s}.c ${H2C_CATALOGUE_SOURCES}
                      LIBS h2codec_hpack_obj h2codec_frame_obj h2codec_conn_obj h2codec_common_obj)
  target_include_directories(test_${_s} PRIVATE ${PROJECT_SOURCE_DIR}/tests/catalogue
                                                ${PROJECT_SOURCE_DIR}/tools/cli)
endforeach()
