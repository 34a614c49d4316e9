# Sourced by containerd-shim-jrunc-v2 (POSIX sh, dash), after shim-flags.sh: the `delete` containerd runs after a shim
# died, without a JVM.
#
# containerd 1.6 runs `<shim> -namespace NS -address A -publish-binary B -id ID -bundle BUNDLE delete` (cwd = the
# bundle) when a shim's connection drops, and kills it after 5 s: a cold JVM on a loaded or CPU-throttled node misses
# that, and the container then keeps running with no shim. This does what the JVM's delete does
# (RuncShimManager.delete, then Shim's removal of the debug socket):
#   runc --root ROOT --log BUNDLE/log.json --log-format json [--systemd-cgroup] delete --force ID  (failure: a warning)
#   unmount BUNDLE/rootfs until nothing is mounted there (detach, at most 64 layers)
#   remove /run/containerd/s/<sha256 of A/NS/ID>.debug
#   print the DeleteResponse {pid from BUNDLE/init.pid, exit_status 137, exited_at now} protobuf on stdout
# ROOT, the binary and the systemd flag are what the daemon created the container with, recorded at Create in
# BUNDLE/jshim-runc (io.jshim.plugin.taskrunc.container.DeleteRuntimeRecord: four lines, no JSON).
#
# jshim_dead_shim_delete ARGS... exits 0 once it answered. It returns 1, having changed nothing, when anything is
# missing or unexpected (no record or another format, a flag it does not know such as -debug or -debug-socket, an
# id or namespace that is not a plain name, an init.pid that is not a number, an address Go's path.Join would
# rewrite): the launcher then runs the JVM's delete, which handles every case.

# jshim_varint N: appends the protobuf varint of the unsigned N as printf octal escapes to $jshim_fmt and its length
# to $jshim_len
jshim_varint() {
  jshim_n=$1
  while :; do
    jshim_b=$((jshim_n & 127))
    jshim_n=$((jshim_n >> 7))
    [ "$jshim_n" -eq 0 ] || jshim_b=$((jshim_b | 128))
    jshim_fmt="$jshim_fmt\\$((jshim_b >> 6))$(((jshim_b >> 3) & 7))$((jshim_b & 7))"
    jshim_len=$((jshim_len + 1))
    [ "$jshim_n" -ne 0 ] || return 0
  done
}

# jshim_delete_response PID EXIT_STATUS SECONDS NANOS: prints the containerd.task.v2.DeleteResponse protobuf
# (pid = 1, exit_status = 2, exited_at = 3 {seconds = 1, nanos = 2}), as io.jshim.framework.DeleteRecord encodes it:
# zero scalars omitted, exited_at always present. Arguments are decimal without leading zeros.
jshim_delete_response() {
  jshim_fmt=""
  jshim_len=0
  if [ "$3" -ne 0 ]; then jshim_fmt="$jshim_fmt\\010"; jshim_len=$((jshim_len + 1)); jshim_varint "$3"; fi
  if [ "$4" -ne 0 ]; then jshim_fmt="$jshim_fmt\\020"; jshim_len=$((jshim_len + 1)); jshim_varint "$4"; fi
  jshim_timestamp=$jshim_fmt
  jshim_timestamp_len=$jshim_len
  jshim_fmt=""
  jshim_len=0
  if [ "$1" -ne 0 ]; then jshim_fmt="$jshim_fmt\\010"; jshim_varint "$1"; fi
  if [ "$2" -ne 0 ]; then jshim_fmt="$jshim_fmt\\020"; jshim_varint "$2"; fi
  jshim_fmt="$jshim_fmt\\032"
  jshim_varint "$jshim_timestamp_len"
  # shellcheck disable=SC2059 # the format is the message: octal escapes only
  printf "$jshim_fmt$jshim_timestamp"
}

# jshim_plain_name VALUE: whether VALUE is a containerd identifier that needs no quoting anywhere (no slash, no
# leading dash or dot)
jshim_plain_name() {
  case $1 in
    '' | -* | .* | *[!A-Za-z0-9_.-]*) return 1 ;;
  esac
  return 0
}

jshim_dead_shim_delete() {
  jshim_shim_flags delete 0 "$@" || return 1
  jshim_plain_name "$jshim_ns" && jshim_plain_name "$jshim_id" || return 1
  # the runtime the daemon created the container with
  [ -f "$jshim_bundle/jshim-runc" ] || return 1
  { IFS= read -r jshim_format && IFS= read -r jshim_runc && IFS= read -r jshim_root && IFS= read -r jshim_systemd; } \
    < "$jshim_bundle/jshim-runc" || return 1
  [ "$jshim_format" = "jshim-runc 1" ] && [ -n "$jshim_runc" ] || return 1
  case $jshim_root in /*/"$jshim_ns") ;; *) return 1 ;; esac
  case $jshim_systemd in
    true) set -- --systemd-cgroup ;;
    false) set -- ;;
    *) return 1 ;;
  esac
  # the init pid (none when Create failed before runc wrote it)
  jshim_pid=0
  if [ -e "$jshim_bundle/init.pid" ]; then
    jshim_pid=$(cat "$jshim_bundle/init.pid") || return 1
    case $jshim_pid in
      0) ;;
      [1-9] | [1-9][0-9] | [1-9][0-9][0-9] | [1-9][0-9][0-9][0-9] | [1-9][0-9][0-9][0-9][0-9] | [1-9][0-9][0-9][0-9][0-9][0-9] | [1-9][0-9][0-9][0-9][0-9][0-9][0-9]) ;;
      *) return 1 ;;
    esac
  fi
  # the debug socket Go's and the JVM's delete remove: path.Join(address, namespace, id) must need no cleaning
  jshim_debug_socket=""
  if [ -n "$jshim_address" ]; then
    case $jshim_address in
      . | .. | ./* | ../* | */ | */. | */.. | *//* | */./* | */../*) return 1 ;;
    esac
    jshim_debug_socket=$(printf '%s' "$jshim_address/$jshim_ns/$jshim_id" | sha256sum) || return 1
    jshim_debug_socket=/run/containerd/s/${jshim_debug_socket%% *}.debug
  fi

  # From here on the delete is done here, whatever fails: the JVM could do no better.
  if ! "$jshim_runc" --root "$jshim_root" --log "$jshim_bundle/log.json" --log-format json "$@" delete --force "$jshim_id" >&2; then
    echo "failed to remove runc container id=$jshim_id (runc $jshim_runc, root $jshim_root): see $jshim_bundle/log.json" >&2
  fi
  jshim_i=0
  while [ "$jshim_i" -lt 64 ] && mountpoint -q "$jshim_bundle/rootfs" && umount -i -l "$jshim_bundle/rootfs" >&2; do
    jshim_i=$((jshim_i + 1))
  done
  [ -z "$jshim_debug_socket" ] || rm -f "$jshim_debug_socket" || echo "failed to remove debug socket $jshim_debug_socket" >&2
  jshim_now=$(date +%s%N)
  case $jshim_now in
    [1-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9][0-9]) ;;
    *) return 1 ;;
  esac
  jshim_delete_response "$jshim_pid" 137 $((jshim_now / 1000000000)) $((jshim_now % 1000000000))
  exit 0
}
