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
