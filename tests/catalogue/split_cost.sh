#!/bin/sh
# SPDX-License-Identifier: MIT
# split_cost.sh VALGRIND SPLIT_COST hpack|frames
#
# Quadratic work on split input (CVE-2022-41723 class), in instructions
# counted by callgrind inside measured_<input>() (the decoding only, not
# building the input): doubling the input (and its 16 KB fields) must at
# most double the octet-by-octet cost, within 10% -- a rescan of buffered
# data per piece would quadruple it.  Exits 1 if that bound is broken.
#
# Also printed, not checked: octet-wise against whole feeding, and its
# floor, the same octet-by-octet loop calling a push that does nothing
# (split_cost "calls").  Whole feeding plus that floor is the least
# octet-wise feeding can cost even if every call did its share of the
# whole-input work for free.  It is above 2x whole for both inputs (3.5x
# and 30x, gcc 12 -O2), so no push-style decoder fed one octet per call
# can meet a bound of 2x on the ratio.
set -eu
vg=$1 bin=$2 what=$3
tmp=$(mktemp -d -t h2c-split-cost.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

# count MODE K -> "instructions octets"
count() {
    out=$("$vg" --tool=callgrind --callgrind-out-file="$tmp/cg" --collect-atstart=no \
        --toggle-collect="measured_$what" "$bin" "$what" "$1" "$2" 2>"$tmp/err") ||
        { cat "$tmp/err" >&2; exit 2; }
    ir=$(sed -nE 's/^(summary|totals): ([0-9]+).*/\2/p' "$tmp/cg" | head -1)
    octets=$(echo "$out" | sed -nE 's/.*: ([0-9]+) octets.*/\1/p')
    digest=$(echo "$out" | sed -nE 's/.*digest ([0-9a-f]+).*/\1/p')
    [ -n "$ir" ] && [ -n "$octets" ] || { echo "no count for $1 $2" >&2; exit 2; }
    echo "$ir $octets $digest"
}

set -- $(count whole 1); whole=$1 octets=$2 dw=$3
set -- $(count bytes 1); bytes=$1 db=$3
set -- $(count bytes 2); bytes2=$1 octets2=$2
set -- $(count calls 1); calls=$1
[ "$dw" = "$db" ] || { echo "$what: output differs between whole and octet-wise feeding" >&2; exit 1; }

awk -v w="$what" -v whole="$whole" -v bytes="$bytes" -v bytes2="$bytes2" \
    -v n="$octets" -v n2="$octets2" -v calls="$calls" 'BEGIN {
    ratio = bytes / whole
    growth = (bytes2 / bytes) / (n2 / n)
    printf "%s: %d octets; whole %d Ir (%.1f/octet); one octet per call %d Ir (%.1f/octet)\n",
           w, n, whole, whole / n, bytes, bytes / n
    printf "%s: octet-wise / whole = %.2f (not checked)\n", w, ratio
    printf "%s: floor: the calls alone (no-op push, same loop) %d Ir (%.1f/octet); (whole + calls) / whole = %.2f\n",
           w, calls, calls / n, (whole + calls) / whole
    printf "%s: %d octets octet-wise %d Ir: growth per octet x%.3f (bound 1.10)\n",
           w, n2, bytes2, growth
    bad = 0
    if (growth > 1.10) { print w ": FAIL: octet-wise cost grows faster than the input"; bad = 1 }
    exit bad
}'
