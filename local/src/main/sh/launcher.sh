#!/usr/bin/env bash
# kitevend @VERSION@, the command line (https://github.com/kitevend/kitevend): this one file is a short
# shell script followed by the kitevend jar. The script finds a Java 25 runtime (JAVA_HOME, the usual
# install places, then PATH) and runs the jar, which is this file, with your arguments.
# Install: put it on your PATH and make it executable; it works through a symlink and from any folder.
set -euo pipefail
@JDK_SH@
kitevend_find_runtime
exec "$JAVA_HOME/bin/java" -jar "$0" "$@"
