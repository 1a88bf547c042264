# SPDX-License-Identifier: MIT
# HPACK decoder side: primitives, decoder, RFC vectors, interop, negative
# vectors and allocation failure.  One Check executable per module; all
# share dec_util.c (block feeding, field lists, literal builders).
set(_d ${CMAKE_CURRENT_LIST_DIR})

foreach(_s int huffman static dyn_table decoder rfc_vectors negative alloc_fail interop)
  h2codec_check_suite(NAME test_hpack_${_s} SOURCES ${_d}/test_${_s}.c ${_d}/dec_util.c
                      LIBS h2codec_hpack_obj)
endforeach()
target_link_libraries(test_hpack_interop PRIVATE PkgConfig::H2C_JANSSON)

# The committed generated tables must be exactly what their generators emit.
foreach(_g huffman_table static_table)
  add_test(NAME hpack_generated_${_g}
           COMMAND ${H2C_SH} -c "'${Python3_EXECUTABLE}' '${PROJECT_SOURCE_DIR}/hpack/src/gen_${_g}.py' | cmp - '${PROJECT_SOURCE_DIR}/hpack/src/${_g}.c'")
endforeach()
set_tests_properties(test_hpack_interop PROPERTIES COST 50)

# A digest of everything the decoder gives for the stories and the HPACK
# fuzz corpora: tools/test compares it between a build with the fast paths
# and one without (H2CODEC_HPACK_FAST=OFF).  Registered here to run clean
# under the sanitizers too.
add_executable(hpack_dec_digest ${_d}/dec_digest.c)
target_link_libraries(hpack_dec_digest PRIVATE h2codec_testutil h2codec_common_obj)
h2codec_target_defaults(hpack_dec_digest)
add_dependencies(hpack_dec_digest h2codec_corpus)
add_test(NAME hpack_dec_digest
         COMMAND ${H2C_SH} -c "'$<TARGET_FILE:hpack_dec_digest>' '${H2CODEC_CORPUS_OUT}/hpack-test-case' '${H2CODEC_CORPUS_OUT}/fuzz/hpack_decode' '${H2CODEC_CORPUS_OUT}/fuzz/hpack_roundtrip' '${H2CODEC_CORPUS_OUT}/fuzz/hpack_diff' >/dev/null")
