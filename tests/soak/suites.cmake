# SPDX-License-Identifier: MIT
# Soak: the interop corpus decoded 1000 times, RSS flat.  Registered only in
# builds without sanitizers (their quarantines grow RSS by design); tools/test
# runs it in its plain build.
add_executable(soak ${CMAKE_CURRENT_LIST_DIR}/soak.c)
target_link_libraries(soak PRIVATE h2codec_hpack_obj h2codec_common_obj h2codec_testutil
                           PkgConfig::H2C_JANSSON)
h2codec_target_defaults(soak)
add_dependencies(soak h2codec_corpus)
if(NOT H2CODEC_SANITIZE)
  add_test(NAME soak COMMAND soak ${H2CODEC_CORPUS_OUT}/hpack-test-case 1000)
  set_tests_properties(soak PROPERTIES TIMEOUT 900 LABELS soak)
endif()
