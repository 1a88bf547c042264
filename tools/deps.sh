# SPDX-License-Identifier: MIT
# Sourced by tools/demo and tools/test: install missing Debian packages.
# h2c_need_packages PKG...: installs what is missing with apt-get when run as
# root, saying what it is doing; otherwise prints the exact apt-get line and
# exits.  POSIX sh: tools/demo runs under dash.

# The demo's build: the libraries need only gcc and cmake; the CLI needs
# pkg-config, jansson, libpcap, libzip (its corpus tool) and libcrypto
# (TLS decryption of captures); the bench
# compares with nghttp2.
# shellcheck disable=SC2034  # used by the scripts that source this file
H2C_BUILD_PACKAGES="make gcc cmake pkg-config zlib1g-dev libzip-dev libjansson-dev libpcap-dev libnghttp2-dev libssl-dev"
# What tools/test adds: Check, clang and libFuzzer, valgrind, the static
# analyzers, the real peers (nghttp2's client and server, curl), Python,
# AFL++, clang-format (tools/analyze checks .clang-format), Doxygen (the
# docs target), groff (the man page check), unzip
# (fuzz/oss-fuzz/check-build), tcpdump and tshark (the capture suite records
# loopback traffic and compares with tshark; tshark also splits the TLS
# captures and editcap makes a pcapng with secrets) and openssl (the TLS
# test's certificates).
# shellcheck disable=SC2034
H2C_TEST_PACKAGES="check clang llvm libclang-rt-14-dev valgrind cppcheck clang-tidy clang-format nghttp2-client nghttp2-server curl python3 python3-h2 afl++ doxygen groff-base unzip tcpdump tshark openssl python3-cryptography"

# h2c_apt_progress: reads apt-get install's output; prints one line per step of apt-get's output that
# takes time (the download, then each package set up).
h2c_apt_progress() {
    total="?" got=0 n_set=0
    while IFS= read -r line; do
        case $line in
            *" newly installed,"*)
                total=${line#*upgraded, }
                total=${total%% newly*}
                echo "   $total packages to install, with what they depend on" ;;
            "Need to get "*)
                echo "   downloading ${line#Need to get }" ;;
            Get:*)
                got=$((got + 1))
                [ $((got % 10)) -ne 0 ] || echo "   downloaded $got of $total" ;;
            "Setting up "*)
                n_set=$((n_set + 1))
                p=${line#Setting up }
                echo "   [$n_set/$total] setting up ${p%% *}" ;;
        esac
    done
}

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
    echo "   (on a fresh machine, tools/test's set is about 95 packages: a few minutes)"
    export DEBIAN_FRONTEND=noninteractive
    h2c_apt=$(mktemp -d -t h2codec-apt.XXXXXX)
    echo "== apt-get update"
    apt-get update -q >"$h2c_apt/update.log" 2>&1 ||
        { tail -20 "$h2c_apt/update.log" >&2; echo "apt-get update failed" >&2; exit 1; }
    echo "== apt-get install"
    # shellcheck disable=SC2086
    { apt-get install -y --no-install-recommends $missing 2>&1; echo $? >"$h2c_apt/rc"; } |
        tee "$h2c_apt/install.log" | h2c_apt_progress
    if [ "$(cat "$h2c_apt/rc")" -ne 0 ]; then
        tail -20 "$h2c_apt/install.log" >&2
        echo "failed: $line (log: $h2c_apt/install.log)" >&2
        exit 1
    fi
    rm -rf "$h2c_apt"
    echo "== installed:$missing"
}
