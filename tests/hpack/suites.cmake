# SPDX-License-Identifier: MIT
# HPACK suites: the decoder side and the encoder side register their own.
include(${CMAKE_CURRENT_LIST_DIR}/decoder.cmake OPTIONAL)
include(${CMAKE_CURRENT_LIST_DIR}/encoder.cmake OPTIONAL)
