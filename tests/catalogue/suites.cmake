# Adversarial catalogue: every known HTTP/2 codec attack class as cases run
# through the HPACK decoder, the frame parser + assembler and the receiving
# pipeline of tools/cli/conn.c, at several chunkings.
set(_c ${CMAKE_CURRENT_LIST_DIR})
set(H2C_CATALOGUE_SOURCES ${_c}/input.c ${_c}/runner.c ${_c}/cases_hpack.c ${_c}/cases_frame.c
    ${_c}/cases_conn.c ${PROJECT_SOURCE_DIR}/tools/cli/conn.c)
h2codec_check_suite(NAME test_catalogue TIMEOUT 120
                    SOURCES ${_c}/test_catalogue.c ${H2C_CATALOGUE_SOURCES}
                    LIBS h2codec_hpack_obj h2codec_frame_obj)
target_include_directories(test_catalogue PRIVATE ${_c} ${PROJECT_SOURCE_DIR}/tools/cli)
