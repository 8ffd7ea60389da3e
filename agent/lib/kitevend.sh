# shellcheck shell=bash
# kitevend agent library: sourced by the hooks and by bin/kitevend-credentials.
#
# Needs bash, curl, jq, base64 and buildkite-agent on the agent. Never prints a token or a secret;
# never passes one on a command line (other users of the host could read it from the process list).
#
# Settings (agent environment unless noted):
#   KITEVEND_URL                 the vending URL (the stack's VendingUrl output)            required
#   KITEVEND_SECRETS_URL         the secrets URL              default KITEVEND_URL ending /v1/secrets instead of /v1/credentials
#   KITEVEND_AUDIENCE            the token audience kitevend expects                         default kitevend
#   KITEVEND_TOKEN_LIFETIME      seconds the OIDC token lives                                default 300
#   KITEVEND_REGION              also exported as AWS_REGION and AWS_DEFAULT_REGION          optional
#   KITEVEND_DURATION_SECONDS    session length to ask for (the binding caps it)            optional
#   KITEVEND_MAX_ATTEMPTS        attempts on network errors, 429 and 5xx                     default 5
#   KITEVEND_MAX_WAIT_SECONDS    bound on the total time spent retrying                      default 60
#   KITEVEND_BINDING             (step env) binding(s) to use, comma-separated; unset = do nothing
#   KITEVEND_MODE                (step or agent) env | credential_process                    default env
#   KITEVEND_SECRETS             (step env) a binding whose secrets are exported into the job; unset = none

kitevend_log() {
  printf 'kitevend: %s\n' "$*" >&2
}

# The token's sub claim, decoded from its payload; never the token itself.
kitevend_token_subject() {
  local payload="${1#*.}"
  payload="${payload%%.*}"
  payload=$(printf '%s' "$payload" | tr '_-' '/+')
  case $(( ${#payload} % 4 )) in
    2) payload="${payload}==" ;;
    3) payload="${payload}=" ;;
  esac
  printf '%s' "$payload" | base64 -d 2>/dev/null | jq -r '.sub // "unknown"' 2>/dev/null || echo "unknown"
}

# kitevend_require_tools [KIND...]: the tools are on the agent and the URL of each KIND (credentials,
# the default, or secrets) is known.
kitevend_require_tools() {
  local tool kind missing=()
  for tool in curl jq base64 buildkite-agent; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    kitevend_log "missing on this agent: ${missing[*]}"
    return 1
  fi
  for kind in "${@:-credentials}"; do
    kitevend_endpoint "$kind" >/dev/null || return 1
  done
}

# kitevend_endpoint KIND: prints the URL that hands out KIND (credentials or secrets).
kitevend_endpoint() {
  case "$1" in
    credentials)
      if [ -z "${KITEVEND_URL:-}" ]; then
        kitevend_log "KITEVEND_URL is not set; the agent's environment must give the vending URL"
        return 1
      fi
      printf '%s' "$KITEVEND_URL"
      ;;
    secrets)
      if [ -n "${KITEVEND_SECRETS_URL:-}" ]; then
        printf '%s' "$KITEVEND_SECRETS_URL"
        return 0
      fi
      local base="${KITEVEND_URL:-}"
      base="${base%/}"
      case "$base" in
        "")
          kitevend_log "neither KITEVEND_SECRETS_URL nor KITEVEND_URL is set; the agent's environment must give the kitevend URL"
          return 1
          ;;
        */v1/credentials)
          printf '%s/v1/secrets' "${base%/v1/credentials}"
          ;;
        *)
          kitevend_log "KITEVEND_URL ($KITEVEND_URL) does not end in /v1/credentials, so the secrets URL is unknown; set KITEVEND_SECRETS_URL"
          return 1
          ;;
      esac
      ;;
    *)
      kitevend_log "unknown kind of request: $1"
      return 1
      ;;
  esac
}

# kitevend_vend BINDING OUT_FILE [KIND]: asks kitevend for what BINDING grants and writes the answer
# to OUT_FILE. KIND is credentials (the default: credential_process JSON from KITEVEND_URL) or
# secrets ({"secrets": {NAME: value}} from the secrets URL; see kitevend_endpoint).
# Retries network errors, 429 and 5xx with exponential backoff and jitter (honouring Retry-After),
# within KITEVEND_MAX_ATTEMPTS and KITEVEND_MAX_WAIT_SECONDS; never retries other answers. A fresh
# OIDC token is requested for every attempt, because kitevend accepts each token once.
kitevend_vend() {
  local binding="$1" out="$2" kind="${3:-credentials}"
  local url check noun hint duration="${KITEVEND_DURATION_SECONDS:-}"
  url=$(kitevend_endpoint "$kind") || return 1
  case "$kind" in
    credentials)
      check='.Version == 1 and (.AccessKeyId | length > 0)'
      noun="AWS credentials"
      hint=KITEVEND_BINDING
      ;;
    secrets)
      check='(.secrets | type == "object") and ([.secrets[] | type == "string"] | all)'
      noun="secrets"
      hint=KITEVEND_SECRETS
      duration=""  # a session length means nothing for secrets
      ;;
  esac
  local audience="${KITEVEND_AUDIENCE:-kitevend}" lifetime="${KITEVEND_TOKEN_LIFETIME:-300}"
  local max_attempts="${KITEVEND_MAX_ATTEMPTS:-5}" max_wait="${KITEVEND_MAX_WAIT_SECONDS:-60}"
  local started=$SECONDS attempt=0 token status curl_rc delay retry_after body_json work
  body_json=$(jq -cn --arg b "$binding" --arg d "$duration" \
    '{} + (if $b != "" then {binding: $b} else {} end) + (if $d != "" then {duration_seconds: ($d | tonumber)} else {} end)') || {
    kitevend_log "KITEVEND_DURATION_SECONDS must be a number"
    return 1
  }
  work=$(mktemp -d) || return 1
  chmod 700 "$work"
  while :; do
    attempt=$((attempt + 1))
    if ! token=$(buildkite-agent oidc request-token --audience "$audience" --lifetime "$lifetime" 2>"$work/agent-error"); then
      kitevend_log "buildkite-agent could not issue an OIDC token: $(head -c 300 "$work/agent-error")"
      rm -rf "$work"
      return 1
    fi
    printf 'Authorization: Bearer %s\nContent-Type: application/json\n' "$token" > "$work/headers"
    curl_rc=0
    status=$(curl -sS -X POST "$url" -H @"$work/headers" --data "$body_json" \
      --connect-timeout 10 --max-time 30 -o "$work/body" -D "$work/response-headers" -w '%{http_code}' \
      2>"$work/curl-error") || curl_rc=$?
    rm -f "$work/headers"

    if [ "$curl_rc" -eq 0 ] && [ "$status" = "200" ]; then
      if ! jq -e "$check" "$work/body" >/dev/null 2>&1; then
        kitevend_log "$url answered 200 but not with $noun; is the URL right?"
        rm -rf "$work"
        return 1
      fi
      cp "$work/body" "$out"
      rm -rf "$work"
      return 0
    fi

    local retryable=0 reason
    if [ "$curl_rc" -ne 0 ]; then
      retryable=1
      reason="network error: $(head -c 200 "$work/curl-error")"
    elif [ "$status" = "429" ] || [ "${status:0:1}" = "5" ]; then
      retryable=1
      reason="HTTP $status $(jq -r '.code // empty' "$work/body" 2>/dev/null)"
    fi
    if [ "$retryable" -eq 0 ]; then
      kitevend_explain_failure "$binding" "$status" "$work/body" "$token" "$noun" "$hint"
      rm -rf "$work"
      return 1
    fi

    retry_after=$(tr -d '\r' < "$work/response-headers" 2>/dev/null | awk 'tolower($1) == "retry-after:" { print $2 }' | tail -n1)
    if [[ "$retry_after" =~ ^[0-9]+$ ]]; then
      delay=$retry_after
    else
      # 1, 2, 4, 8 ... seconds, plus up to one second of jitter (in tenths).
      delay=$(( 1 << (attempt - 1) ))
    fi
    local jitter_tenths=$(( RANDOM % 10 ))
    local elapsed=$(( SECONDS - started ))
    if [ "$attempt" -ge "$max_attempts" ] || [ $(( elapsed + delay + 1 )) -gt "$max_wait" ]; then
      kitevend_log "giving up after $attempt attempt(s) in ${elapsed}s; last error: $reason"
      if [ "$curl_rc" -eq 0 ]; then
        kitevend_explain_failure "$binding" "$status" "$work/body" "$token" "$noun" "$hint"
      fi
      rm -rf "$work"
      return 1
    fi
    kitevend_log "attempt $attempt failed ($reason); retrying in ${delay}.${jitter_tenths}s"
    sleep "${delay}.${jitter_tenths}"
  done
}

# A message a pipeline author can act on: status, the problem's title and code, the request id to
# give an admin, and whose token it was (its sub). NOUN names what was asked for; HINT_VAR is the
# setting that names a binding.
kitevend_explain_failure() {
  local binding="$1" status="$2" body="$3" token="$4" noun="${5:-AWS credentials}" hint="${6:-KITEVEND_BINDING}"
  local title code detail request_id
  title=$(jq -r '.title // empty' "$body" 2>/dev/null)
  code=$(jq -r '.code // empty' "$body" 2>/dev/null)
  detail=$(jq -r '.detail // empty' "$body" 2>/dev/null)
  request_id=$(jq -r '.request_id // empty' "$body" 2>/dev/null)
  local what="the default binding"
  [ -n "$binding" ] && what="binding '$binding'"
  kitevend_log "no $noun for $what (HTTP $status${code:+ $code}${title:+: $title})"
  [ -n "$detail" ] && kitevend_log "  $detail"
  if [ "$code" = "ambiguous_binding" ]; then
    kitevend_log "  matching bindings: $(jq -r '.bindings | join(", ")' "$body" 2>/dev/null); set $hint to one of them"
  fi
  [ -n "$request_id" ] && kitevend_log "  request id: $request_id (a kitevend admin can look up the reason in the audit trail)"
  kitevend_log "  token subject: $(kitevend_token_subject "$token")"
}

# Adds a value to the job log redactor, through stdin so that it never appears in a command line.
kitevend_redact() {
  printf '%s' "$1" | buildkite-agent redactor add >/dev/null
}

kitevend_job_dir() {
  if [ -z "${KITEVEND_JOB_DIR:-}" ] || [ ! -d "$KITEVEND_JOB_DIR" ]; then
    KITEVEND_JOB_DIR=$(mktemp -d "${TMPDIR:-/tmp}/kitevend-${BUILDKITE_JOB_ID:-job}.XXXXXX") || return 1
    chmod 700 "$KITEVEND_JOB_DIR"
    export KITEVEND_JOB_DIR
  fi
}

# The environment hook's work: AWS credentials for KITEVEND_BINDING, then the secrets of
# KITEVEND_SECRETS. Returns non-zero to stop the job before its command runs.
kitevend_environment_hook() {
  local kinds=()
  [ -n "${KITEVEND_BINDING:-}" ] && kinds+=(credentials)
  [ -n "${KITEVEND_SECRETS:-}" ] && kinds+=(secrets)
  if [ ${#kinds[@]} -eq 0 ]; then
    return 0
  fi
  kitevend_require_tools "${kinds[@]}" || return 1
  if [ -n "${KITEVEND_BINDING:-}" ]; then
    kitevend_credentials_hook || return 1
  fi
  if [ -n "${KITEVEND_SECRETS:-}" ]; then
    kitevend_secrets_hook || return 1
  fi
  return 0
}

# Exports AWS credentials for KITEVEND_BINDING (or, with KITEVEND_MODE=credential_process, AWS
# profiles that fetch fresh ones).
kitevend_credentials_hook() {
  local mode="${KITEVEND_MODE:-env}" bindings first=""
  IFS=',' read -r -a bindings <<< "${KITEVEND_BINDING// /}"
  case "$mode" in
    env)
      if [ ${#bindings[@]} -ne 1 ]; then
        kitevend_log "KITEVEND_MODE=env takes one binding; for several, use KITEVEND_MODE=credential_process"
        return 1
      fi
      kitevend_job_dir || return 1
      local creds="$KITEVEND_JOB_DIR/credentials.json"
      kitevend_vend "${bindings[0]}" "$creds" || { rm -f "$creds"; return 1; }
      AWS_ACCESS_KEY_ID=$(jq -r .AccessKeyId "$creds")
      AWS_SECRET_ACCESS_KEY=$(jq -r .SecretAccessKey "$creds")
      AWS_SESSION_TOKEN=$(jq -r .SessionToken "$creds")
      local expiration role
      expiration=$(jq -r .Expiration "$creds")
      role=$(jq -r '.RoleArn // empty' "$creds")
      rm -f "$creds"
      if ! kitevend_redact "$AWS_SECRET_ACCESS_KEY" || ! kitevend_redact "$AWS_SESSION_TOKEN"; then
        kitevend_log "could not add the credentials to the log redactor; not exporting them"
        unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
        return 1
      fi
      export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
      unset AWS_PROFILE
      kitevend_log "AWS credentials for ${role:-the role of binding ${bindings[0]}} until $expiration"
      ;;
    credential_process)
      kitevend_job_dir || return 1
      local config="$KITEVEND_JOB_DIR/aws-config" helper b
      helper="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/bin/kitevend-credentials"
      : > "$config"
      for b in "${bindings[@]}"; do
        if [[ ! "$b" =~ ^[a-z0-9][a-z0-9-]{0,62}$ ]]; then
          kitevend_log "'$b' is not a binding name"
          return 1
        fi
        [ -z "$first" ] && first="$b"
        {
          printf '[profile %s]\n' "$b"
          printf 'credential_process = "%s" --binding %s\n' "$helper" "$b"
          [ -n "${KITEVEND_REGION:-}" ] && printf 'region = %s\n' "$KITEVEND_REGION"
          printf '\n'
        } >> "$config"
      done
      if [ -n "${AWS_ACCESS_KEY_ID:-}" ]; then
        kitevend_log "unsetting AWS_ACCESS_KEY_ID and friends from the agent's environment so that the kitevend profile is used"
      fi
      unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
      export AWS_CONFIG_FILE="$config" AWS_PROFILE="$first" AWS_SDK_LOAD_CONFIG=1
      kitevend_log "AWS profiles ${bindings[*]} fetch fresh credentials when needed (default profile: $first)"
      ;;
    *)
      kitevend_log "KITEVEND_MODE must be env or credential_process, not '$mode'"
      return 1
      ;;
  esac
  if [ -n "${KITEVEND_REGION:-}" ]; then
    export AWS_REGION="$KITEVEND_REGION" AWS_DEFAULT_REGION="$KITEVEND_REGION"
  fi
}

# Names a secret may not take: they would change how the job, its tools or its shell behave. The
# same as kitevend refuses in a binding, and a few that bash reads from its environment.
kitevend_reserved_name() {
  [[ "$1" =~ ^(AWS_.*|BUILDKITE.*|KITEVEND_.*|PATH|HOME|SHELL|USER|LD_.*|BASH_ENV|ENV|SHELLOPTS|BASHOPTS|IFS|PS4|PROMPT_COMMAND|_)$ ]]
}

# Exports the secrets that the binding KITEVEND_SECRETS grants. Every value goes to the log
# redactor before any is exported; a name that is not an environment variable name, or that is
# reserved, stops the job with nothing exported. Values are never printed, never on a command line
# and never left on disk.
kitevend_secrets_hook() {
  local binding="${KITEVEND_SECRETS// /}"
  if [[ ! "$binding" =~ ^[a-z0-9][a-z0-9-]{0,62}$ ]]; then
    kitevend_log "KITEVEND_SECRETS takes one binding name, not '$binding'"
    return 1
  fi
  kitevend_job_dir || return 1
  local file="$KITEVEND_JOB_DIR/secrets.json"
  kitevend_vend "$binding" "$file" secrets || { rm -f "$file"; return 1; }

  local names=() reserved=() values=() bad source name value i
  bad=$(jq -r '[.secrets | keys_unsorted[] | select(test("^[A-Z_][A-Z0-9_]*$") | not) | @json] | join(", ")' "$file") || bad="(unreadable)"
  if [ -n "$bad" ]; then
    rm -f "$file"
    kitevend_log "binding '$binding' grants secrets under names that are not environment variable names ([A-Z_][A-Z0-9_]*): $bad; no secrets exported"
    return 1
  fi
  mapfile -t names < <(jq -r '.secrets | keys_unsorted[]' "$file")
  for name in "${names[@]}"; do
    # Reserved, or a variable bash keeps for itself (UID, RANDOM, SECONDS...): tried in a subshell.
    if kitevend_reserved_name "$name" \
        || ! ( printf -v "$name" '%s' kitevend-probe 2>/dev/null && [ "${!name}" = kitevend-probe ] ); then
      reserved+=("$name")
    fi
  done
  if [ ${#reserved[@]} -gt 0 ]; then
    rm -f "$file"
    kitevend_log "binding '$binding' grants secrets as ${reserved[*]}, which would overwrite the job's own settings or its shell's; no secrets exported"
    return 1
  fi
  if [ ${#names[@]} -eq 0 ]; then
    rm -f "$file"
    kitevend_log "binding '$binding' grants no secrets; a kitevend admin can add them, or unset KITEVEND_SECRETS"
    return 1
  fi
  if ! jq -e '[.secrets[] | explode | index(0) == null] | all' "$file" >/dev/null; then
    rm -f "$file"
    kitevend_log "binding '$binding' grants a secret with a NUL character, which an environment variable cannot hold; no secrets exported"
    return 1
  fi
  source=$(jq -r '.source // "secretsmanager"' "$file")
  for name in "${names[@]}"; do
    # The x keeps trailing newlines, which $(...) would strip.
    value=$(jq -j --arg n "$name" '.secrets[$n]' "$file" && printf x) || { rm -f "$file"; return 1; }
    values+=("${value%x}")
  done
  rm -f "$file"

  for value in "${values[@]}"; do
    if [ -n "$value" ] && ! kitevend_redact "$value"; then
      kitevend_log "could not add the secrets to the log redactor; not exporting them"
      return 1
    fi
  done
  for i in "${!names[@]}"; do
    printf -v "${names[$i]}" '%s' "${values[$i]}"
    export "${names[$i]?}"
  done
  if [ "$source" = "local-file" ]; then
    kitevend_log "secrets ${names[*]} from binding $binding (from a LOCAL FILE of the kitevend dev runner, not Secrets Manager)"
  else
    kitevend_log "secrets ${names[*]} from binding $binding"
  fi
}

kitevend_pre_exit_hook() {
  if [ -n "${KITEVEND_JOB_DIR:-}" ] && [[ "$(basename "$KITEVEND_JOB_DIR")" == kitevend-* ]]; then
    rm -rf -- "$KITEVEND_JOB_DIR"
  fi
  unset KITEVEND_JOB_DIR
}
