package io.kitevend.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.JWSAlgorithm;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.regions.Region;

class VendConfigTest {

    /** Every variable the vend function reads; a deployment template sets these. */
    private static final Set<String> ALL_VARIABLES = Set.of(
            "AWS_REGION",
            "KITEVEND_AWS_ENDPOINT",
            "KITEVEND_ISSUER",
            "KITEVEND_JWKS_URL",
            "KITEVEND_AUDIENCE",
            "KITEVEND_ORGANIZATIONS",
            "KITEVEND_ALGORITHMS",
            "KITEVEND_CLOCK_SKEW_SECONDS",
            "KITEVEND_TOKEN_MAX_AGE_SECONDS",
            "KITEVEND_JWKS_CACHE_SECONDS",
            "KITEVEND_JWKS_MIN_REFRESH_SECONDS",
            "KITEVEND_JWKS_OUTAGE_TOLERANCE_SECONDS",
            "KITEVEND_ROLE_PATH",
            "KITEVEND_ALLOWED_ACCOUNTS",
            "KITEVEND_SECRET_PREFIX",
            "KITEVEND_ACCOUNT_ID",
            "KITEVEND_PARTITION",
            "KITEVEND_BINDINGS_TABLE",
            "KITEVEND_AUDIT_TABLE",
            "KITEVEND_REPLAY_TABLE",
            "KITEVEND_BINDINGS_CACHE_SECONDS",
            "KITEVEND_AUDIT_RETENTION_DAYS",
            "KITEVEND_AUDIT_SHARDS",
            "KITEVEND_REPLAY_PROTECTION");

    static Map<String, String> minimal() {
        Map<String, String> env = new HashMap<>();
        env.put("AWS_REGION", "eu-west-1");
        env.put("KITEVEND_AUDIENCE", "https://kitevend.example.com");
        env.put("KITEVEND_ORGANIZATIONS", "acme");
        env.put("KITEVEND_BINDINGS_TABLE", "kitevend-bindings");
        env.put("KITEVEND_AUDIT_TABLE", "kitevend-audit");
        env.put("KITEVEND_REPLAY_TABLE", "kitevend-replay");
        return env;
    }

    static Map<String, String> minimalWith(Map<String, String> changes) {
        Map<String, String> env = minimal();
        env.putAll(changes);
        return env;
    }

    @Test
    void minimalEnvironmentGetsTheDefaults() {
        VendConfig c = VendConfig.from(new Settings(minimal()));

        assertThat(c.region()).isEqualTo(Region.EU_WEST_1);
        assertThat(c.awsEndpoint()).isEmpty();
        assertThat(c.token().issuer()).isEqualTo("https://agent.buildkite.com");
        assertThat(c.token().jwksUrl()).isEqualTo(URI.create("https://agent.buildkite.com/.well-known/jwks"));
        assertThat(c.token().audience()).isEqualTo("https://kitevend.example.com");
        assertThat(c.token().organizations()).containsExactly("acme");
        assertThat(c.token().algorithms()).containsExactly(JWSAlgorithm.RS256);
        assertThat(c.token().clockSkew()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.token().maxAge()).isEqualTo(Duration.ofMinutes(15));
        assertThat(c.token().jwksCacheTtl()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.token().jwksMinRefreshInterval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.token().jwksOutageTolerance()).isEqualTo(Duration.ofHours(4));
        assertThat(c.bindingRules().rolePath()).isEqualTo("/kitevend/");
        assertThat(c.bindingRules().allowedAccounts()).isEmpty();
        assertThat(c.bindingRules().partition()).isEqualTo("aws");
        assertThat(c.bindingRules().region()).isEqualTo("eu-west-1");
        assertThat(c.bindingRules().account()).isNull();
        assertThat(c.bindingsTable()).isEqualTo("kitevend-bindings");
        assertThat(c.auditTable()).isEqualTo("kitevend-audit");
        assertThat(c.replayTable()).isEqualTo("kitevend-replay");
        assertThat(c.bindingsCacheTtl()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.auditRetention()).isEqualTo(Duration.ofDays(400));
        assertThat(c.auditShards()).isEqualTo(4);
        assertThat(c.replayProtection()).isTrue();
    }

    @Test
    void everySettingCanBeChanged() {
        Map<String, String> env = minimal();
        env.put("AWS_REGION", " us-gov-west-1 ");
        env.put("KITEVEND_AWS_ENDPOINT", "http://127.0.0.1:5000");
        env.put("KITEVEND_ISSUER", "https://issuer.example.com/");
        env.put("KITEVEND_JWKS_URL", "https://keys.example.com/jwks.json");
        env.put("KITEVEND_ORGANIZATIONS", "acme, beta-co ,,");
        env.put("KITEVEND_ALGORITHMS", "ES256,RS256");
        env.put("KITEVEND_CLOCK_SKEW_SECONDS", "0");
        env.put("KITEVEND_TOKEN_MAX_AGE_SECONDS", "7200");
        env.put("KITEVEND_JWKS_CACHE_SECONDS", "600");
        env.put("KITEVEND_JWKS_MIN_REFRESH_SECONDS", "599");
        env.put("KITEVEND_JWKS_OUTAGE_TOLERANCE_SECONDS", "0");
        env.put("KITEVEND_ROLE_PATH", "/ci/kitevend/");
        env.put("KITEVEND_ALLOWED_ACCOUNTS", "123456789012,210987654321");
        env.put("KITEVEND_ACCOUNT_ID", "123456789012");
        env.put("KITEVEND_PARTITION", "aws-us-gov");
        env.put("KITEVEND_BINDINGS_CACHE_SECONDS", "0");
        env.put("KITEVEND_AUDIT_RETENTION_DAYS", "30");
        env.put("KITEVEND_AUDIT_SHARDS", "64");
        env.put("KITEVEND_REPLAY_PROTECTION", "off");

        VendConfig c = VendConfig.from(new Settings(env));

        assertThat(c.region()).isEqualTo(Region.US_GOV_WEST_1);
        assertThat(c.awsEndpoint()).contains(URI.create("http://127.0.0.1:5000"));
        assertThat(c.token().issuer()).isEqualTo("https://issuer.example.com/");
        assertThat(c.token().jwksUrl()).isEqualTo(URI.create("https://keys.example.com/jwks.json"));
        assertThat(c.token().organizations()).containsExactlyInAnyOrder("acme", "beta-co");
        assertThat(c.token().algorithms()).containsExactlyInAnyOrder(JWSAlgorithm.ES256, JWSAlgorithm.RS256);
        assertThat(c.token().clockSkew()).isZero();
        assertThat(c.token().maxAge()).isEqualTo(Duration.ofHours(2));
        assertThat(c.token().jwksCacheTtl()).isEqualTo(Duration.ofMinutes(10));
        assertThat(c.token().jwksMinRefreshInterval()).isEqualTo(Duration.ofSeconds(599));
        assertThat(c.token().jwksOutageTolerance()).isZero();
        assertThat(c.bindingRules().rolePath()).isEqualTo("/ci/kitevend/");
        assertThat(c.bindingRules().account()).isEqualTo("123456789012");
        assertThat(c.bindingRules().partition()).isEqualTo("aws-us-gov");
        assertThat(c.bindingRules().secretArnPrefix())
                .isEqualTo("arn:aws-us-gov:secretsmanager:us-gov-west-1:123456789012:secret:");
        assertThat(c.bindingRules().allowedAccounts()).containsExactlyInAnyOrder("123456789012", "210987654321");
        assertThat(c.bindingsCacheTtl()).isZero();
        assertThat(c.auditRetention()).isEqualTo(Duration.ofDays(30));
        assertThat(c.auditShards()).isEqualTo(64);
        assertThat(c.replayProtection()).isFalse();
    }

    @Test
    void jwksUrlDefaultsToTheIssuersWellKnownPathWithoutADoubleSlash() {
        VendConfig c =
                VendConfig.from(new Settings(minimalWith(Map.of("KITEVEND_ISSUER", "https://issuer.example.com/"))));

        assertThat(c.token().jwksUrl()).isEqualTo(URI.create("https://issuer.example.com/.well-known/jwks"));
    }

    static Stream<Arguments> loopbackIssuers() {
        return Stream.of(
                Arguments.of("http://localhost:8080", "http://localhost:8080/.well-known/jwks"),
                Arguments.of("http://127.0.0.1:41234", "http://127.0.0.1:41234/.well-known/jwks"),
                Arguments.of("http://[::1]:8080", "http://[::1]:8080/.well-known/jwks"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("loopbackIssuers")
    void plainHttpIssuerIsAcceptedOnLoopback(String issuer, String jwks) {
        VendConfig c = VendConfig.from(new Settings(minimalWith(Map.of("KITEVEND_ISSUER", issuer))));

        assertThat(c.token().issuer()).isEqualTo(issuer);
        assertThat(c.token().jwksUrl()).isEqualTo(URI.create(jwks));
    }

    static Stream<String> requiredVariables() {
        return Stream.of(
                "AWS_REGION",
                "KITEVEND_AUDIENCE",
                "KITEVEND_ORGANIZATIONS",
                "KITEVEND_BINDINGS_TABLE",
                "KITEVEND_AUDIT_TABLE",
                "KITEVEND_REPLAY_TABLE");
    }

    @ParameterizedTest(name = "{0} missing")
    @MethodSource("requiredVariables")
    void missingRequiredVariableIsNamed(String variable) {
        Map<String, String> env = minimal();
        env.remove(variable);

        assertFailsNaming(env, variable);
    }

    @ParameterizedTest(name = "{0} blank")
    @MethodSource("requiredVariables")
    void blankRequiredVariableCountsAsMissing(String variable) {
        assertFailsNaming(minimalWith(Map.of(variable, "   ")), variable);
    }

    static Arguments bad(String name, Map<String, String> changes, String variable) {
        return Arguments.of(name, changes, variable);
    }

    static Stream<Arguments> badValues() {
        return Stream.of(
                bad("region in upper case", Map.of("AWS_REGION", "US-EAST-1"), "AWS_REGION"),
                bad("region without dashes", Map.of("AWS_REGION", "useast1"), "AWS_REGION"),
                bad("region without a number", Map.of("AWS_REGION", "us-east"), "AWS_REGION"),
                bad(
                        "endpoint not a URL",
                        Map.of("KITEVEND_AWS_ENDPOINT", "http://bad host:5000"),
                        "KITEVEND_AWS_ENDPOINT"),
                bad(
                        "endpoint with another scheme",
                        Map.of("KITEVEND_AWS_ENDPOINT", "ftp://127.0.0.1:5000"),
                        "KITEVEND_AWS_ENDPOINT"),
                bad(
                        "issuer over http on a public host",
                        Map.of("KITEVEND_ISSUER", "http://agent.buildkite.com"),
                        "KITEVEND_ISSUER"),
                bad(
                        "issuer over http on a host named like loopback",
                        Map.of("KITEVEND_ISSUER", "http://127.example.com"),
                        "KITEVEND_ISSUER"),
                bad(
                        "issuer over http on a host that starts with localhost",
                        Map.of("KITEVEND_ISSUER", "http://localhost.example.com"),
                        "KITEVEND_ISSUER"),
                bad("issuer without a scheme", Map.of("KITEVEND_ISSUER", "agent.buildkite.com"), "KITEVEND_ISSUER"),
                bad(
                        "issuer with another scheme",
                        Map.of("KITEVEND_ISSUER", "ftp://agent.buildkite.com"),
                        "KITEVEND_ISSUER"),
                bad(
                        "JWKS over http on a public host",
                        Map.of("KITEVEND_JWKS_URL", "http://keys.example.com/jwks"),
                        "KITEVEND_JWKS_URL"),
                bad(
                        "JWKS over http on a host named like loopback",
                        Map.of("KITEVEND_JWKS_URL", "http://127.0.0.1.example.com/jwks"),
                        "KITEVEND_JWKS_URL"),
                bad("JWKS not a URL", Map.of("KITEVEND_JWKS_URL", "https://keys example/jwks"), "KITEVEND_JWKS_URL"),
                bad("organization in upper case", Map.of("KITEVEND_ORGANIZATIONS", "Acme"), "KITEVEND_ORGANIZATIONS"),
                bad(
                        "one bad organization among good ones",
                        Map.of("KITEVEND_ORGANIZATIONS", "acme,other/org"),
                        "KITEVEND_ORGANIZATIONS"),
                bad("organizations only commas", Map.of("KITEVEND_ORGANIZATIONS", " , ,"), "KITEVEND_ORGANIZATIONS"),
                bad("organization as a glob", Map.of("KITEVEND_ORGANIZATIONS", "acme-*"), "KITEVEND_ORGANIZATIONS"),
                bad(
                        "organization pinned to something not an id",
                        Map.of("KITEVEND_ORGANIZATIONS", "acme=acme-inc"),
                        "KITEVEND_ORGANIZATIONS"),
                bad(
                        "organization id in upper case",
                        Map.of("KITEVEND_ORGANIZATIONS", "acme=0184990A-477B-4FA8-9968-496074483CEE"),
                        "KITEVEND_ORGANIZATIONS"),
                bad(
                        "organization pinned to nothing",
                        Map.of("KITEVEND_ORGANIZATIONS", "acme="),
                        "KITEVEND_ORGANIZATIONS"),
                bad(
                        "organization pinned to two ids",
                        Map.of(
                                "KITEVEND_ORGANIZATIONS",
                                "acme=0184990a-477b-4fa8-9968-496074483cee,acme=0184990a-477b-4fa8-9968-496074483cef"),
                        "KITEVEND_ORGANIZATIONS"),
                bad("HS256", Map.of("KITEVEND_ALGORITHMS", "HS256"), "KITEVEND_ALGORITHMS"),
                bad("none", Map.of("KITEVEND_ALGORITHMS", "none"), "KITEVEND_ALGORITHMS"),
                bad("RS256 with PS256", Map.of("KITEVEND_ALGORITHMS", "RS256,PS256"), "KITEVEND_ALGORITHMS"),
                bad("algorithm in lower case", Map.of("KITEVEND_ALGORITHMS", "rs256"), "KITEVEND_ALGORITHMS"),
                bad(
                        "skew not a number",
                        Map.of("KITEVEND_CLOCK_SKEW_SECONDS", "thirty"),
                        "KITEVEND_CLOCK_SKEW_SECONDS"),
                bad(
                        "skew with a fraction",
                        Map.of("KITEVEND_CLOCK_SKEW_SECONDS", "1.5"),
                        "KITEVEND_CLOCK_SKEW_SECONDS"),
                bad("skew negative", Map.of("KITEVEND_CLOCK_SKEW_SECONDS", "-1"), "KITEVEND_CLOCK_SKEW_SECONDS"),
                bad("skew over 300", Map.of("KITEVEND_CLOCK_SKEW_SECONDS", "301"), "KITEVEND_CLOCK_SKEW_SECONDS"),
                bad(
                        "token max age under 60",
                        Map.of("KITEVEND_TOKEN_MAX_AGE_SECONDS", "59"),
                        "KITEVEND_TOKEN_MAX_AGE_SECONDS"),
                bad(
                        "token max age over 7200",
                        Map.of("KITEVEND_TOKEN_MAX_AGE_SECONDS", "7201"),
                        "KITEVEND_TOKEN_MAX_AGE_SECONDS"),
                bad("JWKS cache under 2", Map.of("KITEVEND_JWKS_CACHE_SECONDS", "1"), "KITEVEND_JWKS_CACHE_SECONDS"),
                bad(
                        "JWKS cache over a day",
                        Map.of("KITEVEND_JWKS_CACHE_SECONDS", "86401"),
                        "KITEVEND_JWKS_CACHE_SECONDS"),
                bad(
                        "JWKS refresh zero",
                        Map.of("KITEVEND_JWKS_MIN_REFRESH_SECONDS", "0"),
                        "KITEVEND_JWKS_MIN_REFRESH_SECONDS"),
                bad(
                        "JWKS refresh over an hour",
                        Map.of("KITEVEND_JWKS_MIN_REFRESH_SECONDS", "3601"),
                        "KITEVEND_JWKS_MIN_REFRESH_SECONDS"),
                bad(
                        "JWKS refresh equal to the cache time",
                        Map.of("KITEVEND_JWKS_CACHE_SECONDS", "60", "KITEVEND_JWKS_MIN_REFRESH_SECONDS", "60"),
                        "KITEVEND_JWKS_MIN_REFRESH_SECONDS"),
                bad(
                        "JWKS refresh longer than the cache time",
                        Map.of("KITEVEND_JWKS_CACHE_SECONDS", "60", "KITEVEND_JWKS_MIN_REFRESH_SECONDS", "61"),
                        "KITEVEND_JWKS_MIN_REFRESH_SECONDS"),
                bad(
                        "default refresh against a cache of 30 seconds",
                        Map.of("KITEVEND_JWKS_CACHE_SECONDS", "30"),
                        "KITEVEND_JWKS_MIN_REFRESH_SECONDS"),
                bad(
                        "outage tolerance over a week",
                        Map.of("KITEVEND_JWKS_OUTAGE_TOLERANCE_SECONDS", "604801"),
                        "KITEVEND_JWKS_OUTAGE_TOLERANCE_SECONDS"),
                bad("role path without leading slash", Map.of("KITEVEND_ROLE_PATH", "kitevend/"), "KITEVEND_ROLE_PATH"),
                bad(
                        "role path without trailing slash",
                        Map.of("KITEVEND_ROLE_PATH", "/kitevend"),
                        "KITEVEND_ROLE_PATH"),
                bad(
                        "role path with an empty segment",
                        Map.of("KITEVEND_ROLE_PATH", "/kite//vend/"),
                        "KITEVEND_ROLE_PATH"),
                bad("role path with a space", Map.of("KITEVEND_ROLE_PATH", "/kite vend/"), "KITEVEND_ROLE_PATH"),
                bad("the root role path", Map.of("KITEVEND_ROLE_PATH", "/"), "KITEVEND_ROLE_PATH"),
                bad("account id too short", Map.of("KITEVEND_ACCOUNT_ID", "12345678901"), "KITEVEND_ACCOUNT_ID"),
                bad(
                        "two account ids",
                        Map.of("KITEVEND_ACCOUNT_ID", "123456789012,210987654321"),
                        "KITEVEND_ACCOUNT_ID"),
                bad("a made-up partition", Map.of("KITEVEND_PARTITION", "amazon"), "KITEVEND_PARTITION"),
                bad("a partition the region is not in", Map.of("KITEVEND_PARTITION", "aws-cn"), "KITEVEND_PARTITION"),
                bad(
                        "account too short",
                        Map.of("KITEVEND_ALLOWED_ACCOUNTS", "12345678901"),
                        "KITEVEND_ALLOWED_ACCOUNTS"),
                bad(
                        "account with letters among good ones",
                        Map.of("KITEVEND_ALLOWED_ACCOUNTS", "123456789012,12345678901x"),
                        "KITEVEND_ALLOWED_ACCOUNTS"),
                bad(
                        "bindings table name too short",
                        Map.of("KITEVEND_BINDINGS_TABLE", "ab"),
                        "KITEVEND_BINDINGS_TABLE"),
                bad(
                        "audit table name with a space",
                        Map.of("KITEVEND_AUDIT_TABLE", "audit log"),
                        "KITEVEND_AUDIT_TABLE"),
                bad(
                        "replay table name too long",
                        Map.of("KITEVEND_REPLAY_TABLE", "r".repeat(256)),
                        "KITEVEND_REPLAY_TABLE"),
                bad(
                        "bindings cache negative",
                        Map.of("KITEVEND_BINDINGS_CACHE_SECONDS", "-1"),
                        "KITEVEND_BINDINGS_CACHE_SECONDS"),
                bad(
                        "bindings cache over an hour",
                        Map.of("KITEVEND_BINDINGS_CACHE_SECONDS", "3601"),
                        "KITEVEND_BINDINGS_CACHE_SECONDS"),
                bad(
                        "retention zero days",
                        Map.of("KITEVEND_AUDIT_RETENTION_DAYS", "0"),
                        "KITEVEND_AUDIT_RETENTION_DAYS"),
                bad(
                        "retention over ten years",
                        Map.of("KITEVEND_AUDIT_RETENTION_DAYS", "3651"),
                        "KITEVEND_AUDIT_RETENTION_DAYS"),
                bad(
                        "retention not a number",
                        Map.of("KITEVEND_AUDIT_RETENTION_DAYS", "400d"),
                        "KITEVEND_AUDIT_RETENTION_DAYS"),
                bad("shards zero", Map.of("KITEVEND_AUDIT_SHARDS", "0"), "KITEVEND_AUDIT_SHARDS"),
                bad("shards over 64", Map.of("KITEVEND_AUDIT_SHARDS", "65"), "KITEVEND_AUDIT_SHARDS"),
                bad(
                        "shards beyond long",
                        Map.of("KITEVEND_AUDIT_SHARDS", "99999999999999999999"),
                        "KITEVEND_AUDIT_SHARDS"),
                bad(
                        "replay protection not a boolean",
                        Map.of("KITEVEND_REPLAY_PROTECTION", "maybe"),
                        "KITEVEND_REPLAY_PROTECTION"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badValues")
    void badValueIsNamed(String name, Map<String, String> changes, String variable) {
        assertFailsNaming(minimalWith(changes), variable);
    }

    static Stream<Arguments> booleans() {
        return Stream.of(
                Arguments.of("true", true),
                Arguments.of("ON", true),
                Arguments.of("yes", true),
                Arguments.of("1", true),
                Arguments.of("false", false),
                Arguments.of("Off", false),
                Arguments.of("no", false),
                Arguments.of("0", false));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("booleans")
    void replayProtectionAcceptsTheUsualBooleans(String raw, boolean expected) {
        VendConfig c = VendConfig.from(new Settings(minimalWith(Map.of("KITEVEND_REPLAY_PROTECTION", raw))));

        assertThat(c.replayProtection()).isEqualTo(expected);
    }

    @Test
    void anOrganizationMayBePinnedToItsIdAndTheSlugAloneStillWorks() {
        String id = "0184990a-477b-4fa8-9968-496074483cee";
        VendConfig c = VendConfig.from(
                new Settings(minimalWith(Map.of("KITEVEND_ORGANIZATIONS", "acme = " + id + ", beta-co"))));

        assertThat(c.token().organizations()).containsExactlyInAnyOrder("acme", "beta-co");
        assertThat(c.organizations()).containsExactlyInAnyOrder("acme", "beta-co");
        assertThat(c.token().organizationIds()).containsExactly(Map.entry("acme", id));
        assertThat(VendConfig.from(new Settings(minimal())).token().organizationIds())
                .as("today's form pins nothing")
                .isEmpty();
    }

    @Test
    void theRootRolePathIsRefusedAsTheTemplateRefusesIt() {
        // "/" would let bindings grant every role that trusts the vend function's role.
        ConfigException e = catchConfig(minimalWith(Map.of("KITEVEND_ROLE_PATH", "/")));

        assertThat(e.variable()).isEqualTo("KITEVEND_ROLE_PATH");
        assertThat(e.getMessage()).contains("never /");
    }

    @Test
    void variablesReadAreEveryVariableTheConfigReads() {
        Settings settings = new Settings(minimal());

        VendConfig.from(settings);

        assertThat(settings.variablesRead()).containsExactlyInAnyOrderElementsOf(ALL_VARIABLES);
    }

    @Test
    void variablesReadIncludeTheOptionalOnesWhenSet() {
        Map<String, String> env = minimal();
        env.put("KITEVEND_AWS_ENDPOINT", "http://localhost:5000");
        env.put("KITEVEND_ALLOWED_ACCOUNTS", "123456789012");
        Settings settings = new Settings(env);

        VendConfig.from(settings);

        assertThat(settings.variablesRead()).containsExactlyInAnyOrderElementsOf(ALL_VARIABLES);
    }

    @Test
    void errorMessageDoesNotEchoControlCharacters() {
        ConfigException e = catchConfig(minimalWith(Map.of("KITEVEND_AUDIT_SHARDS", "4\u001b[2J")));

        assertThat(e.variable()).isEqualTo("KITEVEND_AUDIT_SHARDS");
        assertThat(e.getMessage()).doesNotContain("\u001b");
    }

    private static void assertFailsNaming(Map<String, String> env, String variable) {
        ConfigException e = catchConfig(env);
        assertThat(e.variable()).isEqualTo(variable);
        assertThat(e.getMessage()).startsWith(variable + ":");
    }

    private static ConfigException catchConfig(Map<String, String> env) {
        Settings settings = new Settings(env);
        List<ConfigException> caught = new java.util.ArrayList<>();
        assertThatThrownBy(() -> VendConfig.from(settings)).isInstanceOfSatisfying(ConfigException.class, caught::add);
        return caught.get(0);
    }

    @Test
    void optionalEndpointIsEmptyWhenBlank() {
        VendConfig c = VendConfig.from(new Settings(minimalWith(Map.of("KITEVEND_AWS_ENDPOINT", " "))));

        assertThat(c.awsEndpoint()).isEqualTo(Optional.empty());
    }
}
