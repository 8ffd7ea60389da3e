package io.kitevend.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import io.kitevend.binding.Binding;
import io.kitevend.binding.BindingCompiler;
import io.kitevend.binding.BindingRules;
import io.kitevend.binding.FieldError;
import io.kitevend.binding.SecretGrant;
import io.kitevend.config.Settings;
import io.kitevend.config.VendConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The rules {@link BindingCompiler} applies to the secrets a binding grants: environment names,
 * reserved names, secret ids under the deployment's prefix and the binding's organization (name and
 * ARN forms, ARNs only in the deployment's account, region and partition), keys, the count, and no
 * secrets at all when no prefix is configured.
 */
class SecretsValidationTest {
    static final String PREFIX = "kitevend/";
    static final String ROLE = "arn:aws:iam::123456789012:role/kitevend/deployer";
    static final String ARN_BASE = "arn:aws:secretsmanager:us-east-1:123456789012:secret:";

    /** A deployment in account 123456789012, us-east-1, as its configuration describes it. */
    static BindingRules deployment(Map<String, String> changes) {
        Map<String, String> env = new HashMap<>();
        env.put("AWS_REGION", "us-east-1");
        env.put("KITEVEND_AUDIENCE", "kitevend");
        env.put("KITEVEND_ORGANIZATIONS", "acme,globex");
        env.put("KITEVEND_BINDINGS_TABLE", "kitevend-bindings");
        env.put("KITEVEND_AUDIT_TABLE", "kitevend-audit");
        env.put("KITEVEND_REPLAY_TABLE", "kitevend-replay");
        env.put("KITEVEND_SECRET_PREFIX", PREFIX);
        env.put("KITEVEND_ACCOUNT_ID", "123456789012");
        env.put("KITEVEND_PARTITION", "aws");
        env.putAll(changes);
        return VendConfig.from(new Settings(env)).bindingRules();
    }

    private static final BindingCompiler WITH_PREFIX = new BindingCompiler(deployment(Map.of()));
    private static final BindingCompiler WITHOUT_PREFIX = new BindingCompiler(new BindingRules("/kitevend/", Set.of()));

    private static Binding granting(Map<String, SecretGrant> secrets) {
        return Binding.builder()
                .name("deploy-main")
                .organization("acme")
                .pipeline("deploy")
                .roleArn(ROLE)
                .secrets(secrets)
                .build();
    }

    private static Binding granting(String env, SecretGrant grant) {
        Map<String, SecretGrant> secrets = new LinkedHashMap<>();
        secrets.put(env, grant);
        return granting(secrets);
    }

    private static List<String> problems(BindingCompiler compiler, Binding binding) {
        return compiler.validate(binding).stream()
                .map(e -> e.field() + " " + e.code())
                .toList();
    }

    // ---------------------------------------------------------------- environment names

    static Stream<Arguments> envNames() {
        return Stream.of(
                Arguments.of("plain upper-case name", "NPM_TOKEN", null),
                Arguments.of("leading underscore", "_PRIVATE_KEY", null),
                Arguments.of("digits after the first character", "TOKEN_2", null),
                Arguments.of("128 characters (the longest)", "T".repeat(128), null),
                Arguments.of("KITEVEND without underscore is not the reserved prefix", "KITEVENDOR_TOKEN", null),
                Arguments.of("PATH as part of a longer name", "PATH_TO_KEY", null),
                Arguments.of("129 characters", "T".repeat(129), "invalid_env_name"),
                Arguments.of("lower case", "npm_token", "invalid_env_name"),
                Arguments.of("mixed case", "Npm_Token", "invalid_env_name"),
                Arguments.of("leading digit", "1TOKEN", "invalid_env_name"),
                Arguments.of("dash", "NPM-TOKEN", "invalid_env_name"),
                Arguments.of("dot", "NPM.TOKEN", "invalid_env_name"),
                Arguments.of("space", "NPM TOKEN", "invalid_env_name"),
                Arguments.of("empty", "", "invalid_env_name"),
                Arguments.of("equals sign", "A=B", "invalid_env_name"),
                Arguments.of("newline", "TOKEN\nX", "invalid_env_name"),
                Arguments.of("AWS_SECRET_ACCESS_KEY", "AWS_SECRET_ACCESS_KEY", "reserved_env_name"),
                Arguments.of("AWS_PROFILE", "AWS_PROFILE", "reserved_env_name"),
                Arguments.of("AWS_ (prefix alone)", "AWS_", "reserved_env_name"),
                Arguments.of("BUILDKITE (exact)", "BUILDKITE", "reserved_env_name"),
                Arguments.of("BUILDKITE_AGENT_ACCESS_TOKEN", "BUILDKITE_AGENT_ACCESS_TOKEN", "reserved_env_name"),
                Arguments.of("BUILDKITEX (BUILDKITE* without underscore)", "BUILDKITEX", "reserved_env_name"),
                Arguments.of("KITEVEND_SECRETS", "KITEVEND_SECRETS", "reserved_env_name"),
                Arguments.of("PATH", "PATH", "reserved_env_name"),
                Arguments.of("HOME", "HOME", "reserved_env_name"),
                Arguments.of("LD_PRELOAD", "LD_PRELOAD", "reserved_env_name"),
                Arguments.of("BASH_ENV", "BASH_ENV", "reserved_env_name"),
                // Names that make common tools run code, send traffic elsewhere or trust others.
                Arguments.of("NODE_OPTIONS (--require)", "NODE_OPTIONS", "reserved_env_name"),
                Arguments.of("JAVA_TOOL_OPTIONS (-javaagent)", "JAVA_TOOL_OPTIONS", "reserved_env_name"),
                Arguments.of("GIT_SSH_COMMAND", "GIT_SSH_COMMAND", "reserved_env_name"),
                Arguments.of("GIT_CONFIG_COUNT (config from the environment)", "GIT_CONFIG_COUNT", "reserved_env_name"),
                Arguments.of("PYTHONPATH", "PYTHONPATH", "reserved_env_name"),
                Arguments.of("PYTHONWARNINGS (imports a module)", "PYTHONWARNINGS", "reserved_env_name"),
                Arguments.of("LD_AUDIT", "LD_AUDIT", "reserved_env_name"),
                Arguments.of("HTTPS_PROXY", "HTTPS_PROXY", "reserved_env_name"),
                Arguments.of("PERL5OPT", "PERL5OPT", "reserved_env_name"),
                Arguments.of("RUBYOPT", "RUBYOPT", "reserved_env_name"),
                Arguments.of("NPM_CONFIG_SCRIPT_SHELL", "NPM_CONFIG_SCRIPT_SHELL", "reserved_env_name"),
                Arguments.of("PIP_INDEX_URL", "PIP_INDEX_URL", "reserved_env_name"),
                Arguments.of("GOFLAGS (-toolexec)", "GOFLAGS", "reserved_env_name"),
                Arguments.of("DYLD_INSERT_LIBRARIES", "DYLD_INSERT_LIBRARIES", "reserved_env_name"),
                Arguments.of("KUBECONFIG (exec plugins)", "KUBECONFIG", "reserved_env_name"),
                Arguments.of("SSH_ASKPASS", "SSH_ASKPASS", "reserved_env_name"),
                Arguments.of("PROMPT_COMMAND", "PROMPT_COMMAND", "reserved_env_name"),
                // Names of secrets that only look like those.
                Arguments.of("NODE_AUTH_TOKEN", "NODE_AUTH_TOKEN", null),
                Arguments.of("NPM_TOKEN", "NPM_TOKEN", null),
                Arguments.of("SSH_PRIVATE_KEY", "SSH_PRIVATE_KEY", null),
                Arguments.of("GITHUB_TOKEN", "GITHUB_TOKEN", null),
                Arguments.of("DOCKER_PASSWORD", "DOCKER_PASSWORD", null));
    }

    /** The reserved list as the server reads it: one name a line, NAME* for a prefix, # comments. */
    static List<String> reservedListEntries() throws IOException {
        try (InputStream in = BindingCompiler.class.getResourceAsStream("reserved-environment-names")) {
            assertThat(in).as("the server's reserved list").isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .lines()
                    .filter(l -> !l.isBlank() && !l.startsWith("#"))
                    .toList();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("reservedListEntries")
    void everyNameOnTheReservedListIsRefused(String entry) {
        String name = entry.endsWith("*") ? entry.substring(0, entry.length() - 1) + "X" : entry;

        assertThat(WITH_PREFIX.validate(granting(name, SecretGrant.whole("kitevend/acme/token"))))
                .singleElement()
                .satisfies(e -> {
                    assertThat(e.code()).isEqualTo("reserved_env_name");
                    assertThat(e.message()).contains("docs/bindings.md");
                });
    }

    @ParameterizedTest(name = "{0}: {2}")
    @MethodSource("envNames")
    void environmentNames(String name, String env, String expectedCode) {
        List<FieldError> errors = WITH_PREFIX.validate(granting(env, SecretGrant.whole("kitevend/acme/token")));

        if (expectedCode == null) {
            assertThat(errors).isEmpty();
        } else {
            assertThat(errors).singleElement().satisfies(e -> {
                assertThat(e.field()).isEqualTo("secrets." + env);
                assertThat(e.code()).isEqualTo(expectedCode);
            });
        }
    }

    // ---------------------------------------------------------------- secret ids

    static Stream<Arguments> secretIds() {
        return Stream.of(
                Arguments.of("name under the organization's prefix", "kitevend/acme/npm-token", null),
                Arguments.of("name right under the organization's prefix", "kitevend/acme/x", null),
                Arguments.of("name with every allowed punctuation", "kitevend/acme/a_b+c=d.e@f-g", null),
                Arguments.of(
                        "ARN in the deployment's account, region and partition",
                        ARN_BASE + "kitevend/acme/npm-token-AbCdEf",
                        null),
                Arguments.of("another organization's secret", "kitevend/globex/npm-token", "secret_prefix_not_allowed"),
                Arguments.of("a secret of no organization", "kitevend/npm-token", "secret_prefix_not_allowed"),
                Arguments.of(
                        "an organization whose slug only starts like this one's",
                        "kitevend/acme-corp/npm-token",
                        "secret_prefix_not_allowed"),
                Arguments.of(
                        "the organization's prefix without its slash", "kitevend/acme", "secret_prefix_not_allowed"),
                Arguments.of(
                        "ARN of another organization's secret",
                        ARN_BASE + "kitevend/globex/npm-token-AbCdEf",
                        "secret_prefix_not_allowed"),
                Arguments.of(
                        "ARN in another account",
                        "arn:aws:secretsmanager:us-east-1:210987654321:secret:kitevend/acme/npm-token-AbCdEf",
                        "secret_arn_not_allowed"),
                Arguments.of(
                        "ARN in another region",
                        "arn:aws:secretsmanager:eu-west-1:123456789012:secret:kitevend/acme/npm-token-AbCdEf",
                        "secret_arn_not_allowed"),
                Arguments.of(
                        "ARN in another partition",
                        "arn:aws-us-gov:secretsmanager:us-east-1:123456789012:secret:kitevend/acme/x-AbCdEf",
                        "secret_arn_not_allowed"),
                Arguments.of("name outside the prefix", "prod/db-password", "secret_prefix_not_allowed"),
                Arguments.of("the prefix without its slash", "kitevend", "secret_prefix_not_allowed"),
                Arguments.of(
                        "a name that only starts like the prefix",
                        "kitevendor/acme/token",
                        "secret_prefix_not_allowed"),
                Arguments.of("prefix in another case", "KITEVEND/acme/token", "secret_prefix_not_allowed"),
                Arguments.of("prefix further down the name", "other/kitevend/acme/token", "secret_prefix_not_allowed"),
                Arguments.of(
                        "ARN whose name is outside the prefix",
                        ARN_BASE + "prod/db-password-AbCdEf",
                        "secret_prefix_not_allowed"),
                Arguments.of(
                        "ARN of another service",
                        "arn:aws:ssm:us-east-1:123456789012:parameter/kitevend/acme/x",
                        "invalid_secret_id"),
                Arguments.of("space in the name", "kitevend/acme/ci token", "invalid_secret_id"),
                Arguments.of("wildcard", "kitevend/acme/*", "invalid_secret_id"),
                Arguments.of("513 characters", "kitevend/acme/" + "a".repeat(499), "invalid_secret_id"),
                Arguments.of("empty", "", "missing"),
                Arguments.of("absent", null, "missing"));
    }

    @ParameterizedTest(name = "{0}: {2}")
    @MethodSource("secretIds")
    void secretIdsMustBeUnderThePrefixAndTheOrganization(String name, String secretId, String expectedCode) {
        List<FieldError> errors = WITH_PREFIX.validate(granting("TOKEN", SecretGrant.whole(secretId)));

        if (expectedCode == null) {
            assertThat(errors).isEmpty();
        } else {
            assertThat(errors).singleElement().satisfies(e -> {
                assertThat(e.field()).isEqualTo("secrets.TOKEN.secret_id");
                assertThat(e.code()).isEqualTo(expectedCode);
            });
        }
    }

    @Test
    void aLongestNameUnderThePrefixIsAccepted() {
        String longest = "kitevend/acme/" + "a".repeat(512 - "kitevend/acme/".length());

        assertThat(WITH_PREFIX.validate(granting("TOKEN", SecretGrant.whole(longest))))
                .isEmpty();
    }

    @Test
    void theMessageNamesThePrefixOfTheOrganization() {
        assertThat(WITH_PREFIX.validate(granting("TOKEN", SecretGrant.whole("kitevend/globex/x"))))
                .singleElement()
                .satisfies(e -> assertThat(e.message()).contains(PREFIX + "acme/"));
    }

    @Test
    void withoutTheDeploymentsAccountSecretsAreGrantedByNameOnly() {
        var noAccount = new BindingCompiler(deployment(Map.of("KITEVEND_ACCOUNT_ID", "")));

        assertThat(problems(noAccount, granting("TOKEN", SecretGrant.whole(ARN_BASE + "kitevend/acme/x-AbCdEf"))))
                .containsExactly("secrets.TOKEN.secret_id secret_arn_not_allowed");
        assertThat(problems(noAccount, granting("TOKEN", SecretGrant.whole("kitevend/acme/x"))))
                .isEmpty();
    }

    @Test
    void theArnMessageNamesTheDeploymentsAccountRegionAndPartition() {
        var chinese =
                new BindingCompiler(deployment(Map.of("AWS_REGION", "cn-north-1", "KITEVEND_PARTITION", "aws-cn")));
        String chineseRole = "arn:aws-cn:iam::123456789012:role/kitevend/deployer";

        assertThat(chinese.validate(
                        granting("TOKEN", SecretGrant.whole(ARN_BASE + "kitevend/acme/x-AbCdEf")).toBuilder()
                                .roleArn(chineseRole)
                                .build()))
                .singleElement()
                .satisfies(e ->
                        assertThat(e.message()).contains("arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:"));
        assertThat(chinese.validate(granting(
                                "TOKEN",
                                SecretGrant.whole(
                                        "arn:aws-cn:secretsmanager:cn-north-1:123456789012:secret:kitevend/acme/x-AbCdEf"))
                        .toBuilder()
                        .roleArn(chineseRole)
                        .build()))
                .isEmpty();
    }

    // ---------------------------------------------------------------- keys of JSON secrets

    static Stream<Arguments> keys() {
        return Stream.of(
                Arguments.of("no key (the whole secret)", null, null),
                Arguments.of("a simple key", "password", null),
                Arguments.of("a key with spaces and punctuation", "api key (v2).value", null),
                Arguments.of("a non-ASCII key", "clé", null),
                Arguments.of("256 characters (the longest)", "k".repeat(256), null),
                Arguments.of("257 characters", "k".repeat(257), "invalid_key"),
                Arguments.of("empty", "", "invalid_key"),
                Arguments.of("a newline", "pass\nword", "invalid_key"),
                Arguments.of("a NUL", "pass\u0000word", "invalid_key"),
                Arguments.of("a tab", "pass\tword", "invalid_key"));
    }

    @ParameterizedTest(name = "{0}: {2}")
    @MethodSource("keys")
    void keysOfJsonSecrets(String name, String key, String expectedCode) {
        List<FieldError> errors =
                WITH_PREFIX.validate(granting("DB_PASSWORD", new SecretGrant("kitevend/acme/db", key)));

        if (expectedCode == null) {
            assertThat(errors).isEmpty();
        } else {
            assertThat(errors).singleElement().satisfies(e -> {
                assertThat(e.field()).isEqualTo("secrets.DB_PASSWORD.key");
                assertThat(e.code()).isEqualTo(expectedCode);
            });
        }
    }

    // ---------------------------------------------------------------- the deployment's rules

    @Test
    void withoutAPrefixNoSecretMayBeGranted() {
        List<FieldError> errors = WITHOUT_PREFIX.validate(granting("TOKEN", SecretGrant.whole("kitevend/acme/token")));

        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e.field()).isEqualTo("secrets");
            assertThat(e.code()).isEqualTo("secrets_not_enabled");
        });
        // The same binding is valid where a prefix is configured: the prefix was the only gap.
        assertThat(WITH_PREFIX.validate(granting("TOKEN", SecretGrant.whole("kitevend/acme/token"))))
                .isEmpty();
    }

    @Test
    void withoutAPrefixBindingsWithoutSecretsStayValid() {
        assertThat(WITHOUT_PREFIX.validate(granting(Map.of()))).isEmpty();
    }

    @Test
    void aBlankPrefixIsNoPrefix() {
        var blank = new BindingCompiler(new BindingRules("/kitevend/", Set.of(), "  "));

        assertThat(problems(blank, granting("TOKEN", SecretGrant.whole("kitevend/acme/token"))))
                .containsExactly("secrets secrets_not_enabled");
    }

    static Stream<Arguments> counts() {
        return Stream.of(
                Arguments.of("one secret", 1, List.of()),
                Arguments.of("50 secrets (the most)", BindingCompiler.MAX_SECRETS, List.of()),
                Arguments.of("51 secrets", BindingCompiler.MAX_SECRETS + 1, List.of("secrets too_many_secrets")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("counts")
    void atMostFiftySecrets(String name, int count, List<String> expected) {
        Map<String, SecretGrant> secrets = new LinkedHashMap<>();
        IntStream.range(0, count)
                .forEach(i -> secrets.put("SECRET_" + i, SecretGrant.whole("kitevend/acme/secret-" + i)));

        assertThat(problems(WITH_PREFIX, granting(secrets))).isEqualTo(expected);
    }

    @Test
    void everyProblemOfEverySecretIsReportedAtOnce() {
        Map<String, SecretGrant> secrets = new LinkedHashMap<>();
        secrets.put("AWS_ACCESS_KEY_ID", SecretGrant.whole("prod/keys"));
        secrets.put("lower", new SecretGrant("kitevend/acme/ok", ""));
        secrets.put("FINE", SecretGrant.whole("kitevend/acme/fine"));

        assertThat(problems(WITH_PREFIX, granting(secrets)))
                .containsExactlyInAnyOrder(
                        "secrets.AWS_ACCESS_KEY_ID reserved_env_name",
                        "secrets.AWS_ACCESS_KEY_ID.secret_id secret_prefix_not_allowed",
                        "secrets.lower invalid_env_name",
                        "secrets.lower.key invalid_key");
    }

    @Test
    void aMissingGrantIsReportedNotThrown() {
        Map<String, SecretGrant> secrets = new LinkedHashMap<>();
        secrets.put("TOKEN", null);

        assertThat(problems(WITH_PREFIX, granting(secrets))).containsExactly("secrets.TOKEN.secret_id missing");
    }
}
