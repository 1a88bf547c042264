# SPDX-License-Identifier: MIT
# Consumer tests, over every library the build defines (the H2CODEC_LIBRARIES
# list that h2codec_add_library() keeps):
#   consumer_install  install into a temporary prefix; check the installed
#                     files one by one (install_check.py); build and run a
#                     tiny out-of-tree program against the package, through
#                     find_package and through pkg-config.
#   consumer_subdir   a project that add_subdirectory()s this source tree,
#                     with pkg-config unavailable, gets the libraries alone
#                     and links h2codec::<lib> for each.
get_property(_libs GLOBAL PROPERTY H2CODEC_LIBRARIES)
string(REPLACE ";" " " _libs "${_libs}")
set(_consumer_flags "")
set(_sanitized no)
if(H2CODEC_SANITIZE)
  string(REPLACE ";" "," _san "${H2CODEC_SANITIZE}")
  set(_consumer_flags "-fsanitize=${_san}")
  set(_sanitized yes)
endif()
if(H2CODEC_BUILD_TOOLS)
  set(_tools yes)
else()
  set(_tools no)
endif()
add_test(NAME consumer_install
  COMMAND ${H2C_SH} ${CMAKE_CURRENT_LIST_DIR}/run.sh ${PROJECT_BINARY_DIR} ${PROJECT_SOURCE_DIR}
          ${CMAKE_C_COMPILER} "${_consumer_flags}" "${_libs}" ${_tools} ${_sanitized}
          ${CMAKE_STRIP} ${Python3_EXECUTABLE})
set_tests_properties(consumer_install PROPERTIES TIMEOUT 300 ENVIRONMENT
  "H2C_LIBDIR=${CMAKE_INSTALL_LIBDIR};H2C_INCLUDEDIR=${CMAKE_INSTALL_INCLUDEDIR};H2C_BINDIR=${CMAKE_INSTALL_BINDIR};H2C_MANDIR=${CMAKE_INSTALL_MANDIR};H2C_CMAKE=${CMAKE_COMMAND};H2C_PKG_CONFIG=${PKG_CONFIG_EXECUTABLE}")
add_test(NAME consumer_subdir
  COMMAND ${H2C_SH} ${CMAKE_CURRENT_LIST_DIR}/subdir.sh ${PROJECT_SOURCE_DIR} ${CMAKE_C_COMPILER}
          "${_consumer_flags}" "${_libs}")
set_tests_properties(consumer_subdir PROPERTIES TIMEOUT 600 ENVIRONMENT "H2C_CMAKE=${CMAKE_COMMAND}")
