package io.kitevend.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import software.amazon.awssdk.regions.Region;

class ReportConfigTest {
    private static Map<String, String> minimal() {
        Map<String, String> env = new HashMap<>();
        env.put("AWS_REGION", "eu-west-1");
        env.put("KITEVEND_BINDINGS_TABLE", "kitevend-bindings");
        env.put("KITEVEND_AUDIT_TABLE", "kitevend-audit");
        env.put("KITEVEND_ORGANIZATIONS", "acme,acme-labs");
        env.put("KITEVEND_REPORT_BUCKET", "kitevend-reports-123456789012");
        return env;
    }

    @Test
    void defaults() {
        Settings settings = new Settings(minimal());
        ReportConfig c = ReportConfig.from(settings);
        assertThat(c.region()).isEqualTo(Region.EU_WEST_1);
        assertThat(c.awsEndpoint()).isEmpty();
        assertThat(c.auditShards()).isEqualTo(4);
        assertThat(c.organizations()).containsExactlyInAnyOrder("acme", "acme-labs");
        assertThat(c.topicArn()).isEmpty();
        assertThat(c.options().staleDays()).isEqualTo(30);
        assertThat(c.options().longDurationSeconds()).isEqualTo(14_400);
        assertThat(c.options().bootstrapDays()).isZero();
        assertThat(c.maxWindow()).isEqualTo(Duration.ofDays(31));
        assertThat(settings.variablesRead()).containsExactlyInAnyOrderElementsOf(ReportConfig.VARIABLES);
    }

    @Test
    void everySettingCanBeChanged() {
        Map<String, String> env = minimal();
        env.put("KITEVEND_AWS_ENDPOINT", "http://127.0.0.1:5000");
        env.put("KITEVEND_AUDIT_SHARDS", "8");
        env.put("KITEVEND_REPORT_TOPIC_ARN", "arn:aws:sns:eu-west-1:123456789012:kitevend-reports");
        env.put("KITEVEND_REPORT_STALE_DAYS", "45");
        env.put("KITEVEND_REPORT_LONG_DURATION_SECONDS", "7200");
        env.put("KITEVEND_REPORT_BOOTSTRAP_DAYS", "30");
        env.put("KITEVEND_REPORT_MAX_WINDOW_DAYS", "92");
        ReportConfig c = ReportConfig.from(new Settings(env));
        assertThat(c.awsEndpoint())
                .hasValueSatisfying(u -> assertThat(u.getPort()).isEqualTo(5000));
        assertThat(c.auditShards()).isEqualTo(8);
        assertThat(c.topicArn()).contains("arn:aws:sns:eu-west-1:123456789012:kitevend-reports");
        assertThat(c.options().staleDays()).isEqualTo(45);
        assertThat(c.options().longDurationSeconds()).isEqualTo(7200);
        assertThat(c.options().bootstrapDays()).isEqualTo(30);
        assertThat(c.maxWindow()).isEqualTo(Duration.ofDays(92));
    }

    private static Arguments bad(String name, String variable, String value) {
        return Arguments.of(Named.of(name, variable), value);
    }

    static Stream<Arguments> badSettings() {
        return Stream.of(
                bad("no region", "AWS_REGION", null),
                bad("region not a region", "AWS_REGION", "europe"),
                bad("no bucket", "KITEVEND_REPORT_BUCKET", null),
                bad("bucket with capitals", "KITEVEND_REPORT_BUCKET", "Reports"),
                bad("bucket with two dots", "KITEVEND_REPORT_BUCKET", "my..reports"),
                bad("no audit table", "KITEVEND_AUDIT_TABLE", null),
                bad("bad bindings table", "KITEVEND_BINDINGS_TABLE", "a b"),
                bad("no organizations", "KITEVEND_ORGANIZATIONS", null),
                bad("bad organization", "KITEVEND_ORGANIZATIONS", "Acme Inc"),
                bad("zero shards", "KITEVEND_AUDIT_SHARDS", "0"),
                bad("topic not an ARN", "KITEVEND_REPORT_TOPIC_ARN", "reports"),
                bad("topic of another service", "KITEVEND_REPORT_TOPIC_ARN", "arn:aws:sqs:eu-west-1:123456789012:q"),
                bad("stale days not a number", "KITEVEND_REPORT_STALE_DAYS", "thirty"),
                bad("stale days zero", "KITEVEND_REPORT_STALE_DAYS", "0"),
                bad("long duration below STS's minimum", "KITEVEND_REPORT_LONG_DURATION_SECONDS", "60"),
                bad("long duration above STS's maximum", "KITEVEND_REPORT_LONG_DURATION_SECONDS", "50000"),
                bad("negative bootstrap", "KITEVEND_REPORT_BOOTSTRAP_DAYS", "-1"),
                bad("window over retention", "KITEVEND_REPORT_MAX_WINDOW_DAYS", "401"),
                bad("endpoint not a URL", "KITEVEND_AWS_ENDPOINT", "moto"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badSettings")
    void badSettingsNameTheirVariable(String variable, String value) {
        Map<String, String> env = minimal();
        if (value == null) {
            env.remove(variable);
        } else {
            env.put(variable, value);
        }
        assertThatThrownBy(() -> ReportConfig.from(new Settings(env)))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(variable + ":")
                .satisfies(e -> assertThat(((ConfigException) e).variable()).isEqualTo(variable));
    }
}
