# Sourced (bash): a private containerd in a temp dir (own root, state, sockets; the machine's containerd is
# never touched), a busybox rootfs, and clean-up by pid. Used by the AOT training and by bench/run.sh.
#   pc_start DIR SHIM_BIN_DIR [EXTRA_ENV...]   starts containerd with SHIM_BIN_DIR first on its PATH
#   pc_ctr ARGS...                              ctr against it (namespace $PC_NS)
#   pc_stop                                     removes tasks, containers, kills its shims, unmounts, rm -rf DIR,
#                                               removes the namespace's cgroups
# Needs root, containerd, ctr, runc and /bin/busybox (busybox-static).

pc_require() {
  [ "$(id -u)" -eq 0 ] || { echo "$1: needs root (containerd and runc)" >&2; return 1; }
  for tool in containerd ctr runc; do
    command -v "$tool" >/dev/null || { echo "$1: $tool is not installed (tools/install-deps.sh)" >&2; return 1; }
  done
  [ -x /bin/busybox ] || { echo "$1: /bin/busybox is missing (apt-get install busybox-static)" >&2; return 1; }
}

pc_ctr() { timeout 120 ctr --address "$PC_SOCK" --namespace "$PC_NS" "$@"; }

pc_start() {
  PC_DIR=$1
  local shim_bin=$2
  shift 2
  PC_SOCK="$PC_DIR/containerd.sock"
  PC_NS="jshim-$$"
  PC_ROOTFS="$PC_DIR/rootfs"
  mkdir -p "$PC_DIR"
  cat > "$PC_DIR/config.toml" <<TOML
version = 2
root = "$PC_DIR/root"
state = "$PC_DIR/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$PC_SOCK"
[ttrpc]
  address = "$PC_SOCK.ttrpc"
[debug]
  level = "${PC_LOG_LEVEL:-info}"
[plugins]
  [plugins."io.containerd.internal.v1.opt"]
    path = "$PC_DIR/opt"
TOML
  # jrunc's warm spares (jshim.spare) live in this containerd's dir (a JSHIM_SPARE_RUN=... argument overrides it);
  # pc_stop kills them
  PC_SPARE_RUN="$PC_DIR/spare-run"
  mkdir -p -m 0700 "$PC_SPARE_RUN"
  local arg
  for arg in "$@"; do case "$arg" in JSHIM_SPARE_RUN=*) PC_SPARE_RUN=${arg#JSHIM_SPARE_RUN=} ;; esac; done
  env JSHIM_SPARE_RUN="$PC_SPARE_RUN" "$@" PATH="$shim_bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
    containerd --config "$PC_DIR/config.toml" > "$PC_DIR/containerd.log" 2>&1 &
  PC_PID=$!
  local i
  for i in $(seq 150); do
    ctr --address "$PC_SOCK" version >/dev/null 2>&1 && break
    kill -0 "$PC_PID" 2>/dev/null || { echo "containerd exited:" >&2; tail -20 "$PC_DIR/containerd.log" >&2; return 1; }
    sleep 0.1
  done
  ctr --address "$PC_SOCK" version >/dev/null || { echo "containerd did not answer in 15 s" >&2; return 1; }
  mkdir -p "$PC_ROOTFS"/bin "$PC_ROOTFS"/etc "$PC_ROOTFS"/proc "$PC_ROOTFS"/dev "$PC_ROOTFS"/sys "$PC_ROOTFS"/tmp
  cp /bin/busybox "$PC_ROOTFS/bin/busybox"
  local applet
  for applet in $(/bin/busybox --list); do [ -e "$PC_ROOTFS/bin/$applet" ] || ln -s busybox "$PC_ROOTFS/bin/$applet"; done
  echo 'root:x:0:0:root:/root:/bin/sh' > "$PC_ROOTFS/etc/passwd"
  echo 'root:x:0:' > "$PC_ROOTFS/etc/group"
  pc_ctr namespaces create "$PC_NS"
}

# removes the (empty) cgroups containerd created for namespace $1: /sys/fs/cgroup/<hierarchy>/$1 (v1, hybrid)
# and /sys/fs/cgroup/$1 (v2), deepest first; a cgroup that still holds a process stays (rmdir refuses)
pc_remove_ns_cgroups() {
  local ns=$1 d
  [ -n "$ns" ] || return 0
  for d in /sys/fs/cgroup/*/"$ns" /sys/fs/cgroup/"$ns"; do
    [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} \; 2>/dev/null
  done
  return 0
}

# pids of the shims of this containerd: their command line carries "-address $PC_SOCK "
pc_shim_pids() {
  local proc
  for proc in /proc/[0-9]*; do
    if tr '\0' ' ' 2>/dev/null < "$proc/cmdline" | grep -q -- "-address $PC_SOCK "; then echo "${proc#/proc/}"; fi
  done
}

# SIGKILLs jrunc's warm spares (and their refills) of this containerd: processes whose environment has its
# JSHIM_SPARE_RUN and whose command line has no -address (a spare handed a start is a shim: pc_shim_pids)
pc_kill_spares() {
  [ -n "${PC_SPARE_RUN:-}" ] || return 0
  local proc
  for proc in /proc/[0-9]*; do
    [ "${proc#/proc/}" != $$ ] || continue
    tr '\0' '\n' 2>/dev/null < "$proc/environ" | grep -qxF "JSHIM_SPARE_RUN=$PC_SPARE_RUN" || continue
    tr '\0' '\n' 2>/dev/null < "$proc/cmdline" | grep -qx -- -address && continue
    kill -KILL "${proc#/proc/}" 2>/dev/null
  done
  return 0
}

pc_stop() {
  [ -n "${PC_DIR:-}" ] || return 0
  set +e
  if [ -n "${PC_PID:-}" ] && kill -0 "$PC_PID" 2>/dev/null; then
    local id
    for id in $(pc_ctr task ls -q 2>/dev/null); do pc_ctr task delete --force "$id" >/dev/null 2>&1; done
    for id in $(pc_ctr container ls -q 2>/dev/null); do pc_ctr container delete "$id" >/dev/null 2>&1; done
    pc_ctr namespaces remove "$PC_NS" >/dev/null 2>&1
    kill -TERM "$PC_PID"
    for _ in $(seq 50); do kill -0 "$PC_PID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$PC_PID" 2>/dev/null
    wait "$PC_PID" 2>/dev/null
  fi
  local pid
  for pid in $(pc_shim_pids); do kill -KILL "$pid" 2>/dev/null; done
  pc_kill_spares
  grep " $PC_DIR" /proc/self/mountinfo | awk '{print $5}' | sort -r | xargs -r -n1 umount -l 2>/dev/null
  rm -rf "/run/containerd/runc/$PC_NS" "$PC_DIR"
  pc_remove_ns_cgroups "$PC_NS"
  PC_DIR=""
}
