# SPDX-License-Identifier: MIT
# End-to-end tests of the h2codec CLI on the shipped corpus.  Each test
# calls the programs found here, by full path.
if(TARGET h2codec)
  add_test(NAME cli_hpack
    COMMAND ${H2C_BASH} ${CMAKE_CURRENT_LIST_DIR}/cli_hpack.sh $<TARGET_FILE:h2codec> ${H2CODEC_CORPUS_OUT})
  add_test(NAME cli_frames
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/cli_frames.py $<TARGET_FILE:h2codec>
            ${H2CODEC_CORPUS_OUT} ${CMAKE_CURRENT_LIST_DIR}/streams.expected)
  # bench_smoke knows whether this build's bench compares with nghttp2.
  add_test(NAME bench_smoke
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/bench_smoke.py $<TARGET_FILE:h2codec>
            ${H2CODEC_CORPUS_OUT} ${H2C_BENCH_HAS_NGHTTP2})
  set_tests_properties(cli_hpack cli_frames bench_smoke PROPERTIES TIMEOUT 600)
  # The man page documents every command and option (groff, Debian
  # groff-base, checks that it formats without a warning).
  h2codec_test_program(H2C_GROFF groff groff-base)
  add_test(NAME cli_man_page
    COMMAND ${H2C_BASH} ${CMAKE_CURRENT_LIST_DIR}/man_page.sh ${PROJECT_SOURCE_DIR}/docs/h2codec.1
            ${PROJECT_SOURCE_DIR}/tools/cli $<TARGET_FILE:h2codec> ${H2C_GROFF})

  # Real peers on loopback: nghttpd, nghttp and curl (Debian nghttp2-server,
  # nghttp2-client, curl), through a recording relay.  nghttpd is in
  # /usr/sbin, which a normal user's PATH may lack.
  h2codec_test_program(H2C_NGHTTPD nghttpd nghttp2-server /usr/sbin /usr/local/sbin)
  h2codec_test_program(H2C_NGHTTP nghttp nghttp2-client)
  h2codec_test_program(H2C_CURL curl curl)
  if(H2C_NGHTTPD AND H2C_NGHTTP AND H2C_CURL)
    add_test(NAME peer_nghttp2_curl
      COMMAND ${H2C_BASH} ${PROJECT_SOURCE_DIR}/tests/peer/peer_test.sh $<TARGET_FILE:h2codec>
              ${H2C_NGHTTPD} ${H2C_NGHTTP} ${H2C_CURL} ${Python3_EXECUTABLE})
    set_tests_properties(peer_nghttp2_curl PROPERTIES TIMEOUT 120)
  else()
    message(WARNING "h2codec: the real-peer test is not registered: it needs nghttpd, "
                    "nghttp and curl (Debian: apt-get install nghttp2-server nghttp2-client curl)")
  endif()
endif()
