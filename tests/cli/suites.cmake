# SPDX-License-Identifier: MIT
# End-to-end tests of the h2codec CLI on the shipped corpus.
if(TARGET h2codec)
  add_test(NAME cli_hpack
    COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/cli_hpack.sh $<TARGET_FILE:h2codec> ${H2CODEC_CORPUS_OUT})
  add_test(NAME cli_frames
    COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/cli_frames.py $<TARGET_FILE:h2codec>
            ${H2CODEC_CORPUS_OUT} ${CMAKE_CURRENT_LIST_DIR}/streams.expected)
  add_test(NAME bench_smoke
    COMMAND python3 ${CMAKE_CURRENT_LIST_DIR}/bench_smoke.py $<TARGET_FILE:h2codec>
            ${H2CODEC_CORPUS_OUT})
  set_tests_properties(cli_hpack cli_frames bench_smoke PROPERTIES TIMEOUT 600)

  # Real peers on loopback: nghttpd, nghttp and curl (Debian nghttp2-server,
  # nghttp2-client, curl), through a recording relay.
  find_program(NGHTTPD nghttpd)
  find_program(NGHTTP nghttp)
  find_program(CURL curl)
  if(NGHTTPD AND NGHTTP AND CURL)
    add_test(NAME peer_nghttp2_curl
      COMMAND bash ${PROJECT_SOURCE_DIR}/tests/peer/peer_test.sh $<TARGET_FILE:h2codec>)
    set_tests_properties(peer_nghttp2_curl PROPERTIES TIMEOUT 120)
  else()
    message(WARNING "nghttpd, nghttp or curl missing: the real-peer test is not registered")
  endif()
endif()
