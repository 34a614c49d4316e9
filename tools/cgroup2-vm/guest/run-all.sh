#!/bin/bash
# Runs inside the cgroup v2 guest (started by the image's jshim-cgroup2.service, output to OUT/guest.log).
# Mounts the install prefix at the same path it has on the host (the AOT caches name their jars' paths), starts
# one private containerd whose PATH holds the prefix's bin, and runs every scenario on each shim of $SHIMS.
set -uo pipefail
ctl=/mnt/ctl
OUT=/mnt/out
. "$ctl/env"                       # PREFIX, SHIMS
export PATH="$PREFIX/bin:$ctl/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
log() { echo "$(date +%T.%3N) $*"; }

mkdir -p "$PREFIX"
mount -t 9p -o trans=virtio,version=9p2000.L,ro,cache=loose prefix "$PREFIX" || { log "cannot mount the prefix at $PREFIX"; exit 2; }
log "kernel $(uname -r), cgroup.controllers: $(cat /sys/fs/cgroup/cgroup.controllers)"
grep -q ' /sys/fs/cgroup cgroup2 ' /proc/mounts || { log "/sys/fs/cgroup is not cgroup2: not a pure v2 guest"; exit 2; }
cat /sys/fs/cgroup/cgroup.controllers > "$OUT/controllers"

dir=/run/jshim-cg2
mkdir -p "$dir"
sock=$dir/containerd.sock
cat > "$dir/config.toml" <<TOML
version = 2
root = "/var/lib/jshim-cg2"
state = "$dir/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$sock"
[ttrpc]
  address = "$sock.ttrpc"
[debug]
  level = "info"
TOML
containerd --config "$dir/config.toml" > "$OUT/containerd.log" 2>&1 &
end=$(( SECONDS + 180 ))
while [ $SECONDS -lt $end ]; do ctr --address "$sock" version > /dev/null 2>&1 && break; sleep 0.5; done
ctr --address "$sock" version > /dev/null || { log "containerd did not start"; exit 2; }
log "containerd $(containerd --version | awk '{print $3}'), runc $(runc --version | head -1 | awk '{print $3}')"

rootfs=/var/lib/jshim-cg2-rootfs    # busybox-static, made on the host (hundreds of ln under TCG take minutes)
mkdir -p "$rootfs"
tar -xf "$ctl/rootfs.tar" -C "$rootfs"
[ -x "$rootfs/bin/sh" ] || { log "no $rootfs/bin/sh in the busybox rootfs"; exit 2; }

ctr --address "$sock" events > "$OUT/events.txt" 2>&1 &
sleep 0.5

. "$ctl/guest/scenarios.sh"
: > "$OUT/results.tsv"
for shim in $SHIMS; do
  case $shim in
    go) runtime=io.containerd.runc.v2 ;;
    jrunc) runtime=io.containerd.jrunc.v2 ;;
    *) log "unknown shim $shim"; continue ;;
  esac
  for scenario in $SCENARIOS; do
    run_scenario "$shim" "$runtime" "$scenario"
  done
done
log "all scenarios done"
