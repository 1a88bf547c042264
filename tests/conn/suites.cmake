# SPDX-License-Identifier: MIT
# Connection suite (<h2codec/conn.h>): pairs in memory, raw-frame injection
# for RFC 9113 sections 3-8, flood defences, allocations and chunking.
set(_c ${CMAKE_CURRENT_LIST_DIR})
h2codec_check_suite(NAME test_conn
                    SOURCES ${_c}/test_conn.c ${_c}/conn_pair.c ${_c}/conn_rfc.c
                            ${_c}/conn_flood.c ${_c}/conn_memory.c ${_c}/conn_queue.c
                            ${_c}/conn_util.c
                    LIBS h2codec_conn_obj h2codec_frame_obj h2codec_hpack_obj
                    TIMEOUT 600)
