# HPACK decoder side: primitives, decoder, RFC vectors, interop, negative
# vectors and allocation failure.  One Check executable per module.
set(_d ${CMAKE_CURRENT_LIST_DIR})
pkg_check_modules(H2C_DEC_JANSSON REQUIRED IMPORTED_TARGET jansson)

h2codec_check_suite(NAME test_hpack_int SOURCES ${_d}/test_int.c LIBS h2codec_hpack_obj)
h2codec_check_suite(NAME test_hpack_huffman SOURCES ${_d}/test_huffman.c LIBS h2codec_hpack_obj)
h2codec_check_suite(NAME test_hpack_static SOURCES ${_d}/test_static.c LIBS h2codec_hpack_obj)
h2codec_check_suite(NAME test_hpack_dyn_table SOURCES ${_d}/test_dyn_table.c
                    LIBS h2codec_hpack_obj)
h2codec_check_suite(NAME test_hpack_decoder SOURCES ${_d}/test_decoder.c ${_d}/dec_util.c
                    LIBS h2codec_hpack_obj)
h2codec_check_suite(NAME test_hpack_rfc_vectors SOURCES ${_d}/test_rfc_vectors.c ${_d}/dec_util.c
                    LIBS h2codec_hpack_obj)
h2codec_check_suite(NAME test_hpack_negative SOURCES ${_d}/test_negative.c ${_d}/dec_util.c
                    LIBS h2codec_hpack_obj)
h2codec_check_suite(NAME test_hpack_alloc_fail SOURCES ${_d}/test_alloc_fail.c ${_d}/dec_util.c
                    LIBS h2codec_hpack_obj)
h2codec_check_suite(NAME test_hpack_interop SOURCES ${_d}/test_interop.c ${_d}/dec_util.c
                    LIBS h2codec_hpack_obj)
target_link_libraries(test_hpack_interop PRIVATE PkgConfig::H2C_DEC_JANSSON)
