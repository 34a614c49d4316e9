#!/usr/bin/env bash
# Where `ctr run --rm /bin/true` spends its time, per shim: containerd's own event timestamps
# (/containers/create -> /tasks/create -> /tasks/start -> /tasks/exit -> /tasks/delete) for RUNS runs of each
# shim under a private containerd. Used for the README's profile of the start path.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
top=$(cd "$here/.." && pwd)
RUNS=${RUNS:-5}
JSHIM_HOME=${JSHIM_HOME:-$top/dist/target/jshim}
# shellcheck source=../dist/src/main/build/private-containerd.sh
. "$top/dist/src/main/build/private-containerd.sh"
pc_require phases
events=""
trap '[ -n "$events" ] && kill "$events" 2>/dev/null; pc_stop' EXIT
pc_start "$(mktemp -d /tmp/jshim-phases-XXXXXX)" "$JSHIM_HOME/bin"
ctr --address "$PC_SOCK" events > "$PC_DIR/events.txt" 2>&1 &
events=$!
sleep 0.5
for i in $(seq "$RUNS"); do
  for rt in io.containerd.runc.v2 io.containerd.jrunc.v2; do
    pc_ctr run --rm --runtime "$rt" --rootfs "$PC_ROOTFS" "p-${rt//./-}-$i" /bin/true
  done
done
sleep 1
python3 - "$PC_DIR/events.txt" "$PC_NS" <<'PY'
import collections, datetime, statistics, sys
path, ns = sys.argv[1], sys.argv[2]
seen = collections.defaultdict(dict)
for line in open(path):
    parts = line.split()
    if len(parts) < 6 or parts[4] != ns:
        continue
    stamp = datetime.datetime.fromisoformat(parts[0] + " " + parts[1][:15].rstrip("."))
    topic = parts[5]
    rest = line.split(topic, 1)[1]
    for cid in [w for w in rest.replace('"', " ").replace(",", " ").split() if w.startswith("p-")]:
        seen[cid].setdefault(topic, stamp)
        break
phases = [("/containers/create", "/tasks/create", "shim start + Create (runc create)"),
          ("/tasks/create", "/tasks/start", "Start (runc start)"),
          ("/tasks/start", "/tasks/exit", "process runs, exit seen"),
          ("/tasks/exit", "/tasks/delete", "Delete")]
for shim in ("runc", "jrunc"):
    ids = [c for c in seen if c.startswith(f"p-io-containerd-{shim}-v2-")]
    print(f"{shim}: {len(ids)} runs, median ms per phase")
    for a, b, what in phases:
        values = [(seen[c][b] - seen[c][a]).total_seconds() * 1000 for c in ids if a in seen[c] and b in seen[c]]
        if values:
            print(f"  {a} -> {b} ({what}): {statistics.median(values):.0f}")
PY
