#!/bin/bash
# SPDX-License-Identifier: MIT
# usage: man_page.sh MAN_PAGE CLI_SOURCE_DIR H2CODEC [GROFF]
# The man page h2codec(1) documents the CLI as it is: every command that
# `h2codec --help` lists has its section (.SS "h2codec COMMAND"), and every
# long option of every command -- as declared in the longopts tables of
# CLI_SOURCE_DIR/cmd_*.c, and as its --help prints them -- and of main.c
# appears in it (written \-\-name in roff).  With GROFF, the page must
# format without a warning (groff -man -ww -z).
set -u
man=$1 src=$2 bin=$3 groff=${4:-}
pass=0 fail=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
# has OPTION: the page mentions --OPTION (roff: \-\-OPTION).
has() { grep -qF -- "\\-\\-${1//-/\\-}" "$man"; }

cmds=$("$bin" --help | sed -n '/^commands:/,/^$/p' | awk 'NF > 1 {print $1}')
[ -n "$cmds" ] && ok || bad "no command listed by h2codec --help"
for c in $cmds; do
    grep -q "^\.SS \"h2codec $c" "$man" && ok || bad "no section for h2codec $c"
    f=$src/cmd_$c.c
    [ -f "$f" ] && ok || bad "no source $f for command $c"
    from_src=$(grep -oE '\{"[a-z][a-z-]*", *(no|required|optional)_argument' "$f" | cut -d'"' -f2)
    [ -n "$from_src" ] && ok || bad "no longopts table found in $f"
    from_help=$("$bin" "$c" --help | grep -oE -- '--[a-z][a-z-]*' | cut -c3-)
    for o in $(printf '%s\n' $from_src $from_help | sort -u); do
        has "$o" && ok || bad "h2codec $c --$o is not in $man"
    done
done
for o in $(grep -oE 'argv\[1\], "--[a-z-]+"' "$src/main.c" | cut -d'"' -f2 | cut -c3-); do
    has "$o" && ok || bad "h2codec --$o is not in $man"
done
if [ -n "$groff" ]; then
    warnings=$("$groff" -man -ww -z "$man" 2>&1)
    [ -z "$warnings" ] && ok || bad "groff warnings: $warnings"
fi
echo "man_page: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
