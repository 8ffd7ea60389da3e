package io.kitevend.admin;

import static io.kitevend.admin.AdminAccess.Role.NONE;
import static io.kitevend.admin.AdminAccess.Role.READER;
import static io.kitevend.admin.AdminAccess.Role.WRITER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.kitevend.testing.AdminFixture;
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

/** Who is a reader, who a writer, who nobody: principal patterns, JWT groups, Buildkite tokens. */
class AdminAccessTest {
    private static final String BK = "https://agent.buildkite.com";
    private static final AdminAccess ACCESS = new AdminAccess(
            patterns("arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_KitevendReaders_*/*"),
            patterns(
                    "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_KitevendAdmins_*/*",
                    "arn:aws:iam::123456789012:role/kitevend-admin-?",
                    "arn:aws:sts::123456789012:assumed-role/deployer/*"),
            Optional.of(AdminFixture.CORPORATE_ISSUER),
            "groups",
            Set.of("readers"),
            Set.of("admins"),
            BK);

    private static List<PrincipalPattern> patterns(String... patterns) {
        return Stream.of(patterns).map(PrincipalPattern::compile).toList();
    }

    /** A corporate caller: the claims of its verified token, as JSON values. */
    private static Caller jwt(Object... kv) {
        Map<String, Object> claims = new HashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            claims.put((String) kv[i], kv[i + 1]);
        }
        return new Caller.Jwt(claims);
    }

    static Stream<Arguments> callers() {
        String corp = AdminFixture.CORPORATE_ISSUER;
        return Stream.of(
                arguments("SSO admin role session", new Caller.Iam(AdminFixture.WRITER), WRITER, AdminFixture.WRITER),
                arguments("SSO reader role session", new Caller.Iam(AdminFixture.READER), READER, AdminFixture.READER),
                arguments(
                        "a role named by ? glob",
                        new Caller.Iam("arn:aws:iam::123456789012:role/kitevend-admin-1"),
                        WRITER,
                        "arn:aws:iam::123456789012:role/kitevend-admin-1"),
                arguments(
                        "a role the ? glob does not reach",
                        new Caller.Iam("arn:aws:iam::123456789012:role/kitevend-admin-12"),
                        NONE,
                        "arn:aws:iam::123456789012:role/kitevend-admin-12"),
                arguments(
                        "the same role name in another account",
                        new Caller.Iam(
                                "arn:aws:sts::999999999999:assumed-role/AWSReservedSSO_KitevendAdmins_3d4e5f/bob"),
                        NONE,
                        "arn:aws:sts::999999999999:assumed-role/AWSReservedSSO_KitevendAdmins_3d4e5f/bob"),
                arguments("an unknown principal", new Caller.Iam(AdminFixture.STRANGER), NONE, AdminFixture.STRANGER),
                arguments(
                        "a session kitevend vended to a job, of a role a writer pattern names",
                        new Caller.Iam("arn:aws:sts::123456789012:assumed-role/deployer/bk-deploy-42-0184990a"),
                        NONE,
                        "arn:aws:sts::123456789012:assumed-role/deployer/bk-deploy-42-0184990a"),
                arguments(
                        "another session of that role",
                        new Caller.Iam("arn:aws:sts::123456789012:assumed-role/deployer/alice"),
                        WRITER,
                        "arn:aws:sts::123456789012:assumed-role/deployer/alice"),
                arguments(
                        "a role whose name only starts like a writer role's",
                        new Caller.Iam("arn:aws:sts::123456789012:assumed-role/deployerEvil/alice"),
                        NONE,
                        "arn:aws:sts::123456789012:assumed-role/deployerEvil/alice"),
                arguments("an empty principal", new Caller.Iam(""), NONE, null),
                arguments(
                        "a principal with a control character", new Caller.Iam(AdminFixture.WRITER + "\n"), NONE, null),
                arguments("no authorizer context", new Caller.None("no authorizer context"), NONE, null),
                arguments(
                        "corporate JWT in the writer group",
                        jwt("iss", corp, "sub", "u1", "groups", List.of("staff", "admins")),
                        WRITER,
                        "jwt:" + corp + "#u1"),
                arguments(
                        "corporate JWT in the reader group (JSON array)",
                        jwt("iss", corp, "sub", "u2", "groups", List.of("readers")),
                        READER,
                        "jwt:" + corp + "#u2"),
                arguments(
                        "a groups claim that is a string, not a list (it was split on commas)",
                        jwt("iss", corp, "sub", "u3", "groups", "staff,readers"),
                        NONE,
                        "jwt:" + corp + "#u3"),
                arguments(
                        "a groups claim as API Gateway flattens a list (it was split on spaces)",
                        jwt("iss", corp, "sub", "u3", "groups", "[staff admins]"),
                        NONE,
                        "jwt:" + corp + "#u3"),
                arguments(
                        "an IdP group whose name holds a space and a writer group's name",
                        jwt("iss", corp, "sub", "u9", "groups", List.of("Self-service admins")),
                        NONE,
                        "jwt:" + corp + "#u9"),
                arguments(
                        "an IdP group whose name holds a comma and a writer group's name",
                        jwt("iss", corp, "sub", "u9", "groups", List.of("x,admins", "[admins]")),
                        NONE,
                        "jwt:" + corp + "#u9"),
                arguments(
                        "a groups list with a number in it",
                        jwt("iss", corp, "sub", "u9", "groups", List.of("admins", 7)),
                        NONE,
                        "jwt:" + corp + "#u9"),
                arguments(
                        "a numeric subject",
                        jwt("iss", corp, "sub", 42, "groups", List.of("admins")),
                        NONE,
                        "jwt:" + corp + "#?"),
                arguments(
                        "corporate JWT in no admin group",
                        jwt("iss", corp, "sub", "u4", "groups", List.of("staff")),
                        NONE,
                        "jwt:" + corp + "#u4"),
                arguments("corporate JWT without groups", jwt("iss", corp, "sub", "u5"), NONE, "jwt:" + corp + "#u5"),
                arguments(
                        "a group name that only contains a writer group",
                        jwt("iss", corp, "sub", "u6", "groups", List.of("admins-old")),
                        NONE,
                        "jwt:" + corp + "#u6"),
                arguments(
                        "JWT of another issuer",
                        jwt("iss", "https://evil.example.com", "sub", "u7", "groups", List.of("admins")),
                        NONE,
                        "jwt:https://evil.example.com#u7"),
                arguments(
                        "a Buildkite job token",
                        jwt(
                                "iss",
                                BK,
                                "sub",
                                "organization:acme:pipeline:deploy:ref:refs/heads/main",
                                "groups",
                                List.of("admins")),
                        NONE,
                        "jwt:" + BK + "#organization:acme:pipeline:deploy:ref:refs/heads/main"),
                arguments(
                        "a Buildkite-shaped token from the admin issuer",
                        jwt(
                                "iss",
                                corp,
                                "sub",
                                "u8",
                                "groups",
                                List.of("admins"),
                                "pipeline_slug",
                                "deploy",
                                "job_id",
                                "j"),
                        NONE,
                        "jwt:" + corp + "#u8"),
                arguments(
                        "JWT without a subject",
                        jwt("iss", corp, "groups", List.of("admins")),
                        NONE,
                        "jwt:" + corp + "#?"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("callers")
    void decides(String who, Caller caller, AdminAccess.Role role, String principal) {
        AdminAccess.Decision d = ACCESS.decide(caller);

        assertThat(d.role()).isEqualTo(role);
        assertThat(d.principal()).isEqualTo(principal);
        assertThat(d.detail() == null)
                .as("a refusal says why; an admission does not")
                .isEqualTo(role != NONE);
    }

    @Test
    void withoutAnAdminIssuerNoJwtIsAccepted() {
        AdminAccess noJwt =
                new AdminAccess(List.of(), List.of(), Optional.empty(), "groups", Set.of(), Set.of("admins"), BK);

        assertThat(noJwt.decide(new Caller.Jwt(
                                Map.of("iss", AdminFixture.CORPORATE_ISSUER, "sub", "u", "groups", List.of("admins"))))
                        .role())
                .isEqualTo(NONE);
    }

    @Test
    void theConfiguredBuildkiteIssuerIsRefusedToo() {
        String local = "http://127.0.0.1:8080";
        AdminAccess a =
                new AdminAccess(List.of(), List.of(), Optional.of(local), "groups", Set.of(), Set.of("admins"), local);

        assertThat(a.decide(new Caller.Jwt(Map.of("iss", local, "sub", "u", "groups", List.of("admins"))))
                        .role())
                .isEqualTo(NONE);
    }

    @Test
    void groupsAreTheTokensJsonArrayEachStringOneGroup() {
        assertThat(AdminAccess.groups(List.of("a b", "c,d", "[e]"))).containsExactly("a b", "c,d", "[e]");
        assertThat(AdminAccess.groups(List.of())).isEmpty();
        assertThat(AdminAccess.groups(null)).as("no groups claim: no groups").isEmpty();
        assertThat(AdminAccess.groups("[a b c]")).as("a string is never split").isNull();
        assertThat(AdminAccess.groups(List.of("a", Map.of("b", "c")))).isNull();
    }
}
