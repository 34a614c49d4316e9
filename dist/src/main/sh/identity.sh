# Sourced by containerd-shim-jrunc-v2 (POSIX sh, dash) before a `start`: who this launcher is, computed once per
# start for both JVM-less paths that must never mix installations or configurations, the join of a serving group
# daemon (join-group.sh) and the claim of a warm spare (jshim-spare.sh).
#
# jshim_identity sets, from the launcher's variables (self, home, lib) and its environment:
#   jshim_key          the installation key: cksum of "$home\n" (the spare directory <run>/<key>; install's
#                      spares.sh derives the same key from the prefix)
#   jshim_fp           the fingerprint "<cksum>-<size>" of the installation and the configuration: home, then
#                      `stat -L` (name, device, inode, size, mtime and ctime in ns) of the launcher, the
#                      configuration file and every jar, then $JSHIM_JAVA_OPTS. Replacing a jar, editing the
#                      configuration, or another launcher copy or JVM option gives another fingerprint.
#   JSHIM_FINGERPRINT  exported, = jshim_fp, unless the configuration may depend on more than that file (HOCON
#                      substitutions `${` or includes: a daemon's settings could then differ from what this
#                      environment would read, so it publishes no join record and nothing joins it)
# One subshell, two programs (stat and cksum): this runs on every start, on containerd's critical path.

jshim_identity() {
  unset JSHIM_FINGERPRINT
  jshim_conf=${JSHIM_CONFIG:-/etc/jshim/jshim.conf}
  # shellcheck disable=SC2046 # six words: "<sum> <size> /dev/fd/3" (the key) and "<sum> <size> -" (the fingerprint)
  set -- $(
    {
      printf '%s\n' "$home"
      stat -L -c '%n:%d:%i:%s:%.9Y:%.9Z' "$self" "$jshim_conf" "$lib"/lib/*.jar 2> /dev/null
      printf 'java-opts:%s\n' "${JSHIM_JAVA_OPTS:-}"
    } | cksum /dev/fd/3 - 3<< EOF
$home
EOF
  )
  [ "$#" -eq 6 ] || return 1
  jshim_key=$1
  jshim_fp="$4-$5"
  jshim_joinable=1
  case ${JSHIM_CONFIG:-} in
    *[![:space:]]*) ;;
    *) [ -f /etc/jshim/jshim.conf ] || jshim_conf="" ;;
  esac
  if [ -n "$jshim_conf" ]; then
    if [ -f "$jshim_conf" ]; then
      while IFS= read -r jshim_line || [ -n "$jshim_line" ]; do
        case $jshim_line in *'${'* | *include*) jshim_joinable="" ;; esac
      done < "$jshim_conf"
    else
      jshim_joinable=""
    fi
  fi
  if [ -n "$jshim_joinable" ]; then
    JSHIM_FINGERPRINT=$jshim_fp
    export JSHIM_FINGERPRINT
  fi
  return 0
}
