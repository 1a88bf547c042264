# SPDX-License-Identifier: MIT
# Real peers against the example server and client (nghttp, curl, h2load,
# python3-h2, nghttpd).  Serial: it measures, and the peers time out.
if(TARGET h2server AND TARGET h2client)
  add_test(NAME interop_peers
    COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/run.sh ${PROJECT_BINARY_DIR})
  set_tests_properties(interop_peers PROPERTIES TIMEOUT 900 RUN_SERIAL TRUE LABELS interop)
endif()
