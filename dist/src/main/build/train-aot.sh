#!/usr/bin/env bash
# Trains the AOT caches of containerd-shim-jrunc-v2 (JDK 25, JEP 483/514/515) on a real container lifecycle:
# a private containerd runs containers through the assembled shim with JSHIM_AOT_RECORD set, so every daemon JVM
# (which ran `start` first) and every `delete` JVM records an AOT configuration at exit; then one configuration per
# role (the largest) becomes lib/jshim/aot/{daemon,delete}.aot, created with the launcher's own flags.
#   train-aot.sh JSHIM_HOME [skip]
# Needs root, containerd, runc and busybox-static: without them the build fails here, naming what is missing,
# unless -Djshim.aot.skip=true (the shim then runs without AOT caches: ~3x slower start).
set -euo pipefail
home=${1:?usage: train-aot.sh JSHIM_HOME [skip]}
skip=${2:-false}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
shim="$home/bin/containerd-shim-jrunc-v2"
aot="$home/lib/jshim/aot"
rm -rf "$aot"
if [ "$skip" = true ]; then
  echo "train-aot: WARNING: jshim.aot.skip=true, $home ships without AOT caches (slow start)"
  exit 0
fi
# shellcheck source=private-containerd.sh
. "$here/private-containerd.sh"
pc_require "train-aot (the AOT caches are trained on a real container lifecycle; build with -Djshim.aot.skip=true to ship without them)"
record=$(mktemp -d /tmp/jshim-aot-record-XXXXXX)
trap 'pc_stop; rm -rf "$record"' EXIT
trap 'echo "train-aot: failed at line $LINENO: $BASH_COMMAND (containerd log: ${PC_DIR:-}/containerd.log)" >&2; tail -15 "${PC_DIR:-/nonexistent}/containerd.log" >&2 || true' ERR
started=$(date +%s)
pc_start "$(mktemp -d /tmp/jshim-aot-train-XXXXXX)" "$home/bin" JSHIM_AOT_RECORD="$record"
rt=io.containerd.jrunc.v2
pc_ctr run --rm --runtime "$rt" --rootfs "$PC_ROOTFS" train-true /bin/true
pc_ctr run --rm --runtime "$rt" --rootfs "$PC_ROOTFS" train-out /bin/sh -c 'echo hello; head -c 4194304 /dev/zero' > /dev/null
pc_ctr run -d --runtime "$rt" --rootfs "$PC_ROOTFS" train-sleep /bin/sleep 600 > /dev/null
# what a daemon serving containers does: exec (probes), metrics (CRI stats); not one-off requests such as ps or
# pause/resume: with AOT class linking every class of the cache is loaded at every daemon's start (a class costs
# its load and its share of the cache's written pages), so a request few daemons see loads its classes on use
pc_ctr task exec --exec-id train-exec train-sleep /bin/sh -c 'echo exec' > /dev/null
pc_ctr task metrics train-sleep > /dev/null || true
pc_ctr task kill -s SIGKILL train-sleep
for _ in $(seq 100); do pc_ctr task ls | grep -q 'train-sleep.*STOPPED' && break; sleep 0.1; done
pc_ctr task delete train-sleep > /dev/null
pc_ctr container delete train-sleep
# a shim killed before its task was deleted: containerd's `delete` then cleans up the slow way (runc delete, unmount),
# the path the delete cache is for (after a clean task Delete the launcher answers `delete` without a JVM)
pc_ctr run -d --runtime "$rt" --rootfs "$PC_ROOTFS" train-orphan /bin/sleep 600 > /dev/null
for pid in $(pc_shim_pids); do
  tr '\0' ' ' < "/proc/$pid/cmdline" | grep -q -- "-id train-orphan " && kill -KILL "$pid"
done
for _ in $(seq 100); do pc_ctr task ls | grep -q train-orphan || break; sleep 0.1; done
pc_ctr container delete train-orphan
# the daemons write their configuration when they exit (Shutdown after the last delete)
for _ in $(seq 200); do [ -z "$(pc_shim_pids)" ] && break; sleep 0.1; done
[ -z "$(pc_shim_pids)" ] || { echo "train-aot: shim daemons still running after 20 s: $(pc_shim_pids)" >&2; exit 1; }
pc_stop
for role in delete daemon; do
  conf=$(ls -S "$record"/"$role"-*.aotconf 2>/dev/null | head -1 || true)
  [ -n "$conf" ] || { echo "train-aot: no $role JVM wrote an AOT configuration in $record" >&2; ls -l "$record" >&2; exit 1; }
  if [ "$role" = daemon ]; then ready=3; else ready=""; fi
  # the launcher picks the role (and so the cache name) from JSHIM_READY_FD and a last argument `delete`;
  # in create mode the JVM only writes the cache, the argument runs nothing
  if [ "$role" = delete ]; then action=delete; else action=""; fi
  JSHIM_READY_FD=$ready JSHIM_AOT_CREATE="$conf" JSHIM_JAVA_OPTS="-Xlog:aot=warning:stderr" "$shim" $action > "$record/create-$role.log" 2>&1 \
    || { echo "train-aot: failed to create the $role AOT cache from $conf:" >&2; tail -20 "$record/create-$role.log" >&2; ls -l "$record" >&2; exit 1; }
  [ -s "$aot/$role.aot" ] || { echo "train-aot: $aot/$role.aot was not written" >&2; cat "$record/create-$role.log" >&2; exit 1; }
done
echo "train-aot: $(ls "$record"/*.aotconf | wc -l) JVMs recorded; $(du -h "$aot/delete.aot" | cut -f1) delete.aot, $(du -h "$aot/daemon.aot" | cut -f1) daemon.aot in $(( $(date +%s) - started )) s"
