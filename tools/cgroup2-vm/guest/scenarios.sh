# The scenarios of `make test-cgroup2`, sourced by run-all.sh inside the guest (pure cgroup v2).
# Each scenario runs in a subshell with $shim, $runtime, $id set, prints what it observed, and calls pass or fail
# once; run_scenario writes "shim scenario PASS|FAIL seconds observed" to $OUT/results.tsv and cleans up.
# Uses: $sock (private containerd), $rootfs (busybox), $OUT, $dir/state (containerd state dir).
NS=cg2
SCENARIOS=${SCENARIOS:-"metrics update pause-resume kill exec oom oom-order oom-pod stats-exited shim-kill"}

# generous: a cold JVM start of the shim took 108 s in the guest on a loaded machine (ctr run then timed out at 120 s)
ctr_() { timeout 600 ctr --address "$sock" --namespace "$NS" "$@"; }
run_d() { # run_d ID [ctr run options...] -- COMMAND...
  local cid=$1; shift
  local opts=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do opts+=("$1"); shift; done
  shift
  # --rootfs: no image config, so no PATH unless given
  ctr_ run -d --runtime "$runtime" --env PATH=/bin --rootfs "${opts[@]}" "$rootfs" "$cid" "$@" > /dev/null
}
pass() { echo "PASS	$*" > "$result"; }
fail() { echo "FAIL	$*" > "$result"; }
task_pid() { ctr_ task ls 2>/dev/null | awk -v id="$1" '$1 == id {print $2}'; }
task_status() { ctr_ task ls 2>/dev/null | awk -v id="$1" '$1 == id {print $3}'; }
wait_status() { # wait_status ID STATUS SECONDS (a deadline: under TCG on a loaded machine a ctr call takes seconds)
  local end=$(( SECONDS + $3 ))
  while [ $SECONDS -lt $end ]; do [ "$(task_status "$1")" = "$2" ] && return 0; sleep 0.2; done
  [ "$(task_status "$1")" = "$2" ]
}
# the JSON of the first event TOPIC about container ID, and its time of day in ms
event_json() { grep " $NS $1 " "$OUT/events.txt" | grep "\"container_id\":\"$2\"" | head -1 | cut -d' ' -f7-; }
event_ms() {
  grep " $NS $1 " "$OUT/events.txt" | grep "\"container_id\":\"$2\"" | head -1 | awk '{split($2, t, ":"); printf "%d\n", (t[1]*3600 + t[2]*60 + t[3]) * 1000}'
}
wait_event() { # wait_event TOPIC ID SECONDS
  local end=$(( SECONDS + $3 ))
  while [ $SECONDS -lt $end ]; do [ -n "$(event_json "$1" "$2")" ] && return 0; sleep 0.2; done
  [ -n "$(event_json "$1" "$2")" ]
}
cgroup_of() { sed -n 's/^0:://p' "/proc/$1/cgroup"; }
remove() { # remove ID: whatever is left of the container
  if [ -n "$(task_status "$1")" ]; then
    ctr_ task delete -f "$1" > /dev/null 2>&1
  fi
  ctr_ container delete "$1" > /dev/null 2>&1
  true
}

run_scenario() { # shim runtime scenario
  shim=$1 runtime=$2 scenario=$3 id=$1-$3
  result=$OUT/result.$id
  rm -f "$result"
  local start end
  start=$(date +%s.%N)
  log "== $shim $scenario"
  ( "sc_${scenario//-/_}" ) 2>&1 | sed "s/^/   [$id] /"
  end=$(date +%s.%N)
  remove "$id"
  [ -f "$result" ] || echo "FAIL	scenario ended without a result" > "$result"
  local status observed seconds
  status=$(cut -f1 "$result"); observed=$(cut -f2- "$result")
  seconds=$(awk -v a="$start" -v b="$end" 'BEGIN {printf "%.1f", b - a}')
  printf '%s\t%s\t%s\t%s\t%s\n' "$shim" "$scenario" "$status" "$seconds" "$observed" >> "$OUT/results.tsv"
  log "== $shim $scenario: $status in ${seconds}s: $observed"
}

# ctr task metrics: the v2 metrics (io.containerd.cgroups.v2.Metrics) with pids, cpu and memory
sc_metrics() {
  run_d "$id" --memory-limit 67108864 -- sh -c 'i=0; while [ $i -lt 3000 ]; do i=$((i+1)); done; exec sleep 300' || { fail "run failed"; return; }
  sleep 2
  local m
  m=$(ctr_ task metrics --format json "$id") || { fail "ctr task metrics failed: $m"; return; }
  echo "$m" | jq -c . | cut -c1-600
  local pids cpu mem limit hugetlb
  pids=$(echo "$m" | jq -r '.pids.current // "none"')
  cpu=$(echo "$m" | jq -r '.cpu.usage_usec // "none"')
  mem=$(echo "$m" | jq -r 'if (.memory.usage|type) == "number" then .memory.usage else "none" end')
  limit=$(echo "$m" | jq -r '.memory.usage_limit // "none"')
  hugetlb=$(echo "$m" | jq -r '[.hugetlb[]?.pagesize] | join(",")')   # one entry per page size, as Go's
  local obs="pids.current=$pids cpu.usage_usec=$cpu memory.usage=$mem memory.usage_limit=$limit hugetlb=${hugetlb:-none}"
  if [ "$pids" != none ] && [ "$pids" -ge 1 ] && [ "$cpu" != none ] && [ "$cpu" -gt 0 ] && [ "$mem" != none ] \
     && [ "$mem" -gt 0 ] && [ "$limit" = 67108864 ] && [ -n "$hugetlb" ]; then pass "$obs"; else fail "$obs"; fi
}

# Task.Update of memory, cpu and pids (through the shim's TTRPC, as containerd forwards it), read back from
# the container's cgroup files
sc_update() {
  run_d "$id" --memory-limit 67108864 -- sleep 300 || { fail "run failed"; return; }
  local pid cg addr out
  pid=$(task_pid "$id"); cg=/sys/fs/cgroup$(cgroup_of "$pid")
  echo "pid $pid cgroup $cg before: memory.max=$(cat "$cg/memory.max") cpu.max=$(cat "$cg/cpu.max") pids.max=$(cat "$cg/pids.max")"
  addr=$(cat "$dir/state/io.containerd.runtime.v2.task/$NS/$id/address")
  out=$(shim-update "$addr" "$id" '{"memory":{"limit":134217728},"cpu":{"quota":50000,"period":100000},"pids":{"limit":42}}' 2>&1)
  echo "update: $out"
  local mem cpu pids
  mem=$(cat "$cg/memory.max"); cpu=$(cat "$cg/cpu.max"); pids=$(cat "$cg/pids.max")
  local obs="update=$out memory.max=$mem cpu.max=$cpu pids.max=$pids"
  if [ "$out" = ok ] && [ "$mem" = 134217728 ] && [ "$cpu" = "50000 100000" ] && [ "$pids" = 42 ]; then pass "$obs"; else fail "$obs"; fi
}

# pause freezes the cgroup (cgroup.events frozen 1), resume thaws it, with /tasks/paused and /tasks/resumed
sc_pause_resume() {
  run_d "$id" -- sleep 300 || { fail "run failed"; return; }
  local pid cg
  pid=$(task_pid "$id"); cg=/sys/fs/cgroup$(cgroup_of "$pid")
  ctr_ task pause "$id" || { fail "pause failed"; return; }
  local st1 fr1 st2 fr2
  st1=$(task_status "$id"); fr1=$(sed -n 's/^frozen //p' "$cg/cgroup.events")
  ctr_ task resume "$id" || { fail "resume failed (after status=$st1 frozen=$fr1)"; return; }
  st2=$(task_status "$id"); fr2=$(sed -n 's/^frozen //p' "$cg/cgroup.events")
  wait_event /tasks/resumed "$id" 5
  local ev="paused-event=$([ -n "$(grep " $NS /tasks/paused " "$OUT/events.txt" | grep "\"container_id\":\"$id\"")" ] && echo yes || echo no)"
  ev="$ev resumed-event=$([ -n "$(event_json /tasks/resumed "$id")" ] && echo yes || echo no)"
  local obs="paused: status=$st1 frozen=$fr1; resumed: status=$st2 frozen=$fr2; $ev"
  if [ "$st1" = PAUSED ] && [ "$fr1" = 1 ] && [ "$st2" = RUNNING ] && [ "$fr2" = 0 ] && [ "$ev" = "paused-event=yes resumed-event=yes" ]; then
    pass "$obs"; else fail "$obs"; fi
}

# ctr task kill (SIGTERM) reaches the init, its exit status is published, delete removes the cgroup
sc_kill() {
  run_d "$id" -- sh -c 'trap "exit 42" TERM; while true; do sleep 1; done' || { fail "run failed"; return; }
  local pid cg
  pid=$(task_pid "$id"); cg=/sys/fs/cgroup$(cgroup_of "$pid")
  sleep 1
  ctr_ task kill "$id" || { fail "kill failed"; return; }
  wait_event /tasks/exit "$id" 20
  local status
  status=$(event_json /tasks/exit "$id" | jq -r '.exit_status // 0')
  ctr_ task delete "$id" > /dev/null
  local gone=no
  [ -d "$cg" ] || gone=yes
  local obs="exit_status=$status cgroup $cg removed after delete=$gone"
  if [ "$status" = 42 ] && [ "$gone" = yes ]; then pass "$obs"; else fail "$obs"; fi
}

# ctr task exec: the exec'd process runs in the container's cgroup and its exit code comes back
sc_exec() {
  run_d "$id" -- sleep 300 || { fail "run failed"; return; }
  local pid out code
  pid=$(task_pid "$id")
  out=$(ctr_ task exec --exec-id e1 "$id" sh -c 'grep "^0::" /proc/self/cgroup; grep "^0::" /proc/1/cgroup; exit 7')
  code=$?
  local self init
  self=$(echo "$out" | sed -n 1p); init=$(echo "$out" | sed -n 2p)
  local obs="exit_code=$code exec-cgroup='$self' init-cgroup='$init' host-view='$(cgroup_of "$pid")'"
  if [ "$code" = 7 ] && [ -n "$self" ] && [ "$self" = "$init" ]; then pass "$obs"; else fail "$obs"; fi
}

oom_common() { # container OOM killed under memory.max of its own or of its parent: /tasks/oom and exit 137
  wait_event /tasks/exit "$id" 60 || { obs="no /tasks/exit in 60 s (status $(task_status "$id"))"; order=none; return 1; }
  wait_event /tasks/oom "$id" 10 || true   # an OOM event published after the exit still counts here (oom-order judges the order)
  local status oom exit_ms oom_ms
  status=$(event_json /tasks/exit "$id" | jq -r '.exit_status // 0')
  oom=$([ -n "$(event_json /tasks/oom "$id")" ] && echo yes || echo no)
  exit_ms=$(event_ms /tasks/exit "$id"); oom_ms=$(event_ms /tasks/oom "$id")
  order="none"
  [ -n "$oom_ms" ] && order="oom-minus-exit=$(( oom_ms - exit_ms ))ms"
  obs="exit_status=$status oom-event=$oom $order"
  [ "$status" = 137 ] && [ "$oom" = yes ]
}

# memory limit on the container: tail /dev/zero is OOM-killed
sc_oom() {
  run_d "$id" --memory-limit 33554432 -- tail /dev/zero || { fail "run failed"; return; }
  local obs order
  if oom_common; then pass "$obs"; else fail "${obs:-}"; fi
}

# the same, judged on the order: /tasks/oom must come before /tasks/exit (a client deciding "OOM-killed" on exit)
sc_oom_order() {
  run_d "$id" --memory-limit 33554432 -- tail /dev/zero || { fail "run failed"; return; }
  local obs order
  oom_common
  local d=${order#oom-minus-exit=}; d=${d%ms}
  if [ "$order" != none ] && [ "$d" -le 0 ]; then pass "/tasks/oom before /tasks/exit: $obs"; else fail "/tasks/oom not before /tasks/exit: ${obs:-}"; fi
}

# pod cgroup: the container is placed under a parent cgroup (cgroupsPath, as CRI does) whose memory.max is
# the only limit; the OOM kill in the parent's limit must still reach containerd as /tasks/oom
sc_oom_pod() {
  local pod=/sys/fs/cgroup/jshim-pod-$shim
  mkdir -p "$pod"
  echo 33554432 > "$pod/memory.max"
  run_d "$id" --cgroup "/jshim-pod-$shim/$id" -- tail /dev/zero || { fail "run failed"; rmdir "$pod"; return; }
  local obs order
  if oom_common; then
    pass "$obs pod memory.max=$(cat "$pod/memory.max") pod oom_kill=$(sed -n 's/^oom_kill //p' "$pod/memory.events")"
  else fail "${obs:-} pod oom_kill=$(sed -n 's/^oom_kill //p' "$pod/memory.events")"; fi
  ctr_ task delete -f "$id" > /dev/null 2>&1
  rmdir "$pod" 2>/dev/null || echo "pod cgroup $pod not removable: $(ls "$pod")"
}

# metrics of a task that exited but is not deleted (Go answers from the cgroup, which lives until delete)
sc_stats_exited() {
  run_d "$id" -- sh -c 'exit 3' || { fail "run failed"; return; }
  wait_event /tasks/exit "$id" 30 || { fail "no /tasks/exit in 30 s"; return; }
  local m rc
  m=$(ctr_ task metrics --format json "$id" 2>&1); rc=$?
  echo "$m" | jq -c . 2>/dev/null | cut -c1-400 || echo "$m"
  local pids mem
  pids=$(echo "$m" | jq -r 'if .pids then (.pids.current // 0) else "none" end' 2>/dev/null)   # 0 is omitted in JSON
  mem=$(echo "$m" | jq -r 'if (.memory.usage|type) == "number" then .memory.usage else "none" end' 2>/dev/null)
  local obs="status=$(task_status "$id") metrics-rc=$rc pids.current=${pids:-none} memory.usage=${mem:-none}"
  [ "$rc" = 0 ] || obs="$obs error='$(echo "$m" | tail -1 | cut -c1-200)'"
  if [ "$rc" = 0 ] && [ "$pids" = 0 ] && [ "$mem" != none ]; then pass "$obs"; else fail "$obs"; fi
}

# the shim is SIGKILLed: containerd runs the shim binary's delete (5 s deadline in 1.6); the container must be
# gone afterwards (init dead, runc state and cgroup removed), and the exit published
sc_shim_kill() {
  run_d "$id" -- sleep 300 || { fail "run failed"; return; }
  local pid shimpid cg
  pid=$(task_pid "$id"); cg=/sys/fs/cgroup$(cgroup_of "$pid")
  shimpid=$(awk '/^PPid:/ {print $2}' "/proc/$pid/status")   # the shim is the init's parent (subreaper)
  echo "container init $pid, shim $shimpid ($(tr '\0' ' ' < "/proc/$shimpid/cmdline" | cut -c1-120)), cgroup $cg"
  local t0 gone=no end=$(( SECONDS + 30 ))
  t0=$(date +%s.%N)
  kill -KILL "$shimpid"
  while [ $SECONDS -lt $end ]; do
    if ! kill -0 "$pid" 2>/dev/null; then gone=yes; break; fi
    sleep 0.1
  done
  local secs
  secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN {printf "%.1f", b - a}')
  sleep 3  # let containerd finish its cleanup
  local runc_state=no cg_left=no listed status
  runc --root "/run/containerd/runc/$NS" list 2>/dev/null | awk '{print $1}' | grep -qx "$id" && runc_state=yes
  [ -d "$cg" ] && cg_left=yes
  listed=$(ctr_ task ls | awk -v id="$id" '$1 == id {print $3}')
  status=$(event_json /tasks/exit "$id" | jq -r '.exit_status // 0')
  local obs
  if [ "$gone" = yes ]; then obs="init gone ${secs}s after the shim's SIGKILL"; else obs="init $pid STILL RUNNING ${secs}s after the shim's SIGKILL"; fi
  obs="$obs; runc state left=$runc_state cgroup left=$cg_left ctr task ls=${listed:-absent} exit_status=$status"
  if [ "$gone" = yes ] && [ "$runc_state" = no ] && [ "$cg_left" = no ] && [ -z "$listed" ]; then pass "$obs"; else fail "$obs"; fi
  # leftovers, so the next scenarios start clean
  kill -KILL "$pid" 2>/dev/null
  runc --root "/run/containerd/runc/$NS" delete -f "$id" > /dev/null 2>&1
  rmdir "$cg" 2>/dev/null
  true
}
