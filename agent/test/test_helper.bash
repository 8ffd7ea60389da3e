# shellcheck shell=bash
# Shared set-up for the agent hook tests: a real ./kitevend dev (started once per file), the
# stand-in buildkite-agent on PATH, and a job environment.

REPO_ROOT="$(cd "$BATS_TEST_DIRNAME/../.." && pwd)"
AGENT_DIR="$REPO_ROOT/agent"

start_runner() {
  local log="$BATS_FILE_TMPDIR/runner.err"
  "$REPO_ROOT/kitevend" dev --port 0 --bindings "$AGENT_DIR/test/fixtures/bindings.yaml" "$@" \
    > "$BATS_FILE_TMPDIR/runner.out" 2> "$log" &
  echo $! > "$BATS_FILE_TMPDIR/runner.pid"
  local _ url=""
  for _ in $(seq 1 600); do
    url=$(sed -n 's/.*listening on \(http[^ ]*\).*/\1/p' "$log" | head -n1)
    [ -n "$url" ] && break
    kill -0 "$(cat "$BATS_FILE_TMPDIR/runner.pid")" 2>/dev/null || { cat "$log" >&2; return 1; }
    sleep 0.1
  done
  [ -n "$url" ] || { cat "$log" >&2; return 1; }
  echo "$url" > "$BATS_FILE_TMPDIR/runner.url"
}

stop_runner() {
  local pid
  pid=$(cat "$BATS_FILE_TMPDIR/runner.pid" 2>/dev/null) || return 0
  kill -TERM "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

# A job environment; each test may change it before running a hook.
job_env() {
  BK_STUB_RUNNER=$(cat "$BATS_FILE_TMPDIR/runner.url")
  export BK_STUB_RUNNER
  export BK_STUB_LOG="$BATS_TEST_TMPDIR/log"
  mkdir -p "$BK_STUB_LOG"
  export PATH="$AGENT_DIR/test/stubs:$PATH"
  export TMPDIR="$BATS_TEST_TMPDIR"
  export BUILDKITE_ORGANIZATION_SLUG=acme BUILDKITE_PIPELINE_SLUG=deploy BUILDKITE_BRANCH=main
  export BUILDKITE_JOB_ID="0184990a-477b-4fa8-9968-496074483cee"
  export KITEVEND_URL="$BK_STUB_RUNNER/v1/credentials"
  export KITEVEND_AUDIENCE=kitevend-local
  unset KITEVEND_BINDING KITEVEND_MODE KITEVEND_SECRETS KITEVEND_SECRETS_URL KITEVEND_CLAIMS KITEVEND_REGION \
    KITEVEND_DURATION_SECONDS BK_STUB_REDACTOR_FAILS BK_STUB_JOB_CLAIMS BUILDKITE_BOOTSTRAP_PHASES BUILDKITE_STEP_KEY \
    AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_PROFILE AWS_CONFIG_FILE
  local name
  for name in $(compgen -e | grep '^BUILDKITE_PLUGIN' || true); do
    unset "$name"
  done
}

# use_plugin CONFIG_JSON [NAME]: the environment the agent gives a plugin's hooks for a step with
# `plugins: [{NAME#vX.Y.Z: CONFIG}]` (NAME defaults to kitevend): BUILDKITE_PLUGIN_NAME, the
# configuration as JSON, and one variable per value, named as the agent's ConfigurationToEnvironment
# does: upper-cased, - and spaces as _, list items as _0, _1, ..., object keys as _KEY.
use_plugin() {
  local config="$1" name="${2:-kitevend}" prefix line
  prefix="BUILDKITE_PLUGIN_$(printf '%s' "$name" | tr 'a-z -' 'A-Z__')"
  export BUILDKITE_PLUGIN_NAME="${prefix#BUILDKITE_PLUGIN_}"
  BUILDKITE_PLUGIN_CONFIGURATION=$(jq -c . <<< "$config")
  export BUILDKITE_PLUGIN_CONFIGURATION
  while IFS= read -r line; do
    export "${line?}"
  done < <(jq -r --arg prefix "$prefix" '
    def envkey: ascii_upcase | gsub("[- ]"; "_");
    def flatten($p):
      if type == "object" then to_entries[] as $e | ($e.value | flatten($p + "_" + ($e.key | envkey)))
      elif type == "array" then to_entries[] as $e | ($e.value | flatten($p + "_" + ($e.key | tostring)))
      else "\($p)=\(tostring)"
      end;
    to_entries[] as $e | ($e.value | flatten($prefix + "_" + ($e.key | envkey)))' <<< "$config")
}

# Runs a hook the way the agent does: sources it, and on success records the environment it left.
run_hook() {
  local hook="$1"
  run bash -c '. "$1" && env > "$2"' _ "$AGENT_DIR/hooks/$hook" "$BATS_TEST_TMPDIR/env-after-$hook"
}

env_after() {
  local hook="$1" name="$2"
  sed -n "s/^$name=//p" "$BATS_TEST_TMPDIR/env-after-$hook"
}

token_requests() {
  if [ -f "$BK_STUB_LOG/tokens" ]; then wc -l < "$BK_STUB_LOG/tokens"; else echo 0; fi
}

start_proxy() {
  local status="$1" count="$2"
  python3 "$AGENT_DIR/test/stubs/flaky-proxy.py" --upstream "$KITEVEND_URL" --fail-status "$status" \
    --fail-count "$count" --log "$BATS_TEST_TMPDIR/proxy.log" > "$BATS_TEST_TMPDIR/proxy.port" &
  PROXY_PID=$!
  local _
  for _ in $(seq 1 100); do
    [ -s "$BATS_TEST_TMPDIR/proxy.port" ] && break
    sleep 0.05
  done
  KITEVEND_URL="http://127.0.0.1:$(cat "$BATS_TEST_TMPDIR/proxy.port")/v1/credentials"
  export KITEVEND_URL
}

stop_proxy() {
  if [ -n "${PROXY_PID:-}" ]; then
    kill "$PROXY_PID" 2>/dev/null || true
  fi
}

proxy_requests() {
  grep -c '^request' "$BATS_TEST_TMPDIR/proxy.log" 2>/dev/null || echo 0
}
