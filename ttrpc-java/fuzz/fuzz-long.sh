#!/usr/bin/env bash
# Longer fuzzing of ttrpc-java's server than the bounded run of `mvn verify`: each target
# (FrameDecoderFuzzTest, RequestDispatchFuzzTest) fuzzes for DURATION (default 10m) in its own JVM.
# Usage: ttrpc-java/fuzz/fuzz-long.sh [DURATION]   e.g. 30s, 10m, 2h
# Needs ttrpc-java installed (`make build`, or mvn -pl ttrpc-java/protoc-gen-ttrpc,ttrpc-java/ttrpc install).
# The corpus grows in ttrpc-java/fuzz/.cifuzz-corpus/ and is reused by the next run; a finding is
# written next to the seeds (src/test/resources/io/jshim/ttrpc/fuzz/<Test>Inputs/<method>/crash-*)
# and replayed by every later `mvn verify` until fixed.
set -euo pipefail
duration=${1:-10m}
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$top"
if [ -z "${JAVA_HOME:-}" ] || ! command -v mvn >/dev/null; then
  source tools/env.sh
fi
echo "ttrpc-fuzz: fuzzing each target for $duration"
# libFuzzer's progress (#N NEW/REDUCE/pulse/DONE lines, cov, exec/s) goes to stderr
exec mvn -B -ntp -pl ttrpc-java/fuzz verify -Djshim.fuzz=1 -Djshim.fuzz.duration="$duration"
