# SPDX-License-Identifier: MIT
# Finding what the tests, tools, examples and fuzzers need.  Each part looks
# for its own dependencies, and only when it is enabled: the libraries need
# nothing but a C compiler and CMake.  A missing dependency ends the
# configure step with the Debian package to install and the option that
# turns the part off.

# h2codec_missing(OPTION WHAT DEBIAN_PACKAGES): end the configure step.
function(h2codec_missing option what debs)
  message(FATAL_ERROR
    "h2codec: ${option} needs ${what}.\n"
    "Install it (Debian: apt-get install ${debs}), or configure with -D${option}=OFF.")
endfunction()

# h2codec_require_pkg(NAME MODULE DEBIAN_PACKAGE OPTION): the pkg-config
# module MODULE as the imported target PkgConfig::NAME.  OPTION is the
# option that asked for it, named in the message when it is missing.
macro(h2codec_require_pkg name module deb option)
  if(NOT TARGET PkgConfig::${name})
    find_package(PkgConfig QUIET)
    if(NOT PkgConfig_FOUND)
      h2codec_missing(${option} "pkg-config to find ${module}" "pkg-config ${deb}")
    endif()
    pkg_check_modules(${name} QUIET IMPORTED_TARGET GLOBAL ${module})
    if(NOT ${name}_FOUND)
      h2codec_missing(${option} "the library ${module}" "${deb}")
    endif()
  endif()
endmacro()

# h2codec_find_pkg(NAME MODULE): the same, but optional: sets NAME_FOUND.
macro(h2codec_find_pkg name module)
  if(NOT TARGET PkgConfig::${name})
    find_package(PkgConfig QUIET)
    if(PkgConfig_FOUND)
      pkg_check_modules(${name} QUIET IMPORTED_TARGET GLOBAL ${module})
    endif()
  endif()
endmacro()

# h2codec_require_program(VAR PROGRAM DEBIAN_PACKAGE OPTION [PATHS...]):
# the program's full path in VAR (a cache entry, as find_program sets it).
function(h2codec_require_program var program deb option)
  find_program(${var} ${program} PATHS ${ARGN})
  if(NOT ${var})
    h2codec_missing(${option} "the program ${program}" "${deb}")
  endif()
endfunction()
