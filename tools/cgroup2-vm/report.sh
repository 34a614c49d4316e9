#!/usr/bin/env bash
# Prints the guest's results (RESULTS_DIR/results.tsv: shim scenario PASS|FAIL seconds observed) as a table per
# scenario; exits 1 when the guest did not finish or a jrunc scenario failed. A scenario that fails on Go too is
# marked as such (Go's shim is the yardstick).
set -uo pipefail
dir=${1:?usage: report.sh RESULTS_DIR}
tsv=$dir/results.tsv
if [ ! -s "$tsv" ] || [ "$(cat "$dir/guest.rc" 2>/dev/null)" != 0 ]; then
  echo "test-cgroup2: the guest did not finish (guest.rc=$(cat "$dir/guest.rc" 2>/dev/null || echo none)); last lines:" >&2
  tail -30 "$dir/guest.log" 2>/dev/null >&2 || tail -30 "$dir/console.log" >&2
  [ -s "$tsv" ] || exit 1
fi
echo "== cgroup v2 guest ($(cat "$dir/controllers" 2>/dev/null)): results"
awk -F'\t' '{printf "%-6s %-13s %-4s %6ss  %s\n", $1, $2, $3, $4, $5}' "$tsv"
failed=0
while IFS=$'\t' read -r shim scenario status _; do
  [ "$shim" = jrunc ] && [ "$status" != PASS ] || continue
  go=$(awk -F'\t' -v s="$scenario" '$1 == "go" && $2 == s {print $3}' "$tsv")
  echo "test-cgroup2: jrunc FAILED $scenario (Go: ${go:-not run}$([ "$go" = FAIL ] && echo ', fails on Go too'))" >&2
  failed=1
done < "$tsv"
grep -q $'^jrunc\t' "$tsv" || { grep -q 'jrunc' <<< "${SHIMS:-go jrunc}" && { echo "test-cgroup2: no jrunc results" >&2; failed=1; }; }
[ "$(cat "$dir/guest.rc" 2>/dev/null)" = 0 ] || failed=1
exit $failed
