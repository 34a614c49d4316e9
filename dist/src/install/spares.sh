#!/bin/sh
# Stops the warm spares (HOCON jshim.spare) of the installation PREFIX and removes their directory:
#   spares.sh PREFIX
# Used by install.sh (a spare of the replaced files must not wait for starts) and uninstall.sh. A spare is found by
# its directory (<run>/<key>/{ready.*,new.*,claim.*}.<pid>, run = $JSHIM_SPARE_RUN or /run/jshim-spare, key = the
# cksum of PREFIX as the launcher computes it: lib/jshim/sh/identity.sh) and, while it warms up, by its environment (JSHIM_SPARE=1 and
# JSHIM_SPARE_HOME=PREFIX) with a spare's command line (no -address: a spare that became a daemon is left alone).
set -u
prefix=${1:?usage: spares.sh PREFIX}
prefix=$(cd "$prefix" 2>/dev/null && pwd -P) || exit 0
run=${JSHIM_SPARE_RUN:-/run/jshim-spare}
key=$(printf '%s\n' "$prefix" | cksum | cut -d' ' -f1)
root="$run/$key"
pids=""
if [ -d "$root" ]; then
  for dir in "$root"/ready.* "$root"/new.* "$root"/claim.*; do
    [ -d "$dir" ] || continue
    pid=${dir##*.}
    case "$dir" in "$root"/claim.*) pid=$(cat "$dir/pid" 2>/dev/null) || continue ;; esac
    pids="$pids $pid"
  done
fi
for environ in /proc/[0-9]*/environ; do
  proc=${environ%/environ}
  tr '\0' '\n' < "$environ" 2>/dev/null | grep -qx 'JSHIM_SPARE=1' || continue
  tr '\0' '\n' < "$environ" 2>/dev/null | grep -qxF "JSHIM_SPARE_HOME=$prefix" || continue
  tr '\0' '\n' < "$proc/cmdline" 2>/dev/null | grep -qx -- '-address' && continue
  case " $pids " in *" ${proc#/proc/} "*) ;; *) pids="$pids ${proc#/proc/}" ;; esac
done
stopped=0
for pid in $pids; do
  kill -KILL "$pid" 2>/dev/null && stopped=$((stopped + 1))
done
for pid in $pids; do
  i=0
  while [ -e "/proc/$pid" ] && [ "$i" -lt 100 ]; do
    case "$(cut -d' ' -f3 "/proc/$pid/stat" 2>/dev/null)" in Z|X|'') break ;; esac
    sleep 0.05
    i=$((i + 1))
  done
done
rm -rf "$root"
[ "$stopped" -eq 0 ] || echo "stopped $stopped warm spare(s) of $prefix and removed $root"
