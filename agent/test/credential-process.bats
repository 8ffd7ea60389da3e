#!/usr/bin/env bats
# credential_process mode with the real AWS CLI: kitevend dev in front of moto (real STS wire
# protocol), the hook's profile, and `aws sts get-caller-identity`.

load test_helper

setup_file() {
  command -v moto_server >/dev/null || skip "moto_server is not installed"
  local port
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  moto_server -H 127.0.0.1 -p "$port" > "$BATS_FILE_TMPDIR/moto.log" 2>&1 &
  echo $! > "$BATS_FILE_TMPDIR/moto.pid"
  echo "http://127.0.0.1:$port" > "$BATS_FILE_TMPDIR/moto.url"
  local _
  for _ in $(seq 1 200); do
    curl -s -o /dev/null "http://127.0.0.1:$port/moto-api/" && break
    sleep 0.1
  done
  # The stand-in buildkite-agent gets its tokens from the dev issuer: on with an emulator only when asked.
  start_runner --aws-endpoint "http://127.0.0.1:$port" --region us-east-1 --dev-routes
}

teardown_file() {
  stop_runner
  kill "$(cat "$BATS_FILE_TMPDIR/moto.pid" 2>/dev/null)" 2>/dev/null || true
}

setup() {
  job_env
}

@test "aws sts get-caller-identity through the hook's profile prints the assumed role, and vends each time" {
  # The hook vends once itself (so that a refused job stops before its command); each AWS call then
  # runs the profile's credential_process, which vends again.
  export KITEVEND_BINDING=deploy-main KITEVEND_MODE=credential_process KITEVEND_REGION=us-east-1
  run_hook environment
  [ "$status" -eq 0 ]
  moto=$(cat "$BATS_FILE_TMPDIR/moto.url")
  export AWS_CONFIG_FILE AWS_PROFILE
  AWS_CONFIG_FILE=$(env_after environment AWS_CONFIG_FILE)
  AWS_PROFILE=$(env_after environment AWS_PROFILE)
  export AWS_SHARED_CREDENTIALS_FILE=/dev/null
  run aws --endpoint-url "$moto" sts get-caller-identity --output json
  [ "$status" -eq 0 ]
  echo "$output" | jq -e '.Arn | test("^arn:aws:sts::123456789012:assumed-role/deployer/bk-deploy-")'
  run aws --endpoint-url "$moto" sts get-caller-identity --output json
  [ "$status" -eq 0 ]
  [ "$(token_requests)" -eq 3 ]
  allowed=$(curl -s "$BK_STUB_RUNNER/dev/audit" | jq '[.records[] | select(.decision == "allow")] | length')
  [ "$allowed" -eq 3 ]
  # Every vend's secret key and session token went to the redactor: the hook's and the AWS CLI's.
  [ "$(wc -l < "$BK_STUB_LOG/redacted")" -eq 6 ]
}
