#!/usr/bin/env bash
# make test-cgroup2: runs the cgroup scenarios (guest/scenarios.sh) on both shims in a pure cgroup v2 Debian
# guest under qemu (TCG: KVM is nested PVM on the build machines and does not help), prints the results and
# fails when a jrunc scenario fails. Expects the build (dist/target/jshim); installs it into a temp prefix with
# install.sh and shares that prefix into the guest (9p) at the same path.
#   SHIMS="go jrunc" (default)  SCENARIOS="metrics oom ..." (default: all)  CG2_TIMEOUT=3600 (seconds, whole guest run)
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
[ "$(id -u)" -eq 0 ] || { echo "test-cgroup2: run as root (image build, qemu with 9p passthrough)" >&2; exit 1; }
SHIMS=${SHIMS:-"go jrunc"}
results=$top/target/cgroup2-vm
t0=$(date +%s)

image=$("$here/build-image.sh")
tmp=$(mktemp -d /tmp/jshim-cgroup2-XXXXXX)
qemu_pid=""
cleanup() {
  [ -n "$qemu_pid" ] && kill -KILL "$qemu_pid" 2>/dev/null
  rm -rf "$tmp"
}
trap cleanup EXIT
"$top/dist/src/install/install.sh" "$tmp/prefix" > "$tmp/install.log" 2>&1 || { cat "$tmp/install.log" >&2; exit 1; }
mkdir -p "$tmp/ctl/bin" "$tmp/rootfs"/{bin,etc,proc,dev,sys,tmp}
cp /bin/busybox "$tmp/rootfs/bin/busybox"
for applet in $(/bin/busybox --list); do [ -e "$tmp/rootfs/bin/$applet" ] || ln -s busybox "$tmp/rootfs/bin/$applet"; done
echo 'root:x:0:0:root:/root:/bin/sh' > "$tmp/rootfs/etc/passwd"
echo 'root:x:0:' > "$tmp/rootfs/etc/group"
tar -cf "$tmp/ctl/rootfs.tar" -C "$tmp/rootfs" .
cp -r "$here/guest" "$tmp/ctl/guest"
(cd "$here" && CGO_ENABLED=0 GO111MODULE=off GOCACHE="$tmp/gocache" go build -o "$tmp/ctl/bin/shim-update" shim-update.go)
{ echo "PREFIX=$tmp/prefix"; echo "SHIMS=\"$SHIMS\""; [ -n "${SCENARIOS:-}" ] && echo "SCENARIOS=\"$SCENARIOS\""; } > "$tmp/ctl/env"
rm -rf "$results"
mkdir -p "$results"

echo "test-cgroup2: booting the guest ($image), shims: $SHIMS; log: $results/guest.log" >&2
boot=$(date +%s)
timeout "${CG2_TIMEOUT:-3600}" qemu-system-x86_64 -accel tcg,thread=multi -cpu max -smp 2 -m 3072 \
  -display none -monitor none -no-reboot -nic none -serial "file:$results/console.log" \
  -kernel "$image/vmlinux" -initrd "$image/initrd.img" \
  -append "root=/dev/vda rw console=ttyS0 quiet mitigations=off fsck.mode=skip panic=-1 systemd.unified_cgroup_hierarchy=1 cgroup_no_v1=all" \
  -drive "file=$image/rootfs.ext4,format=raw,if=virtio,snapshot=on" \
  -virtfs "local,path=$tmp/ctl,mount_tag=ctl,security_model=passthrough,readonly=on" \
  -virtfs "local,path=$results,mount_tag=out,security_model=passthrough" \
  -virtfs "local,path=$tmp/prefix,mount_tag=prefix,security_model=passthrough,readonly=on" &
qemu_pid=$!
wait "$qemu_pid" || echo "test-cgroup2: qemu ended with $? (124: CG2_TIMEOUT)" >&2
qemu_pid=""
end=$(date +%s)

rc=0
"$here/report.sh" "$results" || rc=$?
echo "test-cgroup2: guest $(( end - boot )) s, total $(( end - t0 )) s; results in $results" >&2
exit $rc
