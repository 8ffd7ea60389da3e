package io.kitevend.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The over-matches principal patterns used to allow, and the forms they accept. */
class PrincipalPatternTest {
    private static final String SSO =
            "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_KitevendAdmins_0a1b2c3d4e5f6a7b";

    @ParameterizedTest(name = "{0} vs {1} -> {2}")
    @CsvSource(
            delimiter = '|',
            value = {
                // A role named exactly: its sessions, never a role whose name starts the same.
                "arn:aws:sts::123456789012:assumed-role/KitevendAdmins/*|arn:aws:sts::123456789012:assumed-role/KitevendAdmins/alice|true",
                "arn:aws:sts::123456789012:assumed-role/KitevendAdmins/*|arn:aws:sts::123456789012:assumed-role/KitevendAdminsEvil/alice|false",
                // The session segment is one segment: * does not reach a second one.
                "arn:aws:sts::123456789012:assumed-role/KitevendAdmins/*|arn:aws:sts::123456789012:assumed-role/KitevendAdmins/a/b|false",
                // A glob in the role name stays within it.
                "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_KitevendAdmins_*/*|" + SSO
                        + "/bob@example.com|true",
                "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_KitevendAdmins_*/*|arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_KitevendAdmins_x/y/z|false",
                // The account, partition and service are literal.
                "arn:aws:sts::123456789012:assumed-role/KitevendAdmins/*|arn:aws:sts::999999999999:assumed-role/KitevendAdmins/alice|false",
                "arn:aws:sts::123456789012:assumed-role/KitevendAdmins/*|arn:aws-cn:sts::123456789012:assumed-role/KitevendAdmins/alice|false",
                // * in a user name does not reach users under a path; a path is matched segment by segment.
                "arn:aws:iam::123456789012:user/admin-*|arn:aws:iam::123456789012:user/admin-alice|true",
                "arn:aws:iam::123456789012:user/admin-*|arn:aws:iam::123456789012:user/admin-x/alice|false",
                "arn:aws:iam::123456789012:user/ops/*-admin|arn:aws:iam::123456789012:user/ops/alice-admin|true",
                "arn:aws:iam::123456789012:user/ops/*-admin|arn:aws:iam::123456789012:user/ops/x/alice-admin|false",
                // ? is one character, never a separator.
                "arn:aws:iam::123456789012:role/admin?x|arn:aws:iam::123456789012:role/admin/x|false",
                "arn:aws:iam::123456789012:role/admin?x|arn:aws:iam::123456789012:role/admin-x|true",
                "arn:aws:iam::123456789012:root|arn:aws:iam::123456789012:root|true",
                "arn:aws:iam::123456789012:root|arn:aws:iam::123456789012:rootx|false",
            })
    void matchesSegmentBySegment(String pattern, String arn, boolean matches) {
        assertThat(PrincipalPattern.compile(pattern).matches(arn)).isEqualTo(matches);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(
            delimiter = '|',
            value = {
                "arn:aws:sts::123456789012:assumed-role/KitevendAdmins*|three segments",
                "arn:aws:sts::123456789012:assumed-role/KitevendAdmins/alice|must end in /*",
                "arn:aws:sts::123456789012:assumed-role/KitevendAdmins/alice*|must end in /*",
                "arn:aws:sts::123456789012:assumed-role/KitevendAdmins/?*|must end in /*",
                "arn:aws:sts::123456789012:assumed-role/*/*|must name the role",
                "arn:aws:sts::123456789012:assumed-role/?*?/*|must name the role",
                "arn:aws:iam::123456789012:user/*|must name the user",
                "arn:aws:iam::123456789012:role|names no role",
                "arn:aws:iam::123456789012:role/|empty segment",
                "arn:aws:iam::123456789012:role/a//b|empty segment",
                "arn:aws:sts::123456789012:federated-user/alice|GetFederationToken",
                "arn:aws:sts::123456789012:*|not a principal ARN pattern",
                "arn:aws:iam::123456789012:*/admin|not a principal ARN pattern",
                "arn:aws:iam::123456789012:root/x|not a principal ARN pattern",
                "arn:aws:sts::*:assumed-role/KitevendAdmins/*|not a principal ARN pattern",
                "*|not a principal ARN pattern",
            })
    void refusesPatternsThatCouldAdmitWhatTheyDoNotName(String pattern, String problem) {
        assertThat(PrincipalPattern.problem(pattern)).contains(problem);
        assertThatThrownBy(() -> PrincipalPattern.compile(pattern))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(problem);
    }

    @Test
    void thePatternAdmittingOnePrincipalIsAnAcceptedPatternThatAdmitsIt() {
        String session = "arn:aws:sts::000000000000:assumed-role/kitevend-local-admin/dev";
        assertThat(PrincipalPattern.admitting(session))
                .isEqualTo("arn:aws:sts::000000000000:assumed-role/kitevend-local-admin/*");
        for (String arn :
                new String[] {session, "arn:aws:iam::123456789012:user/ops/alice", "arn:aws:iam::123456789012:root"}) {
            assertThat(PrincipalPattern.compile(PrincipalPattern.admitting(arn)).matches(arn))
                    .as(arn)
                    .isTrue();
        }
    }

    @Test
    void aSessionKitevendVendedIsRecognisedByItsName() {
        assertThat(AdminAccess.isVendedSession("arn:aws:sts::123456789012:assumed-role/deployer/bk-deploy-42-0184990a"))
                .isTrue();
        assertThat(AdminAccess.isVendedSession(SSO + "/bk-is-not-a-session-of-this-shape"))
                .as("any session named bk-...")
                .isTrue();
        assertThat(AdminAccess.isVendedSession(SSO + "/bob@example.com")).isFalse();
        assertThat(AdminAccess.isVendedSession("arn:aws:iam::123456789012:user/bk-alice"))
                .as("an IAM user is not a session")
                .isFalse();
    }
}
