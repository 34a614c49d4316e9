# Sourced by containerd-shim-jrunc-v2 (POSIX sh, dash) before a `start`: who this launcher is, computed once per
# start for both JVM-less paths that must never mix installations or configurations, the join of a serving group
# daemon (join-group.sh) and the claim of a warm spare (jshim-spare.sh).
#
# jshim_identity sets, from the launcher's variables (self, home, lib) and its environment:
#   jshim_fp           the fingerprint "<hash>-<hash>" of the installation and the configuration: two polynomial
#                      hashes (31-bit primes) of `stat -L` (inode, size, ctime in ns) of the launcher, the
#                      configuration file and every jar, in that order, and of the number of fields, plus the
#                      cksum of $JSHIM_JAVA_OPTS when it is set. Replacing or editing a jar, the configuration or
#                      the launcher changes the ctime (or the inode), so the fingerprint; so do other JVM options.
#   JSHIM_FINGERPRINT  exported, = jshim_fp: the daemon publishes it in its join record (io.jshim.framework.JoinRecord),
#                      which it does only when that configuration file alone decides its settings (no HOCON
#                      substitution or include: ShimConfig#selfContained), so a later start that fingerprints the
#                      same file reads the same grouping and address version
# One program (stat, in the C locale: no locale files to load); the hashes are shell arithmetic: this runs on every
# start, on containerd's critical path.
#
# jshim_installation_key sets jshim_key, the installation key: the cksum of "$home\n" (the spare directory
# <run>/<key>; install's spares.sh derives the same key from the prefix). Only the warm spare's path needs it.

jshim_identity() {
  unset JSHIM_FINGERPRINT
  jshim_conf=${JSHIM_CONFIG:-/etc/jshim/jshim.conf}
  jshim_h1=1
  jshim_h2=1
  jshim_n=0
  # stat prints one `jshim_file INODE SIZE CTIME` line a file (numbers only, whatever the names), which eval runs
  jshim_stat=$(LC_ALL=C stat -L -c 'jshim_file %i %s %.9Z' "$self" "$jshim_conf" "$lib"/lib/*.jar 2> /dev/null) ||
    [ -n "$jshim_stat" ] || return 1
  eval "$jshim_stat" || return 1
  if [ -n "${JSHIM_JAVA_OPTS:-}" ]; then
    # shellcheck disable=SC2046 # cksum's two numbers
    jshim_file $(printf 'java-opts:%s' "$JSHIM_JAVA_OPTS" | cksum) 0.0 || return 1
  fi
  [ "$jshim_n" -gt 0 ] || return 1
  jshim_fp="$jshim_h1-$(((jshim_h2 * 41 + jshim_n) % 2147483629))"
  JSHIM_FINGERPRINT=$jshim_fp
  export JSHIM_FINGERPRINT
  return 0
}

# jshim_file INODE SIZE SECONDS.NANOSECONDS: adds one file's numbers to both hashes (digits only, none read as octal;
# of an inode of more than 18 digits, a 64-bit file system's, its last 18)
jshim_file() {
  jshim_count=$jshim_n
  jshim_n=-1000000 # until this file's numbers are in: one bad line (eval goes on) spoils the fingerprint
  [ "$#" -eq 3 ] || return 1
  jshim_sec=${3%.*}
  jshim_nsec=1${3#*.}
  case " $1 $2 $jshim_sec $jshim_nsec " in *[!0-9\ ]* | *' '0[0-9]* | *'  '*) return 1 ;; esac
  [ "${#2}" -le 18 ] && [ "${#jshim_sec}" -le 18 ] && [ "${#jshim_nsec}" -le 18 ] || return 1
  [ "${#1}" -le 18 ] || set -- "1${1#"${1%??????????????????}"}" "$2" "$3"
  jshim_h1=$((((((jshim_h1 * 31 + $1) % 2147483647 * 31 + $2) % 2147483647 * 31 + jshim_sec) % 2147483647 * 31 + jshim_nsec) % 2147483647))
  jshim_h2=$((((((jshim_h2 * 37 + $1) % 2147483629 * 37 + $2) % 2147483629 * 37 + jshim_sec) % 2147483629 * 37 + jshim_nsec) % 2147483629))
  jshim_n=$((jshim_count + 1))
}

jshim_installation_key() {
  jshim_key=$(printf '%s\n' "$home" | cksum) || return 1
  jshim_key=${jshim_key%% *}
  [ -n "$jshim_key" ]
}
