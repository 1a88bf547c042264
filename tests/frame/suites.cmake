# SPDX-License-Identifier: MIT
# Frame codec suites.  One Check executable per module.
set(_f ${CMAKE_CURRENT_LIST_DIR})
h2codec_check_suite(NAME test_frame_vectors
                    SOURCES ${_f}/test_vectors.c ${_f}/vectors.c ${_f}/frame_util.c
                    LIBS h2codec_frame_obj)
h2codec_check_suite(NAME test_frame_streams
                    SOURCES ${_f}/test_streams.c ${_f}/frame_util.c
                    LIBS h2codec_frame_obj)
h2codec_check_suite(NAME test_frame_roundtrip
                    SOURCES ${_f}/test_roundtrip.c ${_f}/frame_util.c
                    LIBS h2codec_frame_obj)
h2codec_check_suite(NAME test_frame_assembler SOURCES ${_f}/test_assembler.c ${_f}/frame_util.c
                    LIBS h2codec_frame_obj)
h2codec_check_suite(NAME test_frame_parser
                    SOURCES ${_f}/test_parser.c ${_f}/frame_util.c
                    LIBS h2codec_frame_obj)
# Long suites first under ctest -j (they replay whole corpora).
set_tests_properties(test_frame_streams test_frame_vectors PROPERTIES COST 30)
