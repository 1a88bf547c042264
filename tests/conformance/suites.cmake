# SPDX-License-Identifier: MIT
# The raw-frame conformance suites (python3 standard library only):
# h2conform.py against the example server, and as a self-check of the suite
# against nghttpd with its known deviations; h2cliconform.py plays the
# server to the example client.  Serial: the flood cases time the server's
# answers.
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
if(TARGET h2client)
  add_test(NAME conformance_h2client
    COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/h2cliconform.py -- $<TARGET_FILE:h2client> {url})
  set_tests_properties(conformance_h2client PROPERTIES
    TIMEOUT 300 RUN_SERIAL TRUE LABELS conformance)
endif()
