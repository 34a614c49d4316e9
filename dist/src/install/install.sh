#!/bin/sh
# Installs containerd-shim-jrunc-v2 under PREFIX: PREFIX/bin/containerd-shim-jrunc-v2 and PREFIX/lib/jshim/.
# The launcher finds its jars relative to itself, so PREFIX/bin must be on containerd's PATH.
set -eu
prefix=${1:?usage: install.sh PREFIX}
top=$(cd "$(dirname "$0")/../../.." && pwd)
src="$top/dist/target/jshim"
[ -x "$src/bin/containerd-shim-jrunc-v2" ] || { echo "install: $src is not built (make build)" >&2; exit 1; }
mkdir -p "$prefix/bin" "$prefix/lib"
rm -rf "$prefix/lib/jshim"
cp -R "$src/lib/jshim" "$prefix/lib/jshim"
cp "$src/bin/containerd-shim-jrunc-v2" "$prefix/bin/containerd-shim-jrunc-v2"
chmod 755 "$prefix/bin/containerd-shim-jrunc-v2"
echo "installed $prefix/bin/containerd-shim-jrunc-v2 and $prefix/lib/jshim"
