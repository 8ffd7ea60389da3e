package io.kitevend.binding;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.kitevend.json.Json;
import io.kitevend.text.Identifiers;
import io.kitevend.text.Text;
import io.kitevend.token.BuildkiteClaims;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Validates a {@link Binding} against the deployment's {@link BindingRules} and compiles it for
 * matching. Every problem is collected, so an admin sees all of them at once.
 */
public final class BindingCompiler {
    public static final int MIN_DURATION_SECONDS = 900;
    public static final int MAX_DURATION_SECONDS = 43_200;
    /** STS accepts at most 2,048 characters of inline session policy. */
    public static final int MAX_SESSION_POLICY_CHARS = 2_048;

    public static final int MAX_GLOBS_PER_CONDITION = 50;
    /** STS accepts at most 50 session tags. */
    public static final int MAX_SESSION_TAGS = 50;

    public static final int MAX_DESCRIPTION_CHARS = 1_024;

    private static final String EXAMPLE_ID = "0184990a-477b-4fa8-9968-496074483cee";

    /** Claims a condition may test (plus {@code agent_tag:NAME}). */
    public static final Set<String> CONDITION_CLAIMS = Set.of(
            "build_branch",
            "build_tag",
            "step_key",
            "build_source",
            "runner_environment",
            "cluster_id",
            "cluster_name",
            "queue_id",
            "queue_key");

    private static final Pattern AGENT_TAG_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,100}");
    private static final Pattern ROLE_ARN = Pattern.compile(
            "arn:(aws(?:-[a-z]+)*):iam::(\\d{12}):role(/(?:[\\x21-\\x7E]{0,510}/)?)([\\w+=,.@-]{1,64})");
    private static final Pattern EXTERNAL_ID = Pattern.compile("[\\w+=,.@:/-]{2,1224}");

    private final BindingRules rules;

    public BindingCompiler(BindingRules rules) {
        this.rules = rules;
    }

    public BindingRules rules() {
        return rules;
    }

    public CompiledBinding compile(Binding binding) throws InvalidBindingException {
        List<FieldError> errors = validate(binding);
        if (!errors.isEmpty()) {
            throw new InvalidBindingException(binding.name(), errors);
        }
        Map<String, List<Glob>> conditions = new LinkedHashMap<>();
        binding.conditions()
                .forEach((claim, globs) ->
                        conditions.put(claim, globs.stream().map(Glob::compile).toList()));
        return new CompiledBinding(binding, Glob.compile(binding.pipeline()), binding.pins(), conditions);
    }

    public List<FieldError> validate(Binding b) {
        List<FieldError> errors = new ArrayList<>();
        if (!Identifiers.BINDING_NAME.matches(b.name())) {
            errors.add(new FieldError(
                    "name",
                    "invalid_name",
                    "must match " + Identifiers.BINDING_NAME.pattern() + " (lower-case letters, digits and dashes)"));
        }
        if (!Identifiers.ORGANIZATION_SLUG.matches(b.organization())) {
            errors.add(new FieldError("organization", "invalid_slug", "must be a Buildkite organization slug"));
        }
        if (!Identifiers.PIPELINE_GLOB.matches(b.pipeline())) {
            errors.add(new FieldError(
                    "pipeline",
                    "invalid_pipeline",
                    "must be a pipeline slug or a glob of one ([a-z0-9_.-] with * and ?)"));
        }
        b.pins().forEach((claim, id) -> {
            if (!Identifiers.BUILDKITE_ID.matches(id)) {
                errors.add(new FieldError(
                        claim, "invalid_id", "must be a Buildkite id, a lower-case UUID such as " + EXAMPLE_ID));
            }
        });
        if (b.pipelineId() != null && b.hasGlobPipeline()) {
            errors.add(new FieldError(
                    "pipeline_id", "pinned_glob", "pins one pipeline: name it by its exact slug, not a glob"));
        }
        validateConditions(b.conditions(), errors);
        validateRole(b.roleArn(), errors);
        if (b.maxDurationSeconds() < MIN_DURATION_SECONDS || b.maxDurationSeconds() > MAX_DURATION_SECONDS) {
            errors.add(new FieldError(
                    "max_duration_seconds",
                    "out_of_range",
                    "must be between " + MIN_DURATION_SECONDS + " and " + MAX_DURATION_SECONDS));
        }
        validateSessionPolicy(b.sessionPolicy(), errors);
        validateSessionTags(b.sessionTags(), errors);
        validateSecrets(b.organization(), b.secrets(), errors);
        if (b.externalId() != null && !EXTERNAL_ID.matcher(b.externalId()).matches()) {
            errors.add(new FieldError(
                    "external_id",
                    "invalid_external_id",
                    "must be 2 to 1224 characters of letters, digits and +=,.@:/-"));
        }
        if (b.description() != null
                && (b.description().length() > MAX_DESCRIPTION_CHARS
                        || b.description().chars().anyMatch(c -> Character.isISOControl(c) && c != '\n'))) {
            errors.add(new FieldError(
                    "description",
                    "invalid_description",
                    "must be at most " + MAX_DESCRIPTION_CHARS + " characters without control characters"));
        }
        return errors;
    }

    private static void validateConditions(Map<String, List<String>> conditions, List<FieldError> errors) {
        conditions.forEach((claim, globs) -> {
            String field = "conditions." + claim;
            if (!isConditionClaim(claim)) {
                errors.add(new FieldError(
                        field,
                        "unknown_claim",
                        "is not a claim conditions can test; known: "
                                + String.join(
                                        ", ", CONDITION_CLAIMS.stream().sorted().toList()) + ", agent_tag:NAME"));
                return;
            }
            if (globs.isEmpty()) {
                errors.add(new FieldError(field, "empty_condition", "must list at least one glob"));
            } else if (globs.size() > MAX_GLOBS_PER_CONDITION) {
                errors.add(new FieldError(
                        field, "too_many_globs", "must list at most " + MAX_GLOBS_PER_CONDITION + " globs"));
            }
            for (int i = 0; i < globs.size(); i++) {
                String problem = Glob.problem(globs.get(i));
                if (problem != null) {
                    errors.add(new FieldError(field + "[" + i + "]", "invalid_glob", problem));
                }
            }
        });
    }

    public static boolean isConditionClaim(String claim) {
        if (CONDITION_CLAIMS.contains(claim)) {
            return true;
        }
        return BuildkiteClaims.isAgentTag(claim)
                && AGENT_TAG_NAME
                        .matcher(claim.substring(BuildkiteClaims.AGENT_TAG_PREFIX.length()))
                        .matches();
    }

    private void validateRole(String roleArn, List<FieldError> errors) {
        Matcher m = roleArn == null ? null : ROLE_ARN.matcher(roleArn);
        if (m == null || !m.matches()) {
            errors.add(new FieldError(
                    "role_arn", "invalid_role_arn", "must be an IAM role ARN, arn:aws:iam::ACCOUNT:role/PATH/NAME"));
            return;
        }
        String partition = m.group(1);
        String account = m.group(2);
        String path = m.group(3);
        if (!partition.equals(rules.partition())) {
            errors.add(new FieldError(
                    "role_arn",
                    "partition_not_allowed",
                    "role must be in this deployment's partition, arn:" + rules.partition() + ":iam::..."));
        }
        if (!rules.allowedAccounts().isEmpty() && !rules.allowedAccounts().contains(account)) {
            errors.add(new FieldError(
                    "role_arn",
                    "account_not_allowed",
                    "account " + account + " is not one this deployment may grant roles in"));
        }
        if (!path.startsWith(rules.rolePath())) {
            errors.add(new FieldError(
                    "role_arn", "role_path_not_allowed", "role must be under the IAM path " + rules.rolePath()));
        }
    }

    private static final Pattern ENV_NAME = Pattern.compile("[A-Z_][A-Z0-9_]{0,127}");
    private static final Pattern SECRET_ARN =
            Pattern.compile("arn:[a-z-]+:secretsmanager:[a-z0-9-]+:\\d{12}:secret:(.+)");
    private static final Pattern SECRET_NAME = Pattern.compile("[A-Za-z0-9/_+=.@-]{1,512}");
    public static final int MAX_SECRETS = 50;

    private void validateSecrets(String organization, Map<String, SecretGrant> secrets, List<FieldError> errors) {
        if (secrets.isEmpty()) {
            return;
        }
        if (rules.secretPrefix() == null) {
            errors.add(new FieldError(
                    "secrets",
                    "secrets_not_enabled",
                    "this deployment grants no secrets (no secret prefix is configured)"));
            return;
        }
        if (secrets.size() > MAX_SECRETS) {
            errors.add(new FieldError("secrets", "too_many_secrets", "must grant at most " + MAX_SECRETS + " secrets"));
        }
        // An organization's bindings grant only its own secrets: an admin of one organization's
        // pipelines never hands out another's by naming it.
        String prefix = Identifiers.ORGANIZATION_SLUG.matches(organization) ? rules.secretPrefixOf(organization) : null;
        secrets.forEach((env, grant) -> {
            String field = "secrets." + env;
            if (!ENV_NAME.matcher(env).matches()) {
                errors.add(new FieldError(
                        field, "invalid_env_name", "must be an environment variable name: [A-Z_][A-Z0-9_]*"));
            } else if (ReservedEnvironmentNames.reserved(env)) {
                errors.add(new FieldError(
                        field,
                        "reserved_env_name",
                        "is reserved: a secret under this name could run code in the job, redirect its traffic or"
                                + " overwrite its settings (AWS_*, BUILDKITE*, PATH, LD_*, NODE_OPTIONS, GIT_*, ...;"
                                + " the list and a way around it are in docs/bindings.md, under Secrets)"));
            }
            String id = grant == null ? null : grant.secretId();
            if (id == null || id.isEmpty()) {
                errors.add(new FieldError(field + ".secret_id", "missing", "is required"));
                return;
            }
            Matcher arn = SECRET_ARN.matcher(id);
            String name = arn.matches() ? arn.group(1) : id;
            String arnPrefix = rules.secretArnPrefix();
            if (!SECRET_NAME.matcher(name).matches()) {
                errors.add(new FieldError(
                        field + ".secret_id", "invalid_secret_id", "must be a Secrets Manager secret name or ARN"));
            } else if (arn.matches() && (arnPrefix == null || !id.startsWith(arnPrefix))) {
                errors.add(new FieldError(
                        field + ".secret_id",
                        "secret_arn_not_allowed",
                        arnPrefix == null
                                ? "name the secret instead: this deployment does not know its own account, so it grants"
                                        + " no secret by ARN"
                                : "must be a secret of this deployment's account and region: " + arnPrefix + "..."));
            } else if (prefix == null || !name.startsWith(prefix)) {
                errors.add(new FieldError(
                        field + ".secret_id",
                        "secret_prefix_not_allowed",
                        "secret must be under the prefix " + (prefix == null ? rules.secretPrefix() : prefix)
                                + " (the deployment's prefix and the binding's organization)"));
            }
            if (grant.key() != null
                    && (grant.key().isEmpty() || grant.key().length() > 256 || Text.hasControls(grant.key()))) {
                errors.add(new FieldError(
                        field + ".key", "invalid_key", "must be 1 to 256 characters without control characters"));
            }
        });
    }

    private static void validateSessionPolicy(String policy, List<FieldError> errors) {
        if (policy == null) {
            return;
        }
        if (policy.length() > MAX_SESSION_POLICY_CHARS) {
            errors.add(new FieldError(
                    "session_policy",
                    "policy_too_large",
                    "must be at most " + MAX_SESSION_POLICY_CHARS + " characters (STS limit)"));
            return;
        }
        try {
            JsonNode node = Json.readTree(policy);
            if (node == null || !node.isObject() || !node.has("Statement")) {
                errors.add(new FieldError(
                        "session_policy", "invalid_policy", "must be a JSON IAM policy document with a Statement"));
            }
        } catch (JsonProcessingException e) {
            errors.add(new FieldError("session_policy", "invalid_policy", Json.problem(e, "JSON")));
        }
    }

    private static void validateSessionTags(List<String> tags, List<FieldError> errors) {
        if (tags.size() > MAX_SESSION_TAGS) {
            errors.add(new FieldError(
                    "session_tags", "too_many_tags", "must name at most " + MAX_SESSION_TAGS + " claims"));
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < tags.size(); i++) {
            String tag = tags.get(i);
            if (tag == null || !BuildkiteClaims.isKnownClaim(tag)) {
                errors.add(
                        new FieldError("session_tags[" + i + "]", "unknown_claim", "is not a known Buildkite claim"));
            } else if (!Identifiers.SESSION_TAG_KEY.matches(tag)) {
                // The claim's name is the tag's key, as it is: it must be one STS takes.
                errors.add(new FieldError(
                        "session_tags[" + i + "]",
                        "invalid_tag_key",
                        "is not a session tag key STS accepts (letters, digits, spaces and _.:/=+-@, at most 128)"));
            } else if (!seen.add(tag.toLowerCase(Locale.ROOT))) {
                // STS compares tag keys without case.
                errors.add(new FieldError("session_tags[" + i + "]", "duplicate_tag", "is listed twice"));
            }
        }
    }
}
