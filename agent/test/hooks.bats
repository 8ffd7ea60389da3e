#!/usr/bin/env bats
# The agent hooks against a real ./kitevend dev (in memory, STS simulated).
# Each @test runs in its own subshell, so its exports are meant to stay there:
# shellcheck disable=SC2030,SC2031

bats_require_minimum_version 1.5.0
load test_helper

setup_file() {
  start_runner
}

teardown_file() {
  stop_runner
}

setup() {
  job_env
}

teardown() {
  stop_proxy
}

@test "a job that does not opt in runs untouched: no token requested, nothing exported" {
  run_hook environment
  [ "$status" -eq 0 ]
  [ "$(token_requests)" -eq 0 ]
  [ -z "$(env_after environment AWS_ACCESS_KEY_ID)" ]
  [ -z "$(env_after environment AWS_CONFIG_FILE)" ]
  [ -z "$output" ]
}

@test "a job with KITEVEND_BINDING gets credentials exported and both secrets redacted" {
  export KITEVEND_BINDING=deploy-main
  run_hook environment
  [ "$status" -eq 0 ]
  key=$(env_after environment AWS_ACCESS_KEY_ID)
  secret=$(env_after environment AWS_SECRET_ACCESS_KEY)
  session=$(env_after environment AWS_SESSION_TOKEN)
  [[ "$key" == SIMULATED* ]]
  [ -n "$secret" ]
  [ -n "$session" ]
  [ "$(token_requests)" -eq 1 ]
  grep -qxF "$secret" "$BK_STUB_LOG/redacted"
  grep -qxF "$session" "$BK_STUB_LOG/redacted"
  # Neither secret, nor the token, appears in what the hook printed.
  [[ "$output" != *"$secret"* ]]
  [[ "$output" != *"$session"* ]]
  [[ "$output" != *eyJ* ]]
  [[ "$output" == *"arn:aws:iam::123456789012:role/kitevend/deployer"* ]]
}

@test "the region is exported when the agent configures one" {
  export KITEVEND_BINDING=deploy-main KITEVEND_REGION=eu-west-1
  run_hook environment
  [ "$status" -eq 0 ]
  [ "$(env_after environment AWS_REGION)" = eu-west-1 ]
  [ "$(env_after environment AWS_DEFAULT_REGION)" = eu-west-1 ]
}

@test "a refusal stops the job with a readable message and exports nothing" {
  export KITEVEND_BINDING=deploy-main BUILDKITE_BRANCH=feature/risky
  run_hook environment
  [ "$status" -eq 1 ]
  [ ! -f "$BATS_TEST_TMPDIR/env-after-environment" ]
  [[ "$output" == *"HTTP 403 no_matching_binding"* ]]
  [[ "$output" == *"No binding allows this job"* ]]
  [[ "$output" == *"request id: "* ]]
  [[ "$output" == *"token subject: organization:acme:pipeline:deploy:ref:refs/heads/feature/risky:"* ]]
  [[ "$output" != *eyJ* ]]
  [ "$(token_requests)" -eq 1 ]
}

@test "an ambiguous job is told which bindings match" {
  # No binding named: kitevend chooses, and for acme/deploy on main two bindings match.
  run bash -c '. "$1/lib/kitevend.sh"; kitevend_settings_from_environment; kitevend_vend "" "$2"' _ "$AGENT_DIR" "$BATS_TEST_TMPDIR/out.json"
  [ "$status" -eq 1 ]
  [[ "$output" == *"ambiguous_binding"* ]]
  [[ "$output" == *"deploy-main, read-all"* ]]
}

@test "503 then success is retried, with a fresh token for each attempt" {
  export KITEVEND_BINDING=deploy-main
  start_proxy 503 1
  run_hook environment
  [ "$status" -eq 0 ]
  [ "$(proxy_requests)" -eq 2 ]
  [ "$(token_requests)" -eq 2 ]
  [ "$(sort -u "$BK_STUB_LOG/tokens" | wc -l)" -eq 2 ]
  [[ "$output" == *"retrying in 1."* ]]
  [[ "$(env_after environment AWS_ACCESS_KEY_ID)" == SIMULATED* ]]
}

@test "429 is retried too" {
  export KITEVEND_BINDING=deploy-main
  start_proxy 429 1
  run_hook environment
  [ "$status" -eq 0 ]
  [ "$(proxy_requests)" -eq 2 ]
}

@test "403 is not retried" {
  export KITEVEND_BINDING=deploy-main
  start_proxy 403 5
  run_hook environment
  [ "$status" -eq 1 ]
  [ "$(proxy_requests)" -eq 1 ]
  [ "$(token_requests)" -eq 1 ]
  [[ "$output" == *"HTTP 403 injected"* ]]
}

@test "401, 400 and 409 are not retried either" {
  for code in 401 400 409; do
    rm -f "$BK_STUB_LOG/tokens" "$BATS_TEST_TMPDIR/proxy.log"
    export KITEVEND_URL="$BK_STUB_RUNNER/v1/credentials"
    export KITEVEND_BINDING=deploy-main
    start_proxy "$code" 5
    run_hook environment
    [ "$status" -eq 1 ]
    [ "$(proxy_requests)" -eq 1 ]
    stop_proxy
  done
}

@test "retries are bounded by KITEVEND_MAX_ATTEMPTS" {
  export KITEVEND_BINDING=deploy-main KITEVEND_MAX_ATTEMPTS=2
  start_proxy 503 100
  run_hook environment
  [ "$status" -eq 1 ]
  [ "$(proxy_requests)" -eq 2 ]
  [[ "$output" == *"giving up after 2 attempt(s)"* ]]
}

@test "a network error is retried and then reported" {
  export KITEVEND_BINDING=deploy-main KITEVEND_MAX_ATTEMPTS=2 KITEVEND_URL="http://127.0.0.1:9/v1/credentials"
  run_hook environment
  [ "$status" -eq 1 ]
  [ "$(token_requests)" -eq 2 ]
  [[ "$output" == *"network error"* ]]
}

@test "credential_process mode vends once per binding in the hook, redacts it, and writes one profile per binding" {
  export KITEVEND_BINDING=deploy-main,read-all KITEVEND_MODE=credential_process
  run_hook environment
  [ "$status" -eq 0 ]
  config=$(env_after environment AWS_CONFIG_FILE)
  [ -f "$config" ]
  [ "$(env_after environment AWS_PROFILE)" = deploy-main ]
  grep -qx '\[profile deploy-main\]' "$config"
  grep -qx '\[profile read-all\]' "$config"
  grep -qxF "credential_process = \"$AGENT_DIR/bin/kitevend-credentials\" --binding read-all --url $KITEVEND_URL --audience kitevend-local" "$config"
  [ -z "$(env_after environment AWS_ACCESS_KEY_ID)" ]
  # One check per binding, so that a refused binding stops the job here; each check's secret key
  # and session token went to the redactor (two values a vend), and nothing of them to the output.
  [ "$(token_requests)" -eq 2 ]
  [ "$(wc -l < "$BK_STUB_LOG/redacted")" -eq 4 ]
  while IFS= read -r value; do
    [[ "$output" != *"$value"* ]]
  done < "$BK_STUB_LOG/redacted"
  # Only the AWS config is left in the job's directory.
  [ "$(cd "$(env_after environment KITEVEND_JOB_DIR)" && echo *)" = aws-config ]
}

@test "credential_process mode: a refused binding stops the job before its command runs" {
  export KITEVEND_BINDING=read-all,deploy-main KITEVEND_MODE=credential_process BUILDKITE_BRANCH=feature/risky
  run_hook environment
  [ "$status" -eq 1 ]
  [ ! -f "$BATS_TEST_TMPDIR/env-after-environment" ]
  [[ "$output" == *"no AWS credentials for binding 'deploy-main' (HTTP 403 no_matching_binding"* ]]
  [[ "$output" == *"request id: "* ]]
  [ "$(token_requests)" -eq 2 ]
}

@test "the credential_process helper prints credential_process JSON, redacts it, and vends on every call" {
  run "$AGENT_DIR/bin/kitevend-credentials" --binding deploy-main
  [ "$status" -eq 0 ]
  echo "$output" | jq -e '.Version == 1 and (.AccessKeyId | startswith("SIMULATED")) and .SecretAccessKey and .SessionToken and .Expiration'
  grep -qxF "$(echo "$output" | jq -r .SecretAccessKey)" "$BK_STUB_LOG/redacted"
  grep -qxF "$(echo "$output" | jq -r .SessionToken)" "$BK_STUB_LOG/redacted"
  run "$AGENT_DIR/bin/kitevend-credentials" --binding deploy-main
  [ "$status" -eq 0 ]
  [ "$(token_requests)" -eq 2 ]
}

@test "the credential_process helper hands out nothing when the redactor refuses" {
  export BK_STUB_REDACTOR_FAILS=1
  run --separate-stderr "$AGENT_DIR/bin/kitevend-credentials" --binding deploy-main
  [ "$status" -eq 1 ]
  [ -z "$output" ]
  # shellcheck disable=SC2154 # bats sets stderr
  [[ "$stderr" == *"could not add the credentials to the log redactor"* ]]
}

@test "the credential_process helper takes the job's settings as options" {
  unset KITEVEND_URL KITEVEND_AUDIENCE
  run "$AGENT_DIR/bin/kitevend-credentials" --binding deploy-main --url "$BK_STUB_RUNNER/v1/credentials" \
    --audience kitevend-local --claim queue_key --duration 900
  [ "$status" -eq 0 ]
  grep -qx 'oidc request-token --audience kitevend-local --lifetime 300 --claim queue_key' "$BK_STUB_LOG/calls"
  key=$(echo "$output" | jq -r .AccessKeyId)
  [ "$(curl -s "$BK_STUB_RUNNER/dev/audit" | jq --arg k "$key" '.records[] | select(.access_key_id == $k) | .duration_seconds')" -eq 900 ]
}

@test "pre-exit removes what the environment hook wrote" {
  export KITEVEND_BINDING=deploy-main KITEVEND_MODE=credential_process
  run_hook environment
  [ "$status" -eq 0 ]
  dir=$(env_after environment KITEVEND_JOB_DIR)
  [ -d "$dir" ]
  export KITEVEND_JOB_DIR="$dir"
  run_hook pre-exit
  [ "$status" -eq 0 ]
  [ ! -e "$dir" ]
  [ "$(compgen -G "$BATS_TEST_TMPDIR/kitevend-*" || true)" = "" ]
}

@test "env mode leaves no credentials on disk" {
  export KITEVEND_BINDING=deploy-main
  run_hook environment
  [ "$status" -eq 0 ]
  dir=$(env_after environment KITEVEND_JOB_DIR)
  [ -z "$(ls -A "$dir")" ]
}

@test "a misspelt setting is a loud warning, never silence" {
  export KITEVEND_BINDINGS=deploy-main
  run_hook environment
  [ "$status" -eq 0 ]
  [[ "$output" == *"^^^ +++"* ]]
  [[ "$output" == *"WARNING: KITEVEND_BINDINGS is not a kitevend setting and is ignored; did you mean KITEVEND_BINDING?"* ]]
  [ "$(token_requests)" -eq 0 ]
  [ -z "$(env_after environment AWS_ACCESS_KEY_ID)" ]
}

@test "a misspelt setting next to a right one: warned about, and the right one still works" {
  export KITEVEND_BINDING=deploy-main KITEVEND_REGOIN=eu-west-1
  run_hook environment
  [ "$status" -eq 0 ]
  [[ "$output" == *"WARNING: KITEVEND_REGOIN is not a kitevend setting"* ]]
  [[ "$(env_after environment AWS_ACCESS_KEY_ID)" == SIMULATED* ]]
}

@test "optional claims from KITEVEND_CLAIMS are asked of the agent" {
  export KITEVEND_BINDING=deploy-main KITEVEND_CLAIMS=queue_key,agent_tag:queue
  export BK_STUB_JOB_CLAIMS='{"queue_key": "deploy", "agent_tag:queue": "deploy"}'
  run_hook environment
  [ "$status" -eq 0 ]
  grep -qx 'oidc request-token --audience kitevend-local --lifetime 300 --claim queue_key --claim agent_tag:queue' "$BK_STUB_LOG/calls"
}

@test "a claim Buildkite does not offer is refused before any token is asked for" {
  export KITEVEND_BINDING=deploy-main KITEVEND_CLAIMS=queue_name
  run_hook environment
  [ "$status" -eq 1 ]
  [[ "$output" == *"KITEVEND_CLAIMS: 'queue_name' is not a claim Buildkite adds on request"* ]]
  [ "$(token_requests)" -eq 0 ]
}

@test "on the Agent Stack for Kubernetes only the container that runs the command vends" {
  export KITEVEND_BINDING=deploy-main BUILDKITE_BOOTSTRAP_PHASES=plugin,checkout
  run_hook environment
  [ "$status" -eq 0 ]
  [ "$(token_requests)" -eq 0 ]
  [ -z "$(env_after environment AWS_ACCESS_KEY_ID)" ]
  [[ "$output" == *"this container does not run the command"* ]]

  export BUILDKITE_BOOTSTRAP_PHASES=plugin,command
  run_hook environment
  [ "$status" -eq 0 ]
  [ "$(token_requests)" -eq 1 ]
  [[ "$(env_after environment AWS_ACCESS_KEY_ID)" == SIMULATED* ]]
}

@test "a missing vending URL is a clear error" {
  export KITEVEND_BINDING=deploy-main
  unset KITEVEND_URL
  run_hook environment
  [ "$status" -eq 1 ]
  [[ "$output" == *"KITEVEND_URL is not set"* ]]
  [ "$(token_requests)" -eq 0 ]
}
