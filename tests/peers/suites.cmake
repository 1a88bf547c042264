# SPDX-License-Identifier: MIT
# Other implementations' HPACK and frame test vectors (corpus/peers.zip)
# through the CLI, with the answers the RFCs ask for.
if(TARGET h2codec)
  add_test(NAME peer_vectors
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_LIST_DIR}/peers.py $<TARGET_FILE:h2codec>
            ${H2CODEC_CORPUS_OUT})
  set_tests_properties(peer_vectors PROPERTIES TIMEOUT 300)
endif()
