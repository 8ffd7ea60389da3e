# shellcheck shell=bash
# kitevend agent library: sourced by hooks/environment, hooks/pre-exit and bin/kitevend-credentials.
# It uses no file outside this folder, so that the folder works on its own as the Buildkite plugin.
#
# Needs bash, curl, jq, base64 and buildkite-agent on the agent. Never prints a token or a secret;
# never passes one on a command line (other users of the host could read it from the process list).
#
# A job's settings come from one of two places (see kitevend_read_settings):
#   - the plugin's configuration (BUILDKITE_PLUGIN_KITEVEND_*), when the hooks run as the plugin;
#   - the KITEVEND_* variables below, when the agent's own hooks source them (org-wide install).
# With the plugin, every KITEVEND_* setting except KITEVEND_BINDING and KITEVEND_SECRETS is the
# default for the property of the same meaning.
#
#   KITEVEND_URL                 the vending URL (the stack's VendingUrl output)            required (plugin: url)
#   KITEVEND_SECRETS_URL         the secrets URL              default KITEVEND_URL ending /v1/secrets instead of /v1/credentials
#   KITEVEND_AUDIENCE            the token audience kitevend expects                         default kitevend (plugin: audience)
#   KITEVEND_TOKEN_LIFETIME      seconds the OIDC token lives                                default 300
#   KITEVEND_REGION              also exported as AWS_REGION and AWS_DEFAULT_REGION          optional (plugin: region)
#   KITEVEND_DURATION_SECONDS    session length to ask for (the binding caps it)            optional (plugin: duration)
#   KITEVEND_CLAIMS              optional claims to put in the token, comma-separated        optional (plugin: claims)
#   KITEVEND_MAX_ATTEMPTS        attempts on network errors, 429 and 5xx                     default 5
#   KITEVEND_MAX_WAIT_SECONDS    bound on the total time spent retrying                      default 60
#   KITEVEND_BINDING             (step env) binding(s) to use, comma-separated; unset = do nothing (plugin: binding)
#   KITEVEND_MODE                (step or agent) env | credential_process                    default env (plugin: mode)
#   KITEVEND_SECRETS             (step env) a binding whose secrets are exported into the job; unset = none (plugin: secrets)
# KITEVEND_JOB_DIR is the hooks' own: the job's private directory, removed by pre-exit.

# Every KITEVEND_* variable the hooks read; any other one in a job's environment is reported as a typo.
kitevend_known_settings=(URL SECRETS_URL AUDIENCE TOKEN_LIFETIME REGION DURATION_SECONDS CLAIMS MAX_ATTEMPTS
  MAX_WAIT_SECONDS BINDING MODE SECRETS JOB_DIR)

# The plugin's properties, as the agent names their variables (BUILDKITE_PLUGIN_<NAME>_<PROPERTY>,
# list items with _0, _1, ...). plugin.yml's configuration is the schema of the same properties.
kitevend_plugin_properties='^(BINDING(_[0-9]+)?|CLAIMS(_[0-9]+)?|MODE|SECRETS|DURATION|REGION|URL|AUDIENCE)$'

kitevend_binding_name='^[a-z0-9][a-z0-9-]{0,62}$'
# Claims Buildkite adds to a token only when asked (--claim); agent tag names as kitevend accepts them.
kitevend_requestable_claim='^(organization_id|pipeline_id|build_id|cluster_id|cluster_name|queue_id|queue_key|agent_tag:[A-Za-z0-9_.-]{1,100})$'
kitevend_region_name='^[a-z]{2}(-[a-z]+)+-[0-9]+$'
# What may go unquoted into a credential_process line, whichever AWS SDK splits it.
kitevend_plain_word='^[A-Za-z0-9._~:/@%+=,-]+$'

kitevend_log() {
  printf 'kitevend: %s\n' "$*" >&2
}

# A warning the job's author must see: "^^^ +++" makes Buildkite expand the log group it is in.
kitevend_warn() {
  printf '^^^ +++\n' >&2
  printf 'kitevend: WARNING: %s\n' "$*" >&2
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

# kitevend_read_settings: fills the kv_* variables with this job's settings: from the plugin's
# configuration when the hook runs as the plugin (see kitevend_plugin_prefix), else from KITEVEND_*.
# Non-zero, with a message, when the plugin's configuration has an unknown property. The values'
# shapes are checked by kitevend_check_settings.
#   kv_plugin            the plugin's variable prefix, or empty for the agent's own hooks
#   kv_want_credentials  1 when the job asked for AWS credentials
#   kv_bindings          binding names for credentials (may be empty in the plugin: kitevend chooses)
#   kv_secrets           the binding whose secrets to export, or empty
kitevend_read_settings() {
  kv_plugin=$(kitevend_plugin_prefix)
  kitevend_settings_from_environment
  kv_bindings=()
  kv_secrets=""
  kv_want_credentials=0
  if [ -n "$kv_plugin" ]; then
    kitevend_read_plugin_settings
    return
  fi
  if [ -n "${KITEVEND_BINDING:-}" ]; then
    IFS=',' read -r -a kv_bindings <<< "${KITEVEND_BINDING// /}"
    kv_want_credentials=1
  fi
  kv_secrets="${KITEVEND_SECRETS// /}"
}

# The settings every way of running shares, from the KITEVEND_* variables (for the plugin, their
# defaults): kv_mode kv_url kv_secrets_url kv_audience kv_region kv_duration kv_claims.
kitevend_settings_from_environment() {
  kv_url=${KITEVEND_URL:-}
  kv_secrets_url=${KITEVEND_SECRETS_URL:-}
  kv_audience=${KITEVEND_AUDIENCE:-kitevend}
  kv_mode=${KITEVEND_MODE:-env}
  kv_region=${KITEVEND_REGION:-}
  kv_duration=${KITEVEND_DURATION_SECONDS:-}
  kv_claims=()
  if [ -n "${KITEVEND_CLAIMS:-}" ]; then
    IFS=',' read -r -a kv_claims <<< "${KITEVEND_CLAIMS// /}"
  fi
}

# The prefix of the plugin's variables when this hook runs as a plugin, else nothing. The agent names
# the running plugin in BUILDKITE_PLUGIN_NAME (agent 3.29 and later); older agents are recognised by
# variables of the published name, kitevend.
kitevend_plugin_prefix() {
  if [ -n "${BUILDKITE_PLUGIN_NAME:-}" ]; then
    printf 'BUILDKITE_PLUGIN_%s_' "$BUILDKITE_PLUGIN_NAME"
  elif compgen -e | grep '^BUILDKITE_PLUGIN_KITEVEND_' >/dev/null; then
    printf 'BUILDKITE_PLUGIN_KITEVEND_'
  fi
}

# kitevend_plugin_values PROPERTY: the property's value, or each item of a list, one a line.
kitevend_plugin_values() {
  local var="${kv_plugin}$1" item i=0
  if [ -n "${!var+set}" ]; then
    printf '%s\n' "${!var}"
    return 0
  fi
  item="${var}_$i"
  while [ -n "${!item+set}" ]; do
    printf '%s\n' "${!item}"
    i=$((i + 1))
    item="${var}_$i"
  done
}

kitevend_read_plugin_settings() {
  local name property unknown=() value
  while IFS= read -r name; do
    property="${name#"$kv_plugin"}"
    [[ "$property" =~ $kitevend_plugin_properties ]] || unknown+=("$(printf '%s' "$property" | tr '[:upper:]' '[:lower:]')")
  done < <(compgen -e | grep "^${kv_plugin}" || true)
  if [ ${#unknown[@]} -gt 0 ]; then
    kitevend_log "the plugin's configuration has unknown properties: ${unknown[*]} (known: binding, mode, secrets, claims, duration, region, url, audience)"
    return 1
  fi
  mapfile -t kv_bindings < <(kitevend_plugin_values BINDING)
  kv_secrets=$(kitevend_plugin_values SECRETS)
  # The plugin is the step's opt-in: without binding or secrets it asks for the credentials of the
  # one binding that matches the job.
  if [ ${#kv_bindings[@]} -gt 0 ] || [ -z "$kv_secrets" ]; then
    kv_want_credentials=1
  fi
  value=$(kitevend_plugin_values MODE) && [ -n "$value" ] && kv_mode=$value
  value=$(kitevend_plugin_values DURATION) && [ -n "$value" ] && kv_duration=$value
  value=$(kitevend_plugin_values REGION) && [ -n "$value" ] && kv_region=$value
  value=$(kitevend_plugin_values URL) && [ -n "$value" ] && kv_url=$value
  value=$(kitevend_plugin_values AUDIENCE) && [ -n "$value" ] && kv_audience=$value
  if [ -n "$(kitevend_plugin_values CLAIMS)" ]; then
    mapfile -t kv_claims < <(kitevend_plugin_values CLAIMS)
  fi
  local step_setting
  for step_setting in KITEVEND_BINDING KITEVEND_SECRETS; do
    if [ -n "${!step_setting:-}" ]; then
      kitevend_warn "$step_setting is set, but the kitevend plugin takes binding and secrets from its own configuration; the plugin ignores $step_setting"
    fi
  done
  return 0
}

# kitevend_setting PROPERTY VARIABLE: how a message names a setting, as the job's author wrote it.
kitevend_setting() {
  if [ -n "${kv_plugin:-}" ]; then
    printf "the plugin's %s" "$1"
  else
    printf '%s' "$2"
  fi
}

# The settings' shapes, whichever place they came from; each message names the setting.
kitevend_check_settings() {
  local b c
  for b in "${kv_bindings[@]}"; do
    if [[ ! "$b" =~ $kitevend_binding_name ]]; then
      kitevend_log "$(kitevend_setting binding KITEVEND_BINDING): '$b' is not a binding name ([a-z0-9][a-z0-9-]{0,62})"
      return 1
    fi
  done
  if [ -n "$kv_secrets" ] && [[ ! "$kv_secrets" =~ $kitevend_binding_name ]]; then
    kitevend_log "$(kitevend_setting secrets KITEVEND_SECRETS) takes one binding name, not '$kv_secrets'"
    return 1
  fi
  for c in "${kv_claims[@]}"; do
    if [[ ! "$c" =~ $kitevend_requestable_claim ]]; then
      kitevend_log "$(kitevend_setting claims KITEVEND_CLAIMS): '$c' is not a claim Buildkite adds on request (organization_id, pipeline_id, build_id, cluster_id, cluster_name, queue_id, queue_key or agent_tag:NAME)"
      return 1
    fi
  done
  if [ -n "$kv_duration" ] && { [[ ! "$kv_duration" =~ ^[0-9]+$ ]] || [ "$kv_duration" -lt 900 ] || [ "$kv_duration" -gt 43200 ]; }; then
    kitevend_log "$(kitevend_setting duration KITEVEND_DURATION_SECONDS) must be a whole number of seconds from 900 to 43200, not '$kv_duration'"
    return 1
  fi
  if [ -n "$kv_region" ] && [[ ! "$kv_region" =~ $kitevend_region_name ]]; then
    kitevend_log "$(kitevend_setting region KITEVEND_REGION) must be an AWS region name such as eu-west-1, not '$kv_region'"
    return 1
  fi
  case "$kv_mode" in
    env | credential_process) ;;
    *)
      kitevend_log "$(kitevend_setting mode KITEVEND_MODE) must be env or credential_process, not '$kv_mode'"
      return 1
      ;;
  esac
}

# Warns about KITEVEND_* variables the hooks do not read: a misspelt setting must never be silent.
kitevend_warn_unknown_settings() {
  local name setting known suggestion
  while IFS= read -r name; do
    setting="${name#KITEVEND_}"
    suggestion=""
    for known in "${kitevend_known_settings[@]}"; do
      [ "$setting" = "$known" ] && continue 2
      if [[ "$setting" == "$known"* || "$known" == "$setting"* ]]; then
        suggestion="KITEVEND_$known"
      fi
    done
    kitevend_warn "$name is not a kitevend setting and is ignored${suggestion:+; did you mean $suggestion?} (a step sets KITEVEND_BINDING, KITEVEND_SECRETS, KITEVEND_MODE, KITEVEND_CLAIMS, KITEVEND_REGION or KITEVEND_DURATION_SECONDS)"
  done < <(compgen -e | grep '^KITEVEND_' || true)
}

# kitevend_endpoint KIND: prints the URL that hands out KIND (credentials or secrets).
kitevend_endpoint() {
  case "$1" in
    credentials)
      if [ -z "${kv_url:-}" ]; then
        kitevend_log "KITEVEND_URL is not set (nor url in the plugin's configuration); the agent's environment must give the vending URL"
        return 1
      fi
      printf '%s' "$kv_url"
      ;;
    secrets)
      if [ -n "${kv_secrets_url:-}" ]; then
        printf '%s' "$kv_secrets_url"
        return 0
      fi
      local base="${kv_url:-}"
      base="${base%/}"
      case "$base" in
        "")
          kitevend_log "neither KITEVEND_SECRETS_URL nor KITEVEND_URL is set (nor url in the plugin's configuration); the agent's environment must give the kitevend URL"
          return 1
          ;;
        */v1/credentials)
          printf '%s/v1/secrets' "${base%/v1/credentials}"
          ;;
        *)
          kitevend_log "the vending URL ($kv_url) does not end in /v1/credentials, so the secrets URL is unknown; set KITEVEND_SECRETS_URL"
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
# to OUT_FILE. KIND is credentials (the default: credential_process JSON from the vending URL) or
# secrets ({"secrets": {NAME: value}} from the secrets URL; see kitevend_endpoint). The token asks
# for kv_claims and the audience kv_audience (see kitevend_read_settings).
# Retries network errors, 429 and 5xx with exponential backoff and jitter (honouring Retry-After),
# within KITEVEND_MAX_ATTEMPTS and KITEVEND_MAX_WAIT_SECONDS; never retries other answers. A fresh
# OIDC token is requested for every attempt, because kitevend accepts each token once.
kitevend_vend() {
  local binding="$1" out="$2" kind="${3:-credentials}"
  local url check noun hint duration="${kv_duration:-}"
  url=$(kitevend_endpoint "$kind") || return 1
  case "$kind" in
    credentials)
      check='.Version == 1 and (.AccessKeyId | length > 0)'
      noun="AWS credentials"
      hint=$(kitevend_setting binding KITEVEND_BINDING)
      ;;
    secrets)
      check='(.secrets | type == "object") and ([.secrets[] | type == "string"] | all)'
      noun="secrets"
      hint=$(kitevend_setting secrets KITEVEND_SECRETS)
      duration=""  # a session length means nothing for secrets
      ;;
  esac
  local lifetime="${KITEVEND_TOKEN_LIFETIME:-300}" claim token_args=()
  local max_attempts="${KITEVEND_MAX_ATTEMPTS:-5}" max_wait="${KITEVEND_MAX_WAIT_SECONDS:-60}"
  token_args=(--audience "${kv_audience:-kitevend}" --lifetime "$lifetime")
  for claim in "${kv_claims[@]}"; do
    token_args+=(--claim "$claim")
  done
  local started=$SECONDS attempt=0 token status curl_rc delay retry_after body_json work
  body_json=$(jq -cn --arg b "$binding" --arg d "$duration" \
    '{} + (if $b != "" then {binding: $b} else {} end) + (if $d != "" then {duration_seconds: ($d | tonumber)} else {} end)') || {
    kitevend_log "the duration must be a number"
    return 1
  }
  work=$(mktemp -d) || return 1
  chmod 700 "$work"
  while :; do
    attempt=$((attempt + 1))
    if ! token=$(buildkite-agent oidc request-token "${token_args[@]}" 2>"$work/agent-error"); then
      kitevend_log "buildkite-agent could not issue an OIDC token: $(head -c 300 "$work/agent-error")"
      if [ ${#kv_claims[@]} -gt 0 ]; then
        kitevend_log "  optional claims (${kv_claims[*]}) need buildkite-agent 3.44.0 or later"
      fi
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
# give an admin, and whose token it was (its sub). NOUN names what was asked for; HINT names the
# setting that names a binding.
kitevend_explain_failure() {
  local binding="$1" status="$2" body="$3" token="$4" noun="${5:-AWS credentials}" hint="${6:-KITEVEND_BINDING}"
  local title code detail request_id missing_claims
  title=$(jq -r '.title // empty' "$body" 2>/dev/null)
  code=$(jq -r '.code // empty' "$body" 2>/dev/null)
  detail=$(jq -r '.detail // empty' "$body" 2>/dev/null)
  request_id=$(jq -r '.request_id // empty' "$body" 2>/dev/null)
  missing_claims=$(jq -r '.missing_claims // [] | map(tostring) | join(",")' "$body" 2>/dev/null)
  local what="the default binding"
  [ -n "$binding" ] && what="binding '$binding'"
  kitevend_log "no $noun for $what (HTTP $status${code:+ $code}${title:+: $title})"
  [ -n "$detail" ] && kitevend_log "  $detail"
  if [ "$code" = "ambiguous_binding" ]; then
    kitevend_log "  matching bindings: $(jq -r '.bindings | join(", ")' "$body" 2>/dev/null); set $hint to one of them"
  fi
  if [ -n "$missing_claims" ]; then
    if [ -n "${kv_plugin:-}" ]; then
      kitevend_log "  add them to the plugin's configuration: claims: [${missing_claims//,/, }]"
    else
      kitevend_log "  add them to the step's environment: KITEVEND_CLAIMS=$missing_claims"
    fi
  fi
  [ -n "$request_id" ] && kitevend_log "  request id: $request_id (a kitevend admin can look up the reason in the audit trail)"
  kitevend_log "  token subject: $(kitevend_token_subject "$token")"
}

# Adds a value to the job log redactor, through stdin so that it never appears in a command line.
kitevend_redact() {
  printf '%s' "$1" | buildkite-agent redactor add >/dev/null
}

# kitevend_redact_credentials FILE: puts the secret key and session token of credential_process
# JSON in FILE into the log redactor; non-zero (with a message) when the redactor refuses.
kitevend_redact_credentials() {
  local secret session
  secret=$(jq -r .SecretAccessKey "$1") && session=$(jq -r .SessionToken "$1") || return 1
  if ! kitevend_redact "$secret" || ! kitevend_redact "$session"; then
    kitevend_log "could not add the credentials to the log redactor (buildkite-agent redactor add needs agent 3.66.0 or later); not handing them out"
    return 1
  fi
}

kitevend_job_dir() {
  if [ -z "${KITEVEND_JOB_DIR:-}" ] || [ ! -d "$KITEVEND_JOB_DIR" ]; then
    KITEVEND_JOB_DIR=$(mktemp -d "${TMPDIR:-/tmp}/kitevend-${BUILDKITE_JOB_ID:-job}.XXXXXX") || return 1
    chmod 700 "$KITEVEND_JOB_DIR"
    export KITEVEND_JOB_DIR
  fi
}

# The environment hook's work: AWS credentials, then secrets, as the job's settings ask (see
# kitevend_read_settings). Returns non-zero to stop the job before its command runs.
kitevend_environment_hook() {
  kitevend_warn_unknown_settings
  # The Agent Stack for Kubernetes runs the environment hook in every container of a job; only the
  # container that runs the command needs what kitevend hands out.
  local phases=",${BUILDKITE_BOOTSTRAP_PHASES// /},"
  if [ "$phases" != ",," ] && [[ "$phases" != *,command,* ]]; then
    kitevend_log "this container does not run the command (phases ${BUILDKITE_BOOTSTRAP_PHASES}); nothing to do here"
    return 0
  fi
  kitevend_read_settings || return 1
  local kinds=()
  [ "$kv_want_credentials" = 1 ] && kinds+=(credentials)
  [ -n "$kv_secrets" ] && kinds+=(secrets)
  if [ ${#kinds[@]} -eq 0 ]; then
    return 0
  fi
  kitevend_check_settings || return 1
  kitevend_require_tools "${kinds[@]}" || return 1
  if [ "$kv_want_credentials" = 1 ]; then
    kitevend_credentials_hook || return 1
  fi
  if [ -n "$kv_secrets" ]; then
    kitevend_secrets_hook || return 1
  fi
  return 0
}

# Exports AWS credentials for the job's binding (or, in credential_process mode, AWS profiles that
# fetch fresh ones).
kitevend_credentials_hook() {
  case "$kv_mode" in
    env)
      if [ ${#kv_bindings[@]} -gt 1 ]; then
        kitevend_log "$(kitevend_setting "mode env" KITEVEND_MODE=env) takes one binding; for several, use credential_process"
        return 1
      fi
      kitevend_job_dir || return 1
      local creds="$KITEVEND_JOB_DIR/credentials.json" binding="${kv_bindings[0]:-}"
      kitevend_vend "$binding" "$creds" || { rm -f "$creds"; return 1; }
      if ! kitevend_redact_credentials "$creds"; then
        rm -f "$creds"
        return 1
      fi
      AWS_ACCESS_KEY_ID=$(jq -r .AccessKeyId "$creds")
      AWS_SECRET_ACCESS_KEY=$(jq -r .SecretAccessKey "$creds")
      AWS_SESSION_TOKEN=$(jq -r .SessionToken "$creds")
      local expiration role
      expiration=$(jq -r .Expiration "$creds")
      role=$(jq -r '.RoleArn // empty' "$creds")
      rm -f "$creds"
      export AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
      unset AWS_PROFILE
      kitevend_log "AWS credentials for ${role:-the role of binding ${binding:-chosen by kitevend}} until $expiration"
      ;;
    credential_process)
      kitevend_credential_process_profiles || return 1
      ;;
  esac
  if [ -n "$kv_region" ]; then
    export AWS_REGION="$kv_region" AWS_DEFAULT_REGION="$kv_region"
  fi
}

# credential_process mode: vends once per binding now, so that a refused job stops before its
# command runs (those credentials are redacted and dropped), then writes one AWS profile per binding
# whose credential_process runs bin/kitevend-credentials with this job's settings.
kitevend_credential_process_profiles() {
  if [ ${#kv_bindings[@]} -eq 0 ]; then
    kitevend_log "credential_process mode needs binding names in $(kitevend_setting binding KITEVEND_BINDING) (one AWS profile each)"
    return 1
  fi
  local setting
  for setting in "url:$kv_url" "audience:$kv_audience"; do
    if [[ ! "${setting#*:}" =~ $kitevend_plain_word ]]; then
      kitevend_log "the ${setting%%:*} '${setting#*:}' has characters kitevend does not write into an AWS config file ($kitevend_plain_word)"
      return 1
    fi
  done
  kitevend_job_dir || return 1
  local config="$KITEVEND_JOB_DIR/aws-config" check="$KITEVEND_JOB_DIR/check.json" helper b c args
  helper="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/bin/kitevend-credentials"
  for b in "${kv_bindings[@]}"; do
    kitevend_vend "$b" "$check" || { rm -f "$check"; return 1; }
    kitevend_redact_credentials "$check" || { rm -f "$check"; return 1; }
    rm -f "$check"
  done
  args="--url $kv_url --audience $kv_audience"
  for c in "${kv_claims[@]}"; do
    args+=" --claim $c"
  done
  [ -n "$kv_duration" ] && args+=" --duration $kv_duration"
  : > "$config"
  for b in "${kv_bindings[@]}"; do
    {
      printf '[profile %s]\n' "$b"
      printf 'credential_process = "%s" --binding %s %s\n' "$helper" "$b" "$args"
      [ -n "$kv_region" ] && printf 'region = %s\n' "$kv_region"
      printf '\n'
    } >> "$config"
  done
  if [ -n "${AWS_ACCESS_KEY_ID:-}" ]; then
    kitevend_log "unsetting AWS_ACCESS_KEY_ID and friends from the agent's environment so that the kitevend profile is used"
  fi
  unset AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN
  export AWS_CONFIG_FILE="$config" AWS_PROFILE="${kv_bindings[0]}" AWS_SDK_LOAD_CONFIG=1
  kitevend_log "AWS profiles ${kv_bindings[*]} fetch fresh credentials when needed (default profile: ${kv_bindings[0]})"
}

# Names a secret may not take: they would run code in the job, send its traffic elsewhere, change
# whom it trusts, or overwrite its settings or its shell's. The list is reserved-environment-names
# beside this file, the same list kitevend refuses in a binding (a copy: this folder uses no file
# outside it). Without the list every name counts as reserved: nothing is exported.
kitevend_reserved_name() {
  local list pattern
  list="$(dirname "${BASH_SOURCE[0]}")/reserved-environment-names"
  [ -r "$list" ] || return 0
  while IFS= read -r pattern; do
    case "$pattern" in '' | '#'*) continue ;; esac
    # shellcheck disable=SC2053 # the entry is a glob on purpose: NAME or NAME*
    [[ "$1" == $pattern ]] && return 0
  done < "$list"
  return 1
}

# Exports the secrets that the binding kv_secrets grants. Every value goes to the log redactor
# before any is exported; a name that is not an environment variable name, or that is reserved,
# stops the job with nothing exported. Values are never printed, never on a command line and never
# left on disk.
kitevend_secrets_hook() {
  local binding="$kv_secrets"
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
    kitevend_log "binding '$binding' grants secrets as ${reserved[*]}, which could run code in the job, redirect its traffic or overwrite its own settings or its shell's (see reserved-environment-names); no secrets exported"
    return 1
  fi
  if [ ${#names[@]} -eq 0 ]; then
    rm -f "$file"
    kitevend_log "binding '$binding' grants no secrets; a kitevend admin can add them, or drop $(kitevend_setting secrets KITEVEND_SECRETS) from the step"
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
