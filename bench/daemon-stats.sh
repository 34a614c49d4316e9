#!/usr/bin/env bash
# What one running jrunc daemon costs, read from the daemon itself, in this order (each read disturbs the next
# ones least):
#   cpu_s          utime+stime of the whole JVM so far (/proc/PID/stat; all threads, JIT and GC included)
#   pss_kib        its PSS (/proc/PID/smaps_rollup)
#   classes        classes loaded, hidden ones included, array classes not (jcmd VM.classes: what
#                  -Xlog:class+load counts)
#   live_heap_kib  Java heap used after a full GC (jcmd GC.run, then GC.heap_info: young + old generation)
# Prints one line `cpu_s=... pss_kib=... classes=... live_heap_kib=...`. Called right after `ctr run -d` returns,
# cpu_s is what the daemon burnt until its container runs. The GC.run leaves the heap collected: measure memory
# that matters elsewhere before calling this.
#   daemon-stats.sh PID [JCMD]     JCMD defaults to the jcmd of the daemon's own runtime (/proc/PID/exe's dir:
#                                  the jlink'd runtime has jdk.jcmd), so no JDK beyond it is needed.
set -euo pipefail
pid=${1:?usage: daemon-stats.sh PID [JCMD]}
jcmd=${2:-$(dirname "$(readlink "/proc/$pid/exe")")/jcmd}
[ -x "$jcmd" ] || { echo "daemon-stats: $jcmd is missing (a runtime without jdk.jcmd?)" >&2; exit 1; }
# fields 14 and 15 after the command name, which may hold spaces: cut at the last ')'
ticks=$(sed 's/.*) //' "/proc/$pid/stat" | awk '{print $12 + $13}')
cpu=$(awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" 'BEGIN {printf "%.3f", t / hz}')
pss=$(awk '$1 == "Pss:" {print $2}' "/proc/$pid/smaps_rollup")
classes=$("$jcmd" "$pid" VM.classes | awk '$1 ~ /^0x/ && $NF !~ /^\[/ {n++} END {print n + 0}')
"$jcmd" "$pid" GC.run > /dev/null
# Serial GC: "DefNew total 1216K, used 12K [...]" and "Tenured total 2700K, used 2310K [...]" (other collectors:
# every generation or region line with "total ..., used ...K", metaspace excluded)
heap=$("$jcmd" "$pid" GC.heap_info | awk '/total .*, used [0-9]+K/ && !/[Mm]etaspace|class space/ {
  for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i + 1); sub(/K.*/, "", v); n += v } } END {print n + 0}')
[ "$classes" -gt 0 ] && [ "$heap" -gt 0 ] || { echo "daemon-stats: could not read classes ($classes) or heap ($heap) of $pid through $jcmd" >&2; exit 1; }
echo "cpu_s=$cpu pss_kib=$pss classes=$classes live_heap_kib=$heap"
