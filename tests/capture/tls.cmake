# SPDX-License-Identifier: MIT
# capture_tls: TLS decryption with key logs, on the
# shipped recordings (corpus/tls-captures.zip) and, when the programs are
# there, on connections it records itself (openssl, nghttpd, curl, tshark;
# tcpdump when root).
if(TARGET h2codec_cli_tls)
  add_executable(tls_decrypt ${CMAKE_CURRENT_LIST_DIR}/tls_decrypt.c)
  target_link_libraries(tls_decrypt PRIVATE h2codec_cli_tls)
  h2codec_target_defaults(tls_decrypt)
  add_dependencies(tls_decrypt h2codec_corpus)
  h2codec_test_program(H2C_TSHARK tshark tshark)
  h2codec_test_program(H2C_OPENSSL openssl openssl)
  add_test(NAME capture_tls
    COMMAND ${H2C_BASH} ${CMAKE_CURRENT_LIST_DIR}/tls.sh $<TARGET_FILE:tls_decrypt>
            $<TARGET_FILE:h2codec> ${H2CODEC_CORPUS_OUT})
  set_tests_properties(capture_tls PROPERTIES TIMEOUT 300)
  # capture_tls_budget: the bounds on trial decryptions after gaps, on
  # captures made from t13-aes128 (python3-cryptography re-encrypts them).
  add_test(NAME capture_tls_budget
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/tls_budget.py $<TARGET_FILE:h2codec>
            ${H2CODEC_CORPUS_OUT}/tls-captures ${CMAKE_CURRENT_BINARY_DIR}/tls_budget)
  set_tests_properties(capture_tls_budget PROPERTIES TIMEOUT 60)
endif()
