#!/bin/sh
# Builds the shim's private Java runtime: jlink with the modules the jars use (jdeps --print-module-deps) plus
# those used reflectively or at run time only, stripped of debug data, headers and man pages.
#   jlink-runtime.sh JDK LIBDIR OUT
# Reuses OUT when it was built from the same JDK and module list (jlink takes ~20 s on a loaded 2-core box).
set -eu
jdk=${1:?usage: jlink-runtime.sh JDK LIBDIR OUT}
libdir=${2:?usage: jlink-runtime.sh JDK LIBDIR OUT}
out=${3:?usage: jlink-runtime.sh JDK LIBDIR OUT}
# jdk.unsupported: sun.misc.Signal/Unsafe (protobuf, Guice); jdk.net: SO_PEERCRED (ttrpc peer credentials);
# jdk.jfr + jdk.management: the pprof-jfr debug plugin (JFR recordings, DiagnosticCommand MBean);
# jdk.jcmd (bin/jcmd, with jdk.attach): bench/daemon-stats.sh reads a running daemon's classes and live heap.
extra="jdk.unsupported,jdk.net,jdk.jfr,jdk.management,jdk.jcmd"
cp=$(LC_ALL=C ls "$libdir"/*.jar | tr '\n' ':')
deps=$("$jdk/bin/jdeps" --ignore-missing-deps --multi-release 25 --print-module-deps --class-path "$cp" "$libdir"/*.jar 2>/dev/null | tail -1)
case "$deps" in java.base*) ;; *) echo "jlink-runtime: jdeps printed no module list: $deps" >&2; exit 1 ;; esac
modules=$(printf '%s,%s\n' "$deps" "$extra" | tr ',' '\n' | LC_ALL=C sort -u | paste -sd, -)
stamp="$("$jdk/bin/java" -version 2>&1 | head -2 | tr '\n' ' ') $modules"
if [ -x "$out/bin/java" ] && [ -f "$out/jshim-modules" ] && [ "$(cat "$out/jshim-modules")" = "$stamp" ]; then
  echo "jlink-runtime: $out is up to date ($modules)"
  exit 0
fi
rm -rf "$out"
"$jdk/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages --output "$out"
printf '%s\n' "$stamp" > "$out/jshim-modules"
echo "jlink-runtime: $out with $modules ($(du -sh "$out" | cut -f1))"
