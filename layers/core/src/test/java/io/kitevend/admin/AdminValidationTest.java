package io.kitevend.admin;

import static io.kitevend.testing.AdminFixture.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.kitevend.audit.InMemoryAuditStore;
import io.kitevend.binding.InMemoryBindingStore;
import io.kitevend.http.HttpResponse;
import io.kitevend.json.Json;
import io.kitevend.testing.AdminFixture;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Validation before anything is stored: one case per rule of issue 5 (names, pipeline globs,
 * known claims, glob syntax, role ARN shape, allowed accounts, role path, duration bounds, session
 * policy JSON and size, session tag claims) plus shape errors, each answered 400
 * {@code invalid_binding} with the field it concerns; several problems are reported at once.
 */
class AdminValidationTest {
    private InMemoryBindingStore store;
    private InMemoryAuditStore audit;
    private AdminFixture f;

    @BeforeEach
    void setUp() {
        store = new InMemoryBindingStore();
        audit = new InMemoryAuditStore();
        f = new AdminFixture(store, audit);
    }

    /** A binding body that passes every rule; each case breaks it in one way. */
    private static ObjectNode valid() {
        ObjectNode n = JsonNodeFactory.instance.objectNode();
        n.put("pipeline", "deploy");
        n.putObject("conditions").putArray("build_branch").add("main");
        n.put("role_arn", AdminFixture.ROLE_ARN);
        return n;
    }

    record Err(String field, String code) {
        @Override
        public String toString() {
            return field + ":" + code;
        }
    }

    private static Err err(String field, String code) {
        return new Err(field, code);
    }

    private static Arguments rule(
            String name, String org, String binding, Consumer<ObjectNode> change, Err... expected) {
        return arguments(name, org, binding, change, List.of(expected));
    }

    private static Arguments rule(String name, Consumer<ObjectNode> change, Err... expected) {
        return rule(name, "acme", "deploy-main", change, expected);
    }

    private static ArrayNode array(ObjectNode n, String field, String... values) {
        ArrayNode a = n.putArray(field);
        for (String v : values) {
            a.add(v);
        }
        return a;
    }

    static Stream<Arguments> rules() {
        return Stream.of(
                // names
                rule(
                        "name with upper case and underscore",
                        "acme",
                        "Deploy_Main",
                        n -> {},
                        err("name", "invalid_name")),
                rule("name starting with a dash", "acme", "-deploy", n -> {}, err("name", "invalid_name")),
                rule("name of 64 characters", "acme", "a".repeat(64), n -> {}, err("name", "invalid_name")),
                rule(
                        "name in the body differs from the path",
                        n -> n.put("name", "other"),
                        err("name", "path_mismatch")),
                rule(
                        "organization in the body differs from the path",
                        n -> n.put("organization", "globex"),
                        err("organization", "path_mismatch")),
                rule(
                        "organization not a slug",
                        "Acme",
                        "deploy-main",
                        n -> {},
                        err("organization", "invalid_slug"),
                        err("organization", "organization_not_allowed")),
                rule(
                        "organization this deployment does not accept",
                        "initech",
                        "deploy-main",
                        n -> {},
                        err("organization", "organization_not_allowed")),
                // pipeline globs
                rule("pipeline missing", n -> n.remove("pipeline"), err("pipeline", "invalid_pipeline")),
                rule(
                        "pipeline with a space",
                        n -> n.put("pipeline", "deploy prod"),
                        err("pipeline", "invalid_pipeline")),
                rule(
                        "pipeline glob with a regex",
                        n -> n.put("pipeline", "deploy-(a|b)"),
                        err("pipeline", "invalid_pipeline")),
                rule("pipeline in upper case", n -> n.put("pipeline", "Deploy"), err("pipeline", "invalid_pipeline")),
                // only known claims
                rule(
                        "condition on a claim conditions cannot test",
                        n -> array((ObjectNode) n.get("conditions"), "build_commit", "abc*"),
                        err("conditions.build_commit", "unknown_claim")),
                rule(
                        "condition on an invented claim",
                        n -> array((ObjectNode) n.get("conditions"), "favourite_colour", "blue"),
                        err("conditions.favourite_colour", "unknown_claim")),
                rule(
                        "agent tag with a space in its name",
                        n -> array((ObjectNode) n.get("conditions"), "agent_tag:my queue", "x"),
                        err("conditions.agent_tag:my queue", "unknown_claim")),
                // glob syntax
                rule(
                        "empty glob",
                        n -> array((ObjectNode) n.get("conditions"), "build_branch", ""),
                        err("conditions.build_branch[0]", "invalid_glob")),
                rule(
                        "glob with a control character",
                        n -> array((ObjectNode) n.get("conditions"), "build_branch", "main", "rel\u0007*"),
                        err("conditions.build_branch[1]", "invalid_glob")),
                rule(
                        "glob over 256 characters",
                        n -> array((ObjectNode) n.get("conditions"), "step_key", "s".repeat(257)),
                        err("conditions.step_key[0]", "invalid_glob")),
                rule(
                        "condition with no globs",
                        n -> array((ObjectNode) n.get("conditions"), "build_branch"),
                        err("conditions.build_branch", "empty_condition")),
                rule(
                        "condition with 51 globs",
                        n -> array(
                                (ObjectNode) n.get("conditions"),
                                "build_branch",
                                IntStream.range(0, 51).mapToObj(i -> "b" + i).toArray(String[]::new)),
                        err("conditions.build_branch", "too_many_globs")),
                rule(
                        "glob that is not a string",
                        n -> ((ArrayNode) n.get("conditions").get("build_branch")).add(7),
                        err("conditions.build_branch[1]", "wrong_type")),
                // role ARN shape
                rule(
                        "role ARN with a short account",
                        n -> n.put("role_arn", "arn:aws:iam::1234:role/kitevend/deployer"),
                        err("role_arn", "invalid_role_arn")),
                rule(
                        "user ARN instead of a role",
                        n -> n.put("role_arn", "arn:aws:iam::123456789012:user/kitevend/deployer"),
                        err("role_arn", "invalid_role_arn")),
                rule("role ARN missing", n -> n.remove("role_arn"), err("role_arn", "invalid_role_arn")),
                // allowed accounts
                rule(
                        "role in an account not allowed",
                        n -> n.put("role_arn", "arn:aws:iam::999999999999:role/kitevend/deployer"),
                        err("role_arn", "account_not_allowed")),
                // the configured role path
                rule(
                        "role outside the role path",
                        n -> n.put("role_arn", "arn:aws:iam::123456789012:role/admin/deployer"),
                        err("role_arn", "role_path_not_allowed")),
                rule(
                        "role without a path",
                        n -> n.put("role_arn", "arn:aws:iam::123456789012:role/deployer"),
                        err("role_arn", "role_path_not_allowed")),
                // duration bounds
                rule(
                        "duration under 900 s",
                        n -> n.put("max_duration_seconds", 899),
                        err("max_duration_seconds", "out_of_range")),
                rule(
                        "duration over 12 h",
                        n -> n.put("max_duration_seconds", 43_201),
                        err("max_duration_seconds", "out_of_range")),
                rule(
                        "duration as text",
                        n -> n.put("max_duration_seconds", "1h"),
                        err("max_duration_seconds", "wrong_type")),
                // session policy
                rule(
                        "session policy that is not JSON",
                        n -> n.put("session_policy", "{\"Statement\": ["),
                        err("session_policy", "invalid_policy")),
                rule(
                        "session policy without a Statement",
                        n -> n.put("session_policy", "{\"Version\":\"2012-10-17\"}"),
                        err("session_policy", "invalid_policy")),
                rule(
                        "session policy over STS's 2048 characters",
                        n -> n.put(
                                "session_policy",
                                "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::"
                                        + "b".repeat(2000) + "/*\"}]}"),
                        err("session_policy", "policy_too_large")),
                // session tag claims
                rule(
                        "session tag of an unknown claim",
                        n -> array(n, "session_tags", "pipeline_slug", "favourite_colour"),
                        err("session_tags[1]", "unknown_claim")),
                rule(
                        "session tag listed twice",
                        n -> array(n, "session_tags", "build_number", "build_number"),
                        err("session_tags[1]", "duplicate_tag")),
                rule(
                        "51 session tags",
                        n -> array(
                                n,
                                "session_tags",
                                IntStream.range(0, 51)
                                        .mapToObj(i -> "agent_tag:t" + i)
                                        .toArray(String[]::new)),
                        err("session_tags", "too_many_tags")),
                // shape
                rule("unknown field", n -> n.put("colour", "blue"), err("colour", "unknown_field")),
                rule("enabled as text", n -> n.put("enabled", "yes"), err("enabled", "wrong_type")),
                rule(
                        "external id with a space",
                        n -> n.put("external_id", "a b"),
                        err("external_id", "invalid_external_id")),
                rule(
                        "description with a control character",
                        n -> n.put("description", "bell\u0007"),
                        err("description", "invalid_description")),
                // several at once
                rule(
                        "several problems in one request",
                        n -> {
                            n.put("pipeline", "Deploy Prod");
                            array((ObjectNode) n.get("conditions"), "build_commit", "x");
                            n.put("role_arn", "arn:aws:iam::999999999999:role/admin/deployer");
                            n.put("max_duration_seconds", 60);
                            n.put("session_policy", "nope");
                            array(n, "session_tags", "nope");
                        },
                        err("pipeline", "invalid_pipeline"),
                        err("conditions.build_commit", "unknown_claim"),
                        err("role_arn", "account_not_allowed"),
                        err("role_arn", "role_path_not_allowed"),
                        err("max_duration_seconds", "out_of_range"),
                        err("session_policy", "invalid_policy"),
                        err("session_tags[0]", "unknown_claim")));
    }

    private static List<Err> errors(HttpResponse r) throws Exception {
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.headers()).containsEntry("content-type", "application/problem+json");
        JsonNode body = Json.readTree(r.body());
        assertThat(body.get("code").asText()).isEqualTo("invalid_binding");
        List<Err> out = new ArrayList<>();
        body.get("errors").forEach(e -> {
            assertThat(e.get("message").asText())
                    .as("every error explains itself")
                    .isNotBlank();
            out.add(err(e.get("field").asText(), e.get("code").asText()));
        });
        return out;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void createIsRefusedWithEveryFieldError(
            String rule, String org, String name, Consumer<ObjectNode> change, List<Err> expected) throws Exception {
        ObjectNode body = valid();
        change.accept(body);

        HttpResponse r =
                f.send(request("PUT", "/v1/admin/bindings/" + org + "/" + name).json(Json.write(body)));

        assertThat(errors(r)).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(store.list(org, null, 10).bindings()).as("nothing stored").isEmpty();
        assertThat(audit.records())
                .as("nothing changed: the refused attempt is the only record")
                .singleElement()
                .satisfies(rec -> assertThat(rec)
                        .containsEntry("decision", "deny")
                        .containsEntry("reason", "invalid_binding")
                        .doesNotContainKey("after"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rules")
    void replaceIsRefusedTheSameWayAndKeepsTheStoredBinding(
            String rule, String org, String name, Consumer<ObjectNode> change, List<Err> expected) throws Exception {
        ObjectNode body = valid();
        change.accept(body);
        store.put(AdminFixture.binding("deploy-main").version(3).build());

        HttpResponse r = f.send(request("PUT", "/v1/admin/bindings/" + org + "/" + name)
                .ifMatch(3)
                .json(Json.write(body)));

        assertThat(errors(r)).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(store.get("acme", "deploy-main").orElseThrow())
                .isEqualTo(AdminFixture.binding("deploy-main").version(3).build());
    }

    @Test
    void theValidBodyIsAcceptedAndASessionPolicyMayBeAnObject() throws Exception {
        ObjectNode body = valid();
        body.putObject("session_policy")
                .put("Version", "2012-10-17")
                .putArray("Statement")
                .addObject()
                .put("Effect", "Allow")
                .put("Action", "s3:GetObject")
                .put("Resource", "*");
        array(body, "session_tags", "pipeline_slug", "agent_tag:queue");

        HttpResponse r =
                f.send(request("PUT", "/v1/admin/bindings/acme/deploy-main").json(Json.write(body)));

        assertThat(r.status()).as(r.body()).isEqualTo(201);
        assertThat(store.get("acme", "deploy-main").orElseThrow().sessionPolicy())
                .contains("\"Statement\"");
    }

    @Test
    void applyListsEveryProblemOfEveryBindingWithItsPath() throws Exception {
        String document = """
                bindings:
                  - name: deploy-main
                    organization: acme
                    pipeline: deploy
                    role_arn: arn:aws:iam::123456789012:role/kitevend/deployer
                  - name: Bad_Name
                    organization: acme
                    pipeline: deploy
                    role_arn: arn:aws:iam::123456789012:role/admin/deployer
                    max_duration_seconds: 50000
                  - name: deploy-main
                    organization: acme
                    pipeline: build
                    role_arn: arn:aws:iam::123456789012:role/kitevend/builder
                  - name: elsewhere
                    organization: initech
                    pipeline: deploy
                    conditions: {build_commit: [abc]}
                    role_arn: arn:aws:iam::123456789012:role/kitevend/deployer
                """;

        HttpResponse r = f.send(request("POST", "/v1/admin/apply").yaml(document));

        assertThat(errors(r))
                .containsExactlyInAnyOrder(
                        err("bindings[1].name", "invalid_name"),
                        err("bindings[1].role_arn", "role_path_not_allowed"),
                        err("bindings[1].max_duration_seconds", "out_of_range"),
                        err("bindings[2].name", "duplicate_name"),
                        err("bindings[3].organization", "organization_not_allowed"),
                        err("bindings[3].conditions.build_commit", "unknown_claim"));
        assertThat(store.list("acme", null, 10).bindings())
                .as("an invalid document changes nothing")
                .isEmpty();
    }

    @Test
    void applyOfAnUnreadableDocumentIsInvalidToo() throws Exception {
        assertThat(errors(f.send(request("POST", "/v1/admin/apply").yaml("bindings: [unclosed"))))
                .extracting(Err::code)
                .containsExactly("unparseable");
        assertThat(errors(f.send(request("POST", "/v1/admin/apply").json("{\"rules\": []}"))))
                .containsExactly(err("bindings", "missing"));
    }
}
