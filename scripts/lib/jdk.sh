# shellcheck shell=bash
# Finds a JDK 25 and exports JAVA_HOME. Sourced by kitevend's scripts.
# Order: $JAVA_HOME if it is 25 or newer, then the usual install places, then `java` on PATH.

kitevend_java_major() {
  # Prints the feature version of the java binary given (25 for "25.0.1"), or nothing.
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n1
}

kitevend_find_jdk() {
  local candidate major
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25-jdk-arm64 \
      /usr/lib/jvm/java-25-openjdk-amd64 /usr/lib/jvm/java-25-openjdk-arm64 /usr/lib/jvm/*25* \
      /Library/Java/JavaVirtualMachines/*25*/Contents/Home; do
    if [ -z "$candidate" ] || [ ! -x "$candidate/bin/java" ] || [ ! -x "$candidate/bin/javac" ]; then
      continue
    fi
    major=$(kitevend_java_major "$candidate/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 25 ]; then
      export JAVA_HOME="$candidate"
      return 0
    fi
  done
  if command -v javac >/dev/null 2>&1; then
    candidate=$(dirname "$(dirname "$(readlink -f "$(command -v javac)")")")
    major=$(kitevend_java_major "$candidate/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 25 ]; then
      export JAVA_HOME="$candidate"
      return 0
    fi
  fi
  echo "kitevend needs a JDK 25 (it targets the AWS Lambda java25 runtime) and found none." >&2
  echo "Install one (for example Eclipse Temurin 25) and set JAVA_HOME to it, then run this again." >&2
  return 1
}
