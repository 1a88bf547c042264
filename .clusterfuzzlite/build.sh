#!/bin/bash -eu
# SPDX-License-Identifier: MIT
# ClusterFuzzLite runs this from $SRC/h2codec (the Dockerfile's WORKDIR):
# the real build is the OSS-Fuzz one.
exec bash fuzz/oss-fuzz/build.sh
