# SPDX-License-Identifier: MIT
# Shared target settings for everything h2codec builds.  Flags go on targets,
# never into CMAKE_C_FLAGS, so a parent project's flags are left alone.

set(H2CODEC_SOVERSION 0)

# Warnings, -Werror and sanitizers for one target.
function(h2codec_target_defaults tgt)
  target_compile_options(${tgt} PRIVATE
    -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes
    -Wcast-qual -Wpointer-arith -Wformat=2 -Wvla)
  if(H2CODEC_WERROR)
    target_compile_options(${tgt} PRIVATE -Werror)
  endif()
  h2codec_target_sanitize(${tgt})
endfunction()

function(h2codec_target_sanitize tgt)
  if(H2CODEC_SANITIZE)
    string(REPLACE ";" "," _san "${H2CODEC_SANITIZE}")
    target_compile_options(${tgt} PRIVATE -fsanitize=${_san} -fno-omit-frame-pointer
                                          -fno-sanitize-recover=all)
    target_link_options(${tgt} PRIVATE -fsanitize=${_san})
  endif()
endfunction()

# h2codec_add_library(NAME hpack SOURCES ... DESCRIPTION "..." [DEPENDS common ...])
# Builds an OBJECT library h2codec_<name>_obj (tests link it to reach internal
# functions without any back door in the shipped API), then a shared and a
# static library from the same objects, ALIASes h2codec::<name> (shared) and
# h2codec::<name>_static, install rules and a pkg-config file.
function(h2codec_add_library)
  cmake_parse_arguments(A "" "NAME;DESCRIPTION" "SOURCES;DEPENDS" ${ARGN})
  set(obj h2codec_${A_NAME}_obj)
  add_library(${obj} OBJECT ${A_SOURCES})
  target_include_directories(${obj}
    PUBLIC  $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>
    PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/src)
  set_target_properties(${obj} PROPERTIES
    POSITION_INDEPENDENT_CODE ON
    C_VISIBILITY_PRESET hidden
    VISIBILITY_INLINES_HIDDEN ON)
  target_compile_definitions(${obj} PRIVATE H2C_BUILDING_LIBRARY)
  h2codec_target_defaults(${obj})
  set(H2C_PC_REQUIRES "")
  foreach(dep ${A_DEPENDS})
    target_link_libraries(${obj} PUBLIC h2codec_${dep}_obj)
    string(APPEND H2C_PC_REQUIRES " h2codec-${dep}")
  endforeach()

  foreach(kind shared static)
    if(kind STREQUAL "shared")
      set(tgt h2codec_${A_NAME})
      add_library(${tgt} SHARED $<TARGET_OBJECTS:${obj}>)
      set_target_properties(${tgt} PROPERTIES
        VERSION ${PROJECT_VERSION} SOVERSION ${H2CODEC_SOVERSION}
        EXPORT_NAME ${A_NAME})
    else()
      set(tgt h2codec_${A_NAME}_static)
      add_library(${tgt} STATIC $<TARGET_OBJECTS:${obj}>)
      set_target_properties(${tgt} PROPERTIES EXPORT_NAME ${A_NAME}_static)
    endif()
    set_target_properties(${tgt} PROPERTIES OUTPUT_NAME h2codec-${A_NAME})
    target_include_directories(${tgt} PUBLIC
      $<BUILD_INTERFACE:${CMAKE_CURRENT_SOURCE_DIR}/include>
      $<INSTALL_INTERFACE:${CMAKE_INSTALL_INCLUDEDIR}>)
    h2codec_target_sanitize(${tgt})
    foreach(dep ${A_DEPENDS})
      if(kind STREQUAL "shared")
        target_link_libraries(${tgt} PUBLIC h2codec_${dep})
      else()
        target_link_libraries(${tgt} PUBLIC h2codec_${dep}_static)
      endif()
    endforeach()
    install(TARGETS ${tgt} EXPORT h2codecTargets
      ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
      LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
      RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  endforeach()
  add_library(h2codec::${A_NAME} ALIAS h2codec_${A_NAME})
  add_library(h2codec::${A_NAME}_static ALIAS h2codec_${A_NAME}_static)
  # The list of libraries, for the consumer and install checks (tests/consumer).
  set_property(GLOBAL APPEND PROPERTY H2CODEC_LIBRARIES ${A_NAME})

  install(DIRECTORY include/h2codec DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
          PATTERN "*.in" EXCLUDE)
  file(RELATIVE_PATH H2C_PC_RELPREFIX "/${CMAKE_INSTALL_LIBDIR}/pkgconfig" "/")
  string(REGEX REPLACE "/$" "" H2C_PC_RELPREFIX "${H2C_PC_RELPREFIX}")
  set(H2C_PC_NAME ${A_NAME})
  set(H2C_PC_DESC "${A_DESCRIPTION}")
  configure_file(${PROJECT_SOURCE_DIR}/tools/cmake/h2codec.pc.in
                 ${PROJECT_BINARY_DIR}/h2codec-${A_NAME}.pc @ONLY)
  install(FILES ${PROJECT_BINARY_DIR}/h2codec-${A_NAME}.pc
          DESTINATION ${CMAKE_INSTALL_LIBDIR}/pkgconfig)
endfunction()
