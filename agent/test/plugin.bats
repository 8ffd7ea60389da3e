#!/usr/bin/env bats
# The hooks run as the Buildkite plugin: each property of plugin.yml arrives as the variables the
# agent sets (see use_plugin), against a real ./kitevend dev (in memory, STS simulated, secrets from
# fixtures/secrets.yaml).
# Each @test runs in its own subshell, so its exports are meant to stay there:
# shellcheck disable=SC2030,SC2031

bats_require_minimum_version 1.5.0
load test_helper

setup_file() {
  start_runner --secrets-file "$AGENT_DIR/test/fixtures/secrets.yaml"
}

teardown_file() {
  stop_runner
}

setup() {
  job_env
}

# The decision kitevend recorded for the access key the job got.
audit_of_key() {
  curl -s "$BK_STUB_RUNNER/dev/audit" | jq -c --arg k "$1" '.records[] | select(.access_key_id == $k)'
}

@test "binding: the step's credentials, exported and redacted" {
  use_plugin '{"binding": "deploy-main"}'
  run_hook environment
  [ "$status" -eq 0 ]
  key=$(env_after environment AWS_ACCESS_KEY_ID)
  [[ "$key" == SIMULATED* ]]
  grep -qxF "$(env_after environment AWS_SECRET_ACCESS_KEY)" "$BK_STUB_LOG/redacted"
  grep -qxF "$(env_after environment AWS_SESSION_TOKEN)" "$BK_STUB_LOG/redacted"
  [ "$(audit_of_key "$key" | jq -r .binding)" = deploy-main ]
  [[ "$output" != *"$(env_after environment AWS_SECRET_ACCESS_KEY)"* ]]
}

@test "no configuration at all: the credentials of the one binding that matches the job" {
  export BUILDKITE_PIPELINE_SLUG=docs
  use_plugin '{}'
  run_hook environment
  [ "$status" -eq 0 ]
  [ "$(audit_of_key "$(env_after environment AWS_ACCESS_KEY_ID)" | jq -r .binding)" = read-all ]
}

@test "binding as a list with mode credential_process: one profile each, every binding vended once first" {
  use_plugin '{"binding": ["deploy-main", "read-all"], "mode": "credential_process", "region": "eu-central-1"}'
  run_hook environment
  [ "$status" -eq 0 ]
  config=$(env_after environment AWS_CONFIG_FILE)
  grep -qx '\[profile deploy-main\]' "$config"
  grep -qx '\[profile read-all\]' "$config"
  [ "$(grep -c '^region = eu-central-1$' "$config")" -eq 2 ]
  [ "$(env_after environment AWS_PROFILE)" = deploy-main ]
  [ "$(env_after environment AWS_REGION)" = eu-central-1 ]
  [ "$(token_requests)" -eq 2 ]
  [ "$(wc -l < "$BK_STUB_LOG/redacted")" -eq 4 ]
  # The profile's helper runs later, in the command, where the plugin's variables are gone: the
  # settings are on its command line.
  for name in $(compgen -e | grep '^BUILDKITE_PLUGIN'); do unset "$name"; done
  unset KITEVEND_URL
  helper=$(sed -n 's/^credential_process = "\([^"]*\)" \(.*\)$/\1/p' "$config" | head -n1)
  args=$(sed -n 's/^credential_process = "\([^"]*\)" \(.*\)$/\2/p' "$config" | head -n1)
  # shellcheck disable=SC2086 # the line is split into words as AWS SDKs split it
  run "$helper" $args
  [ "$status" -eq 0 ]
  [ "$(audit_of_key "$(echo "$output" | jq -r .AccessKeyId)" | jq -r .binding)" = deploy-main ]
}

@test "mode credential_process: a refused binding stops the job before its command runs" {
  export BUILDKITE_BRANCH=feature/risky
  use_plugin '{"binding": "deploy-main", "mode": "credential_process"}'
  run_hook environment
  [ "$status" -eq 1 ]
  [ ! -f "$BATS_TEST_TMPDIR/env-after-environment" ]
  [[ "$output" == *"HTTP 403 no_matching_binding"* ]]
  [[ "$output" == *"request id: "* ]]
}

@test "mode env is the default and takes one binding" {
  use_plugin '{"binding": ["deploy-main", "read-all"], "mode": "env"}'
  run_hook environment
  [ "$status" -eq 1 ]
  [[ "$output" == *"the plugin's mode env takes one binding; for several, use credential_process"* ]]
  [ "$(token_requests)" -eq 0 ]
}

@test "secrets: the binding's secrets exported and redacted, and no credentials asked for" {
  export BUILDKITE_PIPELINE_SLUG=publish
  use_plugin '{"secrets": "publish-main"}'
  run_hook environment
  [ "$status" -eq 0 ]
  [ "$(env_after environment NPM_TOKEN)" = npm_TEST_7f3a9c1e5b2d ]
  grep -qxF npm_TEST_7f3a9c1e5b2d "$BK_STUB_LOG/redacted"
  [ -z "$(env_after environment AWS_ACCESS_KEY_ID)" ]
  [ "$(token_requests)" -eq 1 ]
}

@test "claims: the optional claims are asked for and let a queue_key binding allow the job" {
  export BUILDKITE_PIPELINE_SLUG=release
  export BK_STUB_JOB_CLAIMS='{"queue_key": "deploy", "agent_tag:queue": "deploy", "cluster_name": "prod"}'
  use_plugin '{"binding": "release-queue", "claims": ["queue_key", "agent_tag:queue"]}'
  run_hook environment
  [ "$status" -eq 0 ]
  grep -qx 'oidc request-token --audience kitevend-local --lifetime 300 --claim queue_key --claim agent_tag:queue' "$BK_STUB_LOG/calls"
  key=$(env_after environment AWS_ACCESS_KEY_ID)
  audit_of_key "$key" | jq -e '.decision == "allow" and .binding == "release-queue" and .role_arn == "arn:aws:iam::123456789012:role/kitevend/releaser"'
}

@test "claims: a job on another queue is refused, with no hint to ask for claims" {
  export BUILDKITE_PIPELINE_SLUG=release
  export BK_STUB_JOB_CLAIMS='{"queue_key": "default"}'
  use_plugin '{"binding": "release-queue", "claims": ["queue_key"]}'
  run_hook environment
  [ "$status" -eq 1 ]
  [[ "$output" == *"HTTP 403 no_matching_binding"* ]]
  [[ "$output" != *"claims: ["* ]]
  [[ "$output" != *"does not carry"* ]]
}

@test "claims missing: the 403 says which claim and how to ask for it, and nothing else about the binding" {
  export BUILDKITE_PIPELINE_SLUG=release
  export BK_STUB_JOB_CLAIMS='{"queue_key": "deploy"}'
  use_plugin '{"binding": "release-queue"}'
  run_hook environment
  [ "$status" -eq 1 ]
  [[ "$output" == *"HTTP 403 no_matching_binding"* ]]
  [[ "$output" == *"The job's token does not carry queue_key, which a binding tests."* ]]
  [[ "$output" == *"buildkite-agent oidc request-token --claim queue_key"* ]]
  [[ "$output" == *"add them to the plugin's configuration: claims: [queue_key]"* ]]
  # The condition's value and the binding's other condition stay with the admins.
  [[ "$output" != *"deploy'"* ]]
  [[ "$output" != *"build_branch"* ]]
  [[ "$output" != *"releaser"* ]]
}

@test "duration: the session length asked for" {
  use_plugin '{"binding": "deploy-main", "duration": 1800}'
  run_hook environment
  [ "$status" -eq 0 ]
  [ "$(audit_of_key "$(env_after environment AWS_ACCESS_KEY_ID)" | jq .duration_seconds)" -eq 1800 ]
}

@test "region: exported for AWS tools" {
  use_plugin '{"binding": "deploy-main", "region": "ap-southeast-2"}'
  run_hook environment
  [ "$status" -eq 0 ]
  [ "$(env_after environment AWS_REGION)" = ap-southeast-2 ]
  [ "$(env_after environment AWS_DEFAULT_REGION)" = ap-southeast-2 ]
}

@test "url and audience: the plugin's win over the agent's defaults" {
  export KITEVEND_URL="http://127.0.0.1:9/v1/credentials" KITEVEND_AUDIENCE=wrong-audience
  use_plugin "{\"binding\": \"deploy-main\", \"url\": \"$BK_STUB_RUNNER/v1/credentials\", \"audience\": \"kitevend-local\"}"
  run_hook environment
  [ "$status" -eq 0 ]
  [[ "$(env_after environment AWS_ACCESS_KEY_ID)" == SIMULATED* ]]
  grep -q -- '--audience kitevend-local ' "$BK_STUB_LOG/calls"
}

@test "audience: a wrong one is refused by kitevend (401)" {
  use_plugin '{"binding": "deploy-main", "audience": "someone-else"}'
  run_hook environment
  [ "$status" -eq 1 ]
  [[ "$output" == *"HTTP 401 token_not_accepted"* ]]
}

@test "an unknown property stops the job with its name, before any token is asked for" {
  use_plugin '{"bindings": "deploy-main"}'
  run_hook environment
  [ "$status" -eq 1 ]
  [[ "$output" == *"the plugin's configuration has unknown properties: bindings"* ]]
  [ "$(token_requests)" -eq 0 ]
}

@test "a property of the wrong shape is an unknown property too" {
  use_plugin '{"binding": {"name": "deploy-main"}}'
  run_hook environment
  [ "$status" -eq 1 ]
  [[ "$output" == *"unknown properties: binding_name"* ]]
}

@test "a malformed value names the plugin's property" {
  use_plugin '{"binding": "deploy-main", "duration": 60}'
  run_hook environment
  [ "$status" -eq 1 ]
  [[ "$output" == *"the plugin's duration must be a whole number of seconds from 900 to 43200, not '60'"* ]]
}

@test "step variables next to the plugin are reported, not used twice" {
  export KITEVEND_BINDING=read-all KITEVEND_SECRETZ=x
  use_plugin '{"binding": "deploy-main"}'
  run_hook environment
  [ "$status" -eq 0 ]
  [[ "$output" == *"KITEVEND_BINDING is set, but the kitevend plugin takes binding and secrets from its own configuration"* ]]
  [[ "$output" == *"WARNING: KITEVEND_SECRETZ is not a kitevend setting"* ]]
  [ "$(token_requests)" -eq 1 ]
  [ "$(audit_of_key "$(env_after environment AWS_ACCESS_KEY_ID)" | jq -r .binding)" = deploy-main ]
}

@test "a fork published under another name reads its own variables" {
  use_plugin '{"binding": "deploy-main"}' acme-kitevend
  [ -n "${BUILDKITE_PLUGIN_ACME_KITEVEND_BINDING:-}" ]
  run_hook environment
  [ "$status" -eq 0 ]
  [[ "$(env_after environment AWS_ACCESS_KEY_ID)" == SIMULATED* ]]
}

@test "an agent too old to name the plugin: the kitevend variables are still read" {
  use_plugin '{"binding": "deploy-main"}'
  unset BUILDKITE_PLUGIN_NAME BUILDKITE_PLUGIN_CONFIGURATION
  run_hook environment
  [ "$status" -eq 0 ]
  [[ "$(env_after environment AWS_ACCESS_KEY_ID)" == SIMULATED* ]]
}
