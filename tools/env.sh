# Sourced by the Makefile's recipes: finds JDK 25 and a Maven >= 3.9 (downloaded from Maven Central
# into .tools/ when the machine has none), so `make test` works on a fresh machine.
set -eu
MAVEN_VERSION=3.9.11
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

find_jdk25() {
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25-jdk /usr/lib/jvm/java-25-openjdk-amd64 /usr/lib/jvm/jdk-25*; do
    [ -n "$candidate" ] && [ -x "$candidate/bin/javac" ] || continue
    if "$candidate/bin/java" -version 2>&1 | grep -q 'version "25'; then echo "$candidate"; return 0; fi
  done
  return 1
}

JAVA_HOME=$(find_jdk25) || { echo "jshim: no JDK 25 found (looked at \$JAVA_HOME and /usr/lib/jvm); install Temurin 25" >&2; exit 1; }
export JAVA_HOME
export PATH="$JAVA_HOME/bin:$PATH"

maven_home="$top/.tools/apache-maven-$MAVEN_VERSION"
if [ ! -x "$maven_home/bin/mvn" ]; then
  mkdir -p "$top/.tools"
  url="https://repo.maven.apache.org/maven2/org/apache/maven/apache-maven/$MAVEN_VERSION/apache-maven-$MAVEN_VERSION-bin.tar.gz"
  echo "jshim: fetching Maven $MAVEN_VERSION from Maven Central" >&2
  curl -fsSL "$url" | tar -xz -C "$top/.tools"
fi
export PATH="$maven_home/bin:$PATH"
export MAVEN_OPTS="${MAVEN_OPTS:--XX:+UseSerialGC -XX:TieredStopAtLevel=1}"
