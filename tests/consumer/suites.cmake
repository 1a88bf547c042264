# SPDX-License-Identifier: MIT
# Consumer test: install into a temporary prefix, then build and run a tiny
# out-of-tree program against the installed package, through find_package
# and through pkg-config.
if(H2CODEC_SANITIZE)
  string(REPLACE ";" "," _san "${H2CODEC_SANITIZE}")
  set(_consumer_flags "-fsanitize=${_san}")
endif()
add_test(NAME consumer_install
  COMMAND ${H2C_SH} ${CMAKE_CURRENT_LIST_DIR}/run.sh ${PROJECT_BINARY_DIR}
          ${CMAKE_CURRENT_LIST_DIR}/project ${CMAKE_C_COMPILER} "${_consumer_flags}")
set_tests_properties(consumer_install PROPERTIES TIMEOUT 300)
