# shellcheck shell=bash
# Finds a JDK 25 and exports JAVA_HOME. Sourced by kitevend's scripts (and copied into the release's
# one-file CLI, which needs only a Java 25 runtime: kitevend_find_runtime).
# Order: $JAVA_HOME if it is 25 or newer, then the usual install places, then `java` on PATH.

kitevend_java_major() {
  # Prints the feature version of the java binary given (25 for "25.0.1"), or nothing.
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = \([0-9]*\).*/\1/p' | head -n1
}

kitevend_find_jdk() {
  # A JDK 25 (javac too), to build.
  kitevend_find_java_with javac
}

kitevend_find_runtime() {
  # A Java 25 runtime (a JRE is enough), to run the CLI.
  kitevend_find_java_with java
}

kitevend_find_java_with() {
  local tool="$1" candidate major
  for candidate in "${JAVA_HOME:-}" /usr/lib/jvm/temurin-25-jdk-amd64 /usr/lib/jvm/temurin-25-jdk-arm64 \
      /usr/lib/jvm/java-25-openjdk-amd64 /usr/lib/jvm/java-25-openjdk-arm64 /usr/lib/jvm/*25* \
      /Library/Java/JavaVirtualMachines/*25*/Contents/Home; do
    if [ -z "$candidate" ] || [ ! -x "$candidate/bin/java" ] || [ ! -x "$candidate/bin/$tool" ]; then
      continue
    fi
    major=$(kitevend_java_major "$candidate/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 25 ]; then
      export JAVA_HOME="$candidate"
      return 0
    fi
  done
  if command -v "$tool" >/dev/null 2>&1; then
    candidate=$(dirname "$(dirname "$(readlink -f "$(command -v "$tool")")")")
    major=$(kitevend_java_major "$candidate/bin/java")
    if [ -n "$major" ] && [ "$major" -ge 25 ]; then
      export JAVA_HOME="$candidate"
      return 0
    fi
  fi
  if [ "$tool" = java ]; then
    echo "kitevend needs Java 25 (a runtime is enough) and found none in \$JAVA_HOME, the usual install places or PATH." >&2
    echo "Install one (for example Eclipse Temurin 25: brew install --cask temurin@25, or your package manager's" >&2
    echo "openjdk-25-jre) and set JAVA_HOME to it, then run this again." >&2
  else
    echo "kitevend needs a JDK 25 (it targets the AWS Lambda java25 runtime) and found none." >&2
    echo "Install one (for example Eclipse Temurin 25) and set JAVA_HOME to it, then run this again." >&2
  fi
  return 1
}

kitevend_build_runner() {
  # Builds local/target/kitevend-local.jar in the clone $1 with the Maven wrapper, saying why ($2),
  # what it builds as it goes, and how long it took; on failure, the end of Maven's log and where it is.
  local root="$1" why="$2" log started line downloads=0 status
  started=$SECONDS
  echo "kitevend: $why; building the local runner with the Maven wrapper." >&2
  echo "kitevend: this takes one to three minutes; the very first build also downloads Maven and the" \
    "dependencies (about 150 MB, into ~/.m2). Later runs start at once." >&2
  log="$(mktemp "${TMPDIR:-/tmp}/kitevend-build.XXXXXX")"
  set +e
  (cd "$root" && ./mvnw -B -pl local -am -DskipTests package) 2>&1 | tee "$log" | while IFS= read -r line; do
    case "$line" in
      "[INFO] Building "*"["*"/"*"]"*)
        line="${line#\[INFO\] Building }"
        printf 'kitevend:   [%s] %s, at %ss\n' "$(printf '%s' "$line" | sed -n 's/.*\[\([0-9]*\/[0-9]*\)\].*/\1/p')" \
          "$(printf '%s' "$line" | sed 's/ *\[[0-9]*\/[0-9]*\].*//; s/ [0-9][0-9.]*-SNAPSHOT$//; s/ [0-9][0-9.]*$//')" \
          "$((SECONDS - started))" >&2
        ;;
      "Downloaded from "*)
        downloads=$((downloads + 1))
        if [ $((downloads % 100)) -eq 0 ]; then
          printf 'kitevend:   %d files downloaded (%ss)\n' "$downloads" "$((SECONDS - started))" >&2
        fi
        ;;
    esac
  done
  status=${PIPESTATUS[0]}
  set -e
  if [ "$status" -ne 0 ]; then
    echo "kitevend: the build failed after $((SECONDS - started))s; the end of Maven's log:" >&2
    tail -n 30 "$log" >&2
    echo "kitevend: the whole log is in $log" >&2
    return 1
  fi
  rm -f "$log"
  echo "kitevend: built in $((SECONDS - started))s." >&2
}
