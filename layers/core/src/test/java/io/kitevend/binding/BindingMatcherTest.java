package io.kitevend.binding;

import static io.kitevend.testing.JobClaims.job;
import static org.assertj.core.api.Assertions.assertThat;

import io.kitevend.testing.JobClaims;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The matching rules as a table: bindings, the job's claims, the name asked for, the decision. */
class BindingMatcherTest {
    private static final BindingCompiler COMPILER = new BindingCompiler(new BindingRules("/kitevend/", Set.of()));
    private static final String NO_MATCH = "no_matching_binding";
    private static final String NOT_MATCHED = "requested_binding_not_matched";
    private static final String CONTROL = "claim_control_characters";

    /** The expected decision: which type, and the selected name, the reason or the names. */
    sealed interface Expect {}

    record Selects(String name) implements Expect {}

    record Refuses(String reason) implements Expect {}

    record AsksToChoose(List<String> names) implements Expect {}

    static Expect selects(String name) {
        return new Selects(name);
    }

    static Expect refuses(String reason) {
        return new Refuses(reason);
    }

    static Expect asksToChoose(String... names) {
        return new AsksToChoose(List.of(names));
    }

    static Binding.Builder binding(String name, String pipeline) {
        return Binding.builder()
                .name(name)
                .organization("acme")
                .pipeline(pipeline)
                .roleArn("arn:aws:iam::123456789012:role/kitevend/" + name);
    }

    static List<Binding.Builder> bindings(Binding.Builder... b) {
        return Arrays.asList(b);
    }

    static List<CompiledBinding> compileAll(List<Binding.Builder> bindings) throws InvalidBindingException {
        List<CompiledBinding> compiled = new java.util.ArrayList<>();
        for (Binding.Builder b : bindings) {
            compiled.add(COMPILER.compile(b.build()));
        }
        return compiled;
    }

    static Arguments row(
            String name, List<Binding.Builder> bindings, JobClaims claims, String requested, Expect expect) {
        return Arguments.of(name, bindings, claims, requested, expect);
    }

    static Stream<Arguments> table() {
        return Stream.of(
                // pipelines
                row(
                        "exact pipeline matches",
                        bindings(binding("deploy-any", "deploy")),
                        job().pipeline("deploy"),
                        null,
                        selects("deploy-any")),
                row(
                        "exact pipeline does not match another pipeline",
                        bindings(binding("deploy-any", "deploy")),
                        job().pipeline("deploy-docs"),
                        null,
                        refuses(NO_MATCH)),
                row(
                        "glob infra-* matches infra-network",
                        bindings(binding("infra", "infra-*")),
                        job().pipeline("infra-network"),
                        null,
                        selects("infra")),
                row(
                        "glob infra-* does not match infra without the dash",
                        bindings(binding("infra", "infra-*")),
                        job().pipeline("infra"),
                        null,
                        refuses(NO_MATCH)),
                row(
                        "glob infra-* is anchored at the start",
                        bindings(binding("infra", "infra-*")),
                        job().pipeline("old-infra-network"),
                        null,
                        refuses(NO_MATCH)),
                row(
                        "glob ? matches exactly one character",
                        bindings(binding("svc", "svc-?")),
                        job().pipeline("svc-1"),
                        null,
                        selects("svc")),
                row(
                        "glob ? does not match two characters",
                        bindings(binding("svc", "svc-?")),
                        job().pipeline("svc-10"),
                        null,
                        refuses(NO_MATCH)),
                row(
                        "glob * matches every pipeline of the organization",
                        bindings(binding("all", "*")),
                        job().pipeline("anything-at-all"),
                        null,
                        selects("all")),

                // one row per condition claim, matching and not
                row(
                        "build_branch glob matches",
                        bindings(binding("rel", "deploy").condition("build_branch", "release/*")),
                        job().branch("release/2.1"),
                        null,
                        selects("rel")),
                row(
                        "build_branch glob does not match",
                        bindings(binding("rel", "deploy").condition("build_branch", "release/*")),
                        job().branch("feature/release/2.1"),
                        null,
                        refuses(NO_MATCH)),
                row(
                        "build_tag matches",
                        bindings(binding("tagged", "deploy").condition("build_tag", "v*")),
                        job().tag("v1.4.0"),
                        null,
                        selects("tagged")),
                row(
                        "build_tag null never matches, not even *",
                        bindings(binding("tagged", "deploy").condition("build_tag", "*")),
                        job().tag(null),
                        null,
                        refuses(NO_MATCH)),
                row(
                        "build_branch null never matches *",
                        bindings(binding("any-branch", "deploy").condition("build_branch", "*")),
                        job().branch(null),
                        null,
                        refuses(NO_MATCH)),
                row(
                        "step_key matches",
                        bindings(binding("step", "deploy").condition("step_key", "deploy-prod")),
                        job().stepKey("deploy-prod"),
                        null,
                        selects("step")),
                row(
                        "step_key differs",
                        bindings(binding("step", "deploy").condition("step_key", "deploy-prod")),
                        job().stepKey("deploy-staging"),
                        null,
                        refuses(NO_MATCH)),
                row(
                        "step_key null never matches *",
                        bindings(binding("step", "deploy").condition("step_key", "*")),
                        job().stepKey(null),
                        null,
                        refuses(NO_MATCH)),
                row(
                        "build_source in list matches",
                        bindings(binding("sched", "deploy").condition("build_source", "schedule", "api")),
                        job().buildSource("api"),
                        null,
                        selects("sched")),
                row(
                        "build_source not in list",
                        bindings(binding("sched", "deploy").condition("build_source", "schedule", "api")),
                        job().buildSource("ui"),
                        null,
                        refuses(NO_MATCH)),
                row(
                        "runner_environment matches",
                        bindings(binding("hosted", "deploy").condition("runner_environment", "buildkite-hosted")),
                        job().runnerEnvironment("buildkite-hosted"),
                        null,
                        selects("hosted")),
                row(
                        "runner_environment differs",
                        bindings(binding("hosted", "deploy").condition("runner_environment", "buildkite-hosted")),
                        job().runnerEnvironment("self-hosted"),
                        null,
                        refuses(NO_MATCH)),
                row(
                        "cluster_id optional claim matches",
                        bindings(binding("cluster", "deploy").condition("cluster_id", "0191e0b1-*")),
                        job().claim("cluster_id", "0191e0b1-aaaa-bbbb"),
                        null,
                        selects("cluster")),
                row(
                        "cluster_id not requested by the job never matches *",
                        bindings(binding("cluster", "deploy").condition("cluster_id", "*")),
                        job(),
                        null,
                        refuses(NO_MATCH)),
                row(
                        "cluster_name matches",
                        bindings(binding("prod-cluster", "deploy").condition("cluster_name", "prod")),
                        job().claim("cluster_name", "prod"),
                        null,
                        selects("prod-cluster")),
                row(
                        "cluster_name differs",
                        bindings(binding("prod-cluster", "deploy").condition("cluster_name", "prod")),
                        job().claim("cluster_name", "production"),
                        null,
                        refuses(NO_MATCH)),
                row(
                        "queue_id matches",
                        bindings(binding("queue", "deploy").condition("queue_id", "q-123")),
                        job().claim("queue_id", "q-123"),
                        null,
                        selects("queue")),
                row(
                        "queue_key glob matches",
                        bindings(binding("queue", "deploy").condition("queue_key", "deploy-*")),
                        job().claim("queue_key", "deploy-prod"),
                        null,
                        selects("queue")),
                row(
                        "queue_key missing never matches *",
                        bindings(binding("queue", "deploy").condition("queue_key", "*")),
                        job().claim("queue_id", "q-123"),
                        null,
                        refuses(NO_MATCH)),
                row(
                        "agent_tag:NAME matches the tag of that name",
                        bindings(binding("agent", "deploy").condition("agent_tag:queue", "deploy")),
                        job().claim("agent_tag:queue", "deploy"),
                        null,
                        selects("agent")),
                row(
                        "agent_tag:NAME ignores tags of other names",
                        bindings(binding("agent", "deploy").condition("agent_tag:queue", "*")),
                        job().claim("agent_tag:os", "linux"),
                        null,
                        refuses(NO_MATCH)),

                // AND across claims, OR within a list
                row(
                        "AND: every condition holds",
                        bindings(binding("prod", "deploy")
                                .condition("build_branch", "main")
                                .condition("step_key", "deploy")),
                        job().branch("main").stepKey("deploy"),
                        null,
                        selects("prod")),
                row(
                        "AND: one condition fails, the binding does not match",
                        bindings(binding("prod", "deploy")
                                .condition("build_branch", "main")
                                .condition("step_key", "deploy")),
                        job().branch("main").stepKey("test"),
                        null,
                        refuses(NO_MATCH)),
                row(
                        "OR: the second glob of a list matches",
                        bindings(binding("rel", "deploy").condition("build_branch", "main", "release/*")),
                        job().branch("release/7"),
                        null,
                        selects("rel")),
                row(
                        "OR: none of the list matches",
                        bindings(binding("rel", "deploy").condition("build_branch", "main", "release/*")),
                        job().branch("hotfix/7"),
                        null,
                        refuses(NO_MATCH)),

                // disabled
                row(
                        "disabled binding never matches",
                        bindings(binding("off", "deploy").enabled(false)),
                        job(),
                        null,
                        refuses(NO_MATCH)),
                row(
                        "disabled binding is skipped, the enabled one is selected",
                        bindings(binding("off", "deploy").enabled(false), binding("on", "deploy")),
                        job(),
                        null,
                        selects("on")),
                row(
                        "disabled binding cannot be selected by name",
                        bindings(binding("off", "deploy").enabled(false), binding("on", "deploy")),
                        job(),
                        "off",
                        refuses(NOT_MATCHED)),

                // control characters
                row(
                        "newline in build_branch is refused",
                        bindings(binding("any", "deploy").condition("build_branch", "main*")),
                        job().branch("main\nx"),
                        null,
                        refuses(CONTROL)),
                row(
                        "control character in a claim no condition tests is refused",
                        bindings(binding("any", "deploy")),
                        job().commit("abc\u0000"),
                        null,
                        refuses(CONTROL)),
                row(
                        "control character in an optional claim is refused",
                        bindings(binding("any", "deploy")),
                        job().claim("queue_key", "deploy\u001b[31m"),
                        null,
                        refuses(CONTROL)),
                row(
                        "control characters are refused even when a binding is named",
                        bindings(binding("any", "deploy")),
                        job().stepKey("x\ty"),
                        "any",
                        refuses(CONTROL)),

                // organization
                row(
                        "another organization's job does not match",
                        bindings(binding("deploy-any", "deploy")),
                        job().organization("other-org"),
                        null,
                        refuses(NO_MATCH)),

                // several matches
                row(
                        "two matches and no name: ambiguous, names sorted",
                        bindings(binding("zeta", "deploy"), binding("alpha", "dep*"), binding("mid", "*")),
                        job().pipeline("deploy"),
                        null,
                        asksToChoose("alpha", "mid", "zeta")),
                row(
                        "ambiguous lists only the bindings that matched",
                        bindings(
                                binding("zeta", "deploy"),
                                binding("other", "deploy").condition("build_branch", "dev"),
                                binding("alpha", "*")),
                        job(),
                        null,
                        asksToChoose("alpha", "zeta")),
                row(
                        "two matches and a name: the named one is selected",
                        bindings(binding("zeta", "deploy"), binding("alpha", "*")),
                        job(),
                        "zeta",
                        selects("zeta")),
                row(
                        "one match and its name: selected",
                        bindings(binding("only", "deploy")),
                        job(),
                        "only",
                        selects("only")),
                row(
                        "naming a binding that exists but does not match",
                        bindings(
                                binding("main-only", "deploy").condition("build_branch", "main"),
                                binding("any", "deploy")),
                        job().branch("dev"),
                        "main-only",
                        refuses(NOT_MATCHED)),
                row(
                        "naming a binding that does not exist, although another matches",
                        bindings(binding("any", "deploy")),
                        job(),
                        "missing",
                        refuses(NOT_MATCHED)),

                // nothing to match
                row("no bindings at all", bindings(), job(), null, refuses(NO_MATCH)),
                row("no bindings at all, a name asked for", bindings(), job(), "any", refuses(NOT_MATCHED)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("table")
    void decides(String name, List<Binding.Builder> bindings, JobClaims claims, String requested, Expect expect)
            throws InvalidBindingException {
        BindingDecision decision = BindingMatcher.decide(compileAll(bindings), claims.build(), requested);

        switch (expect) {
            case Selects s -> {
                assertThat(decision).isInstanceOf(BindingDecision.Selected.class);
                assertThat(((BindingDecision.Selected) decision).binding().name())
                        .isEqualTo(s.name());
            }
            case Refuses r -> {
                assertThat(decision).isInstanceOf(BindingDecision.NoMatch.class);
                assertThat(((BindingDecision.NoMatch) decision).reason()).isEqualTo(r.reason());
            }
            case AsksToChoose a -> {
                assertThat(decision).isInstanceOf(BindingDecision.Ambiguous.class);
                assertThat(((BindingDecision.Ambiguous) decision).names()).containsExactlyElementsOf(a.names());
            }
        }
    }

    /**
     * Which claims a refusal may tell the job to ask for: only requestable claims, only when they are
     * all that keeps a binding of this pipeline (or the one named) from matching.
     */
    static Stream<Arguments> missingClaimsTable() {
        return Stream.of(
                Arguments.of(
                        "queue_key not asked for: named",
                        bindings(binding("prod", "deploy").condition("queue_key", "deploy")),
                        job(),
                        null,
                        List.of("queue_key")),
                Arguments.of(
                        "agent tag and cluster not asked for: both named, sorted",
                        bindings(binding("prod", "deploy")
                                .condition("queue_key", "deploy")
                                .condition("agent_tag:queue", "deploy")),
                        job(),
                        null,
                        List.of("agent_tag:queue", "queue_key")),
                Arguments.of(
                        "another condition fails as well: asking would not help, nothing named",
                        bindings(binding("prod", "deploy")
                                .condition("queue_key", "deploy")
                                .condition("build_branch", "main")),
                        job().branch("dev"),
                        null,
                        List.of()),
                Arguments.of(
                        "the claim is there with another value: nothing named",
                        bindings(binding("prod", "deploy").condition("queue_key", "deploy")),
                        job().claim("queue_key", "default"),
                        null,
                        List.of()),
                Arguments.of(
                        "build_tag on an untagged build is not a claim to ask for",
                        bindings(binding("tagged", "deploy").condition("build_tag", "v*")),
                        job().tag(null),
                        null,
                        List.of()),
                Arguments.of(
                        "a disabled binding is never hinted at",
                        bindings(binding("off", "deploy")
                                .condition("queue_key", "deploy")
                                .enabled(false)),
                        job(),
                        null,
                        List.of()),
                Arguments.of(
                        "a binding of another pipeline is never hinted at",
                        bindings(binding("other", "infra-*").condition("queue_key", "deploy")),
                        job().pipeline("deploy"),
                        null,
                        List.of()),
                Arguments.of(
                        "a binding is named: only its own missing claims",
                        bindings(
                                binding("prod", "deploy").condition("queue_key", "deploy"),
                                binding("cluster", "deploy").condition("cluster_id", "c-1")),
                        job(),
                        "prod",
                        List.of("queue_key")),
                Arguments.of(
                        "no binding named: the claims of every binding asking would help",
                        bindings(
                                binding("prod", "deploy").condition("queue_key", "deploy"),
                                binding("cluster", "deploy").condition("cluster_id", "c-1")),
                        job(),
                        null,
                        List.of("cluster_id", "queue_key")),
                Arguments.of(
                        "control characters: refused before any hint",
                        bindings(binding("prod", "deploy").condition("queue_key", "deploy")),
                        job().stepKey("x\ty"),
                        null,
                        List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("missingClaimsTable")
    void namesTheClaimsTheJobCouldAskFor(
            String name, List<Binding.Builder> bindings, JobClaims claims, String requested, List<String> expected)
            throws InvalidBindingException {
        BindingDecision decision = BindingMatcher.decide(compileAll(bindings), claims.build(), requested);

        assertThat(decision)
                .isInstanceOfSatisfying(
                        BindingDecision.NoMatch.class,
                        n -> assertThat(n.missingClaims()).containsExactlyElementsOf(expected));
    }

    @Test
    void refusalForControlCharactersNamesTheClaim() throws InvalidBindingException {
        BindingDecision decision = BindingMatcher.decide(
                List.of(COMPILER.compile(binding("any", "deploy").build())),
                job().claim("agent_tag:queue", "prod\r\n").build(),
                null);

        assertThat(decision).isInstanceOfSatisfying(BindingDecision.NoMatch.class, n -> {
            assertThat(n.reason()).isEqualTo(CONTROL);
            assertThat(n.detail()).contains("agent_tag:queue").doesNotContain("\r");
        });
    }
}
