#!/usr/bin/env bash
# jshim demo: runs containers through containerd-shim-jrunc-v2 under a private containerd (own root, state and
# sockets in a temp dir; the machine's containerd is never touched), shows their output, exit codes and the
# events containerd received, then stops everything by pid and cleans up.
#   RUNTIME=io.containerd.runc.v2 dist/src/demo/demo.sh    # same demo with Debian's Go shim, for comparison
set -euo pipefail

RUNTIME=${RUNTIME:-io.containerd.jrunc.v2}
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)
shim_bin="$top/dist/target/jshim/bin"
if [ "$RUNTIME" = io.containerd.jrunc.v2 ] && [ ! -x "$shim_bin/containerd-shim-jrunc-v2" ]; then
  echo "demo: $shim_bin/containerd-shim-jrunc-v2 is missing: build first (make build)" >&2
  exit 1
fi
[ "$(id -u)" -eq 0 ] || { echo "demo: run as root (containerd and runc need it)" >&2; exit 1; }
# shellcheck source=../main/build/private-containerd.sh
. "$top/dist/src/main/build/private-containerd.sh"   # for pc_remove_ns_cgroups and pc_kill_spares

dir=$(mktemp -d /tmp/jshim-demo-XXXXXX)
ns="jshim-demo-$$"
sock="$dir/containerd.sock"
containerd_pid=""
events_pid=""

ctr_() { timeout 60 ctr --address "$sock" --namespace "$ns" "$@"; }

cleanup() {
  status=$?
  set +e
  if [ "$status" -ne 0 ] && [ -f "$dir/containerd.log" ]; then
    echo "== demo failed (exit $status); last lines of containerd's log (shim stderr included):" >&2
    tail -25 "$dir/containerd.log" | cut -c1-400 >&2
  fi
  [ -n "$events_pid" ] && kill "$events_pid" 2>/dev/null && wait "$events_pid" 2>/dev/null
  if [ -n "$containerd_pid" ] && kill -0 "$containerd_pid" 2>/dev/null; then
    for id in $(ctr_ task ls -q 2>/dev/null); do ctr_ task delete --force "$id" >/dev/null 2>&1; done
    for id in $(ctr_ container ls -q 2>/dev/null); do ctr_ container delete "$id" >/dev/null 2>&1; done
    ctr_ namespaces remove "$ns" >/dev/null 2>&1
    kill -TERM "$containerd_pid"
    for _ in $(seq 50); do kill -0 "$containerd_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$containerd_pid" 2>/dev/null
    wait "$containerd_pid" 2>/dev/null
  fi
  # shims of this containerd carry "-address $sock" on their command line
  for proc in /proc/[0-9]*; do
    if tr "\\0" " " 2>/dev/null < "$proc/cmdline" | grep -q -- "-address $sock "; then kill -KILL "${proc#/proc/}" 2>/dev/null; fi
  done
  [ -z "${PC_SPARE_RUN:-}" ] || pc_kill_spares
  grep " $dir" /proc/self/mountinfo | awk '{print $5}' | sort -r | xargs -r -n1 umount -l 2>/dev/null
  rm -rf "/run/containerd/runc/$ns" "$dir"
  pc_remove_ns_cgroups "$ns"
}
trap cleanup EXIT

echo "== private containerd in $dir (runtime $RUNTIME)"
cat > "$dir/config.toml" <<TOML
version = 2
root = "$dir/root"
state = "$dir/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$sock"
[ttrpc]
  address = "$sock.ttrpc"
[debug]
  level = "${LOG_LEVEL:-info}"
[plugins]
  [plugins."io.containerd.internal.v1.opt"]
    path = "$dir/opt"
TOML
# jrunc's warm spare (jshim.spare) lives in the demo's dir and is stopped with it (cleanup), not in /run/jshim-spare
PC_SPARE_RUN="$dir/spare-run"
mkdir -m 0700 "$PC_SPARE_RUN"
JSHIM_SPARE_RUN="$PC_SPARE_RUN" PATH="$shim_bin:$PATH:/usr/local/sbin:/usr/sbin:/sbin" containerd --config "$dir/config.toml" > "$dir/containerd.log" 2>&1 &
containerd_pid=$!
for _ in $(seq 100); do
  ctr --address "$sock" version >/dev/null 2>&1 && break
  kill -0 "$containerd_pid" 2>/dev/null || { echo "demo: containerd exited:" >&2; tail -20 "$dir/containerd.log" >&2; exit 1; }
  sleep 0.1
done
ctr --address "$sock" version >/dev/null || { echo "demo: containerd did not answer in 10 s" >&2; exit 1; }

echo "== busybox rootfs"
rootfs="$dir/rootfs"
mkdir -p "$rootfs"/{bin,etc,proc,dev,sys,tmp}
cp /bin/busybox "$rootfs/bin/busybox"
for applet in $(/bin/busybox --list); do [ -e "$rootfs/bin/$applet" ] || ln -s busybox "$rootfs/bin/$applet"; done
echo 'root:x:0:0:root:/root:/bin/sh' > "$rootfs/etc/passwd"
echo 'root:x:0:' > "$rootfs/etc/group"

ctr_ namespaces create "$ns"
ctr --address "$sock" events > "$dir/events.txt" 2>&1 &
events_pid=$!
sleep 0.5

echo "== ctr run --rm --runtime $RUNTIME ... /bin/echo hello from jrunc"
ctr_ run --rm --runtime "$RUNTIME" --rootfs "$rootfs" demo-hello /bin/echo hello from jrunc
echo "   exit code: $?"

echo "== ctr run --rm --runtime $RUNTIME ... /bin/sh -c 'echo ...; exit 3'"
set +e
ctr_ run --rm --runtime "$RUNTIME" --rootfs "$rootfs" demo-exit /bin/sh -c 'echo "pid $$ in the container, exiting with 3"; exit 3'
code=$?
set -e
echo "   exit code: $code"

sleep 0.5
echo "== events seen by ctr events (namespace $ns)"
grep " $ns /" "$dir/events.txt" | grep -v '/namespaces/' | cut -c1-220 || true
[ "$code" -eq 3 ] || { echo "demo: expected exit code 3, got $code" >&2; exit 1; }
echo "== done; stopping containerd (pid $containerd_pid) and cleaning up"
