#!/bin/bash -eu
# SPDX-License-Identifier: MIT
# OSS-Fuzz / ClusterFuzzLite build script for h2codec.  Runs from the root of
# the h2codec checkout with the base-builder environment:
#   $CC $CXX $CFLAGS $CXXFLAGS $LIB_FUZZING_ENGINE $SRC $OUT $WORK
#
# 1. Builds the two static libraries from the source lists in
#    hpack/CMakeLists.txt and frame/CMakeLists.txt, with $CC and $CFLAGS only.
#    CMake itself is not needed (the project wants 3.25, newer than some
#    base images ship).
# 2. nghttp2, the reference of hpack_roundtrip and hpack_diff:
#      - $SRC/nghttp2 (cloned by the Dockerfile): its library alone is built
#        here, static, with $CC $CFLAGS, so that it is instrumented too
#        (autotools as nghttp2's own OSS-Fuzz build does; CMake if there is no
#        configure.ac);
#      - else a static libnghttp2 found by pkg-config (local runs, e.g. Debian
#        libnghttp2-dev; not instrumented, so never under MSan:
#        SANITIZER=memory, where it would report false positives);
#      - else those two targets are skipped.  The other targets need libc
#        alone and build under every sanitizer, MSan included.
# 3. Compiles each target of fuzz/targets.list with $CC $CFLAGS, links it with
#    $CXX $CXXFLAGS $LIB_FUZZING_ENGINE against the static archives, and
#    writes $OUT/<target>, <target>.dict, <target>.options and
#    <target>_seed_corpus.zip.  The seed archive is corpus/fuzz/<target>.zip
#    copied as it is: those archives are flat zip files (one member per input,
#    no folders), which is exactly OSS-Fuzz's format, so no zip tool is needed.
#
# Never adds -fsanitize=fuzzer itself: the engine comes from $LIB_FUZZING_ENGINE.

root=$(pwd)
[ -f "$root/fuzz/targets.list" ] || { echo "build.sh: run from the h2codec checkout root" >&2; exit 1; }
jobs=$(nproc 2>/dev/null || echo 2)

# --------------------------------------------------------------------------
# 1. Libraries.
# <h2codec/version.h> from its template, with the version of CMakeLists.txt.
gen=$WORK/h2codec-gen
mkdir -p "$gen/h2codec"
ver=$(sed -nE 's/^project\(h2codec VERSION ([0-9]+\.[0-9]+\.[0-9]+).*/\1/p' CMakeLists.txt)
IFS=. read -r vmaj vmin vpat <<<"$ver"
sed -e "s/@PROJECT_VERSION@/$ver/; s/@PROJECT_VERSION_MAJOR@/$vmaj/; s/@PROJECT_VERSION_MINOR@/$vmin/" \
    -e "s/@PROJECT_VERSION_PATCH@/$vpat/" common/include/h2codec/version.h.in >"$gen/h2codec/version.h"
includes="-Icommon/include -I$gen -Ihpack/include -Iframe/include -Iconn/include"

build_lib() { # build_lib NAME -> $WORK/h2codec-lib/libh2codec-NAME.a
    local name=$1 objdir=$WORK/h2codec-lib/$1 srcs objs="" s o
    mkdir -p "$objdir"
    srcs=$(grep -oE 'src/[A-Za-z0-9_]+\.c' "$name/CMakeLists.txt")
    [ -n "$srcs" ] || { echo "build.sh: no sources listed in $name/CMakeLists.txt" >&2; exit 1; }
    for s in $srcs; do
        o=$objdir/$(basename "${s%.c}").o
        # shellcheck disable=SC2086
        $CC $CFLAGS -std=c11 -fvisibility=hidden -DH2C_BUILDING_LIBRARY \
            $includes -I"$name/src" -c "$name/$s" -o "$o"
        objs="$objs $o"
    done
    rm -f "$WORK/h2codec-lib/libh2codec-$name.a"
    # shellcheck disable=SC2086
    ar rcs "$WORK/h2codec-lib/libh2codec-$name.a" $objs
}
for lib in common hpack frame conn; do build_lib $lib; done

# --------------------------------------------------------------------------
# 2. nghttp2.
ngh_cflags=""
ngh_libs=""
ngh_prefix=$WORK/nghttp2-install
if [ -f "$SRC/nghttp2/configure.ac" ]; then
    (cd "$SRC/nghttp2" && autoreconf -fi &&
     ./configure --enable-lib-only --disable-shared --enable-static --prefix="$ngh_prefix" \
                 CC="$CC" CFLAGS="$CFLAGS" &&
     make -C lib -j"$jobs" && make -C lib install)
elif [ -f "$SRC/nghttp2/CMakeLists.txt" ]; then
    # Option names differ across nghttp2 releases; unknown ones are ignored.
    cmake -S "$SRC/nghttp2" -B "$WORK/nghttp2-build" \
          -DCMAKE_C_COMPILER="$CC" -DCMAKE_C_FLAGS="$CFLAGS" -DCMAKE_BUILD_TYPE=None \
          -DCMAKE_INSTALL_PREFIX="$ngh_prefix" -DCMAKE_INSTALL_LIBDIR=lib \
          -DENABLE_LIB_ONLY=ON -DENABLE_STATIC_LIB=ON -DENABLE_SHARED_LIB=OFF \
          -DBUILD_STATIC_LIBS=ON -DBUILD_SHARED_LIBS=OFF -DBUILD_TESTING=OFF
    cmake --build "$WORK/nghttp2-build" -j"$jobs"
    cmake --install "$WORK/nghttp2-build"
fi
if [ -d "$ngh_prefix" ]; then
    ngh_lib=$(find "$ngh_prefix" -name 'libnghttp2.a' | head -1)
    [ -n "$ngh_lib" ] || { echo "build.sh: nghttp2 built no static library" >&2; exit 1; }
    ngh_cflags="-I$ngh_prefix/include -DNGHTTP2_STATICLIB"
    ngh_libs=$ngh_lib
    echo "build.sh: nghttp2 from $SRC/nghttp2 (instrumented)"
elif [ "${SANITIZER:-}" = memory ]; then
    echo "build.sh: MemorySanitizer and no instrumented nghttp2 in \$SRC/nghttp2:" \
         "hpack_roundtrip and hpack_diff are skipped"
elif command -v pkg-config >/dev/null && pkg-config --exists libnghttp2 &&
     [ -f "$(pkg-config --variable=libdir libnghttp2)/libnghttp2.a" ]; then
    ngh_cflags="$(pkg-config --cflags libnghttp2) -DNGHTTP2_STATICLIB"
    ngh_libs="$(pkg-config --variable=libdir libnghttp2)/libnghttp2.a"
    echo "build.sh: nghttp2 from the system ($ngh_libs, not instrumented)"
else
    echo "build.sh: no nghttp2: hpack_roundtrip and hpack_diff are skipped"
fi

# --------------------------------------------------------------------------
# 3. Targets.
obj_root=$WORK/h2codec-fuzz-obj
built=""
while read -r name libs extra needs_ngh; do
    case "$name" in ''|\#*) continue ;; esac
    if [ ! -f "fuzz/$name.c" ]; then
        echo "build.sh: $name: no fuzz/$name.c yet, skipped"
        continue
    fi
    if [ "$needs_ngh" = yes ] && [ -z "$ngh_libs" ]; then
        echo "build.sh: $name: needs nghttp2, skipped"
        continue
    fi
    objdir=$obj_root/$name
    mkdir -p "$objdir"
    objs=""
    cflags_t=""
    [ "$needs_ngh" = yes ] && cflags_t=$ngh_cflags
    [ "$extra" = - ] && extra=
    for src in "$name.c" fuzz_util.c ${extra//,/ }; do
        o=$objdir/${src%.c}.o
        # shellcheck disable=SC2086
        $CC $CFLAGS -std=c11 $includes $cflags_t -c "fuzz/$src" -o "$o"
        objs="$objs $o"
    done
    archives=""
    # Dependents before what they depend on: conn, frame, hpack, common.
    for lib in conn frame hpack common; do
        case ",$libs,common," in
            *",$lib,"*) archives="$archives $WORK/h2codec-lib/libh2codec-$lib.a" ;;
        esac
    done
    [ "$needs_ngh" = yes ] && archives="$archives $ngh_libs"
    # shellcheck disable=SC2086
    $CXX $CXXFLAGS $objs $LIB_FUZZING_ENGINE $archives -o "$OUT/$name"
    cp "fuzz/$name.dict" "$OUT/$name.dict"
    cp "fuzz/$name.options" "$OUT/$name.options"
    if [ -f "corpus/fuzz/$name.zip" ]; then
        cp "corpus/fuzz/$name.zip" "$OUT/${name}_seed_corpus.zip"
    fi
    built="$built $name"
done < fuzz/targets.list
echo "build.sh: built$built"
