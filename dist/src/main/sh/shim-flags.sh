# Sourced by containerd-shim-jrunc-v2 (POSIX sh, dash) for its JVM-less paths (join-group.sh, dead-shim-delete.sh):
# the shim flags containerd passes, read as Go's flag package (and io.jshim.framework.ShimFlags) reads them.
#
# jshim_shim_flags ACTION DEBUG ARGS...: true when ARGS are only -namespace, -id, -address, -publish-binary and
# -bundle (each as `-flag value` or `-flag=value`, one or two dashes), plus -debug when DEBUG is 1, followed by
# ACTION alone; sets jshim_ns, jshim_id, jshim_address, jshim_bundle (`.` when absent or empty). Any other flag or a
# flag without its value returns 1: the caller then leaves the action to the JVM.
jshim_shim_flags() {
  jshim_action=$1
  jshim_debug_ok=$2
  shift 2
  jshim_ns=""
  jshim_id=""
  jshim_address=""
  jshim_bundle=.
  while [ "$#" -gt 1 ]; do
    case $1 in
      -namespace | --namespace | -id | --id | -address | --address | -publish-binary | --publish-binary | -bundle | --bundle)
        [ "$#" -gt 2 ] || return 1
        jshim_flag=${1#-}
        jshim_value=$2
        shift 2
        ;;
      -namespace=* | --namespace=* | -id=* | --id=* | -address=* | --address=* | -publish-binary=* | --publish-binary=* | -bundle=* | --bundle=*)
        jshim_flag=${1%%=*}
        jshim_flag=${jshim_flag#-}
        jshim_value=${1#*=}
        shift
        ;;
      -debug | --debug | -debug=true | --debug=true | -debug=false | --debug=false | -debug=1 | --debug=1 | -debug=0 | --debug=0)
        [ "$jshim_debug_ok" = 1 ] || return 1
        shift
        continue
        ;;
      *) return 1 ;;
    esac
    case ${jshim_flag#-} in
      namespace) jshim_ns=$jshim_value ;;
      id) jshim_id=$jshim_value ;;
      address) jshim_address=$jshim_value ;;
      bundle) jshim_bundle=$jshim_value ;;
    esac
  done
  [ "$#" -eq 1 ] && [ "$1" = "$jshim_action" ] || return 1
  [ -n "$jshim_bundle" ] || jshim_bundle=.
  return 0
}
