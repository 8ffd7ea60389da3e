package io.kitevend.report;

import static io.kitevend.report.BindingReview.GLOB_PIPELINE;
import static io.kitevend.report.BindingReview.LONG_MAX_DURATION;
import static io.kitevend.report.BindingReview.NO_SCOPING_CONDITION;
import static io.kitevend.report.BindingReview.NO_SESSION_POLICY;
import static org.assertj.core.api.Assertions.assertThat;

import io.kitevend.binding.Binding;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Risky and stale judgements on hand-made bindings, one case per row. */
class BindingReviewTest {
    private static final int FOUR_HOURS = 4 * 3600;
    private static final String POLICY =
            "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"*\"}]}";

    /** A binding with none of the risks: exact pipeline, branch condition, 1 h, session policy. */
    private static Binding.Builder safe() {
        return Binding.builder()
                .name("deploy-main")
                .organization("acme")
                .pipeline("deploy")
                .condition("build_branch", "main")
                .roleArn("arn:aws:iam::123456789012:role/kitevend/deployer")
                .maxDurationSeconds(3600)
                .sessionPolicy(POLICY);
    }

    private static Arguments risk(String name, UnaryOperator<Binding.Builder> change, List<String> expected) {
        return Arguments.of(Named.of(name, change.apply(safe()).build()), expected);
    }

    static Stream<Arguments> riskCases() {
        return Stream.of(
                risk("exact pipeline, branch condition, 1 h, session policy: not risky", b -> b, List.of()),
                risk("glob pipeline", b -> b.pipeline("infra-*"), List.of(GLOB_PIPELINE)),
                risk("? glob pipeline", b -> b.pipeline("deploy-?"), List.of(GLOB_PIPELINE)),
                risk("no conditions at all", b -> b.conditions(null), List.of(NO_SCOPING_CONDITION)),
                risk(
                        "only a match-everything branch condition",
                        b -> b.conditions(null).condition("build_branch", "*"),
                        List.of(NO_SCOPING_CONDITION)),
                risk(
                        "a branch list with a ** glob matches everything",
                        b -> b.conditions(null).condition("build_branch", "main", "**"),
                        List.of(NO_SCOPING_CONDITION)),
                risk(
                        "only an agent tag condition (not a scoping claim)",
                        b -> b.conditions(null).condition("agent_tag:queue", "deploy"),
                        List.of(NO_SCOPING_CONDITION)),
                risk(
                        "only a runner environment condition",
                        b -> b.conditions(null).condition("runner_environment", "self-hosted"),
                        List.of(NO_SCOPING_CONDITION)),
                risk("a tag condition scopes", b -> b.conditions(null).condition("build_tag", "v*"), List.of()),
                risk("a step condition scopes", b -> b.conditions(null).condition("step_key", "deploy"), List.of()),
                risk(
                        "a build source condition scopes",
                        b -> b.conditions(null).condition("build_source", "webhook"),
                        List.of()),
                risk(
                        "a queue key condition scopes",
                        b -> b.conditions(null).condition("queue_key", "deploy"),
                        List.of()),
                risk(
                        "a queue id condition scopes",
                        b -> b.conditions(null).condition("queue_id", "0192f0c2-*"),
                        List.of()),
                risk(
                        "a glob branch condition still scopes",
                        b -> b.conditions(null).condition("build_branch", "release/*"),
                        List.of()),
                risk("4 h exactly is not long", b -> b.maxDurationSeconds(FOUR_HOURS), List.of()),
                risk("4 h and a second is long", b -> b.maxDurationSeconds(FOUR_HOURS + 1), List.of(LONG_MAX_DURATION)),
                risk("12 h is long", b -> b.maxDurationSeconds(43_200), List.of(LONG_MAX_DURATION)),
                risk("no session policy", b -> b.sessionPolicy(null), List.of(NO_SESSION_POLICY)),
                risk("a blank session policy is none", b -> b.sessionPolicy("  "), List.of(NO_SESSION_POLICY)),
                risk(
                        "everything at once, in a fixed order",
                        b -> b.pipeline("*")
                                .conditions(null)
                                .maxDurationSeconds(43_200)
                                .sessionPolicy(null),
                        List.of(GLOB_PIPELINE, NO_SCOPING_CONDITION, LONG_MAX_DURATION, NO_SESSION_POLICY)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("riskCases")
    void risks(Binding binding, List<String> expected) {
        assertThat(BindingReview.risks(binding, FOUR_HOURS)).containsExactlyElementsOf(expected);
    }

    private static final Instant AS_OF = Instant.parse("2025-05-15T00:00:00Z");

    private static Instant daysAgo(double days) {
        return AS_OF.minus(Duration.ofMinutes(Math.round(days * 24 * 60)));
    }

    private static Arguments stale(
            String name,
            Instant created,
            Instant lastUsed,
            Instant historySince,
            boolean stale,
            String basis,
            long unusedDays) {
        return Arguments.of(
                Named.of(name, safe().createdAt(created).build()), lastUsed, historySince, stale, basis, unusedDays);
    }

    static Stream<Arguments> staleCases() {
        return Stream.of(
                stale(
                        "used yesterday",
                        daysAgo(300),
                        daysAgo(1),
                        daysAgo(200),
                        false,
                        BindingReview.BASIS_LAST_USED,
                        1),
                stale(
                        "last used 31 days ago",
                        daysAgo(300),
                        daysAgo(31),
                        daysAgo(200),
                        true,
                        BindingReview.BASIS_LAST_USED,
                        31),
                stale(
                        "last used exactly 30 days ago",
                        daysAgo(300),
                        daysAgo(30),
                        daysAgo(200),
                        true,
                        BindingReview.BASIS_LAST_USED,
                        30),
                stale(
                        "last used 29 days 23 hours ago",
                        daysAgo(300),
                        daysAgo(29.96),
                        daysAgo(200),
                        false,
                        BindingReview.BASIS_LAST_USED,
                        29),
                stale(
                        "never used, old binding, 45 days of history",
                        daysAgo(300),
                        null,
                        daysAgo(45),
                        true,
                        BindingReview.BASIS_HISTORY,
                        45),
                stale(
                        "never used, old binding, only 10 days of history (bootstrap)",
                        daysAgo(300),
                        null,
                        daysAgo(10),
                        false,
                        BindingReview.BASIS_HISTORY,
                        10),
                stale(
                        "never used, created 5 days ago",
                        daysAgo(5),
                        null,
                        daysAgo(200),
                        false,
                        BindingReview.BASIS_CREATED,
                        5),
                stale(
                        "never used, created 40 days ago",
                        daysAgo(40),
                        null,
                        daysAgo(200),
                        true,
                        BindingReview.BASIS_CREATED,
                        40),
                stale(
                        "no creation time, never used, long history",
                        null,
                        null,
                        daysAgo(90),
                        true,
                        BindingReview.BASIS_HISTORY,
                        90),
                stale(
                        "used 35 days ago but re-created 3 days ago: the creation counts",
                        daysAgo(3),
                        daysAgo(35),
                        daysAgo(200),
                        false,
                        BindingReview.BASIS_CREATED,
                        3),
                stale(
                        "used after the window's end (a re-run of an older window)",
                        daysAgo(300),
                        AS_OF.plus(Duration.ofDays(2)),
                        daysAgo(200),
                        false,
                        BindingReview.BASIS_LAST_USED,
                        0));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("staleCases")
    void staleness(
            Binding binding, Instant lastUsed, Instant historySince, boolean stale, String basis, long unusedDays) {
        BindingReview.Staleness s = BindingReview.staleness(binding, lastUsed, historySince, AS_OF, 30);
        assertThat(s.stale()).isEqualTo(stale);
        assertThat(s.basis()).isEqualTo(basis);
        assertThat(s.unusedDays()).isEqualTo(unusedDays);
    }
}
