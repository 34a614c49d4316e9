#!/usr/bin/env bash
# make bench: Debian's Go containerd-shim-runc-v2 and containerd-shim-jrunc-v2 measured in the same run under
# one private containerd, interleaved (alternating order) so machine noise hits both alike:
#   (a) ctr run --rm /bin/true latency        (b) ctr task exec /bin/true latency
#   (c) PSS/RSS per container, 10 sleepers, per grouping (sandbox, namespace; namespace also 1 -> 10 marginal)
#   (d) stdout throughput of 512 MiB          (e) 10 containers started in parallel
#   (f) ttrpc-java vs Go ttrpc (ttrpc-java/interop/bench.sh)
#   (g) one jrunc daemon from the inside (bench/daemon-stats.sh): classes loaded, live heap after a full GC, CPU s
#       until its container runs (absolute targets of issue 14, with the PSS per daemon of (c))
#   (h) ctr run --rm /bin/true with a warm spare ready (jshim.spare.count = 1), and the PSS of an idle spare
# Rows (a)-(e) run with jshim.spare.count = 0 (each jrunc start boots its JVM); (h) turns the spare on.
#   (i) namespace grouping with the namespace's daemon up (started by a sleeper first): ctr run --rm /bin/true and
#       10 parallel starts, each jrunc start joining that daemon without a JVM (lib/jshim/sh/join-group.sh)
#   (j) 10 containers started in parallel as (e), with a warm spare ready (jshim.spare.count = 1, the default):
#       sandbox grouping, one group per container, so the spare serves one start and the other nine boot a JVM each
#   (k) CRI: the second container of a pod, CreateContainer + StartContainer through containerd's CRI plugin (a
#       CRI client as the kubelet; dist's CriPodBench, run by failsafe on the test class path, its own containerd
#       with CRI): jrunc's start joins the pod's daemon without a JVM (lib/jshim/sh/join-group.sh), spares off
# ONLY=h, ONLY=i, ONLY=j or ONLY=k runs that section alone (with the Go shim's runs for the ratio).
# Prints a table of jrunc/Go ratios and writes bench/results/latest.json, latest.md and latest.svg.
# Environment: N (runs for a, b; default 15), PAR_ROUNDS (default 3), STDOUT_RUNS (default 5: two runs swung the ratio by 0.2), DAEMON_RUNS (g; default 3),
# JSHIM_HOME (default dist/target/jshim, e.g. an installed prefix), SKIP_TTRPC=1. (k) needs the dist module's test
# classes (make build compiles them) and Maven (offline): its samples are N per shim.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/.." && pwd)
N=${N:-15}
PAR_ROUNDS=${PAR_ROUNDS:-3}
STDOUT_RUNS=${STDOUT_RUNS:-5}
DAEMON_RUNS=${DAEMON_RUNS:-3}
JSHIM_HOME=${JSHIM_HOME:-$top/dist/target/jshim}
GO=io.containerd.runc.v2
JR=io.containerd.jrunc.v2
# shellcheck source=../dist/src/main/build/private-containerd.sh
. "$top/dist/src/main/build/private-containerd.sh"
pc_require bench
[ -x "$JSHIM_HOME/bin/containerd-shim-jrunc-v2" ] || { echo "bench: $JSHIM_HOME/bin/containerd-shim-jrunc-v2 is missing (make build)" >&2; exit 1; }
command -v containerd-shim-runc-v2 >/dev/null || { echo "bench: containerd-shim-runc-v2 (Go) is missing" >&2; exit 1; }

began=$(date +%s)
raw=$(mktemp -d /tmp/jshim-bench-raw-XXXXXX)
# warm spares (h) of this run: killed with containerd
kill_spares() { local d; for d in "$spare_run"/*/ready.* "$spare_run"/*/new.*; do [ -d "$d" ] && kill -KILL "${d##*.}" 2>/dev/null; done; return 0; }
trap 'kill_spares; pc_stop; rm -rf "$raw"' EXIT
conf="$raw/jshim.conf"
spare_run="$raw/spare-run"
mkdir -m 0700 "$spare_run"
printf 'jshim.grouping = sandbox\njshim.spare.count = 0\n' > "$conf"
pc_start "$(mktemp -d /tmp/jshim-bench-XXXXXX)" "$JSHIM_HOME/bin" JSHIM_CONFIG="$conf" JSHIM_SPARE_RUN="$spare_run"
log() { echo "bench: $* ($(( $(date +%s) - began )) s)" >&2; }
now_ms() { date +%s%3N; }
name() { if [ "$1" = "$GO" ]; then echo go; else echo jrunc; fi; }
# both orders alternate: iteration i runs Go first when i is even
pair() { if [ $(( $1 % 2 )) -eq 0 ]; then echo "$GO $JR"; else echo "$JR $GO"; fi; }
run_rm() { pc_ctr run --rm --runtime "$1" --rootfs "$PC_ROOTFS" "$2" "${@:3}"; }
run_d() { pc_ctr run -d --runtime "$1" --rootfs "$PC_ROOTFS" "$2" /bin/sleep 3600 > /dev/null; }
remove() { pc_ctr task delete --force "$1" > /dev/null 2>&1 || true; pc_ctr container delete "$1" > /dev/null 2>&1 || true; }
# sum of a smaps_rollup field (kB) over pids
mem_sum() { local field=$1 total=0 pid v; shift; for pid in "$@"; do v=$(awk -v f="$field:" '$1 == f {print $2}' "/proc/$pid/smaps_rollup" 2>/dev/null || echo 0); total=$(( total + ${v:-0} )); done; echo "$total"; }
shims_of() { local rt_bin=$1 pid; for pid in $(pc_shim_pids); do if tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q "$rt_bin"; then echo "$pid"; fi; done; }
jrunc_pids() { local pid; for pid in $(pc_shim_pids); do [ "$(readlink "/proc/$pid/exe")" != "$(readlink -f "$(command -v containerd-shim-runc-v2)")" ] && echo "$pid"; done; return 0; }
go_pids() { local pid go; go=$(readlink -f "$(command -v containerd-shim-runc-v2)"); for pid in $(pc_shim_pids); do [ "$(readlink "/proc/$pid/exe")" = "$go" ] && echo "$pid"; done; return 0; }

ready_spare() { # waits (<= 60 s) until a spare is ready, prints its pid
  local i d
  for i in $(seq 600); do
    for d in "$spare_run"/*/ready.*; do [ -d "$d" ] && kill -0 "${d##*.}" 2>/dev/null && { echo "${d##*.}"; return 0; }; done
    sleep 0.1
  done
  echo "bench: no warm spare became ready within 60 s" >&2; return 1
}
# before each measurement with spares (either shim): a spare is ready and the previous refill's warm-up is over
quiet_spare() { local spare; spare=$(ready_spare) || return 1; sleep 1; echo "$spare"; }
# spares on (sandbox grouping) for section $1, and a cold start of jrunc that writes the spare policy and starts the
# first spare
spares_on() {
  printf 'jshim.grouping = sandbox\njshim.spare.count = 1\n' > "$conf"
  run_rm "$JR" "$1-first" /bin/true
}
# warm-up: one of each (page cache, containerd's first-use paths)
for rt in $GO $JR; do run_rm "$rt" "warm-$(name "$rt")" /bin/true; done

if [ -z "${ONLY:-}" ]; then
log "(a) ctr run --rm /bin/true, N=$N each, interleaved"
for i in $(seq "$N"); do
  for rt in $(pair "$i"); do
    t0=$(now_ms); run_rm "$rt" "a-$(name "$rt")-$i" /bin/true; t1=$(now_ms)
    echo $(( t1 - t0 )) >> "$raw/run_$(name "$rt")"
  done
done

log "(b) ctr task exec /bin/true, N=$N each, interleaved"
for rt in $GO $JR; do run_d "$rt" "b-$(name "$rt")"; done
for i in $(seq "$N"); do
  for rt in $(pair "$i"); do
    t0=$(now_ms); pc_ctr task exec --exec-id "e$i" "b-$(name "$rt")" /bin/true; t1=$(now_ms)
    echo $(( t1 - t0 )) >> "$raw/exec_$(name "$rt")"
  done
done
for rt in $GO $JR; do remove "b-$(name "$rt")"; done

log "(c) memory with 10 sleepers per runtime and grouping"
settle() { sleep 3; }
memory() { # label runtime pids-function
  local label=$1 rt=$2 fn=$3 i
  for i in $(seq 10); do run_d "$rt" "c-$label-$i"; if [ "$i" -eq 1 ]; then settle; echo "$(mem_sum Pss $($fn)) $(mem_sum Rss $($fn)) $($fn | wc -l)" > "$raw/mem1_$label"; fi; done
  settle
  echo "$(mem_sum Pss $($fn)) $(mem_sum Rss $($fn)) $($fn | wc -l) $(mem_sum Pss_Anon $($fn))" > "$raw/mem10_$label"
  for i in $(seq 10); do remove "c-$label-$i"; done
  sleep 2
}
memory go $GO go_pids
memory sandbox $JR jrunc_pids
printf 'jshim.grouping = namespace\njshim.spare.count = 0\n' > "$conf"
memory namespace $JR jrunc_pids
printf 'jshim.grouping = sandbox\njshim.spare.count = 0\n' > "$conf"

log "(d) stdout throughput, 512 MiB, $STDOUT_RUNS runs each"
for i in $(seq "$STDOUT_RUNS"); do
  for rt in $(pair "$i"); do
    run_rm "$rt" "d-$(name "$rt")-$i" /bin/sh -c 'head -c 536870912 /dev/zero' | python3 "$here/throughput.py" >> "$raw/stdout_$(name "$rt")"
  done
done

log "(e) 10 containers started in parallel, $PAR_ROUNDS rounds each"
for r in $(seq "$PAR_ROUNDS"); do
  for rt in $(pair "$r"); do
    n=$(name "$rt"); t0=$(now_ms)
    starters=()
    for i in $(seq 10); do run_d "$rt" "e-$n-$r-$i" & starters+=($!); done
    wait "${starters[@]}"; t1=$(now_ms)
    echo $(( t1 - t0 )) >> "$raw/par_$n"
    for i in $(seq 10); do remove "e-$n-$r-$i"; done
  done
done

log "(g) what one daemon costs: $DAEMON_RUNS sleepers one after the other, each read by daemon-stats.sh once ctr run -d returned"
for i in $(seq "$DAEMON_RUNS"); do
  run_d "$JR" "g-$i"
  pid=$(for p in $(jrunc_pids); do tr '\0' ' ' < "/proc/$p/cmdline" | grep -q -- "-id g-$i " && [ "$(basename "$(readlink "/proc/$p/exe")")" = java ] && echo "$p"; done | head -1)
  if [ -n "$pid" ] && "$here/daemon-stats.sh" "$pid" >> "$raw/daemon" 2>> "$raw/daemon.err"; then :; else
    echo "bench: no per-daemon figures for g-$i (kept going): $(tail -1 "$raw/daemon.err" 2>/dev/null)" >&2
  fi
  remove "g-$i"
done
fi

if [ -z "${ONLY:-}" ] || [ "$ONLY" = i ]; then
log "(i) namespace grouping, the namespace's daemon up: ctr run --rm /bin/true N=$N each and 10 parallel starts, $PAR_ROUNDS rounds, interleaved"
printf 'jshim.grouping = namespace\njshim.spare.count = 0\n' > "$conf"
run_d "$JR" i-anchor # cold: the namespace's daemon, which every later jrunc start joins
for i in $(seq "$N"); do
  for rt in $(pair "$i"); do
    t0=$(now_ms); run_rm "$rt" "i-$(name "$rt")-$i" /bin/true; t1=$(now_ms)
    echo $(( t1 - t0 )) >> "$raw/nsrun_$(name "$rt")"
  done
done
for r in $(seq "$PAR_ROUNDS"); do
  for rt in $(pair "$r"); do
    n=$(name "$rt"); t0=$(now_ms)
    starters=()
    for i in $(seq 10); do run_d "$rt" "ip-$n-$r-$i" & starters+=($!); done
    wait "${starters[@]}"; t1=$(now_ms)
    echo $(( t1 - t0 )) >> "$raw/nspar_$n"
    for i in $(seq 10); do remove "ip-$n-$r-$i"; done
  done
done
remove i-anchor
fi

if [ -z "${ONLY:-}" ] || [ "$ONLY" = h ]; then
log "(h) ctr run --rm /bin/true with a warm spare ready, N=$N each, interleaved; PSS of the idle spare"
spares_on h
for i in $(seq "$N"); do
  for rt in $(pair "$i"); do
    spare=$(quiet_spare)
    if [ ! -f "$raw/spare_mem" ]; then echo "$(mem_sum Pss "$spare") $(mem_sum Rss "$spare")" > "$raw/spare_mem"; fi
    t0=$(now_ms); run_rm "$rt" "h-$(name "$rt")-$i" /bin/true; t1=$(now_ms)
    echo $(( t1 - t0 )) >> "$raw/spare_$(name "$rt")"
  done
done
kill_spares
fi

if [ -z "${ONLY:-}" ] || [ "$ONLY" = j ]; then
log "(j) 10 containers started in parallel with a warm spare ready (sandbox grouping), $PAR_ROUNDS rounds each"
spares_on j
for r in $(seq "$PAR_ROUNDS"); do
  for rt in $(pair "$r"); do
    spare=$(quiet_spare)
    n=$(name "$rt"); t0=$(now_ms)
    starters=()
    for i in $(seq 10); do run_d "$rt" "j-$n-$r-$i" & starters+=($!); done
    wait "${starters[@]}"; t1=$(now_ms)
    echo $(( t1 - t0 )) >> "$raw/sparepar_$n"
    # jrunc: whether the ready spare served one of the round's starts (it is then one of the shims; no grep -q:
    # with pipefail, its early exit would fail the pipeline)
    if [ "$n" = jrunc ]; then
      if pc_shim_pids | grep -x "$spare" > /dev/null; then echo 1; else echo 0; fi >> "$raw/sparepar_served"
    fi
    for i in $(seq 10); do remove "j-$n-$r-$i"; done
  done
done
kill_spares
fi
pc_stop

if [ -z "${ONLY:-}" ] || [ "$ONLY" = k ]; then
  log "(k) CRI: second container of a pod, CreateContainer + StartContainer, N=$N each, interleaved (dist CriPodBench)"
  # failsafe on dist's test class path (compiled by make build), offline; the raw files cripod_go and cripod_jrunc
  if ! command -v mvn > /dev/null; then
    echo "bench: CRI bench skipped: mvn is not on PATH (source tools/env.sh, as make bench does)" >&2
  elif (cd "$top" && mvn -B -ntp -o -q -pl dist failsafe:integration-test failsafe:verify -Dit.test=CriPodBench \
        -Djshim.e2e.home="$(cd "$JSHIM_HOME" && pwd)" -Djshim.bench.cri.out="$raw" -Djshim.bench.cri.runs="$N") \
      > "$raw/cripod.err" 2>&1; then :; else
    echo "bench: CRI bench failed (kept going): $(grep -m3 -E 'ERROR|FAIL|Exception' "$raw/cripod.err")" >&2
  fi
fi

if [ "${SKIP_TTRPC:-}" != 1 ]; then
  log "(f) ttrpc-java/interop/bench.sh"
  if WARMUP=2s DURATION=4s "$top/ttrpc-java/interop/bench.sh" > "$raw/ttrpc" 2> "$raw/ttrpc.err"; then :; else
    echo "bench: ttrpc bench failed (kept going): $(tail -3 "$raw/ttrpc.err")" >&2
  fi
fi

log "report"
python3 "$here/report.py" "$raw" "$here/results" "$N" "$(( $(date +%s) - began ))"
