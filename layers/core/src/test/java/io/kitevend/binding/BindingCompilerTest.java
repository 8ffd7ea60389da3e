package io.kitevend.binding;

import static io.kitevend.testing.JobClaims.job;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.kitevend.config.Settings;
import io.kitevend.config.VendConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class BindingCompilerTest {
    private static final String ACCOUNT = "123456789012";
    private static final BindingRules RULES = new BindingRules("/kitevend/", Set.of());
    private static final BindingCompiler COMPILER = new BindingCompiler(RULES);
    private static final String POLICY =
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}";

    /** A binding that passes every rule; each case breaks one thing. */
    static Binding.Builder valid() {
        return Binding.builder()
                .name("deploy-main")
                .organization("acme")
                .pipeline("deploy")
                .condition("build_branch", "main", "release/*")
                .roleArn("arn:aws:iam::" + ACCOUNT + ":role/kitevend/deploy")
                .maxDurationSeconds(3600);
    }

    static Arguments invalid(String name, UnaryOperator<Binding.Builder> change, String field, String code) {
        return Arguments.of(name, change, field, code);
    }

    static Stream<Arguments> invalidCases() {
        return Stream.of(
                invalid("name missing", b -> b.name(null), "name", "invalid_name"),
                invalid("name with upper case", b -> b.name("Deploy"), "name", "invalid_name"),
                invalid("name starting with a dash", b -> b.name("-deploy"), "name", "invalid_name"),
                invalid("name longer than 63", b -> b.name("a".repeat(64)), "name", "invalid_name"),
                invalid("organization missing", b -> b.organization(null), "organization", "invalid_slug"),
                invalid("organization with a slash", b -> b.organization("acme/x"), "organization", "invalid_slug"),
                invalid("organization as a glob", b -> b.organization("acme-*"), "organization", "invalid_slug"),
                invalid("pipeline missing", b -> b.pipeline(null), "pipeline", "invalid_pipeline"),
                invalid("pipeline with upper case", b -> b.pipeline("Deploy"), "pipeline", "invalid_pipeline"),
                invalid("pipeline with a slash", b -> b.pipeline("deploy/x"), "pipeline", "invalid_pipeline"),
                invalid("pipeline with a space", b -> b.pipeline("deploy x"), "pipeline", "invalid_pipeline"),
                invalid(
                        "unknown condition claim",
                        b -> b.condition("build_commit", "*"),
                        "conditions.build_commit",
                        "unknown_claim"),
                invalid(
                        "made-up condition claim",
                        b -> b.condition("branch", "main"),
                        "conditions.branch",
                        "unknown_claim"),
                invalid(
                        "agent_tag without a name",
                        b -> b.condition("agent_tag:", "x"),
                        "conditions.agent_tag:",
                        "unknown_claim"),
                invalid(
                        "agent_tag name with a space",
                        b -> b.condition("agent_tag:my queue", "x"),
                        "conditions.agent_tag:my queue",
                        "unknown_claim"),
                invalid("empty condition list", b -> b.condition("step_key"), "conditions.step_key", "empty_condition"),
                invalid(
                        "too many globs in one condition",
                        b -> b.condition(
                                "step_key", Stream.generate(() -> "s").limit(51).toArray(String[]::new)),
                        "conditions.step_key",
                        "too_many_globs"),
                invalid(
                        "empty glob",
                        b -> b.condition("build_branch", "main", ""),
                        "conditions.build_branch[1]",
                        "invalid_glob"),
                invalid(
                        "glob with a control character",
                        b -> b.condition("build_tag", "v1\n"),
                        "conditions.build_tag[0]",
                        "invalid_glob"),
                invalid(
                        "glob longer than 256",
                        b -> b.condition("build_branch", "a".repeat(257)),
                        "conditions.build_branch[0]",
                        "invalid_glob"),
                invalid("role ARN missing", b -> b.roleArn(null), "role_arn", "invalid_role_arn"),
                invalid(
                        "role ARN of a user",
                        b -> b.roleArn("arn:aws:iam::" + ACCOUNT + ":user/kitevend/deploy"),
                        "role_arn",
                        "invalid_role_arn"),
                invalid(
                        "role ARN with a short account",
                        b -> b.roleArn("arn:aws:iam::12345:role/kitevend/deploy"),
                        "role_arn",
                        "invalid_role_arn"),
                invalid(
                        "role ARN of another service",
                        b -> b.roleArn("arn:aws:s3:::" + ACCOUNT + ":role/kitevend/deploy"),
                        "role_arn",
                        "invalid_role_arn"),
                invalid(
                        "role ARN with a made-up partition",
                        b -> b.roleArn("arn:aws-xx:iam::" + ACCOUNT + ":role/kitevend/deploy"),
                        "role_arn",
                        "partition_not_allowed"),
                invalid(
                        "role in the China partition, not the deployment's",
                        b -> b.roleArn("arn:aws-cn:iam::" + ACCOUNT + ":role/kitevend/deploy"),
                        "role_arn",
                        "partition_not_allowed"),
                invalid(
                        "role ARN without a partition",
                        b -> b.roleArn("arn::iam::" + ACCOUNT + ":role/kitevend/deploy"),
                        "role_arn",
                        "invalid_role_arn"),
                invalid(
                        "role without a path",
                        b -> b.roleArn("arn:aws:iam::" + ACCOUNT + ":role/deploy"),
                        "role_arn",
                        "role_path_not_allowed"),
                invalid(
                        "role under another path",
                        b -> b.roleArn("arn:aws:iam::" + ACCOUNT + ":role/admin/deploy"),
                        "role_arn",
                        "role_path_not_allowed"),
                invalid(
                        "role under a path that only starts like the allowed one",
                        b -> b.roleArn("arn:aws:iam::" + ACCOUNT + ":role/kitevendx/deploy"),
                        "role_arn",
                        "role_path_not_allowed"),
                invalid("duration 899", b -> b.maxDurationSeconds(899), "max_duration_seconds", "out_of_range"),
                invalid("duration 43201", b -> b.maxDurationSeconds(43_201), "max_duration_seconds", "out_of_range"),
                invalid("duration 0", b -> b.maxDurationSeconds(0), "max_duration_seconds", "out_of_range"),
                invalid(
                        "session policy not JSON",
                        b -> b.sessionPolicy("{not json"),
                        "session_policy",
                        "invalid_policy"),
                invalid(
                        "session policy with trailing text",
                        b -> b.sessionPolicy(POLICY + " x"),
                        "session_policy",
                        "invalid_policy"),
                invalid("session policy a JSON array", b -> b.sessionPolicy("[]"), "session_policy", "invalid_policy"),
                invalid(
                        "session policy a JSON string",
                        b -> b.sessionPolicy("\"Statement\""),
                        "session_policy",
                        "invalid_policy"),
                invalid(
                        "session policy object without Statement",
                        b -> b.sessionPolicy("{\"Version\":\"2012-10-17\"}"),
                        "session_policy",
                        "invalid_policy"),
                invalid(
                        "session policy over 2048 characters",
                        b -> b.sessionPolicy(policyOfLength(BindingCompiler.MAX_SESSION_POLICY_CHARS + 1)),
                        "session_policy",
                        "policy_too_large"),
                invalid(
                        "unknown session tag",
                        b -> b.sessionTags(List.of("pipeline_slug", "branch")),
                        "session_tags[1]",
                        "unknown_claim"),
                invalid(
                        "duplicate session tag",
                        b -> b.sessionTags(List.of("pipeline_slug", "job_id", "pipeline_slug")),
                        "session_tags[2]",
                        "duplicate_tag"),
                invalid(
                        "agent tag whose name STS does not take as a tag key",
                        b -> b.sessionTags(List.of("pipeline_slug", "agent_tag:os#arch")),
                        "session_tags[1]",
                        "invalid_tag_key"),
                invalid(
                        "agent tags that differ only in case (STS keys are case-blind)",
                        b -> b.sessionTags(List.of("agent_tag:OS", "agent_tag:os")),
                        "session_tags[1]",
                        "duplicate_tag"),
                invalid(
                        "pipeline id pinned on a glob pipeline",
                        b -> b.pipeline("deploy-*").pipelineId("0184990a-477b-4fa8-9968-496074483cee"),
                        "pipeline_id",
                        "pinned_glob"),
                invalid("organization id not a UUID", b -> b.organizationId("acme"), "organization_id", "invalid_id"),
                invalid(
                        "more than 50 session tags",
                        b -> b.sessionTags(java.util.stream.IntStream.range(0, 51)
                                .mapToObj(i -> "agent_tag:t" + i)
                                .toList()),
                        "session_tags",
                        "too_many_tags"),
                invalid("external id of one character", b -> b.externalId("x"), "external_id", "invalid_external_id"),
                invalid("external id with a space", b -> b.externalId("my id"), "external_id", "invalid_external_id"),
                invalid(
                        "external id too long",
                        b -> b.externalId("x".repeat(1225)),
                        "external_id",
                        "invalid_external_id"),
                invalid(
                        "description too long",
                        b -> b.description("d".repeat(1025)),
                        "description",
                        "invalid_description"),
                invalid(
                        "description with a control character",
                        b -> b.description("deploys\u0007"),
                        "description",
                        "invalid_description"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidCases")
    void reportsTheFieldAndCode(String name, UnaryOperator<Binding.Builder> change, String field, String code) {
        Binding binding = change.apply(valid()).build();

        List<FieldError> errors = COMPILER.validate(binding);

        assertThat(errors).extracting(FieldError::field, FieldError::code).containsExactly(tuple(field, code));
        assertThat(errors).allSatisfy(e -> assertThat(e.message()).isNotBlank());
        assertThatThrownBy(() -> COMPILER.compile(binding))
                .isInstanceOfSatisfying(
                        InvalidBindingException.class,
                        e -> assertThat(e.errors()).isEqualTo(errors));
    }

    static Stream<Arguments> validCases() {
        return Stream.<Arguments>of(
                Arguments.of("the base binding", (UnaryOperator<Binding.Builder>) b -> b),
                Arguments.of("duration 900", (UnaryOperator<Binding.Builder>) b -> b.maxDurationSeconds(900)),
                Arguments.of("duration 43200", (UnaryOperator<Binding.Builder>) b -> b.maxDurationSeconds(43_200)),
                Arguments.of("glob pipeline", (UnaryOperator<Binding.Builder>) b -> b.pipeline("infra-*")),
                Arguments.of(
                        "pipeline with ? and underscores", (UnaryOperator<Binding.Builder>) b -> b.pipeline("svc_?.x")),
                Arguments.of("role in a deeper path", (UnaryOperator<Binding.Builder>)
                        b -> b.roleArn("arn:aws:iam::" + ACCOUNT + ":role/kitevend/team-a/deploy")),
                Arguments.of("every condition claim", (UnaryOperator<Binding.Builder>) b -> {
                    BindingCompiler.CONDITION_CLAIMS.forEach(c -> b.condition(c, "*"));
                    return b.condition("agent_tag:queue", "deploy");
                }),
                Arguments.of("no conditions", (UnaryOperator<Binding.Builder>) b -> b.conditions(null)),
                Arguments.of("session policy of exactly 2048 characters", (UnaryOperator<Binding.Builder>)
                        b -> b.sessionPolicy(policyOfLength(BindingCompiler.MAX_SESSION_POLICY_CHARS))),
                Arguments.of("optional claims and agent tags as session tags", (UnaryOperator<Binding.Builder>)
                        b -> b.sessionTags(List.of("pipeline_slug", "queue_key", "cluster_name", "agent_tag:queue"))),
                Arguments.of("no session tags at all", (UnaryOperator<Binding.Builder>) b -> b.sessionTags(List.of())),
                Arguments.of("external id with every allowed punctuation", (UnaryOperator<Binding.Builder>)
                        b -> b.externalId("ab_+=,.@:/-9")),
                Arguments.of("description with a newline", (UnaryOperator<Binding.Builder>)
                        b -> b.description("Deploys main.\nOwned by the platform team.")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("validCases")
    void acceptsValidBindings(String name, UnaryOperator<Binding.Builder> change) throws InvalidBindingException {
        Binding binding = change.apply(valid()).build();

        assertThat(COMPILER.validate(binding)).isEmpty();
        CompiledBinding compiled = COMPILER.compile(binding);
        assertThat(compiled.binding()).isEqualTo(binding);
        assertThat(compiled.name()).isEqualTo(binding.name());
    }

    @Test
    void rolesArePinnedToTheDeploymentsPartitionWhichFollowsItsRegion() {
        Map<String, String> env = new HashMap<>();
        env.put("AWS_REGION", "us-gov-west-1");
        env.put("KITEVEND_AUDIENCE", "kitevend");
        env.put("KITEVEND_ORGANIZATIONS", "acme");
        env.put("KITEVEND_BINDINGS_TABLE", "kitevend-bindings");
        env.put("KITEVEND_AUDIT_TABLE", "kitevend-audit");
        env.put("KITEVEND_REPLAY_TABLE", "kitevend-replay");
        BindingCompiler govCloud =
                new BindingCompiler(VendConfig.from(new Settings(env)).bindingRules());

        assertThat(govCloud.validate(valid().build()))
                .extracting(FieldError::field, FieldError::code)
                .containsExactly(tuple("role_arn", "partition_not_allowed"));
        assertThat(govCloud.validate(valid().roleArn("arn:aws-us-gov:iam::" + ACCOUNT + ":role/kitevend/deploy")
                        .build()))
                .isEmpty();
    }

    @Test
    void validBindingCompilesAndMatches() throws InvalidBindingException {
        CompiledBinding compiled = COMPILER.compile(valid().build());

        assertThat(compiled.matches(job().branch("release/3").build())).isTrue();
        assertThat(compiled.matches(job().branch("dev").build())).isFalse();
    }

    @Test
    void reportsEveryProblemAtOnce() {
        Binding binding = valid().name("Bad Name")
                .pipeline("has space")
                .condition("nope", "x")
                .condition("step_key")
                .roleArn("arn:aws:iam::" + ACCOUNT + ":role/other/deploy")
                .maxDurationSeconds(43_201)
                .sessionPolicy("[]")
                .sessionTags(List.of("job_id", "job_id"))
                .externalId("?")
                .build();

        InvalidBindingException e = org.junit.jupiter.api.Assertions.assertThrows(
                InvalidBindingException.class, () -> COMPILER.compile(binding));

        assertThat(e.errors())
                .extracting(FieldError::field, FieldError::code)
                .containsExactlyInAnyOrder(
                        tuple("name", "invalid_name"),
                        tuple("pipeline", "invalid_pipeline"),
                        tuple("conditions.nope", "unknown_claim"),
                        tuple("conditions.step_key", "empty_condition"),
                        tuple("role_arn", "role_path_not_allowed"),
                        tuple("max_duration_seconds", "out_of_range"),
                        tuple("session_policy", "invalid_policy"),
                        tuple("session_tags[1]", "duplicate_tag"),
                        tuple("external_id", "invalid_external_id"));
        assertThat(e.getMessage()).contains("Bad Name").contains("role_arn").contains("session_tags[1]");
    }

    @Test
    void accountOutsideTheAllowedSetIsRefused() {
        BindingCompiler compiler = new BindingCompiler(new BindingRules("/kitevend/", Set.of("111111111111", ACCOUNT)));

        assertThat(compiler.validate(valid().build())).isEmpty();
        assertThat(compiler.validate(valid().roleArn("arn:aws:iam::999999999999:role/kitevend/deploy")
                        .build()))
                .extracting(FieldError::field, FieldError::code)
                .containsExactly(tuple("role_arn", "account_not_allowed"));
    }

    @Test
    void accountAndPathAreBothReported() {
        BindingCompiler compiler = new BindingCompiler(new BindingRules("/kitevend/", Set.of("111111111111")));

        assertThat(compiler.validate(valid().roleArn("arn:aws:iam::" + ACCOUNT + ":role/deploy")
                        .build()))
                .extracting(FieldError::field, FieldError::code)
                .containsExactlyInAnyOrder(
                        tuple("role_arn", "account_not_allowed"), tuple("role_arn", "role_path_not_allowed"));
    }

    @Test
    void anyRoleRulesAcceptARoleWithoutPath() {
        BindingCompiler compiler = new BindingCompiler(BindingRules.anyRole());

        assertThat(compiler.validate(valid().roleArn("arn:aws:iam::" + ACCOUNT + ":role/deploy")
                        .build()))
                .isEmpty();
    }

    @Test
    void mismatchNamesTheFirstFailingCondition() throws InvalidBindingException {
        CompiledBinding compiled = COMPILER.compile(valid().conditions(null)
                .condition("build_branch", "main")
                .condition("step_key", "deploy")
                .condition("queue_key", "prod-*")
                .build());

        assertThat(compiled.mismatch(job().branch("main")
                        .stepKey("deploy")
                        .claim("queue_key", "prod-1")
                        .build()))
                .isNull();
        assertThat(compiled.mismatch(job().branch("dev").stepKey("test").build()))
                .startsWith("build_branch")
                .contains("'dev'")
                .doesNotContain("step_key");
        assertThat(compiled.mismatch(job().branch("main").stepKey("test").build()))
                .startsWith("step_key")
                .contains("'test'")
                .doesNotContain("queue_key");
        assertThat(compiled.mismatch(job().branch("main").stepKey("deploy").build()))
                .isEqualTo("queue_key is missing");
        assertThat(compiled.mismatch(job().branch(null).build())).isEqualTo("build_branch is missing");
    }

    @Test
    void mismatchChecksEnabledThenOrganizationThenPipeline() throws InvalidBindingException {
        CompiledBinding disabled = COMPILER.compile(valid().enabled(false).build());
        CompiledBinding enabled = COMPILER.compile(valid().build());

        assertThat(disabled.mismatch(job().organization("other").build())).isEqualTo("binding is disabled");
        assertThat(enabled.mismatch(job().organization("other").pipeline("x").build()))
                .startsWith("organization")
                .contains("'other'");
        assertThat(enabled.mismatch(job().pipeline("deploy-docs").branch("dev").build()))
                .startsWith("pipeline")
                .contains("'deploy-docs'");
    }

    /** A valid policy document padded with a Sid to exactly {@code length} characters. */
    static String policyOfLength(int length) {
        String head = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"";
        String tail = "\",\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}";
        String policy = head + "A".repeat(length - head.length() - tail.length()) + tail;
        assertThat(policy).hasSize(length);
        return policy;
    }
}
