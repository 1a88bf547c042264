#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""install_check.py PREFIX BUILD_DIR SOURCE_DIR LIBS TOOLS SANITIZED STRIP

What `cmake --install` put under PREFIX, file by file: for each library in
LIBS (space-separated: hpack frame ...) its shared library (with the SONAME
and versioned names), its static archive and one pkg-config file; the
public headers (every */include/h2codec/*.h of SOURCE_DIR, plus any
generated into BUILD_DIR); the CMake package; with TOOLS=yes, bin/h2codec
alone and its man page share/man/man1/h2codec.1.  Nothing else may be
installed.  The installed CLI must run from any directory and carry no
path of the build tree once its debug information is stripped (STRIP is
the strip program; the source tree too unless SANITIZED=yes, as the
sanitizers record source file names).

Layout folders come from the environment (ctest sets them from
GNUInstallDirs): H2C_LIBDIR, H2C_INCLUDEDIR, H2C_BINDIR, H2C_MANDIR."""
import fnmatch
import glob
import os
import subprocess
import sys
import tempfile

prefix, build, source, libs, tools, sanitized, strip = sys.argv[1:8]
libs = libs.split()
libdir = os.environ.get("H2C_LIBDIR", "lib")
incdir = os.environ.get("H2C_INCLUDEDIR", "include")
bindir = os.environ.get("H2C_BINDIR", "bin")
mandir = os.environ.get("H2C_MANDIR", "share/man")
failed = 0


def check(ok, what):
    global failed
    if not ok:
        failed += 1
        print("FAIL:", what)


# Expected files: pattern -> (least, most) matches.
expect = {}
for lib in libs:
    base = "%s/libh2codec-%s" % (libdir, lib)
    expect[base + ".so"] = (1, 1)                 # link name
    expect[base + ".so.[0-9]*"] = (2, 2)          # SONAME link and the real file
    expect[base + ".a"] = (1, 1)
    expect["%s/pkgconfig/h2codec-%s.pc" % (libdir, lib)] = (1, 1)
pkg = libdir + "/cmake/h2codec/"
for f in ("h2codecConfig.cmake", "h2codecConfigVersion.cmake", "h2codecTargets.cmake"):
    expect[pkg + f] = (1, 1)
expect[pkg + "h2codecTargets-*.cmake"] = (1, 1)   # the build type's file
headers = sorted({os.path.basename(h) for h in
                  glob.glob(os.path.join(source, "*", "include", "h2codec", "*.h")) +
                  glob.glob(os.path.join(build, "**", "include", "h2codec", "*.h"),
                            recursive=True)})
check(headers, "no public header found under %s" % source)
for h in headers:
    expect["%s/h2codec/%s" % (incdir, h)] = (1, 1)
if tools == "yes":
    expect[bindir + "/h2codec"] = (1, 1)
    expect[mandir + "/man1/h2codec.1"] = (1, 1)

installed = []
for root, dirs, files in os.walk(prefix):
    for f in files:
        installed.append(os.path.relpath(os.path.join(root, f), prefix))
installed.sort()
count = dict.fromkeys(expect, 0)
for f in installed:
    hits = [p for p in expect if fnmatch.fnmatchcase(f, p)]
    check(hits, "installed but not expected: %s" % f)
    for p in hits:
        count[p] += 1
for p, (least, most) in expect.items():
    check(least <= count[p] <= most,
          "%s: %d installed, expected %s" % (p, count[p],
                                             least if least == most else "%d-%d" % (least, most)))
print("install_check: %d files installed, %d libraries (%s), %d headers"
      % (len(installed), len(libs), " ".join(libs), len(headers)))

# One .pc per library, naming it.
for lib in libs:
    pc = os.path.join(prefix, libdir, "pkgconfig", "h2codec-%s.pc" % lib)
    if os.path.exists(pc):
        text = open(pc).read()
        check("Name: h2codec-%s\n" % lib in text, "%s names h2codec-%s" % (pc, lib))
        check("-lh2codec-%s" % lib in text, "%s links -lh2codec-%s" % (pc, lib))

if tools == "yes":
    cli = os.path.join(prefix, bindir, "h2codec")
    with tempfile.TemporaryDirectory() as tmp:
        # Runs from a folder that is neither the source nor the build tree.
        r = subprocess.run([cli, "--version"], cwd=tmp, capture_output=True, text=True)
        check(r.returncode == 0 and r.stdout.startswith("h2codec "),
              "h2codec --version from %s: exit %d, %r" % (tmp, r.returncode, r.stdout))
        r = subprocess.run([cli, "bench"], cwd=tmp, capture_output=True, text=True)
        check(r.returncode == 2 and "CORPUS" in r.stderr,
              "h2codec bench without a corpus is a usage error (exit %d)" % r.returncode)
        stripped = os.path.join(tmp, "h2codec.stripped")
        subprocess.run([strip, "-o", stripped, cli], check=True)
        data = open(stripped, "rb").read()
        paths = [os.path.realpath(build)]
        if sanitized != "yes":
            paths.append(os.path.realpath(source))
        for p in paths:
            check(p.encode() not in data, "bin/h2codec (stripped) contains the path %s" % p)

print("install_check: %d failed" % failed)
sys.exit(1 if failed else 0)
