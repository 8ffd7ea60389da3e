package io.kitevend.function.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.amazonaws.services.lambda.runtime.events.ScheduledEvent;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import io.kitevend.assembly.ReportAssembly;
import io.kitevend.audit.AuditRecord;
import io.kitevend.audit.Decision;
import io.kitevend.aws.AwsSettings;
import io.kitevend.aws.DynamoAuditStore;
import io.kitevend.aws.ReportClients;
import io.kitevend.aws.Tables;
import io.kitevend.config.ReportConfig;
import io.kitevend.config.Settings;
import io.kitevend.json.Json;
import io.kitevend.testing.AwsCallRecorder;
import io.kitevend.testing.EmulatorAws;
import io.kitevend.testing.Emulators;
import io.kitevend.testing.JobClaims;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sns.SnsClient;

/** The handler with its configuration from environment variables, against moto, fed the sample events. */
@Tag("integration")
class AuditReportHandlerIT {
    private static final Path EVENTS = Emulators.repoRoot().resolve("events");
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-06-01T12:00:00Z"), ZoneOffset.UTC);

    private URI endpoint;
    private final AwsCallRecorder recorder = new AwsCallRecorder();
    private ReportClients clients;
    private S3Client s3;
    private Map<String, String> env;
    private final ByteArrayOutputStream log = new ByteArrayOutputStream();

    @BeforeEach
    void setUp() throws Exception {
        endpoint = Emulators.moto();
        clients = new ReportClients(
                new AwsSettings(Region.US_EAST_1, Optional.of(endpoint), EmulatorAws.TEST_CREDENTIALS),
                List.of(recorder));
        s3 = clients.s3();
        String audit = EmulatorAws.table("handler-audit");
        String bindings = EmulatorAws.table("handler-bindings");
        Tables.ensure(clients.dynamo(), bindings, audit, EmulatorAws.table("handler-replay"));
        String bucket =
                "handler-reports-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        s3.createBucket(b -> b.bucket(bucket));
        env = new HashMap<>(Map.of(
                "AWS_REGION",
                "us-east-1",
                "KITEVEND_AWS_ENDPOINT",
                endpoint.toString(),
                "KITEVEND_AUDIT_TABLE",
                audit,
                "KITEVEND_BINDINGS_TABLE",
                bindings,
                "KITEVEND_AUDIT_SHARDS",
                "2",
                "KITEVEND_ORGANIZATIONS",
                "acme",
                "KITEVEND_REPORT_BUCKET",
                bucket));
        DynamoAuditStore store = new DynamoAuditStore(clients.dynamo(), audit, Duration.ofDays(400), 2);
        // Three on 2025-05-14 (the scheduled day), two more in the week of report-window.json, one after it.
        String[] times = {
            "2025-05-14T00:00:00.000Z",
            "2025-05-14T12:00:00.000Z",
            "2025-05-14T23:59:59.999Z",
            "2025-05-08T03:00:00.000Z",
            "2025-05-10T03:00:00.000Z",
            "2025-05-15T00:00:00.000Z"
        };
        for (int i = 0; i < times.length; i++) {
            AuditRecord r = new AuditRecord("handler-" + i, Instant.parse(times[i]), AuditRecord.KIND_VEND);
            r.claims(JobClaims.job().jti("jti-" + i).build());
            r.outcome(Decision.ALLOW, "issued", null, 200);
            r.binding("deploy-main");
            r.roleArn("arn:aws:iam::123456789012:role/kitevend/deployer");
            r.latencyMillis(30 + i);
            store.put(r);
        }
        recorder.clear();
    }

    private AuditReportHandler handler() {
        ReportConfig config = ReportConfig.from(new Settings(env));
        return new AuditReportHandler(
                ReportAssembly.create(config, clients, CLOCK, new PrintStream(log, true, StandardCharsets.UTF_8)),
                CLOCK);
    }

    private static Map<String, Object> event(String file) throws Exception {
        return Json.mapper()
                .readValue(Files.readString(EVENTS.resolve(file)), new TypeReference<Map<String, Object>>() {});
    }

    private JsonNode report(String key) throws Exception {
        return Json.readTree(s3.getObjectAsBytes(
                        b -> b.bucket(env.get("KITEVEND_REPORT_BUCKET")).key(key))
                .asUtf8String());
    }

    @Test
    void theScheduledEventReportsTheDayBeforeItAndPublishesTheSummary() throws Exception {
        try (SnsClient sns = clients.sns()) {
            env.put(
                    "KITEVEND_REPORT_TOPIC_ARN",
                    sns.createTopic(b -> b.name("kitevend-reports")).topicArn());
        }
        recorder.clear();
        Map<String, Object> summary = handler().handleRequest(event("report-schedule.json"), null);
        assertThat(summary)
                .containsEntry("from", "2025-05-14T00:00:00Z")
                .containsEntry("to", "2025-05-15T00:00:00Z")
                .containsEntry("records", 3L)
                .containsEntry("allow", 3L)
                .containsEntry(
                        "report_json", "s3://" + env.get("KITEVEND_REPORT_BUCKET") + "/reports/2025/05/14/report.json");
        JsonNode json = report("reports/2025/05/14/report.json");
        assertThat(json.at("/totals/records").asLong()).isEqualTo(3);
        assertThat(json.at("/vends/by_pipeline/0/pipeline").asText()).isEqualTo("deploy");
        assertThat(recorder.count("Sns", "Publish")).isEqualTo(1);
        assertThat(recorder.count("DynamoDb", "Scan")).isZero();
        assertThat(recorder.count("DynamoDb", "Query"))
                .as("2 shards of one day, then the bindings of one organization")
                .isEqualTo(3);
        assertThat(log.toString(StandardCharsets.UTF_8)).contains("kitevend audit report written");
    }

    @Test
    void aDirectInvocationReportsItsWindowWithoutSnsWhenNoTopicIsSet() throws Exception {
        Map<String, Object> summary = handler().handleRequest(event("report-window.json"), null);
        assertThat(summary)
                .containsEntry("from", "2025-05-08T00:00:00Z")
                .containsEntry("to", "2025-05-15T00:00:00Z")
                .containsEntry("records", 5L);
        assertThat(report("reports/2025/05/08/report.json")
                        .at("/timeline/bucket_seconds")
                        .asLong())
                .isEqualTo(6 * 3600);
        assertThat(recorder.calls("Sns")).isEmpty();
        assertThat(recorder.count("DynamoDb", "Query"))
                .as("7 days x 2 shards, then one organization")
                .isEqualTo(15);
    }

    @Test
    void aBadWindowFailsTheInvocationBeforeAnyAwsCall() {
        assertThatThrownBy(() -> handler().handleRequest(Map.of("from", "2025-05-08T00:00:00Z"), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'to'");
        assertThatThrownBy(() -> handler()
                        .handleRequest(Map.of("from", "2025-01-01T00:00:00Z", "to", "2025-06-01T00:00:00Z"), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at most 31 days");
        assertThat(recorder.calls()).isEmpty();
    }

    @Test
    void theScheduleSampleIsAnEventBridgeScheduledEvent() throws Exception {
        byte[] bytes = Files.readAllBytes(EVENTS.resolve("report-schedule.json"));
        ScheduledEvent e = LambdaEventSerializers.serializerFor(
                        ScheduledEvent.class, getClass().getClassLoader())
                .fromJson(new ByteArrayInputStream(bytes));
        assertThat(e.getDetailType()).isEqualTo("Scheduled Event");
        assertThat(e.getSource()).isEqualTo("aws.events");
        assertThat(e.getTime().getMillis())
                .isEqualTo(Instant.parse("2025-05-15T00:05:00Z").toEpochMilli());
    }
}
