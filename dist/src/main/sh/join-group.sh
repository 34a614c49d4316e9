# Sourced by containerd-shim-jrunc-v2 (POSIX sh, dash), after shim-flags.sh: `start` of a task whose group's daemon
# already serves, answered without a JVM (issue 13 item 1).
#
# The Java start (io.jshim.framework.StartAction) finds the group (jshim.grouping: `namespace` -> jshim-namespace;
# `sandbox` -> the first non-empty of the annotations io.containerd.runc.v2.group, io.kubernetes.cri.sandbox-id,
# io.kubernetes.cri-o.SandboxID, io.kubernetes.sandbox.id in BUNDLE/config.json, else the task id; `none` -> the task
# id), derives the socket /run/containerd/s/<sha256(path.Join(ADDRESS, NS, GROUP))>, and when that group's daemon
# answers, writes BUNDLE/address and BUNDLE/bootstrap.json and prints the address (plain without MAX_SHIM_VERSION,
# else JSON {"version":min(jshim.address-version, MAX_SHIM_VERSION),...}). This does the same from the record a
# serving daemon publishes (io.jshim.framework.JoinRecord: /run/jshim/groups/<NS>,<GROUP>,<ADDRESS with / as ,>, a
# name built with builtins where the socket's would take a sha256sum), accepted only when every check passes: the
# record's format; its grouping is the one tried; its fingerprint is this launcher's ($JSHIM_FINGERPRINT from
# identity.sh: same installation and configuration file, so the same grouping and address version the JVM would
# read, since a daemon whose configuration has substitutions or includes publishes no record); its pid is alive
# with the recorded start time (not a reused pid); its address is a socket in /run/containerd/s that exists (the
# daemon published the record only for the socket derived from the same address, namespace and group). The record
# is removed the moment the daemon's shutdown begins.
#
# jshim_join ARGS... exits 0 once it answered; it returns 1, having written nothing, whenever the JVM must run the
# start: when in doubt, take the JVM path - never a wrong group. In doubt are: a flag other than -namespace, -id,
# -address, -publish-binary, -bundle, -debug; runtime options or containerd 2.3's bootstrap parameters on stdin
# (anything but /dev/null); an annotation whose value is not plain (escapes, a slash, duplicates, an annotations
# object that is not one line of "key":"value" pairs); an address or namespace Go's path.Join would clean, or with
# characters other than those of a plain name (and / in the address); a MAX_SHIM_VERSION that is not a plain number.

# jshim_join_plain VALUE: whether VALUE can be a path.Join element unchanged and a file name (no slash, not . or ..)
jshim_join_plain() {
  case $1 in
    '' | . | .. | *[!A-Za-z0-9_.:@+=-]*) return 1 ;;
  esac
  return 0
}

# jshim_start_time PID: sets jshim_started to field 22 of /proc/PID/stat (the comm field may hold spaces)
jshim_start_time() {
  IFS= read -r jshim_stat < "/proc/$1/stat" || return 1
  jshim_stat=${jshim_stat##*) }
  # shellcheck disable=SC2086 # split into the fields after comm; positional parameters are this function's
  set -- $jshim_stat
  [ "$#" -ge 20 ] || return 1
  shift 19
  jshim_started=$1
}

# jshim_sandbox_group BUNDLE: sets jshim_group to the first non-empty group annotation, as ShimGrouping reads it;
# returns 1 when there is none (the group is then the task id: a new daemon) or when reading it is in doubt
jshim_sandbox_group() {
  [ -f "$1/config.json" ] || return 1
  # containerd writes config.json as compact JSON: the annotations object on one line, "key":"value" pairs only.
  # One grep finds every "annotations" key: a plain object is printed whole, anything else as `"annotations":` and
  # one more character (the longest match wins), which no plain object ends with
  jshim_pair='[[:space:]]*"[^"\\]*"[[:space:]]*:[[:space:]]*"[^"\\]*"[[:space:]]*'
  jshim_ann=$(LC_ALL=C grep -oE "\"annotations\"[[:space:]]*:[[:space:]]*(\\{($jshim_pair(,$jshim_pair)*)?\\}|.)" "$1/config.json") || return 1
  case $jshim_ann in *"
"* | *[!}]) return 1 ;; esac
  for jshim_label in io.containerd.runc.v2.group io.kubernetes.cri.sandbox-id io.kubernetes.cri-o.SandboxID io.kubernetes.sandbox.id; do
    case $jshim_ann in *"\"$jshim_label\""*) ;; *) continue ;; esac
    jshim_rest=${jshim_ann#*"\"$jshim_label\""}
    case $jshim_rest in *"\"$jshim_label\""*) return 1 ;; esac
    jshim_rest=${jshim_rest#"${jshim_rest%%[![:space:]]*}"}
    case $jshim_rest in :*) ;; *) continue ;; esac # a value, not a key
    jshim_rest=${jshim_rest#:}
    jshim_rest=${jshim_rest#"${jshim_rest%%[![:space:]]*}"}
    jshim_rest=${jshim_rest#\"}
    jshim_group=${jshim_rest%%\"*}
    [ -n "$jshim_group" ] || continue
    jshim_join_plain "$jshim_group" || return 1
    return 0
  done
  return 1
}

# jshim_join_record MODE GROUP: answers the start when the record of GROUP's daemon passes every check
jshim_join_record() {
  jshim_record=/run/jshim/groups/$jshim_ns,$2,$jshim_address_name
  [ -f "$jshim_record" ] || return 1
  { IFS= read -r jshim_format && IFS= read -r jshim_pid && IFS= read -r jshim_start && IFS= read -r jshim_mode &&
    IFS= read -r jshim_version && IFS= read -r jshim_fp && IFS= read -r jshim_addr; } < "$jshim_record" || return 1
  [ "$jshim_format" = "jshim-daemon 2" ] && [ "$jshim_mode" = "$1" ] && [ "$jshim_fp" = "$JSHIM_FINGERPRINT" ] || return 1
  jshim_hex=${jshim_addr#unix:///run/containerd/s/}
  case $jshim_hex in "$jshim_addr" | *[!0-9a-f]*) return 1 ;; esac
  [ "${#jshim_hex}" -eq 64 ] && [ -S "/run/containerd/s/$jshim_hex" ] || return 1
  case $jshim_pid in '' | 0* | *[!0-9]*) return 1 ;; esac
  case $jshim_version in '' | 0* | *[!0-9]*) return 1 ;; esac
  jshim_start_time "$jshim_pid" 2> /dev/null && [ "$jshim_started" = "$jshim_start" ] || return 1
  # what the Java start prints and writes in the bundle (StartAction#output, #writeBundleFiles)
  if [ -z "${MAX_SHIM_VERSION:-}" ]; then
    jshim_out=$jshim_addr
    jshim_bootstrap_version=2
  else
    case $MAX_SHIM_VERSION in *[!0-9]*) return 1 ;; esac
    [ "${#MAX_SHIM_VERSION}" -le 9 ] || return 1
    jshim_max=$MAX_SHIM_VERSION
    while case $jshim_max in 0?*) true ;; *) false ;; esac; do jshim_max=${jshim_max#0}; done
    jshim_bootstrap_version=$jshim_version
    [ "$jshim_max" -ge "$jshim_version" ] || jshim_bootstrap_version=$jshim_max
    jshim_out="{\"version\":$jshim_bootstrap_version,\"address\":\"$jshim_addr\",\"protocol\":\"ttrpc\"}"
  fi
  # written in place (no rename: containerd reads them only after this start answered)
  { printf '%s' "$jshim_addr" > "$jshim_bundle/address" &&
    printf '%s' "{\"version\":$jshim_bootstrap_version,\"address\":\"$jshim_addr\",\"protocol\":\"ttrpc\"}" \
      > "$jshim_bundle/bootstrap.json"; } 2> /dev/null || {
    rm -f "$jshim_bundle/address" "$jshim_bundle/bootstrap.json"
    return 1
  }
  printf '%s' "$jshim_out"
  exit 0
}

jshim_join() {
  [ -n "${JSHIM_FINGERPRINT:-}" ] || return 1
  jshim_shim_flags start 1 "$@" || return 1
  jshim_join_plain "$jshim_ns" && [ -n "$jshim_address" ] || return 1
  case $jshim_address in
    . | .. | ./* | ../* | */ | */. | */.. | *//* | */./* | */../* | *[!A-Za-z0-9_.:@+=/-]*) return 1 ;;
  esac
  # the records' name for the address: every / as , (JoinRecord#name)
  jshim_address_name=
  jshim_rest=$jshim_address
  while :; do
    case $jshim_rest in
      */*)
        jshim_address_name=$jshim_address_name${jshim_rest%%/*},
        jshim_rest=${jshim_rest#*/}
        ;;
      *)
        jshim_address_name=$jshim_address_name$jshim_rest
        break
        ;;
    esac
  done
  # nothing on stdin: runtime options or bootstrap parameters are the JVM's to read
  [ /dev/stdin -ef /dev/null ] || return 1
  [ -d /run/jshim/groups ] || return 1
  # namespace grouping's record first: a file test, where the sandbox group takes a grep of config.json, which is
  # not run when no daemon of this namespace published a record (a start of the first pod, or with spares a new group)
  jshim_join_record namespace jshim-namespace
  for jshim_record in /run/jshim/groups/"$jshim_ns",*; do
    [ -e "$jshim_record" ] || return 1
    break
  done
  if jshim_sandbox_group "$jshim_bundle"; then
    jshim_join_record sandbox "$jshim_group"
  fi
  return 1
}
