#!/usr/bin/env bash
# Unary round-trip benchmark: the same Go client (containerd/ttrpc, Debian's build) drives the Java
# server (ttrpc-java) and the Go server, on 1 and 8 connections, and prints calls/s, p50 and p99.
# Needs: `mvn -pl ttrpc-java/protoc-gen-ttrpc,ttrpc-java/ttrpc,ttrpc-java/interop install -DskipTests`
# (make build does it), JDK 25 (tools/env.sh), Go and golang-github-containerd-ttrpc-dev.
# Options through the environment: WARMUP (default 3s), DURATION (default 10s), CALLERS (per connection,
# default 16), JAVA_OPTS (JVM flags of the Java server).
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source=/dev/null
source "$top/tools/env.sh"
WARMUP=${WARMUP:-3s}
DURATION=${DURATION:-10s}
CALLERS=${CALLERS:-16}
JAVA_OPTS=${JAVA_OPTS:---sun-misc-unsafe-memory-access=allow}

work=$(mktemp -d /tmp/ttrpc-bench.XXXXXX)
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

# the Go side, built in GOPATH mode against /usr/share/gocode
mkdir -p "$work/gopath/src/jshim.io"
cp -r "$here/src/test/go/ttrpc-interop" "$work/gopath/src/jshim.io/"
(cd "$work/gopath" && GO111MODULE=off GOPATH="$work/gopath:/usr/share/gocode" GOFLAGS= go build -o "$work/ttrpc-interop" jshim.io/ttrpc-interop)

jar="$here/target/ttrpc-interop-0.1.0-SNAPSHOT.jar"
cpfile="$here/target/bench-classpath.txt"
[ -f "$jar" ] && [ -f "$cpfile" ] || { echo "bench: build first: mvn -pl ttrpc-java/protoc-gen-ttrpc,ttrpc-java/ttrpc,ttrpc-java/interop install -DskipTests" >&2; exit 1; }

wait_socket() { for _ in $(seq 1 200); do [ -S "$1" ] && return 0; sleep 0.05; done; echo "bench: no socket $1" >&2; exit 1; }

# shellcheck disable=SC2086
java $JAVA_OPTS -Dorg.slf4j.simpleLogger.defaultLogLevel=warn -cp "$jar:$(cat "$cpfile")" io.jshim.ttrpc.interop.BenchServer "$work/java.sock" >/dev/null &
pids+=($!)
"$work/ttrpc-interop" server "$work/go.sock" &
pids+=($!)
wait_socket "$work/java.sock"
wait_socket "$work/go.sock"

echo "ttrpc unary round trip, Go client (containerd/ttrpc $(dpkg-query -W -f='${Version}' golang-github-containerd-ttrpc-dev 2>/dev/null || echo '?')), ${CALLERS} callers per connection, ${DURATION} after ${WARMUP} warm-up, $(nproc) CPUs"
printf '%-12s %-6s %s\n' server conns result
for conns in 1 8; do
  for server in java go; do
    result=$("$work/ttrpc-interop" bench "$work/$server.sock" "$conns" "$CALLERS" "$WARMUP" "$DURATION")
    printf '%-12s %-6s %s\n' "$server" "$conns" "$result"
  done
done
