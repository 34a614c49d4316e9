# jshim-spare.sh: warm spare daemons for containerd-shim-jrunc-v2 (HOCON jshim.spare). Sourced by the launcher
# (installed as lib/jshim/sh/jshim-spare.sh) just before its cold one-JVM start, with the launcher's variables set
# (self, home, lib, java_home, cp, common, flags, aot; identity.sh's jshim_fp and jshim_installation_key). POSIX sh
# and coreutils only.
#
# A spare is a daemon JVM (daemon flags, daemon.aot) started ahead of time that warmed up on a scratch bundle and
# waits in the installation's root-only directory
#   $JSHIM_SPARE_RUN (default /run/jshim-spare) / <cksum of the installation dir> /
#     policy.<fp>          jshim.spare as shell lines, written by the Java side (no policy: spares are off)
#     ready.<fp>.<pid>/    a waiting spare: pid, req (its request FIFO, 0600)
#     new.<pid>/           a spare warming up
#     claim.<launcher pid>/ a spare a start claimed (renamed from ready.*: one rename wins)
#     spares.log           what spares log before they are handed a start
# <installation> and <fp> are identity.sh's jshim_key (jshim_installation_key) and jshim_fp (the launcher computed
# it before this runs): the fingerprint covers the launcher, every jar and the configuration file (inode, size,
# ctime) and JSHIM_JAVA_OPTS, so a spare
# of an older installation or configuration is never claimed, and the next refill retires it.
#
# spare_start MAIN_CLASS ARGS...: called for a `start`. If a spare of this fingerprint is ready, claims it, hands it
# the start (arguments, environment, bundle, stdin, this launcher's pid for the OOM score), relays its answer
# ("jshim: started" + address, as the cold start) and exits 0. Else (or when the spare does not acknowledge within
# handoff_timeout or answer within start_timeout: it is then killed and awaited) it returns and the cold start runs,
# with JSHIM_SPARE_* exported so its JVM writes the policy. After a successful start (either way) an EXIT trap starts
# the refill in the background: detached from containerd's pipes, after the new daemon created its first container
# (BUNDLE/init.pid) or refill_delay.

spare_main=""
spare_run=${JSHIM_SPARE_RUN:-/run/jshim-spare}
spare_root=""
spare_fp=""
spare_log=""

# spare_policy: reads policy.<fp> into spare_count, spare_handoff_timeout, spare_start_timeout, spare_refill_delay;
# false when there is none (spares off, or no JVM of this fingerprint ran yet)
spare_policy() {
  spare_count=0
  spare_handoff_timeout=2
  spare_start_timeout=10
  spare_refill_delay=5
  [ -f "$spare_root/policy.$spare_fp" ] || return 1
  while IFS='=' read -r key value; do
    case "$key" in
      count) spare_count=$value ;;
      handoff_timeout) spare_handoff_timeout=$value ;;
      start_timeout) spare_start_timeout=$value ;;
      refill_delay) spare_refill_delay=$value ;;
    esac
  done < "$spare_root/policy.$spare_fp"
  case "$spare_count" in ''|*[!0-9]*) spare_count=0 ;; esac
  [ "$spare_count" -gt 0 ]
}

spare_note() {
  printf '%s launcher=%s %s\n' "$(date -u +%Y-%m-%dT%H:%M:%SZ)" "$$" "$*" >> "$spare_log" 2>/dev/null || true
}

# spare_watchdog PID CLAIM: SIGKILLs the spare when it has not accepted the hand-off within handoff_timeout (a
# spare removes CLAIM as it accepts), then opens the out FIFO once so that a launcher blocked opening it for reading
# gets EOF; or when it has not answered within start_timeout more (its end of the FIFO closes as it dies). Killed
# (TERM) when the spare answered in time. One subshell for both bounds; no fd of containerd's.
spare_watchdog() {
  ( trap 'kill "$sleeper" 2>/dev/null; exit 0' TERM
    sleep "$spare_handoff_timeout" & sleeper=$!
    wait "$sleeper" || exit 0
    if [ -d "$2" ]; then
      kill -KILL "$1" 2>/dev/null
      : <> "$2/out"
      exit 0
    fi
    sleep "$spare_start_timeout" & sleeper=$!
    wait "$sleeper" || exit 0
    kill -KILL "$1" 2>/dev/null
  ) < /dev/null > /dev/null 2>&1 &
  spare_wd=$!
}

# spare_dead PID: waits (bounded, 2 s) until PID is gone or a zombie: it can no longer bind a socket or write a file
spare_dead() {
  i=0
  while [ "$i" -lt 200 ] && [ -e "/proc/$1" ]; do
    state=""
    { read -r state < "/proc/$1/stat"; } 2>/dev/null || break
    state=${state##*) }
    case "$state" in Z*|X*) break ;; esac
    sleep 0.01
    i=$((i + 1))
  done
}

# spare_abandon CLAIM PID REASON: the hand-off failed: kill the spare, wait for it, remove its directory
spare_abandon() {
  [ -z "${spare_wd:-}" ] || kill "$spare_wd" 2>/dev/null || true
  spare_wd=""
  kill -KILL "$2" 2>/dev/null || true
  spare_dead "$2"
  exec 5<&- 2>/dev/null || true
  rm -rf "$1"
  # the cold JVM (and the containers it starts) must not inherit an ignored SIGPIPE
  trap - PIPE
  spare_note "spare=$2 abandoned: $3; cold start"
}

# spare_handoff CLAIM PID ARGS...: hands the start to the claimed spare; exits 0 when it served, else returns 1
spare_handoff() {
  claim=$1
  spid=$2
  shift 2
  if ! kill -0 "$spid" 2>/dev/null; then
    rm -rf "$claim"
    spare_note "spare=$spid claimed but gone; cold start"
    return 1
  fi
  trap '' PIPE
  # the spare made CLAIM/out (0600) when it published itself
  [ -p "$claim/out" ] || { spare_abandon "$claim" "$spid" "$claim/out is not a FIFO"; return 1; }
  {
    printf 'home=%s\nfingerprint=%s\ncwd=%s\noom-pid=%s\n' "$home" "$spare_fp" "$(pwd -P)" "$$"
    printf 'arg=%s\n' "$@"
  } > "$claim/request" || { spare_abandon "$claim" "$spid" "cannot write $claim/request"; return 1; }
  env -0 > "$claim/env" || { spare_abandon "$claim" "$spid" "cannot write $claim/env"; return 1; }
  # containerd's runtime options or bootstrap parameters, when it sent any (the output may then be binary)
  spare_text_output=""
  if [ ! -e /proc/self/fd/0 ] || [ /dev/stdin -ef /dev/null ]; then
    : > "$claim/stdin" && spare_text_output=1
  else
    cat > "$claim/stdin"
  fi || { spare_abandon "$claim" "$spid" "cannot write $claim/stdin"; return 1; }
  spare_watchdog "$spid" "$claim"
  if ! printf 'jshim-handoff %s\n' "$claim" > "$claim/req" 2>/dev/null; then
    spare_abandon "$claim" "$spid" "cannot write its request FIFO"
    return 1
  fi
  exec 5< "$claim/out"
  ack=""
  IFS= read -r ack <&5 || true
  if [ "$ack" != "jshim: handoff" ]; then
    spare_abandon "$claim" "$spid" "no acknowledgement within ${spare_handoff_timeout}s"
    return 1
  fi
  status=""
  IFS= read -r status <&5 || true
  if [ "$status" != "jshim: started" ]; then
    spare_abandon "$claim" "$spid" "answered '$status' instead of jshim: started"
    return 1
  fi
  if [ -n "$spare_text_output" ]; then
    # the address (plain or JSON, no newline): relayed by the shell, no program to start
    line=""
    while IFS= read -r line <&5; do printf '%s\n' "$line"; line=""; done
    [ -z "$line" ] || printf '%s' "$line"
  else
    cat <&5
  fi
  kill "$spare_wd" 2>/dev/null || true
  exit 0
}

# spare_start MAIN_CLASS ARGS...: see the top of this file
spare_start() {
  spare_main=$1
  shift
  jshim_installation_key || return 0
  set +e
  spare_root="$spare_run/$jshim_key"
  spare_fp=$jshim_fp
  spare_log="$spare_root/spares.log"
  JSHIM_SPARE_ROOT=$spare_root
  JSHIM_SPARE_FINGERPRINT=$spare_fp
  JSHIM_SPARE_HOME=$home
  export JSHIM_SPARE_ROOT JSHIM_SPARE_FINGERPRINT JSHIM_SPARE_HOME
  # (the cold JVM creates the root, mode 0700, when it writes the policy: nothing is made with spares off)
  trap 'spare_after_start $?' EXIT
  if spare_policy; then
    for spare_dir in "$spare_root"/ready."$spare_fp".*; do
      [ -d "$spare_dir" ] || continue
      spare_claim="$spare_root/claim.$$"
      rm -rf "$spare_claim"
      # the claim: rename(2) is atomic, only one racing start gets this spare
      mv -T "$spare_dir" "$spare_claim" 2>/dev/null || continue
      # the arguments without the trailing `start`: a daemon's
      n=$#
      i=0
      for arg do
        i=$((i + 1))
        [ "$i" -eq 1 ] && set --
        [ "$i" -lt "$n" ] && set -- "$@" "$arg"
      done
      spare_handoff "$spare_claim" "${spare_dir##*.}" "$@"
      break
    done
  fi
  set -e
}

# spare_after_start STATUS: the EXIT trap: after a successful start, refill in the background
spare_after_start() {
  [ "$1" = 0 ] || return 0
  [ -z "${JSHIM_AOT_RECORD:-}${JSHIM_AOT_CREATE:-}" ] || return 0
  spare_policy || return 0
  trap - PIPE
  # a new sh, not a fork of this one: a fork keeps the start's command line (-address ... start) for seconds
  # shellcheck disable=SC2086 # flag lists
  ( JSHIM_REFILL_ROOT=$spare_root JSHIM_REFILL_FP=$spare_fp JSHIM_REFILL_BUNDLE=$(pwd -P) JSHIM_REFILL_COUNT=$spare_count
    JSHIM_REFILL_DELAY=$spare_refill_delay JSHIM_REFILL_JAVA="$java_home/bin/java"
    JSHIM_REFILL_FLAGS="$common $flags $aot -Xlog:disable -Xlog:all=off ${JSHIM_JAVA_OPTS:-}" JSHIM_REFILL_CP=$cp
    JSHIM_REFILL_MAIN=$spare_main
    export JSHIM_REFILL_ROOT JSHIM_REFILL_FP JSHIM_REFILL_BUNDLE JSHIM_REFILL_COUNT JSHIM_REFILL_DELAY JSHIM_REFILL_JAVA \
      JSHIM_REFILL_FLAGS JSHIM_REFILL_CP JSHIM_REFILL_MAIN
    exec /bin/sh "$lib/sh/jshim-spare.sh" --refill ) < /dev/null > /dev/null 2>&1 &
}

# spare_refill: (background) waits for the new daemon's first container or refill_delay, then retires spares of
# other fingerprints and starts spares until count are ready or warming up. One refill at a time (refill.lock).
spare_refill() {
  set +e
  spare_root=$JSHIM_REFILL_ROOT
  spare_fp=$JSHIM_REFILL_FP
  spare_log="$spare_root/spares.log"
  spare_bundle=$JSHIM_REFILL_BUNDLE
  spare_count=$JSHIM_REFILL_COUNT
  spare_refill_delay=$JSHIM_REFILL_DELAY
  limit=$(( ${spare_refill_delay%.*} * 10 ))
  i=0
  while [ "$i" -lt "$limit" ] && [ -d "$spare_bundle" ] && [ ! -e "$spare_bundle/init.pid" ]; do
    sleep 0.1
    i=$((i + 1))
  done
  if ! mkdir "$spare_root/refill.lock" 2>/dev/null; then
    # a refill that died leaves its lock: older than a minute is stale
    then=$(stat -c %Y "$spare_root/refill.lock" 2>/dev/null) || return 0
    [ $(( $(date +%s) - then )) -gt 60 ] || return 0
    rm -rf "$spare_root/refill.lock"
    mkdir "$spare_root/refill.lock" 2>/dev/null || return 0
  fi
  have=0
  for spare_dir in "$spare_root"/ready.* "$spare_root"/new.*; do
    [ -d "$spare_dir" ] || continue
    case "$spare_dir" in
      "$spare_root"/ready."$spare_fp".*|"$spare_root"/new.*) have=$((have + 1)) ;;
      *)
        # another fingerprint: an older installation or configuration
        retired="$spare_root/retired.${spare_dir##*.}"
        if mv -T "$spare_dir" "$retired" 2>/dev/null; then
          kill -KILL "${spare_dir##*.}" 2>/dev/null
          spare_dead "${spare_dir##*.}"
          rm -rf "$retired"
          spare_note "spare=${spare_dir##*.} retired: its fingerprint is not $spare_fp"
        fi
        ;;
    esac
  done
  started=""
  while [ "$have" -lt "$spare_count" ]; do
    # shellcheck disable=SC2086 # flag lists
    ( cd / && exec env -u NAMESPACE -u TTRPC_ADDRESS -u GRPC_ADDRESS -u MAX_SHIM_VERSION -u JSHIM_START_SERVES \
        -u JSHIM_READY_FD -u JSHIM_REFILL_ROOT -u JSHIM_REFILL_FP -u JSHIM_REFILL_BUNDLE -u JSHIM_REFILL_COUNT \
        -u JSHIM_REFILL_DELAY -u JSHIM_REFILL_JAVA -u JSHIM_REFILL_FLAGS -u JSHIM_REFILL_CP -u JSHIM_REFILL_MAIN \
        JSHIM_SPARE=1 setsid "$JSHIM_REFILL_JAVA" $JSHIM_REFILL_FLAGS -cp "$JSHIM_REFILL_CP" "$JSHIM_REFILL_MAIN" ) \
        < /dev/null > /dev/null 2>> "$spare_log" &
    started="$started $!"
    spare_note "spare=$! starting"
    have=$((have + 1))
  done
  # hold the lock until the new spares made their directory (or died): no second refill starts more meanwhile
  for pid in $started; do
    i=0
    while [ "$i" -lt 100 ] && [ -e "/proc/$pid" ] && [ ! -d "$spare_root/new.$pid" ] && ! [ -d "$spare_root"/ready.*."$pid" ]; do
      sleep 0.05
      i=$((i + 1))
    done
  done
  rmdir "$spare_root/refill.lock"
}

# run as a script (`sh jshim-spare.sh --refill`, by spare_after_start): the background refill
if [ "${1:-}" = --refill ] && [ -n "${JSHIM_REFILL_ROOT:-}" ]; then
  spare_refill
fi
