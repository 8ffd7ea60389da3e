package io.kitevend.text;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class IdentifiersTest {

    static Stream<Arguments> shapes() {
        Identifiers binding = Identifiers.BINDING_NAME;
        Identifiers org = Identifiers.ORGANIZATION_SLUG;
        Identifiers pipeline = Identifiers.PIPELINE_SLUG;
        Identifiers glob = Identifiers.PIPELINE_GLOB;
        Identifiers table = Identifiers.TABLE;
        Identifiers region = Identifiers.REGION;
        Identifiers account = Identifiers.ACCOUNT;
        return Stream.of(
                Arguments.of("binding", binding, "deploy-prod", true),
                Arguments.of("binding", binding, "a".repeat(63), true),
                Arguments.of("binding", binding, "a".repeat(64), false),
                Arguments.of("binding", binding, "-deploy", false),
                Arguments.of("binding", binding, "Deploy", false),
                Arguments.of("binding", binding, "deploy_prod", false),
                Arguments.of("binding", binding, null, false),
                Arguments.of("organization", org, "acme-corp", true),
                Arguments.of("organization", org, "a".repeat(101), false),
                Arguments.of("organization", org, "acme_corp", false),
                Arguments.of("pipeline", pipeline, "web_app.v2-x", true),
                Arguments.of("pipeline", pipeline, "infra-*", false),
                Arguments.of("pipeline glob", glob, "infra-*", true),
                Arguments.of("pipeline glob", glob, "?eb", true),
                Arguments.of("pipeline glob", glob, "Web", false),
                Arguments.of("table", table, "kitevend-audit.v1_x", true),
                Arguments.of("table", table, "ab", false),
                Arguments.of("table", table, "a/b-c", false),
                Arguments.of("region", region, "eu-west-1", true),
                Arguments.of("region", region, "us-gov-west-1", true),
                Arguments.of("region", region, "eu-west", false),
                Arguments.of("region", region, "EU-WEST-1", false),
                Arguments.of("account", account, "123456789012", true),
                Arguments.of("account", account, "12345678901", false),
                Arguments.of("account", account, "12345678901x", false));
    }

    @ParameterizedTest(name = "{0} {2}: {3}")
    @MethodSource("shapes")
    void eachNameHasOneShape(String kind, Identifiers shape, String value, boolean expected) {
        assertThat(shape.matches(value)).isEqualTo(expected);
    }
}
