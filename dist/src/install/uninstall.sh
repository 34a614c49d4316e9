#!/bin/sh
# Removes what install.sh put under PREFIX.
set -eu
prefix=${1:?usage: uninstall.sh PREFIX}
rm -f "$prefix/bin/containerd-shim-jrunc-v2"
rm -rf "$prefix/lib/jshim"
echo "removed $prefix/bin/containerd-shim-jrunc-v2 and $prefix/lib/jshim"
