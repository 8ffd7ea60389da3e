package io.kitevend.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.kitevend.admin.AdminAccess;
import io.kitevend.admin.Caller;
import io.kitevend.admin.PrincipalPattern;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class AdminConfigTest {

    /** Every variable the admin function reads; the deployment template sets these. */
    static final Set<String> ALL_VARIABLES = Set.of(
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
            "KITEVEND_AUDIT_RETENTION_DAYS",
            "KITEVEND_AUDIT_SHARDS",
            "KITEVEND_ADMIN_READERS",
            "KITEVEND_ADMIN_WRITERS",
            "KITEVEND_ADMIN_JWT_ISSUER",
            "KITEVEND_ADMIN_JWT_GROUPS_CLAIM",
            "KITEVEND_ADMIN_JWT_READER_GROUPS",
            "KITEVEND_ADMIN_JWT_WRITER_GROUPS");

    static Map<String, String> minimal() {
        Map<String, String> env = new HashMap<>();
        env.put("AWS_REGION", "eu-west-1");
        env.put("KITEVEND_AUDIENCE", "https://kitevend.example.com");
        env.put("KITEVEND_ORGANIZATIONS", "acme");
        env.put("KITEVEND_BINDINGS_TABLE", "kitevend-bindings");
        env.put("KITEVEND_AUDIT_TABLE", "kitevend-audit");
        return env;
    }

    static Map<String, String> with(String name, String value) {
        Map<String, String> env = minimal();
        env.put(name, value);
        return env;
    }

    @Test
    void minimalEnvironmentLetsNobodyIn() {
        AdminConfig c = AdminConfig.from(new Settings(minimal()));

        assertThat(c.access().readers()).isEmpty();
        assertThat(c.access().writers()).isEmpty();
        assertThat(c.access().jwtIssuer()).isEmpty();
        assertThat(c.access().groupsClaim()).isEqualTo("groups");
        assertThat(c.access().buildkiteIssuer()).isEqualTo("https://agent.buildkite.com");
        assertThat(c.organizations()).containsExactly("acme");
        assertThat(c.bindingRules().rolePath()).isEqualTo("/kitevend/");
        assertThat(c.auditShards()).isEqualTo(4);
        assertThat(c.access()
                        .decide(new Caller.Iam("arn:aws:sts::123456789012:assumed-role/Admin/x"))
                        .role())
                .isEqualTo(AdminAccess.Role.NONE);
    }

    @Test
    void readsExactlyTheDocumentedVariables() {
        Settings s = new Settings(minimal());
        AdminConfig.from(s);

        assertThat(s.variablesRead()).containsExactlyInAnyOrderElementsOf(ALL_VARIABLES);
    }

    @Test
    void readsTheAccessSettings() {
        Map<String, String> env = minimal();
        env.put(
                "KITEVEND_ADMIN_READERS",
                "arn:aws:sts::123456789012:assumed-role/Readers/*, arn:aws:iam::123456789012:role/ci-reader");
        env.put("KITEVEND_ADMIN_WRITERS", "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_KitevendAdmins_*/*");
        env.put("KITEVEND_ADMIN_JWT_ISSUER", "https://idp.example.com");
        env.put("KITEVEND_ADMIN_JWT_GROUPS_CLAIM", "cognito:groups");
        env.put("KITEVEND_ADMIN_JWT_READER_GROUPS", "readers,auditors");
        env.put("KITEVEND_ADMIN_JWT_WRITER_GROUPS", "admins");

        AdminAccess a = AdminConfig.from(new Settings(env)).access();

        assertThat(a.readers())
                .extracting(PrincipalPattern::pattern)
                .containsExactly(
                        "arn:aws:iam::123456789012:role/ci-reader", "arn:aws:sts::123456789012:assumed-role/Readers/*");
        assertThat(a.writers())
                .extracting(PrincipalPattern::pattern)
                .containsExactly("arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_KitevendAdmins_*/*");
        assertThat(a.jwtIssuer()).isEqualTo(Optional.of("https://idp.example.com"));
        assertThat(a.groupsClaim()).isEqualTo("cognito:groups");
        assertThat(a.readerGroups()).containsExactlyInAnyOrder("readers", "auditors");
        assertThat(a.writerGroups()).containsExactly("admins");
    }

    @Test
    void aLoopbackJwtIssuerMayUsePlainHttpForLocalRuns() {
        Map<String, String> env = minimal();
        env.put("KITEVEND_ADMIN_JWT_ISSUER", "http://127.0.0.1:8790");

        assertThat(AdminConfig.from(new Settings(env)).access().jwtIssuer()).contains("http://127.0.0.1:8790");
    }

    static Stream<Arguments> badSettings() {
        return Stream.of(
                arguments("a pattern matching every principal", "KITEVEND_ADMIN_WRITERS", "*"),
                arguments(
                        "a pattern with a wildcard account",
                        "KITEVEND_ADMIN_WRITERS",
                        "arn:aws:sts::*:assumed-role/Admin/*"),
                arguments(
                        "a pattern with a partial account",
                        "KITEVEND_ADMIN_READERS",
                        "arn:aws:sts::12345678901?:assumed-role/A/*"),
                arguments("a pattern without a resource", "KITEVEND_ADMIN_READERS", "arn:aws:sts::123456789012:"),
                arguments("a pattern of another service", "KITEVEND_ADMIN_READERS", "arn:aws:s3:::bucket"),
                arguments(
                        "a pattern with a wildcard service",
                        "KITEVEND_ADMIN_READERS",
                        "arn:aws:*::123456789012:role/x"),
                arguments(
                        "an assumed-role pattern without a session segment (its * reached KitevendAdminsEvil)",
                        "KITEVEND_ADMIN_WRITERS",
                        "arn:aws:sts::123456789012:assumed-role/KitevendAdmins*"),
                arguments(
                        "a pattern on the session name, which the caller chooses",
                        "KITEVEND_ADMIN_WRITERS",
                        "arn:aws:sts::123456789012:assumed-role/KitevendAdmins/alice*"),
                arguments(
                        "a literal session name",
                        "KITEVEND_ADMIN_READERS",
                        "arn:aws:sts::123456789012:assumed-role/KitevendReaders/alice@example.com"),
                arguments(
                        "wildcards alone as the role",
                        "KITEVEND_ADMIN_WRITERS",
                        "arn:aws:sts::123456789012:assumed-role/*/*"),
                arguments("everything after the account", "KITEVEND_ADMIN_WRITERS", "arn:aws:sts::123456789012:*"),
                arguments("a wildcard principal type", "KITEVEND_ADMIN_READERS", "arn:aws:iam::123456789012:*/admin"),
                arguments(
                        "a federated user, whose name the caller chooses",
                        "KITEVEND_ADMIN_READERS",
                        "arn:aws:sts::123456789012:federated-user/alice"),
                arguments(
                        "a pattern over 256 characters",
                        "KITEVEND_ADMIN_READERS",
                        "arn:aws:iam::123456789012:role/" + "r".repeat(240)),
                arguments(
                        "the Buildkite issuer as the admin JWT issuer",
                        "KITEVEND_ADMIN_JWT_ISSUER",
                        "https://agent.buildkite.com"),
                arguments(
                        "the Buildkite issuer with a slash",
                        "KITEVEND_ADMIN_JWT_ISSUER",
                        "https://agent.buildkite.com/"),
                arguments("a plain http JWT issuer", "KITEVEND_ADMIN_JWT_ISSUER", "http://idp.example.com"),
                arguments("a groups claim with a space", "KITEVEND_ADMIN_JWT_GROUPS_CLAIM", "my groups"),
                arguments("a group with brackets", "KITEVEND_ADMIN_JWT_WRITER_GROUPS", "[admins]"),
                arguments("reader groups without a JWT issuer", "KITEVEND_ADMIN_JWT_READER_GROUPS", "readers"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSettings")
    void badSettingsFailNamingTheVariable(String why, String variable, String value) {
        Map<String, String> env = with(variable, value);
        if (variable.equals("KITEVEND_ADMIN_JWT_WRITER_GROUPS")) {
            env.put("KITEVEND_ADMIN_JWT_ISSUER", "https://idp.example.com");
        }
        String expected = variable.equals("KITEVEND_ADMIN_JWT_READER_GROUPS") ? "KITEVEND_ADMIN_JWT_ISSUER" : variable;

        assertThatThrownBy(() -> AdminConfig.from(new Settings(env)))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(((ConfigException) e).variable()).isEqualTo(expected));
    }

    @Test
    void theSharedSettingsAreCheckedAsForTheVendFunction() {
        Map<String, String> env = minimal();
        env.remove("KITEVEND_AUDIT_TABLE");
        assertThatThrownBy(() -> AdminConfig.from(new Settings(env)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("KITEVEND_AUDIT_TABLE");
        assertThatThrownBy(() -> AdminConfig.from(new Settings(with("KITEVEND_AUDIT_SHARDS", "0"))))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("KITEVEND_AUDIT_SHARDS");
    }
}
