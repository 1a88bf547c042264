# SPDX-License-Identifier: MIT
# Sourced by tools/demo and tools/test: install missing Debian packages.
# h2c_need_packages PKG...: installs what is missing with apt-get when run as
# root; otherwise prints the exact apt-get line and exits.

H2C_BUILD_PACKAGES="make gcc cmake pkg-config zlib1g-dev libzip-dev libjansson-dev libpcap-dev libnghttp2-dev"
H2C_TEST_PACKAGES="check clang llvm libclang-rt-14-dev valgrind cppcheck clang-tidy nghttp2-client nghttp2-server curl python3 afl++"

h2c_need_packages() {
    missing=""
    for p in "$@"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
            missing="$missing $p"
    done
    [ -z "$missing" ] && return 0
    line="apt-get install -y --no-install-recommends$missing"
    if [ "$(id -u)" -ne 0 ]; then
        echo "Missing Debian packages. Run as root:" >&2
        echo "  apt-get update && $line" >&2
        exit 1
    fi
    echo "== installing:$missing"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null || { echo "apt-get update failed" >&2; exit 1; }
    # shellcheck disable=SC2086
    apt-get install -y -qq --no-install-recommends $missing >/dev/null ||
        { echo "failed: $line" >&2; exit 1; }
}
