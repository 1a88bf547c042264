# SPDX-License-Identifier: MIT
# Adversarial catalogue: every known HTTP/2 codec attack class as cases run
# through the HPACK decoder, the frame parser + assembler and the receiving
# pipeline of tools/cli/conn.c, at several chunkings.
set(_c ${CMAKE_CURRENT_LIST_DIR})
set(H2C_CATALOGUE_SOURCES ${_c}/input.c ${_c}/runner.c ${_c}/cases_hpack.c ${_c}/cases_frame.c
    ${_c}/cases_conn.c ${PROJECT_SOURCE_DIR}/tools/cli/conn.c)
h2codec_check_suite(NAME test_catalogue TIMEOUT 120
                    SOURCES ${_c}/test_catalogue.c ${H2C_CATALOGUE_SOURCES}
                    LIBS h2codec_hpack_obj h2codec_frame_obj h2codec_conn_obj h2codec_common_obj)
target_include_directories(test_catalogue PRIVATE ${_c} ${PROJECT_SOURCE_DIR}/tools/cli)

# Quadratic work on split input (CVE-2022-41723 class): instructions of a
# large header block and a large frame stream fed one octet per call against
# fed whole, counted by callgrind.  valgrind and the sanitizers do not mix:
# registered in plain builds only (tools/test: its plain phase, label
# split_cost).  The driver is built everywhere so it stays -Werror clean.
add_executable(split_cost ${_c}/split_cost.c ${_c}/split_noop.c)
target_link_libraries(split_cost PRIVATE h2codec_hpack_obj h2codec_frame_obj h2codec_conn_obj h2codec_common_obj)
h2codec_target_defaults(split_cost)
if(NOT H2CODEC_SANITIZE)
  h2codec_test_program(H2C_VALGRIND valgrind valgrind)
endif()
if(H2C_VALGRIND AND NOT H2CODEC_SANITIZE)
  foreach(_w hpack frames)
    add_test(NAME split_cost_${_w}
             COMMAND ${H2C_SH} ${_c}/split_cost.sh ${H2C_VALGRIND} $<TARGET_FILE:split_cost> ${_w})
    set_tests_properties(split_cost_${_w} PROPERTIES TIMEOUT 300 LABELS split_cost)
  endforeach()
endif()
