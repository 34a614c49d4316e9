#!/usr/bin/env bash
# The per-daemon costs of `make bench` (classes loaded, live heap after a full GC, PSS, CPU seconds until the
# container runs) without the whole bench: a private containerd runs RUNS sleepers through jrunc one after the
# other (sandbox grouping: a daemon each, no warm spare, as bench/run.sh's (g) rows), each measured by bench/daemon-stats.sh right after `ctr run -d`
# returned; prints each daemon's line and the medians, then (PSS10=1, the default) the PSS per daemon with ten
# sleepers up at once, as bench/run.sh's (c) row measures it (shared pages split between the daemons). JSHIM_JAVA_OPTS is passed to the daemons (e.g.
# -Xlog:class+load:file=/tmp/cl-%p.log for the list of classes).
#   RUNS=3 JSHIM_HOME=dist/target/jshim bench/one-daemon.sh
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/.." && pwd)
RUNS=${RUNS:-3}
JSHIM_HOME=${JSHIM_HOME:-$top/dist/target/jshim}
# shellcheck source=../dist/src/main/build/private-containerd.sh
. "$top/dist/src/main/build/private-containerd.sh"
pc_require one-daemon
[ -x "$JSHIM_HOME/bin/containerd-shim-jrunc-v2" ] || { echo "one-daemon: $JSHIM_HOME/bin/containerd-shim-jrunc-v2 is missing (make build)" >&2; exit 1; }
work=$(mktemp -d /tmp/jshim-one-daemon-XXXXXX)
trap 'pc_stop; rm -rf "$work"' EXIT
printf 'jshim.grouping = sandbox\njshim.spare.count = 0\n' > "$work/jshim.conf"
pc_start "$(mktemp -d /tmp/jshim-one-daemon-pc-XXXXXX)" "$JSHIM_HOME/bin" JSHIM_CONFIG="$work/jshim.conf" \
  ${JSHIM_JAVA_OPTS:+JSHIM_JAVA_OPTS="$JSHIM_JAVA_OPTS"}
# warm-up (page cache, containerd's first-use paths), not measured
pc_ctr run --rm --runtime io.containerd.jrunc.v2 --rootfs "$PC_ROOTFS" one-warm /bin/true
for i in $(seq "$RUNS"); do
  pc_ctr run -d --runtime io.containerd.jrunc.v2 --rootfs "$PC_ROOTFS" "one-$i" /bin/sleep 3600 > /dev/null
  pid=$(for p in $(pc_shim_pids); do { tr '\0' ' ' < "/proc/$p/cmdline"; } 2> /dev/null | grep -q -- "-id one-$i " && [ "$(basename "$(readlink "/proc/$p/exe" 2> /dev/null)")" = java ] && echo "$p"; done | head -1)
  [ -n "$pid" ] || { echo "one-daemon: no daemon found for one-$i" >&2; exit 1; }
  line=$("$here/daemon-stats.sh" "$pid")
  echo "one-$i pid=$pid $line"
  echo "$line" >> "$work/lines"
  pc_ctr task delete --force "one-$i" > /dev/null 2>&1 || true
  pc_ctr container delete "one-$i" > /dev/null 2>&1 || true
done
if [ "${PSS10:-1}" = 1 ]; then
  for i in $(seq 10); do pc_ctr run -d --runtime io.containerd.jrunc.v2 --rootfs "$PC_ROOTFS" "pss-$i" /bin/sleep 3600 > /dev/null; done
  sleep 3
  pss10=$(for p in $(pc_shim_pids); do awk '$1 == "Pss:" {print $2}' "/proc/$p/smaps_rollup" 2> /dev/null; done | awk '{s += $1; n++} END {printf "%d daemons, %.1f MiB per daemon", n, s / n / 1024}')
  echo "pss10: $pss10"
  for i in $(seq 10); do pc_ctr task delete --force "pss-$i" > /dev/null 2>&1 || true; pc_ctr container delete "pss-$i" > /dev/null 2>&1 || true; done
fi
python3 - "$work/lines" <<'PY'
import statistics, sys
rows = [dict(kv.split("=") for kv in line.split()) for line in open(sys.argv[1]) if line.strip()]
print("median " + " ".join(f"{k}={statistics.median(float(r[k]) for r in rows):g}" for k in rows[0]))
PY
