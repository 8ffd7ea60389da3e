#!/usr/bin/env bats
# KITEVEND_SECRETS: the environment hook against a real ./kitevend dev whose secrets come from
# fixtures/secrets.yaml, and against a canned server for answers kitevend would never send.
# Each @test runs in its own subshell, so its exports are meant to stay there:
# shellcheck disable=SC2030,SC2031

load test_helper

setup_file() {
  start_runner --secrets-file "$AGENT_DIR/test/fixtures/secrets.yaml"
}

teardown_file() {
  stop_runner
}

setup() {
  job_env
  export BUILDKITE_PIPELINE_SLUG=publish
  NPM=npm_TEST_7f3a9c1e5b2d
  # shellcheck disable=SC2016 # the $ and backticks are the point: the value must not be expanded
  SIGNING='sk-TEST $HOME "dq" '"'"'sq'"'"' `id` $(id) \n; & | * ~'
  CERT=$'-----BEGIN TEST CERT-----\nTESTCERTBODY0c9d8e\n-----END TEST CERT-----\n'
  DB=db-pa55-TEST-91c2
}

teardown() {
  stop_proxy
  if [ -n "${CANNED_PID:-}" ]; then
    kill "$CANNED_PID" 2>/dev/null || true
  fi
}

# Runs the environment hook as the agent does, then writes "NAME BASE64" for each named variable
# the job would see (exported ones only: printenv runs in a child process).
run_hook_dump() {
  run bash -c '. "$1" || exit 1; out="$2"; shift 2; for n; do v=$(printenv "$n" && printf x) || v=; printf "%s %s\n" "$n" "$(printf "%s" "${v%?x}" | base64 -w0)"; done > "$out"' \
    _ "$AGENT_DIR/hooks/environment" "$BATS_TEST_TMPDIR/dump" "$@"
}

# The value the job saw for NAME (needs run_hook_dump), exactly.
dumped() {
  local b64
  b64=$(sed -n "s/^$1 //p" "$BATS_TEST_TMPDIR/dump")
  printf '%s' "$b64" | base64 -d
  printf x
}

redacted_exactly() {
  grep -qxF "$(printf '%s' "$1" | base64 -w0)" "$BK_STUB_LOG/redacted.b64"
}

# Fails when VALUE is in the hook's output, in any buildkite-agent argument, or in any file under
# the test's TMPDIR other than the redactor's record and the harness's own files.
assert_value_nowhere() {
  local value="$1" probe
  # A distinctive one-line piece of the value, for grep.
  probe=$(printf '%s' "$value" | head -n1)
  [[ "$output" != *"$probe"* ]] || { echo "value in the hook's output" >&2; return 1; }
  ! grep -qF -- "$probe" "$BK_STUB_LOG/calls" 2>/dev/null || { echo "value in a buildkite-agent argument" >&2; return 1; }
  ! grep -rlF --exclude=dump --exclude='env-after-*' --exclude=redacted --exclude=redacted.b64 --exclude='canned.*' -- "$probe" "$BATS_TEST_TMPDIR" \
    || { echo "value left on disk" >&2; return 1; }
}

start_canned() {
  local body="$1"
  printf '%s' "$body" > "$BATS_TEST_TMPDIR/canned.json"
  python3 "$AGENT_DIR/test/stubs/canned-server.py" --body-file "$BATS_TEST_TMPDIR/canned.json" \
    --log "$BATS_TEST_TMPDIR/canned.log" > "$BATS_TEST_TMPDIR/canned.port" &
  CANNED_PID=$!
  local _
  for _ in $(seq 1 100); do
    [ -s "$BATS_TEST_TMPDIR/canned.port" ] && break
    sleep 0.05
  done
  KITEVEND_SECRETS_URL="http://127.0.0.1:$(cat "$BATS_TEST_TMPDIR/canned.port")/v1/secrets"
  export KITEVEND_SECRETS_URL
}

@test "every granted secret is exported exactly, and every value is redacted" {
  export KITEVEND_SECRETS=publish-main
  run_hook_dump NPM_TOKEN SIGNING_KEY CERT_PEM DB_PASSWORD
  [ "$status" -eq 0 ]
  [ "$(dumped NPM_TOKEN)" = "${NPM}x" ]
  [ "$(dumped SIGNING_KEY)" = "${SIGNING}x" ]
  [ "$(dumped CERT_PEM)" = "${CERT}x" ]        # trailing newline kept
  [ "$(dumped DB_PASSWORD)" = "${DB}x" ]       # one key of a JSON secret
  for v in "$NPM" "$SIGNING" "$CERT" "$DB"; do
    redacted_exactly "$v"
    assert_value_nowhere "$v"
  done
  [ "$(wc -l < "$BK_STUB_LOG/redacted.b64")" -eq 4 ]
  # Each value reached the redactor while no variable of the job held it yet.
  [ ! -f "$BK_STUB_LOG/exported-before-redaction" ]
  [ "$(token_requests)" -eq 1 ]
  [[ "$output" == *"secrets NPM_TOKEN SIGNING_KEY CERT_PEM DB_PASSWORD from binding publish-main"* ]]
  [[ "$output" == *"LOCAL FILE"* ]]
  [[ "$output" != *eyJ* ]]
  # No AWS credentials were asked for.
  [ -z "$(sed -n 's/^AWS_ACCESS_KEY_ID //p' "$BATS_TEST_TMPDIR/dump")" ]
}

@test "nothing is left on disk: the job directory is empty after the hook" {
  export KITEVEND_SECRETS=publish-main
  run_hook environment
  [ "$status" -eq 0 ]
  dir=$(env_after environment KITEVEND_JOB_DIR)
  [ -d "$dir" ]
  [ -z "$(ls -A "$dir")" ]
  # Only the harness's files and the (empty) job directory remain in TMPDIR.
  for f in "$BATS_TEST_TMPDIR"/* "$BATS_TEST_TMPDIR"/.[!.]*; do
    [ -e "$f" ] || continue
    case "${f##*/}" in
      log | env-after-environment | kitevend-*) ;;
      *) echo "left behind: $f" >&2; return 1 ;;
    esac
  done
}

@test "a binding that does not allow this job: the job stops with a readable message and nothing is exported" {
  export KITEVEND_SECRETS=publish-main BUILDKITE_PIPELINE_SLUG=deploy
  run_hook environment
  [ "$status" -eq 1 ]
  [ ! -f "$BATS_TEST_TMPDIR/env-after-environment" ]
  [[ "$output" == *"no secrets for binding 'publish-main' (HTTP 403 no_matching_binding: No binding allows this job)"* ]]
  [[ "$output" == *"request id: "* ]]
  [[ "$output" == *"token subject: organization:acme:pipeline:deploy:"* ]]
  [ ! -f "$BK_STUB_LOG/redacted.b64" ]
  [ "$(token_requests)" -eq 1 ]
}

@test "a granted secret that is missing stops the job (404, not retried) and no other secret is exported" {
  export KITEVEND_SECRETS=publish-broken
  run_hook environment
  [ "$status" -eq 1 ]
  [ ! -f "$BATS_TEST_TMPDIR/env-after-environment" ]
  [[ "$output" == *"no secrets for binding 'publish-broken' (HTTP 404 secret_not_found: A secret the binding grants is missing)"* ]]
  [[ "$output" == *"GONE_TOKEN is missing"* ]]
  [[ "$output" == *"request id: "* ]]
  [ "$(token_requests)" -eq 1 ]
  [ ! -f "$BK_STUB_LOG/redacted.b64" ]
  assert_value_nowhere "$NPM"
  dir=$(find "$BATS_TEST_TMPDIR" -maxdepth 1 -name 'kitevend-*' -type d)
  [ -z "$(ls -A "$dir")" ]
}

@test "a binding that grants no secrets stops the job" {
  export KITEVEND_SECRETS=read-all
  run_hook environment
  [ "$status" -eq 1 ]
  [[ "$output" == *"binding 'read-all' grants no secrets"* ]]
}

@test "KITEVEND_BINDING and KITEVEND_SECRETS together: credentials and secrets, one fresh token each" {
  export KITEVEND_BINDING=read-all KITEVEND_SECRETS=publish-main
  run_hook_dump AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN NPM_TOKEN DB_PASSWORD
  [ "$status" -eq 0 ]
  [[ "$(dumped AWS_ACCESS_KEY_ID)" == SIMULATED* ]]
  [ "$(dumped NPM_TOKEN)" = "${NPM}x" ]
  [ "$(dumped DB_PASSWORD)" = "${DB}x" ]
  aws_secret=$(dumped AWS_SECRET_ACCESS_KEY)
  redacted_exactly "${aws_secret%x}"
  redacted_exactly "$NPM"
  redacted_exactly "$DB"
  assert_value_nowhere "$NPM"
  [ ! -f "$BK_STUB_LOG/exported-before-redaction" ]
  [ "$(token_requests)" -eq 2 ]
  [ "$(sort -u "$BK_STUB_LOG/tokens" | wc -l)" -eq 2 ]
  [[ "$output" == *"role/kitevend/reader"* ]]
  [[ "$output" == *"from binding publish-main"* ]]
  # The runner audited one credentials request and one secrets request for the two tokens.
  curl -s "$BK_STUB_RUNNER/dev/audit" | jq -e '[.records[-2:][] | .kind + ":" + .decision + ":" + .binding] == ["vend:allow:read-all", "secrets:allow:publish-main"]'
}

@test "the secrets URL: derived from KITEVEND_URL, or KITEVEND_SECRETS_URL alone, else a clear error" {
  export KITEVEND_SECRETS=publish-main
  export KITEVEND_URL="$BK_STUB_RUNNER/v1/credentials/"
  run_hook environment
  [ "$status" -eq 0 ]

  unset KITEVEND_URL
  export KITEVEND_SECRETS_URL="$BK_STUB_RUNNER/v1/secrets"
  run_hook environment
  [ "$status" -eq 0 ]
  [ "$(token_requests)" -eq 2 ]

  unset KITEVEND_SECRETS_URL
  export KITEVEND_URL="$BK_STUB_RUNNER/vend"
  run_hook environment
  [ "$status" -eq 1 ]
  [[ "$output" == *"does not end in /v1/credentials"*"set KITEVEND_SECRETS_URL"* ]]

  unset KITEVEND_URL
  run_hook environment
  [ "$status" -eq 1 ]
  [[ "$output" == *"neither KITEVEND_SECRETS_URL nor KITEVEND_URL is set"* ]]
  [ "$(token_requests)" -eq 2 ]
}

@test "503 then success is retried with a fresh token, as for credentials" {
  export KITEVEND_SECRETS=publish-main KITEVEND_URL="$BK_STUB_RUNNER/v1/secrets"
  # The proxy forwards to KITEVEND_URL and sets KITEVEND_URL to itself/v1/credentials, from which
  # the hook derives itself/v1/secrets.
  start_proxy 503 1
  run_hook environment
  [ "$status" -eq 0 ]
  [ "$(proxy_requests)" -eq 2 ]
  [ "$(token_requests)" -eq 2 ]
  [[ "$output" == *"retrying in 1."* ]]
  [ "$(env_after environment NPM_TOKEN)" = "$NPM" ]
}

@test "a redactor that fails stops the job before any secret is exported" {
  export KITEVEND_SECRETS=publish-main BK_STUB_REDACTOR_FAILS=1
  run_hook environment
  [ "$status" -eq 1 ]
  [ ! -f "$BATS_TEST_TMPDIR/env-after-environment" ]
  [[ "$output" == *"could not add the secrets to the log redactor; not exporting them"* ]]
  assert_value_nowhere "$NPM"
}

@test "KITEVEND_SECRETS must name one binding" {
  for bad in "publish-main,read-all" "Publish" "-x" "../etc"; do
    export KITEVEND_SECRETS="$bad"
    run_hook environment
    [ "$status" -eq 1 ]
    [[ "$output" == *"KITEVEND_SECRETS takes one binding name"* ]]
  done
  [ "$(token_requests)" -eq 0 ]
}

@test "answers the hook refuses: reserved or invalid names, values a variable cannot hold, not secrets at all" {
  export KITEVEND_SECRETS=publish-main
  # case name | answer | what the hook says
  # (fd 3, so that nothing the hook runs can read the table)
  while IFS='|' read -r -u 3 name body message; do
    rm -rf "$BK_STUB_LOG" && mkdir -p "$BK_STUB_LOG"
    start_canned "$body"
    run_hook environment
    echo "case: $name -> $output" >&2
    [ "$status" -eq 1 ]
    [ ! -f "$BATS_TEST_TMPDIR/env-after-environment" ]
    [[ "$output" == *"$message"* ]]
    [ ! -f "$BK_STUB_LOG/redacted.b64" ]
    assert_value_nowhere canned-good-value
    assert_value_nowhere canned-bad-value
    kill "$CANNED_PID"
    CANNED_PID=
  done 3<<'EOF'
PATH|{"secrets":{"GOOD":"canned-good-value","PATH":"canned-bad-value"}}|grants secrets as PATH, which could run code
AWS_*|{"secrets":{"GOOD":"canned-good-value","AWS_SECRET_ACCESS_KEY":"canned-bad-value"}}|grants secrets as AWS_SECRET_ACCESS_KEY, which
BUILDKITE*|{"secrets":{"BUILDKITE_AGENT_ACCESS_TOKEN":"canned-bad-value","GOOD":"canned-good-value"}}|grants secrets as BUILDKITE_AGENT_ACCESS_TOKEN, which
KITEVEND_*|{"secrets":{"KITEVEND_URL":"canned-bad-value","GOOD":"canned-good-value"}}|grants secrets as KITEVEND_URL, which
runs code|{"secrets":{"GOOD":"canned-good-value","NODE_OPTIONS":"canned-bad-value","GIT_SSH_COMMAND":"canned-bad-value"}}|grants secrets as NODE_OPTIONS GIT_SSH_COMMAND, which
redirects traffic|{"secrets":{"HTTPS_PROXY":"canned-bad-value","GOOD":"canned-good-value"}}|grants secrets as HTTPS_PROXY, which
bash's own|{"secrets":{"UID":"canned-bad-value","RANDOM":"canned-bad-value","GOOD":"canned-good-value"}}|grants secrets as UID RANDOM, which
lower case|{"secrets":{"GOOD":"canned-good-value","lower":"canned-bad-value"}}|names that are not environment variable names ([A-Z_][A-Z0-9_]*): "lower"
dash|{"secrets":{"GOOD":"canned-good-value","A-B":"canned-bad-value"}}|are not environment variable names ([A-Z_][A-Z0-9_]*): "A-B"
newline|{"secrets":{"GOOD":"canned-good-value","A\nPATH":"canned-bad-value"}}|are not environment variable names ([A-Z_][A-Z0-9_]*): "A\nPATH"
digit first|{"secrets":{"GOOD":"canned-good-value","1X":"canned-bad-value"}}|are not environment variable names
NUL in a value|{"secrets":{"GOOD":"canned-good-value","BAD":"canned-bad-value\u0000tail"}}|a secret with a NUL character
not a string|{"secrets":{"GOOD":"canned-good-value","BAD":["canned-bad-value"]}}|answered 200 but not with secrets
not secrets|{"Version":1,"AccessKeyId":"canned-bad-value"}|answered 200 but not with secrets
EOF
}
