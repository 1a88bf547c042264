h2codec_check_suite(NAME test_fields SOURCES ${CMAKE_CURRENT_LIST_DIR}/test_fields.c
                    LIBS h2codec_frame_obj)
