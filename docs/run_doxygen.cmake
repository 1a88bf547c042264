# SPDX-License-Identifier: MIT
# cmake -DDOXYGEN=PROGRAM -DDOXYFILE=FILE -DLOG=FILE -P run_doxygen.cmake
# Runs Doxygen, then fails, showing every warning, if it failed or if its
# warning log is not empty.
file(REMOVE ${LOG})
execute_process(COMMAND ${DOXYGEN} ${DOXYFILE} RESULT_VARIABLE _rc)
set(_warnings "")
if(EXISTS ${LOG})
  file(READ ${LOG} _warnings)
  string(STRIP "${_warnings}" _warnings)
endif()
if(NOT _rc EQUAL 0 OR _warnings)
  message(FATAL_ERROR "Doxygen: exit ${_rc}, warnings (${LOG}):\n${_warnings}")
endif()
