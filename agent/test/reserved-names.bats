#!/usr/bin/env bats
# The names the hooks refuse to export secrets as: every entry of lib/reserved-environment-names
# (the same list the server refuses in a binding; ReservedEnvironmentNamesTest keeps the two copies
# identical), and nothing else.

setup() {
  AGENT_DIR="$(cd "$BATS_TEST_DIRNAME/.." && pwd)"
  # shellcheck source=SCRIPTDIR/../lib/kitevend.sh
  . "$AGENT_DIR/lib/kitevend.sh"
}

@test "every name and prefix on the list is reserved" {
  local entry name count=0
  while IFS= read -r entry; do
    case "$entry" in '' | '#'*) continue ;; esac
    name="${entry%\*}"
    [ "$name" = "$entry" ] || name="${name}X"
    kitevend_reserved_name "$name" || { echo "not reserved: $name (entry $entry)" >&2; return 1; }
    count=$((count + 1))
  done < "$AGENT_DIR/lib/reserved-environment-names"
  [ "$count" -gt 100 ]
}

@test "the names that run code named in the issue are reserved" {
  for name in NODE_OPTIONS JAVA_TOOL_OPTIONS GIT_SSH_COMMAND PYTHONPATH LD_PRELOAD LD_LIBRARY_PATH HTTPS_PROXY \
      BASH_ENV PERL5OPT RUBYOPT NPM_CONFIG_SCRIPT_SHELL GIT_CONFIG_KEY_0 DYLD_INSERT_LIBRARIES KUBECONFIG; do
    kitevend_reserved_name "$name" || { echo "not reserved: $name" >&2; return 1; }
  done
}

@test "names that only look like reserved ones are not" {
  for name in NPM_TOKEN NODE_AUTH_TOKEN SSH_PRIVATE_KEY GITHUB_TOKEN PATH_TO_KEY HOMEBREW_TOKEN DOCKER_PASSWORD X_; do
    if kitevend_reserved_name "$name"; then
      echo "reserved by mistake: $name" >&2
      return 1
    fi
  done
}

@test "without the list every name is reserved, so nothing is exported" {
  local copy="$BATS_TEST_TMPDIR/lib"
  mkdir -p "$copy"
  cp "$AGENT_DIR/lib/kitevend.sh" "$copy/"
  # shellcheck source=/dev/null
  . "$copy/kitevend.sh"
  kitevend_reserved_name NPM_TOKEN
}
