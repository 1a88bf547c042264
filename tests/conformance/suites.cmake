# SPDX-License-Identifier: MIT
# The raw-frame conformance suite (h2conform.py, python3 standard library
# only): against the example server, and as a self-check of the suite
# against nghttpd with its known deviations.  Serial: the flood cases time
# the server's answers.
if(TARGET h2server)
  add_test(NAME conformance_h2server
    COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/run-server.sh $<TARGET_FILE:h2server>)
  set_tests_properties(conformance_h2server PROPERTIES
    TIMEOUT 900 RUN_SERIAL TRUE LABELS conformance)
endif()
find_program(H2C_NGHTTPD nghttpd PATHS /usr/sbin /usr/local/sbin)
if(H2C_NGHTTPD)
  add_test(NAME conformance_nghttpd_selfcheck
    COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/run-nghttpd.sh)
  set_tests_properties(conformance_nghttpd_selfcheck PROPERTIES
    TIMEOUT 300 RUN_SERIAL TRUE LABELS conformance)
endif()
