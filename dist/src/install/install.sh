#!/bin/sh
# Installs containerd-shim-jrunc-v2 under PREFIX:
#   PREFIX/bin/containerd-shim-jrunc-v2   the launcher (containerd finds it on its PATH), with PREFIX recorded in it:
#                                         a copy of it anywhere, or a link to it, runs this installation
#   PREFIX/lib/jshim/runtime              the private jlink'd Java runtime (no host JDK needed)
#   PREFIX/lib/jshim/lib                  the jars
#   PREFIX/lib/jshim/aot                  the AOT caches trained at build time
#   PREFIX/etc/jshim/jshim.conf           the configuration (kept when it exists: never overwrites an edit)
# File times are preserved: the AOT caches check the jars' size and time. The installed shim is checked at the
# end: both JVM roles must map their AOT cache (-XX:AOTMode=on fails otherwise).
set -eu
prefix=${1:?usage: install.sh PREFIX}
top=$(cd "$(dirname "$0")/../../.." && pwd)
src="$top/dist/target/jshim"
[ -x "$src/bin/containerd-shim-jrunc-v2" ] || { echo "install: $src is not built (make build)" >&2; exit 1; }
[ -x "$src/lib/jshim/runtime/bin/java" ] || { echo "install: $src/lib/jshim/runtime is missing (make build)" >&2; exit 1; }
# the launcher records PREFIX in single quotes (see below): only plain path characters
recordable() {
  case "$1" in
    *[!A-Za-z0-9/._+@,:=-]*) echo "install: prefix $1 has characters the launcher cannot record (use letters, digits and /._+@,:=-)" >&2; exit 1 ;;
  esac
}
recordable "$prefix"
mkdir -p "$prefix/bin" "$prefix/lib" "$prefix/etc/jshim"
prefix=$(cd "$prefix" && pwd)
recordable "$prefix"
# warm spares of the files replaced here (jshim.spare) would never be claimed again: stop them now
"$top/dist/src/install/spares.sh" "$prefix"
rm -rf "$prefix/lib/jshim"
cp -a "$src/lib/jshim" "$prefix/lib/jshim"
cp "$top/config/jshim.conf" "$prefix/lib/jshim/jshim.conf.default"
# The installed launcher records the prefix, so a copy of it elsewhere or a link to it runs this installation.
sed "s|^installed_home=\$|installed_home='$prefix'|" "$src/bin/containerd-shim-jrunc-v2" > "$prefix/bin/containerd-shim-jrunc-v2.new"
grep -Fqx "installed_home='$prefix'" "$prefix/bin/containerd-shim-jrunc-v2.new" \
  || { rm -f "$prefix/bin/containerd-shim-jrunc-v2.new"; echo "install: failed to record $prefix in the launcher ($src/bin/containerd-shim-jrunc-v2 has no installed_home= line)" >&2; exit 1; }
chmod 755 "$prefix/bin/containerd-shim-jrunc-v2.new"
mv -f "$prefix/bin/containerd-shim-jrunc-v2.new" "$prefix/bin/containerd-shim-jrunc-v2"
if [ -f "$prefix/etc/jshim/jshim.conf" ]; then
  echo "install: kept $prefix/etc/jshim/jshim.conf (the shipped default is $prefix/lib/jshim/jshim.conf.default)"
else
  cp "$top/config/jshim.conf" "$prefix/etc/jshim/jshim.conf"
fi
# The check runs with a PATH without any JDK: the launcher must use its own runtime.
check() {
  env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin "$@" "$prefix/bin/containerd-shim-jrunc-v2" -v > /dev/null 2>&1
}
if [ -d "$prefix/lib/jshim/aot" ]; then
  check JSHIM_JAVA_OPTS=-XX:AOTMode=on || { echo "install: the delete AOT cache (also -v, -info) does not map in $prefix" >&2; exit 1; }
  check JSHIM_JAVA_OPTS=-XX:AOTMode=on JSHIM_READY_FD=3 || { echo "install: the daemon AOT cache does not map in $prefix" >&2; exit 1; }
else
  echo "install: WARNING: no AOT caches (built with -Djshim.aot.skip=true): slow start" >&2
  check || { echo "install: $prefix/bin/containerd-shim-jrunc-v2 -v failed" >&2; exit 1; }
fi
echo "installed $prefix/bin/containerd-shim-jrunc-v2, $prefix/lib/jshim ($(du -sh "$prefix/lib/jshim" | cut -f1)) and $prefix/etc/jshim/jshim.conf"
