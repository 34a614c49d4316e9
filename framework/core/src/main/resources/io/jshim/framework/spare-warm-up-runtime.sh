#!/bin/sh
# A stand-in for runc's command line in a warm spare's warm-up (io.jshim.framework.SpareWarmUp): the scratch daemon
# runs a whole task lifecycle through it - create, state, start, the exit, delete - so that the paths a real start
# takes are run once before a start is handed over, without making a container. `create` starts a sleeping process
# as the task's init (the daemon, a child subreaper, inherits it), `start` ends it with SIGTERM, `state`, `kill` and
# `delete` answer for it. Its state (the init's pid) is kept next to this file, in the warm-up's scratch directory.
state=${0%/*}
# runc's global flags
while [ "$#" -gt 0 ]; do
  case $1 in
    --root | --log | --log-format | --criu | --rootless) shift 2 ;;
    --*) shift ;;
    *) break ;;
  esac
done
command=${1:-}
[ "$#" -eq 0 ] || shift
pid_file=""
id=""
signal=TERM
while [ "$#" -gt 0 ]; do
  case $1 in
    --pid-file) pid_file=$2; shift 2 ;;
    --bundle | --console-socket | --process) shift 2 ;;
    --*) shift ;;
    *)
      if [ -z "$id" ]; then id=$1; else signal=$1; fi
      shift
      ;;
  esac
done
init=""
[ ! -f "$state/init" ] || read -r init < "$state/init"
case $command in
  create)
    sleep 60 < /dev/null > /dev/null 2>&1 &
    echo "$!" > "$state/init"
    echo "$!" > "$pid_file"
    ;;
  start) kill -TERM "$init" ;;
  kill) [ -z "$init" ] || kill -"$signal" "$init" 2> /dev/null || true ;;
  delete)
    [ -z "$init" ] || kill -KILL "$init" 2> /dev/null || true
    rm -f "$state/init"
    ;;
  state)
    status=stopped
    [ -z "$init" ] || ! kill -0 "$init" 2> /dev/null || status=running
    printf '{"ociVersion":"1.0.2","id":"%s","pid":%s,"status":"%s","bundle":"","rootfs":"","created":"2026-01-01T00:00:00Z","owner":""}\n' \
      "$id" "${init:-0}" "$status"
    ;;
  *)
    echo "spare warm-up runtime: $command is not supported" >&2
    exit 1
    ;;
esac
