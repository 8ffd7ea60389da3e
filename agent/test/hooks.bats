#!/usr/bin/env bats
# The agent hooks against a real ./kitevend dev (in memory, STS simulated).

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
  grep -qxF "$secret" "$KITEVEND_TEST_LOG/redacted"
  grep -qxF "$session" "$KITEVEND_TEST_LOG/redacted"
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
  run bash -c '. "$1/lib/kitevend.sh"; kitevend_vend "" "$2"' _ "$AGENT_DIR" "$BATS_TEST_TMPDIR/out.json"
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
  [ "$(sort -u "$KITEVEND_TEST_LOG/tokens" | wc -l)" -eq 2 ]
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
    rm -f "$KITEVEND_TEST_LOG/tokens" "$BATS_TEST_TMPDIR/proxy.log"
    export KITEVEND_URL="$KITEVEND_TEST_RUNNER/v1/credentials"
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

@test "credential_process mode writes one profile per binding and points the AWS tools at them" {
  export KITEVEND_BINDING=deploy-main,read-all KITEVEND_MODE=credential_process
  run_hook environment
  [ "$status" -eq 0 ]
  config=$(env_after environment AWS_CONFIG_FILE)
  [ -f "$config" ]
  [ "$(env_after environment AWS_PROFILE)" = deploy-main ]
  grep -qx '\[profile deploy-main\]' "$config"
  grep -qx '\[profile read-all\]' "$config"
  grep -q "credential_process = \"$AGENT_DIR/bin/kitevend-credentials\" --binding read-all" "$config"
  [ -z "$(env_after environment AWS_ACCESS_KEY_ID)" ]
  # Nothing is vended until a tool asks.
  [ "$(token_requests)" -eq 0 ]
}

@test "the credential_process helper prints credential_process JSON and vends on every call" {
  run "$AGENT_DIR/bin/kitevend-credentials" --binding deploy-main
  [ "$status" -eq 0 ]
  echo "$output" | jq -e '.Version == 1 and (.AccessKeyId | startswith("SIMULATED")) and .SecretAccessKey and .SessionToken and .Expiration'
  run "$AGENT_DIR/bin/kitevend-credentials" --binding deploy-main
  [ "$status" -eq 0 ]
  [ "$(token_requests)" -eq 2 ]
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
  [ -z "$(ls -A "$BATS_TEST_TMPDIR" | grep '^kitevend-' || true)" ]
}

@test "env mode leaves no credentials on disk" {
  export KITEVEND_BINDING=deploy-main
  run_hook environment
  [ "$status" -eq 0 ]
  dir=$(env_after environment KITEVEND_JOB_DIR)
  [ -z "$(ls -A "$dir")" ]
}

@test "a missing vending URL is a clear error" {
  export KITEVEND_BINDING=deploy-main
  unset KITEVEND_URL
  run_hook environment
  [ "$status" -eq 1 ]
  [[ "$output" == *"KITEVEND_URL is not set"* ]]
  [ "$(token_requests)" -eq 0 ]
}
