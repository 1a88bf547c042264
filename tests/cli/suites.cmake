# End-to-end tests of the h2codec CLI on the shipped corpus.
if(TARGET h2codec)
  add_test(NAME cli_hpack
    COMMAND bash ${CMAKE_CURRENT_LIST_DIR}/cli_hpack.sh $<TARGET_FILE:h2codec> ${H2CODEC_CORPUS_OUT})
  set_tests_properties(cli_hpack PROPERTIES TIMEOUT 600)
endif()
