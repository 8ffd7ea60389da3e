package io.kitevend.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kitevend.testing.Emulators;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What an operator meets on day one, checked on template.yaml and the docs: the stack creates in
 * any account, the first report run can tell a missing state from a refused one, every function is
 * watched, every log group has a retention, the README names the SAM CLI it needs, and
 * docs/operations.md every output the stack has.
 */
class OperationsTemplateTest {
    /** The first SAM CLI release that builds each runtime (java25: aws-sam-cli #8374, released in 1.146.0). */
    private static final Map<String, String> FIRST_SAM_CLI = Map.of("java25", "1.146.0");

    static Template template;
    static String readme;
    /** Where the stack's outputs, parameters and permissions are documented. */
    static String operations;

    @BeforeAll
    static void load() throws IOException {
        template = Template.load();
        readme = Files.readString(Emulators.repoRoot().resolve("README.md"));
        operations = Files.readString(Emulators.repoRoot().resolve("docs/operations.md"));
    }

    @Test
    void noFunctionReservesConcurrency() {
        // A reservation fails the stack in accounts with little unreserved concurrency (new accounts).
        template.resources("AWS::Serverless::Function")
                .forEach((name, fn) -> assertThat(fn.path("Properties").has("ReservedConcurrentExecutions"))
                        .as(name)
                        .isFalse());
        assertThat(template.root.path("Globals").path("Function").has("ReservedConcurrentExecutions"))
                .isFalse();
    }

    @Test
    void theReportFunctionMayListItsBucketSoThatAMissingStateIsA404() {
        JsonNode statements = template.resources("AWS::Serverless::Function")
                .get("AuditReportFunction")
                .at("/Properties/Policies/0/Statement");
        List<JsonNode> listing = new ArrayList<>();
        statements.forEach(s -> {
            if (s.path("Action").toString().contains("s3:ListBucket")) {
                listing.add(s);
            }
        });
        assertThat(listing).hasSize(1);
        JsonNode list = listing.get(0);
        assertThat(list.path("Effect").asText()).isEqualTo("Allow");
        assertThat(list.path("Resource").asText()).isEqualTo("ReportBucket.Arn");
        // S3 evaluates the listing right for a GetObject without any s3:prefix in the request, so
        // any condition on the prefix turns the 404 of a missing key into a 403.
        assertThat(list.has("Condition")).as(list.toString()).isFalse();
    }

    @Test
    void everyFunctionHasAnErrorsAndAThrottlesAlarmOnTheAlarmTopic() {
        Map<String, JsonNode> alarms = template.resources("AWS::CloudWatch::Alarm");
        template.resources("AWS::Serverless::Function").keySet().forEach(function -> {
            for (String metric : List.of("Errors", "Throttles")) {
                List<String> watching = new ArrayList<>();
                alarms.forEach((id, alarm) -> {
                    JsonNode p = alarm.path("Properties");
                    if (p.path("Namespace").asText().equals("AWS/Lambda")
                            && p.path("MetricName").asText().equals(metric)
                            && p.path("Dimensions").toString().contains("\"" + function + "\"")) {
                        assertThat(p.path("AlarmActions").toString()).as(id).contains("AlarmTopic");
                        assertThat(p.path("Threshold").asInt()).as(id).isEqualTo(1);
                        watching.add(id);
                    }
                });
                assertThat(watching).as(function + " " + metric).hasSize(1);
            }
        });
    }

    @Test
    void aScheduleThatCannotInvokeTheReportRaisesAnAlarm() {
        // SAM names the schedule's rule after the function and the event.
        List<String> events = new ArrayList<>();
        template.resources("AWS::Serverless::Function")
                .forEach((name, fn) -> fn.at("/Properties/Events").fields().forEachRemaining(e -> {
                    if (e.getValue().path("Type").asText().equals("Schedule")) {
                        events.add(name + e.getKey());
                    }
                }));
        assertThat(events).isNotEmpty();
        for (String rule : events) {
            assertThat(template.resources("AWS::CloudWatch::Alarm").values())
                    .as(rule)
                    .anySatisfy(alarm -> {
                        JsonNode p = alarm.path("Properties");
                        assertThat(p.path("Namespace").asText()).isEqualTo("AWS/Events");
                        assertThat(p.path("MetricName").asText()).isEqualTo("FailedInvocations");
                        assertThat(p.path("Dimensions").toString()).contains("\"" + rule + "\"");
                        assertThat(p.path("AlarmActions").toString()).contains("AlarmTopic");
                    });
        }
    }

    @Test
    void everyLogGroupKeepsItsEventsForLogRetentionDays() {
        Map<String, JsonNode> groups = template.resources("AWS::Logs::LogGroup");
        assertThat(groups).isNotEmpty();
        groups.forEach((id, group) -> assertThat(
                        group.at("/Properties/RetentionInDays").asText())
                .as(id)
                .isEqualTo("LogRetentionDays"));
        // Every function writes to one of these groups (not to a /aws/lambda/... group Lambda would
        // create without a retention), and so does every API's access log.
        template.resources("AWS::Serverless::Function")
                .forEach((name, fn) -> assertThat(groups)
                        .as(name)
                        .containsKey(fn.at("/Properties/LoggingConfig/LogGroup").asText()));
        List<String> accessLogs = new ArrayList<>();
        collect(template.root.get("Resources"), "AccessLogSettings", accessLogs);
        assertThat(accessLogs).hasSizeGreaterThanOrEqualTo(2);
        accessLogs.forEach(destination -> assertThat(groups).containsKey(destination.replace(".Arn", "")));
    }

    private static void collect(JsonNode node, String field, List<String> destinations) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                if (e.getKey().equals(field)) {
                    destinations.add(e.getValue().path("DestinationArn").asText());
                } else {
                    collect(e.getValue(), field, destinations);
                }
            });
        } else if (node.isArray()) {
            node.forEach(n -> collect(n, field, destinations));
        }
    }

    @Test
    void theReadmeNamesTheSamCliThatBuildsTheRuntime() {
        String runtime = template.root.at("/Globals/Function/Runtime").asText();
        assertThat(FIRST_SAM_CLI).as("the first SAM CLI release for " + runtime).containsKey(runtime);
        assertThat(readme).contains("SAM CLI " + FIRST_SAM_CLI.get(runtime) + " or later");
    }

    @Test
    void theOperationsPageListsEveryOutputOfTheStack() {
        int table = operations.indexOf("Outputs of the stack:");
        assertThat(table).as("the outputs table of docs/operations.md").isPositive();
        Set<String> listed = new TreeSet<>();
        Matcher row = Pattern.compile("(?m)^\\| `([A-Za-z0-9]+)` \\|").matcher(operations);
        row.region(table, operations.indexOf("\n\n", operations.indexOf("| output |", table)));
        while (row.find()) {
            listed.add(row.group(1));
        }
        Set<String> outputs = new TreeSet<>();
        template.root.path("Outputs").fieldNames().forEachRemaining(outputs::add);
        assertThat(listed).isEqualTo(outputs);
    }
}
