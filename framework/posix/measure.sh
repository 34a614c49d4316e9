#!/usr/bin/env bash
# Start-up cost of the two Posix implementations: wall time, CPU time (user+sys) and max RSS (medians of
# RUNS runs, /usr/bin/time -v)
# of a JVM that creates the implementation and calls getpid + mkfifo, against an empty JVM.
# Usage: framework/posix/measure.sh [runs]   (builds framework/posix first when its jar is missing)
set -euo pipefail
runs=${1:-5}
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
source "$top/tools/env.sh"
cd "$top"

jar="$here/target/jshim-posix-0.1.0-SNAPSHOT.jar"
[ -f "$jar" ] || mvn -B -q -o -pl framework/posix install -DskipTests
out="$here/target/measure"
mkdir -p "$out/classes"
mvn -B -q -o -pl framework/posix dependency:build-classpath -Dmdep.includeScope=runtime -Dmdep.outputFile="$out/deps.cp" >/dev/null
cp="$jar:$(cat "$out/deps.cp")"
rm -rf "$out/classes" && mkdir -p "$out/classes"
javac -d "$out/classes" -cp "$cp" "$here"/measure/*.java
jar --create --file "$out/measure.jar" -C "$out/classes" .   # CDS archives accept jars only
cp="$out/measure.jar:$cp"

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

# measure <label> <main> [extra JVM options...]
measure() {
  local label=$1 main=$2 times=() rss=() cpus=()
  shift 2
  for i in $(seq 1 "$runs"); do
    rm -f "$out/fifo"
    /usr/bin/time -v -o "$out/time.txt" java --enable-native-access=ALL-UNNAMED "$@" \
      -cp "$cp" "$main" "$out/fifo" >/dev/null
    wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {split($2,t,":"); print (length(t)==3 ? t[1]*3600+t[2]*60+t[3] : t[1]*60+t[2])}' "$out/time.txt")
    kb=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$out/time.txt")
    cpu=$(awk -F': ' '/User time|System time/ {s+=$2} END {print s}' "$out/time.txt")
    times+=("$wall"); rss+=("$kb"); cpus+=("$cpu")
  done
  local t r c
  t=$(printf '%s\n' "${times[@]}" | median)
  c=$(printf '%s\n' "${cpus[@]}" | median)
  r=$(printf '%s\n' "${rss[@]}" | median)
  printf '| %-16s | %6.2f s | %6.2f s | %6.1f MB | %s |\n' "$label" "$t" "$c" "$(echo "$r / 1024" | bc -l)" "${times[*]}"
}

echo "java: $(java -version 2>&1 | head -1); runs per row: $runs; $(nproc) cpus"
# AppCDS: one training run dumps a dynamic archive of the classes (and lambda forms) the main loaded.
cds() {
  rm -f "$out/fifo" "$out/$1.jsa"
  java --enable-native-access=ALL-UNNAMED -XX:ArchiveClassesAtExit="$out/$1.jsa" -cp "$cp" "$1" "$out/fifo" >/dev/null 2>&1
  echo "-XX:SharedArchiveFile=$out/$1.jsa"
}

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| run              |     wall | user+sys |  max RSS | wall of each run (s) |"
echo "|------------------|----------|----------|----------|----------------------|"
measure empty EmptyMain
measure ffm FfmMain
measure jnr JnrMain
measure "empty + AppCDS" EmptyMain "$(cds EmptyMain)"
measure "ffm + AppCDS" FfmMain "$(cds FfmMain)"
measure "jnr + AppCDS" JnrMain "$(cds JnrMain)"
rm -f "$out/fifo"
