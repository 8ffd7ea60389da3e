package io.kitevend.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kitevend.aws.AwsClients;
import io.kitevend.aws.AwsSettings;
import io.kitevend.aws.DynamoBindingStore;
import io.kitevend.aws.ReportClients;
import io.kitevend.aws.Tables;
import io.kitevend.binding.Binding;
import io.kitevend.binding.SecretGrant;
import io.kitevend.json.Json;
import io.kitevend.testing.EmulatorAws;
import io.kitevend.testing.Emulators;
import io.kitevend.testing.JwksServer;
import io.kitevend.testing.SampleEvents;
import io.kitevend.testing.TestKeys;
import io.kitevend.testing.TokenMinter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Every function of template.yaml, built by its Makefile target as {@code sam build} builds it,
 * run in a Lambda-faithful environment ({@link LambdaEnvironment}: the real Runtime Interface
 * Client in its own JVM, the layer at /opt/java, the task root, the runtime's JVM options) against
 * a loopback Runtime API ({@link LambdaRuntimeApi}), with the handler string and the variables of
 * the template after the real SAM transform, resolved to local values: the tables, bucket and
 * secrets in moto ({@code KITEVEND_AWS_ENDPOINT}, the one variable the template does not set), the
 * issuer a loopback JWKS. Each function answers its samples from {@code events/}; SnapStart
 * functions run the sequence Lambda runs (hooks, {@code restore/next}, a restore with new
 * credentials from a loopback container credentials endpoint, invocations). A template whose
 * handler or variables the code does not match fails here.
 *
 * <p>SnapStart as the RIC 2.10.1 does it (read in its source, {@code AWSLambda}): with
 * {@code AWS_LAMBDA_INITIALIZATION_TYPE=snap-start} it loads the handler (the constructor registers
 * its {@code org.crac} resources), calls {@code beforeCheckpoint} of its own CRaC context
 * ({@code com.amazonaws.services.lambda.crac}, which {@code org.crac} reaches through the
 * {@code -Dorg.crac.Core.Compat} option the managed runtime sets), then {@code GET restore/next},
 * then {@code afterRestore}, then the invocation loop; a failing hook is posted to
 * {@code init/error} or {@code restore/error} and the process exits. The harness drives nothing
 * itself: it plays Lambda's side (answering {@code restore/next}, with new container credentials
 * from then on). What it cannot do is take and restore a real snapshot: the JVM that ran the
 * hooks serves the invocations.
 *
 * <p>With {@code -Dkitevend.harness.figures=true} it also prints, per function, init, restore and
 * invoke times and the JVM's memory, and runs the vend function once more on demand (no hooks) to
 * compare, each time with warm invokes after the first whose median the first is set against;
 * {@code bench/lambda} runs it so. The figures are never asserted.
 */
@Tag("integration")
class LambdaHarnessIT {
    static final String BINDINGS = "kitevend-harness-bindings";
    static final String AUDIT = "kitevend-harness-audit";
    static final String REPLAY = "kitevend-harness-replay";
    static final String BUCKET = "kitevend-harness-reports";
    static final String NPM_TOKEN_ID = "kitevend/acme/npm-token";
    static final String NPM_TOKEN = "npm_harness_0123456789";
    /** The deployment's parameters: the admins of the sample events, by IAM and through the corporate identity provider. */
    static final Map<String, String> PARAMETERS = Map.of(
            "Organizations", "acme",
            "AdminReaders", "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_KitevendReaders_*/*",
            "AdminWriters", "arn:aws:sts::123456789012:assumed-role/AWSReservedSSO_KitevendAdmins_*/*",
            "AdminJwtIssuer", "https://idp.example.com/oauth2/default",
            "AdminJwtAudience", "kitevend-admin",
            "AdminJwtReaderGroups", "kitevend-readers");

    static final boolean FIGURES = Boolean.getBoolean("kitevend.harness.figures");

    /** Warm invokes timed after the first ones, for the median the first invoke is compared with. */
    private static final int WARM_INVOKES = 15;

    static URI moto;
    static SamBuild build;
    static Path work;
    static JwksServer jwks;
    static TokenMinter minter;
    static ContainerCredentials containerCredentials;
    static AwsClients aws;

    @BeforeAll
    static void deploy() throws Exception {
        build = SamBuild.get();
        work = build.scratch("lambda-harness");
        moto = Emulators.moto();
        Emulators.resetMoto(moto);
        aws = EmulatorAws.clients(moto);
        DynamoDbClient dynamo = aws.dynamo();
        Tables.ensure(dynamo, BINDINGS, AUDIT, REPLAY);
        EmulatorAws.createKitevendRole(moto, "deployer");
        new DynamoBindingStore(dynamo, BINDINGS)
                .put(Binding.builder()
                        .name("deploy-main")
                        .organization("acme")
                        .pipeline("deploy")
                        .condition("build_branch", "main")
                        .roleArn("arn:aws:iam::123456789012:role/kitevend/deployer")
                        .secret("NPM_TOKEN", SecretGrant.whole(NPM_TOKEN_ID))
                        .build());
        try (S3Client s3 = new ReportClients(
                                new AwsSettings(Region.US_EAST_1, Optional.of(moto), EmulatorAws.TEST_CREDENTIALS))
                        .s3();
                SecretsManagerClient secrets = aws.client(SecretsManagerClient.builder())) {
            s3.createBucket(b -> b.bucket(BUCKET));
            secrets.createSecret(b -> b.name(NPM_TOKEN_ID).secretString(NPM_TOKEN));
        }
        var key = TestKeys.rsa();
        jwks = new JwksServer(key);
        minter = new TokenMinter(key, jwks.issuer(), "kitevend");
        containerCredentials = new ContainerCredentials();
        if (FIGURES) {
            for (var artifact : build.artifacts().entrySet()) {
                figure("artifact " + artifact.getKey() + " "
                        + Json.write(Map.of("zip_bytes", SamPackage.zip(artifact.getValue()).length)));
            }
        }
    }

    static void figure(String line) throws java.io.IOException {
        System.out.println("lambda-harness " + line);
        Files.writeString(
                work.resolve("figures.txt"),
                "lambda-harness " + line + "\n",
                java.nio.file.StandardOpenOption.CREATE,
                java.nio.file.StandardOpenOption.APPEND);
    }

    @AfterAll
    static void tearDown() {
        if (jwks != null) {
            jwks.close();
        }
        if (containerCredentials != null) {
            containerCredentials.close();
        }
    }

    /** The functions of a template (after the SAM transform), resolved to this deployment's local values. */
    static Map<String, TemplateFunctions.Function> functions(Path template) throws Exception {
        JsonNode transformed = new SamTransform()
                .placeholderCode(Template.load())
                .parameters(PARAMETERS)
                .transform(template);
        Map<String, String> resources =
                Map.of("BindingsTable", BINDINGS, "AuditTable", AUDIT, "ReplayTable", REPLAY, "ReportBucket", BUCKET);
        return new TemplateFunctions(Template.of(transformed), PARAMETERS, resources).functions();
    }

    /**
     * Starts a function's environment as Lambda would for its template: SnapStart functions with
     * the snap-start init and container credentials (rotated at the restore, as a restored
     * environment gets its own), others on demand with credentials in the environment.
     */
    static LambdaEnvironment start(TemplateFunctions.Function function, LambdaEnvironment.InitType initType)
            throws Exception {
        Map<String, String> credentials = initType == LambdaEnvironment.InitType.SNAP_START
                ? containerCredentials.environment()
                : Map.of(
                        "AWS_ACCESS_KEY_ID", "ASIAONDEMAND00000001",
                        "AWS_SECRET_ACCESS_KEY", "test",
                        "AWS_SESSION_TOKEN", "on-demand-session");
        Map<String, String> local = new LinkedHashMap<>();
        local.put("KITEVEND_AWS_ENDPOINT", moto.toString());
        // The template pins Buildkite's issuer; the tokens here come from a loopback one. Only
        // variables the template sets are replaced, so a renamed variable is not papered over.
        for (var e : Map.of(
                        "KITEVEND_ISSUER",
                        jwks.issuer(),
                        "KITEVEND_JWKS_URL",
                        jwks.jwksUrl().toString())
                .entrySet()) {
            if (function.environment().containsKey(e.getKey())) {
                local.put(e.getKey(), e.getValue());
            }
        }
        LambdaEnvironment environment = LambdaEnvironment.start(function, build, initType, credentials, local, work);
        environment.runtimeApi().onRestore(containerCredentials::rotate);
        return environment;
    }

    static LambdaEnvironment.InitType asDeployed(TemplateFunctions.Function function) {
        return function.snapStart() ? LambdaEnvironment.InitType.SNAP_START : LambdaEnvironment.InitType.ON_DEMAND;
    }

    /** The API Gateway answer in a response payload: status, headers and the body as JSON. */
    record HttpAnswer(int status, JsonNode headers, JsonNode body) {}

    static HttpAnswer http(LambdaRuntimeApi.Outcome outcome) throws Exception {
        assertThat(outcome).isInstanceOf(LambdaRuntimeApi.Outcome.Response.class);
        JsonNode payload = Json.readTree(((LambdaRuntimeApi.Outcome.Response) outcome).payload());
        return new HttpAnswer(
                payload.path("statusCode").asInt(),
                payload.path("headers"),
                Json.readTree(payload.path("body").asText()));
    }

    /** Times an invocation, in milliseconds, into {@code figures}. */
    static LambdaRuntimeApi.Outcome timed(
            LambdaEnvironment environment, String event, String name, Map<String, Object> figures) throws Exception {
        environment.awaitReady();
        long started = System.nanoTime();
        LambdaRuntimeApi.Outcome outcome = environment.invoke(event);
        figures.put(name, (System.nanoTime() - started) / 1_000_000);
        return outcome;
    }

    static void report(LambdaEnvironment environment, Map<String, Object> figures) throws Exception {
        figures.putAll(environment.startMillis());
        figures.putAll(environment.memoryKib());
        figure(environment.function().logicalId() + " " + Json.write(figures));
    }

    @Test
    void theVendFunctionIssuesCredentialsFromMotoAndRefusesBadRequests() throws Exception {
        TemplateFunctions.Function vend = functions(SamTransform.TEMPLATE).get("VendFunction");
        assertThat(vend.snapStart()).isTrue();
        Map<String, Object> restored = vendUnder(vend, LambdaEnvironment.InitType.SNAP_START);
        if (FIGURES) {
            Map<String, Object> onDemand = vendUnder(vend, LambdaEnvironment.InitType.ON_DEMAND);
            figure(String.format(
                    Locale.ROOT,
                    "VendFunction first invoke over warm median: after restore %s ms / %s ms = %.2fx;"
                            + " on demand %s ms / %s ms = %.2fx",
                    restored.get("first_invoke_ms"),
                    restored.get("warm_median_ms"),
                    ratio(restored),
                    onDemand.get("first_invoke_ms"),
                    onDemand.get("warm_median_ms"),
                    ratio(onDemand)));
        }
    }

    private static double ratio(Map<String, Object> figures) {
        return ((Number) figures.get("first_invoke_ms")).doubleValue()
                / ((Number) figures.get("warm_median_ms")).doubleValue();
    }

    private Map<String, Object> vendUnder(TemplateFunctions.Function vend, LambdaEnvironment.InitType initType)
            throws Exception {
        int fetchesBefore = containerCredentials.fetches().size();
        String keyBefore = containerCredentials.currentKeyId();
        try (LambdaEnvironment environment = start(vend, initType)) {
            Map<String, Object> figures = new LinkedHashMap<>();
            figures.put("init", initType.value);
            HttpAnswer issued = http(timed(
                    environment,
                    SampleEvents.text("vend-request.json").replace(SampleEvents.PLACEHOLDER, minter.sign()),
                    "first_invoke_ms",
                    figures));
            assertThat(issued.status()).as(issued.body().toString()).isEqualTo(200);
            assertThat(issued.body().path("Version").asInt()).isEqualTo(1);
            // moto's STS answers AssumeRole with temporary keys (ASIA...) for the role of the binding.
            assertThat(issued.body().path("AccessKeyId").asText()).startsWith("ASIA");
            assertThat(issued.body().path("SessionToken").asText()).isNotBlank();

            HttpAnswer again = http(timed(
                    environment,
                    SampleEvents.text("vend-base64-body.json").replace(SampleEvents.PLACEHOLDER, minter.sign()),
                    "second_invoke_ms",
                    figures));
            assertThat(again.status()).as(again.body().toString()).isEqualTo(200);

            HttpAnswer noToken = http(environment.invoke(SampleEvents.text("vend-no-authorization.json")));
            assertThat(noToken.status()).isEqualTo(401);
            assertThat(noToken.body().path("code").asText()).isEqualTo("token_not_accepted");
            assertThat(noToken.headers().path("content-type").asText()).isEqualTo("application/problem+json");

            HttpAnswer malformed = http(environment.invoke(SampleEvents.text("vend-malformed-body.json")));
            assertThat(malformed.status()).isEqualTo(400);
            assertThat(malformed.body().path("code").asText()).isEqualTo("malformed_request");

            if (initType == LambdaEnvironment.InitType.SNAP_START) {
                // The hooks ran before the snapshot, the restore dropped the credentials they
                // resolved, and the invocations used the restored environment's own.
                String log = environment.log();
                assertThat(log).contains("\"hook\":\"beforeCheckpoint\"").contains("\"hook\":\"afterRestore\"");
                assertThat(log).contains("snapstart restore: credentials and bindings cache dropped");
                List<ContainerCredentials.Fetch> fetches = containerCredentials
                        .fetches()
                        .subList(fetchesBefore, containerCredentials.fetches().size());
                assertThat(fetches).allSatisfy(f -> assertThat(f.authorized()).isTrue());
                assertThat(fetches)
                        .extracting(ContainerCredentials.Fetch::accessKeyId)
                        .as("credentials before the snapshot (priming) and after the restore")
                        .contains(keyBefore, containerCredentials.currentKeyId());
                assertThat(environment.runtimeApi().restoredAt()).isPositive();
            }
            if (FIGURES) {
                double[] warm = new double[WARM_INVOKES];
                for (int i = 0; i < WARM_INVOKES; i++) {
                    long started = System.nanoTime();
                    HttpAnswer answer = http(environment.invoke(
                            SampleEvents.text("vend-request.json").replace(SampleEvents.PLACEHOLDER, minter.sign())));
                    warm[i] = (System.nanoTime() - started) / 1e6;
                    assertThat(answer.status()).as(answer.body().toString()).isEqualTo(200);
                }
                Arrays.sort(warm);
                figures.put("warm_median_ms", Math.round(warm[WARM_INVOKES / 2] * 10) / 10.0);
            }
            report(environment, figures);
            return figures;
        }
    }

    @Test
    void theSecretsFunctionHandsOutTheBindingsSecretFromMoto() throws Exception {
        TemplateFunctions.Function secrets = functions(SamTransform.TEMPLATE).get("SecretsFunction");
        try (LambdaEnvironment environment = start(secrets, asDeployed(secrets))) {
            Map<String, Object> figures = new LinkedHashMap<>();
            for (String round : List.of("first_invoke_ms", "second_invoke_ms")) {
                HttpAnswer answer = http(timed(
                        environment,
                        SampleEvents.text("secrets-request.json").replace(SampleEvents.PLACEHOLDER, minter.sign()),
                        round,
                        figures));
                assertThat(answer.status()).as(answer.body().toString()).isEqualTo(200);
                assertThat(answer.body().path("secrets").path("NPM_TOKEN").asText())
                        .isEqualTo(NPM_TOKEN);
                assertThat(answer.body().path("source").asText()).isEqualTo("secretsmanager");
            }
            report(environment, figures);
        }
    }

    @Test
    void theAdminFunctionAnswersReadersAndWritersFromTheIamAuthorizerContext() throws Exception {
        TemplateFunctions.Function admin = functions(SamTransform.TEMPLATE).get("AdminFunction");
        try (LambdaEnvironment environment = start(admin, asDeployed(admin))) {
            Map<String, Object> figures = new LinkedHashMap<>();
            HttpAnswer list =
                    http(timed(environment, SampleEvents.text("admin-list-bindings.json"), "first_invoke_ms", figures));
            assertThat(list.status()).as(list.body().toString()).isEqualTo(200);
            assertThat(list.body().path("bindings").findValuesAsText("name")).contains("deploy-main");

            HttpAnswer put =
                    http(timed(environment, SampleEvents.text("admin-put-binding.json"), "second_invoke_ms", figures));
            assertThat(put.status()).as(put.body().toString()).isEqualTo(201);
            assertThat(put.headers()
                            .path("etag")
                            .asText(put.headers().path("ETag").asText()))
                    .isEqualTo("\"1\"");

            // A reader through the JWT authorizer of the optional second API.
            HttpAnswer explain = http(environment.invoke(SampleEvents.withCorporateToken("admin-explain-jwt.json")));
            assertThat(explain.status()).as(explain.body().toString()).isEqualTo(200);
            assertThat(explain.body().toString()).contains("deploy-main");
            report(environment, figures);
        }
    }

    @Test
    void theReportFunctionWritesTheScheduledDaysReportToTheBucket() throws Exception {
        TemplateFunctions.Function report = functions(SamTransform.TEMPLATE).get("AuditReportFunction");
        try (LambdaEnvironment environment = start(report, asDeployed(report));
                S3Client s3 = new ReportClients(
                                new AwsSettings(Region.US_EAST_1, Optional.of(moto), EmulatorAws.TEST_CREDENTIALS))
                        .s3()) {
            Map<String, Object> figures = new LinkedHashMap<>();
            LambdaRuntimeApi.Outcome outcome =
                    timed(environment, SampleEvents.text("report-schedule.json"), "first_invoke_ms", figures);
            assertThat(outcome).isInstanceOf(LambdaRuntimeApi.Outcome.Response.class);
            JsonNode summary = Json.readTree(((LambdaRuntimeApi.Outcome.Response) outcome).payload());
            assertThat(summary.path("report_json").asText())
                    .isEqualTo("s3://" + BUCKET + "/reports/2025/05/14/report.json");
            assertThat(s3.headObject(b -> b.bucket(BUCKET).key("reports/2025/05/14/report.json"))
                            .contentLength())
                    .isPositive();
            assertThat(s3.headObject(b -> b.bucket(BUCKET).key("reports/state.json"))
                            .contentLength())
                    .isPositive();

            LambdaRuntimeApi.Outcome window =
                    timed(environment, SampleEvents.text("report-window.json"), "second_invoke_ms", figures);
            assertThat(window).isInstanceOf(LambdaRuntimeApi.Outcome.Response.class);
            report(environment, figures);
        }
    }

    @Test
    void aTemplateWhoseHandlerOrVariablesTheCodeDoesNotMatchFailsToStart() throws Exception {
        String template = Files.readString(SamTransform.TEMPLATE);

        Path wrongHandler = work.resolve("template-wrong-handler.yaml");
        Files.writeString(
                wrongHandler,
                replaceOnce(
                        template,
                        "Handler: io.kitevend.function.vend.VendHandler::handleRequest",
                        "Handler: io.kitevend.function.vend.VendFunction::handleRequest"));
        LambdaRuntimeApi.Outcome noClass = firstOutcome(functions(wrongHandler).get("VendFunction"));
        System.out.println("lambda-harness wrong handler: " + noClass);
        assertThat(noClass.toString()).contains("io.kitevend.function.vend.VendFunction");
        assertThat(noClass).isNotInstanceOf(LambdaRuntimeApi.Outcome.Response.class);

        Path missingVariable = work.resolve("template-missing-variable.yaml");
        Files.writeString(
                missingVariable,
                replaceOnce(
                        template,
                        "          KITEVEND_REPLAY_TABLE: !Ref ReplayTable\n          KITEVEND_BINDINGS_CACHE_SECONDS",
                        "          KITEVEND_REPLAY_TABL: !Ref ReplayTable\n          KITEVEND_BINDINGS_CACHE_SECONDS"));
        LambdaRuntimeApi.Outcome noTable =
                firstOutcome(functions(missingVariable).get("VendFunction"));
        assertThat(noTable).isInstanceOf(LambdaRuntimeApi.Outcome.InitFailed.class);
        assertThat(noTable.toString()).contains("KITEVEND_REPLAY_TABLE");
    }

    private static String replaceOnce(String text, String from, String to) {
        assertThat(text).contains(from);
        return text.replaceFirst(java.util.regex.Pattern.quote(from), java.util.regex.Matcher.quoteReplacement(to));
    }

    private static LambdaRuntimeApi.Outcome firstOutcome(TemplateFunctions.Function function) throws Exception {
        try (LambdaEnvironment environment = start(function, asDeployed(function))) {
            return environment.invoke(
                    SampleEvents.text("vend-request.json").replace(SampleEvents.PLACEHOLDER, minter.sign()));
        }
    }
}
