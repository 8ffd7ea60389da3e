package io.kitevend.credentials;

import static io.kitevend.testing.JobClaims.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.kitevend.binding.Binding;
import io.kitevend.testing.JobClaims;
import io.kitevend.text.Text;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SessionRequestsTest {
    /** What STS accepts in RoleSessionName and SourceIdentity. */
    private static final String IDENTIFIER = "[\\w+=,.@-]+";
    /** What STS accepts in tag keys and values (letters, digits, spaces and _.:/=+-@). */
    private static final String TAG_TEXT = "[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]*";

    private static final String ROLE = "arn:aws:iam::123456789012:role/kitevend/deploy";

    static Binding.Builder binding() {
        return Binding.builder()
                .name("deploy-main")
                .organization("acme")
                .pipeline("deploy")
                .roleArn(ROLE)
                .maxDurationSeconds(3600);
    }

    static SessionRequest request(JobClaims claims) {
        return SessionRequests.forJob(binding().build(), claims.build(), null);
    }

    // --- session name ---

    @Test
    void sessionNameIsPipelineBuildAndJobIdPrefix() {
        SessionRequest r =
                request(job().pipeline("deploy").buildNumber(42).jobId("0184990a-477b-4fa8-9968-496074483cee"));

        assertThat(r.sessionName()).isEqualTo("bk-deploy-42-0184990a");
    }

    @Test
    void jobIdPrefixIgnoresDashes() {
        SessionRequest r = request(job().buildNumber(7).jobId("01-84-99-0a-4cee"));

        assertThat(r.sessionName()).isEqualTo("bk-deploy-7-0184990a");
    }

    @Test
    void jobsOfOneBuildGetDifferentSessionNames() {
        String first =
                request(job().jobId("0184990a-477b-4fa8-9968-496074483cee")).sessionName();
        String second =
                request(job().jobId("0184990b-17aa-4fa8-9968-496074483cee")).sessionName();

        assertThat(first).isNotEqualTo(second);
    }

    static Stream<Arguments> awkwardJobs() {
        return Stream.of(
                Arguments.of("ordinary", "acme", "deploy", 42L, "0184990a-477b-4fa8-9968-496074483cee", "-42-0184990a"),
                Arguments.of(
                        "pipeline slug of 100 characters",
                        "acme",
                        "p".repeat(100),
                        42L,
                        "0184990a-477b",
                        "-42-0184990a"),
                Arguments.of(
                        "pipeline and org of 100 characters",
                        "o".repeat(100),
                        "p".repeat(100),
                        123456L,
                        "0184990a-477b",
                        "-123456-0184990a"),
                Arguments.of(
                        "huge build number",
                        "acme",
                        "p".repeat(100),
                        Long.MAX_VALUE,
                        "0184990a-477b",
                        "-9223372036854775807-0184990a"),
                Arguments.of(
                        "odd characters in the slugs and job id",
                        "ac me/#",
                        "my pipeline/with#odd~chars\u00e9\u4e2d",
                        9L,
                        "01 84*99?0a-477b",
                        "-9-01_84_99"),
                Arguments.of("short job id", "acme", "deploy", 1L, "ab", "-1-ab"),
                Arguments.of(
                        "long odd slugs",
                        "\u00e9".repeat(90),
                        "a b".repeat(40),
                        99_999L,
                        "0184990a-477b",
                        "-99999-0184990a"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("awkwardJobs")
    void sessionNameAndSourceIdentityFitStsLimits(
            String name, String org, String pipeline, long build, String jobId, String sessionNameTail) {
        SessionRequest r = request(
                job().organization(org).pipeline(pipeline).buildNumber(build).jobId(jobId));

        assertThat(r.sessionName())
                .hasSizeLessThanOrEqualTo(64)
                .matches(IDENTIFIER)
                .startsWith("bk-")
                .endsWith(sessionNameTail);
        assertThat(r.sourceIdentity())
                .hasSizeLessThanOrEqualTo(64)
                .matches(IDENTIFIER)
                .startsWith("bk.")
                .endsWith("." + build);
    }

    @Test
    void longPipelineIsCutToFitTheSessionName() {
        String pipeline = "p".repeat(100);
        SessionRequest r = request(job().pipeline(pipeline).buildNumber(42).jobId("0184990a-477b"));

        assertThat(r.sessionName()).hasSize(64).isEqualTo("bk-" + "p".repeat(64 - 3 - 12) + "-42-0184990a");
    }

    @Test
    void oddCharactersInThePipelineBecomeUnderscores() {
        SessionRequest r = request(job().pipeline("a b/c#d").buildNumber(3).jobId("0184990a"));

        assertThat(r.sessionName()).isEqualTo("bk-a_b_c_d-3-0184990a");
    }

    // --- source identity ---

    @Test
    void sourceIdentityNamesOrgPipelineAndBuild() {
        SessionRequest r = request(job().organization("acme").pipeline("deploy").buildNumber(42));

        assertThat(r.sourceIdentity()).isEqualTo("bk.acme.deploy.42");
    }

    @Test
    void sourceIdentityKeepsTheShortOrgWholeAndCutsTheLongPipeline() {
        SessionRequest r =
                request(job().organization("acme").pipeline("p".repeat(100)).buildNumber(42));

        assertThat(r.sourceIdentity()).hasSize(64).startsWith("bk.acme.ppp").endsWith("p.42");
    }

    @Test
    void sourceIdentityKeepsTheShortPipelineWholeAndCutsTheLongOrg() {
        SessionRequest r =
                request(job().organization("o".repeat(100)).pipeline("deploy").buildNumber(42));

        assertThat(r.sourceIdentity()).hasSize(64).startsWith("bk.ooo").endsWith("o.deploy.42");
    }

    @Test
    void sourceIdentityKeepsPartOfBothWhenBothAreLong() {
        SessionRequest r = request(
                job().organization("o".repeat(100)).pipeline("p".repeat(100)).buildNumber(42));

        assertThat(r.sourceIdentity()).hasSize(64).matches("bk\\.o{20,}\\.p{20,}\\.42");
    }

    // --- session tags ---

    @Test
    void defaultTagsWhenTheBindingNamesNone() {
        SessionRequest r = request(job().organization("acme")
                .pipeline("deploy")
                .buildNumber(42)
                .branch("main")
                .jobId("0184990a-477b-4fa8-9968-496074483cee"));

        assertThat(r.tags())
                .containsOnly(
                        entry("organization_slug", "acme"),
                        entry("pipeline_slug", "deploy"),
                        entry("build_number", "42"),
                        entry("build_branch", "main"),
                        entry("job_id", "0184990a-477b-4fa8-9968-496074483cee"));
    }

    @Test
    void nullClaimsAreOmittedFromTags() {
        SessionRequest r = request(job().branch(null));

        assertThat(r.tags())
                .doesNotContainKey("build_branch")
                .containsKeys("organization_slug", "pipeline_slug", "job_id");
    }

    @Test
    void tagsComeFromTheBindingsSessionTags() {
        Binding b = binding()
                .sessionTags(List.of("step_key", "queue_key", "agent_tag:queue", "build_tag", "cluster_id"))
                .build();
        JobClaims claims = job().stepKey("deploy-prod")
                .claim("queue_key", "prod")
                .claim("agent_tag:queue", "deploy")
                .tag(null);

        SessionRequest r = SessionRequests.forJob(b, claims.build(), null);

        assertThat(r.tags())
                .containsOnly(
                        entry("step_key", "deploy-prod"),
                        entry("queue_key", "prod"),
                        entry("agent_tag:queue", "deploy"));
    }

    @Test
    void emptySessionTagsListGivesNoTags() {
        SessionRequest r =
                SessionRequests.forJob(binding().sessionTags(List.of()).build(), job().build(), null);

        assertThat(r.tags()).isEmpty();
    }

    @Test
    void valuesThatCleaningMergedGiveDifferentVisiblyMarkedTags() {
        // Cleaning once made both "prod_deploy": a policy meant for one branch let the other in.
        String hash = request(job().branch("prod#deploy")).tags().get("build_branch");
        String bang = request(job().branch("prod!deploy")).tags().get("build_branch");
        String underscore = request(job().branch("prod_deploy")).tags().get("build_branch");

        assertThat(hash).isEqualTo("b64:" + base64Url("prod#deploy")).isEqualTo("b64:cHJvZCNkZXBsb3k");
        assertThat(bang).isEqualTo("b64:" + base64Url("prod!deploy"));
        assertThat(underscore).as("a value STS takes stays exact").isEqualTo("prod_deploy");
        assertThat(List.of(hash, bang, underscore)).doesNotHaveDuplicates();
    }

    @Test
    void tagValuesKeepLettersSpacesAndAllowedPunctuation() {
        SessionRequest r = request(job().branch("f\u00fcr Stra\u00dfe_.:/=+-@ok"));

        assertThat(r.tags()).containsEntry("build_branch", "f\u00fcr Stra\u00dfe_.:/=+-@ok");
    }

    @Test
    void aValueThatLooksEncodedIsEncodedItself() {
        String encoded = request(job().branch("prod#deploy")).tags().get("build_branch");

        assertThat(request(job().branch(encoded)).tags().get("build_branch"))
                .as("a branch named like an encoded tag never meets a condition on that tag")
                .isNotEqualTo(encoded)
                .isEqualTo("b64:" + base64Url(encoded));
        assertThat(request(job().branch("SHA256:abc")).tags().get("build_branch"))
                .as("in any case")
                .startsWith("b64:");
    }

    @Test
    void aValueTooLongForBase64IsHashedNeverCut() {
        String exact256 = "b".repeat(256);
        String long300 = "b".repeat(300);
        String longWithAstral = "a".repeat(255) + "\uD835\uDC9C" + "zz";

        assertThat(request(job().branch(exact256)).tags().get("build_branch")).isEqualTo(exact256);
        assertThat(request(job().branch(long300)).tags().get("build_branch"))
                .isEqualTo("sha256:" + Text.sha256Hex(long300))
                .isNotEqualTo(request(job().branch(long300 + "c")).tags().get("build_branch"));
        assertThat(request(job().branch(longWithAstral)).tags().get("build_branch"))
                .isEqualTo("sha256:" + Text.sha256Hex(longWithAstral));
    }

    @Test
    void everyTagKeyAndValueUsesAllowedCharacters() {
        Binding b = binding()
                .sessionTags(List.of("build_branch", "step_key", "agent_tag:os", "build_source"))
                .build();
        JobClaims claims = job().branch("x!y$z%{}<>\"'`~;[]")
                .stepKey("step*key?")
                .claim("agent_tag:os", "linux (arm64)")
                .buildSource("\u00e9\u4e2d#");

        SessionRequest r = SessionRequests.forJob(b, claims.build(), null);

        assertThat(r.tags()).hasSize(4);
        r.tags().forEach((k, v) -> {
            assertThat(k).matches(TAG_TEXT).hasSizeLessThanOrEqualTo(128);
            assertThat(v).matches(TAG_TEXT).hasSizeLessThanOrEqualTo(256);
        });
        assertThat(r.tags())
                .containsEntry("build_branch", "b64:" + base64Url("x!y$z%{}<>\"'`~;[]"))
                .containsEntry("agent_tag:os", "b64:" + base64Url("linux (arm64)"));
    }

    private static String base64Url(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    // --- duration, policy, external id ---

    static Stream<Arguments> durations() {
        return Stream.of(
                Arguments.of("none requested: the binding's maximum", 3600, null, 3600),
                Arguments.of("less than the maximum", 3600, 1800, 1800),
                Arguments.of("exactly the maximum", 3600, 3600, 3600),
                Arguments.of("more than the maximum is capped", 3600, 7200, 3600),
                Arguments.of("long binding, none requested", 43_200, null, 43_200),
                Arguments.of("short binding caps a long request", 900, 43_200, 900));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("durations")
    void durationIsTheRequestCappedByTheBinding(String name, int bindingMax, Integer requested, int expected) {
        SessionRequest r =
                SessionRequests.forJob(binding().maxDurationSeconds(bindingMax).build(), job().build(), requested);

        assertThat(r.durationSeconds()).isEqualTo(expected);
    }

    @Test
    void roleSessionPolicyAndExternalIdArePassedThrough() {
        String policy =
                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Deny\",\"Action\":\"*\",\"Resource\":\"*\"}]}";
        Binding b = binding().sessionPolicy(policy).externalId("kitevend-ext-1").build();

        SessionRequest r = SessionRequests.forJob(b, job().build(), 1200);

        assertThat(r.roleArn()).isEqualTo(ROLE);
        assertThat(r.sessionPolicy()).isEqualTo(policy);
        assertThat(r.externalId()).isEqualTo("kitevend-ext-1");
        assertThat(r.durationSeconds()).isEqualTo(1200);
    }

    @Test
    void noSessionPolicyOrExternalIdWhenTheBindingHasNone() {
        SessionRequest r = request(job());

        assertThat(r.sessionPolicy()).isNull();
        assertThat(r.externalId()).isNull();
    }
}
