package io.kitevend.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.fasterxml.jackson.databind.JsonNode;
import io.kitevend.admin.AdminRequest;
import io.kitevend.admin.AdminService;
import io.kitevend.function.admin.AdminHandler;
import io.kitevend.function.report.AuditReportHandler;
import io.kitevend.function.secrets.SecretsHandler;
import io.kitevend.function.vend.VendHandler;
import io.kitevend.json.Json;
import io.kitevend.lambda.AdminEvents;
import io.kitevend.testing.SampleEvents;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.instruction.InvokeInstruction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;

/**
 * The runner's events against API Gateway's, over real HTTP through an in-process runner (route
 * matching, IAM and JWT authorizers, the one mapping): field by field against AWS's documented
 * payload 2.0 samples ({@code events/aws/}) for the same request, and every field, query parameter
 * and authorizer value the functions read must be filled.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiGatewayConformanceTest {
    static final String AKID = IamRoutesTest.ADMIN_AKID;
    static final String SECRET = IamRoutesTest.ADMIN_SECRET;
    static final String ARN = IamRoutesTest.ADMIN_ARN;

    /**
     * The samples' path and path parameters cannot come from one request (their {@code $default}
     * route has no parameters): the request here goes to this path on {@link #ROUTE}, which gives
     * the samples' {@code pathParameters}; {@code rawPath} and {@code http.path} are compared with it.
     */
    static final String PATH = "/my/value1";

    static final String ROUTE = "POST /my/{parameter1}";
    static final String QUERY = "parameter1=value1&parameter1=value2&parameter2=value";

    final EchoHandler echo = new EchoHandler();
    AdminIdp idp;
    LocalRunner runner;

    @BeforeAll
    void start() throws Exception {
        idp = new AdminIdp();
        RunnerOptions options = new RunnerOptions();
        options.port = 0;
        options.region = "us-east-1";
        options.adminKey = List.of(AKID + ":" + SECRET + ":" + ARN);
        options.adminJwtIssuer = idp.issuer();
        options.adminJwtAudience = AdminIdp.AUDIENCE;
        options.adminJwtPort = 0;
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8);
        runner = LocalRunner.start(options, quiet, quiet);
        runner.mount(ROUTE, Routes.Authorization.JWT, echo);
        runner.replace("GET /v1/admin/bindings", Routes.Authorization.AWS_IAM, echo);
    }

    @AfterAll
    void stop() {
        runner.close();
        idp.close();
    }

    @BeforeEach
    void clear() {
        echo.events.clear();
    }

    // ------------------------------------------------------------------ the requests

    /** A token whose claims and scopes are the samples' ({@code claim1}, {@code claim2}, {@code scope1 scope2}). */
    String sampleToken() {
        return idp.token(c -> {
            c.put("claim1", "value1");
            c.put("claim2", "value2");
            c.put("scope", "scope1 scope2");
        });
    }

    /**
     * The samples' request as a client sends it: their query, headers (Header2 twice), cookies,
     * user agent and host, through the JWT authorizer; with {@code body} of {@code contentType}.
     */
    APIGatewayV2HTTPEvent sampleRequest(String contentType, byte[] body) throws IOException {
        return sampleRequest(QUERY, contentType, body);
    }

    APIGatewayV2HTTPEvent sampleRequest(String query, String contentType, byte[] body) throws IOException {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        // The runner answers only its own address (DNS rebinding); the domain name follows the Host sent.
        headers.put("Host", List.of("localhost:" + runner.jwtUrl().orElseThrow().getPort()));
        headers.put("Header1", List.of("value1"));
        headers.put("Header2", List.of("value1", "value2"));
        headers.put("Cookie", List.of("cookie1; cookie2"));
        headers.put("User-Agent", List.of("agent"));
        headers.put("Content-Type", List.of(contentType));
        headers.put("Authorization", List.of("Bearer " + sampleToken()));
        var r = RawHttp.send(runner.jwtUrl().orElseThrow(), "POST", PATH + "?" + query, headers, body);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return echo.last();
    }

    APIGatewayV2HTTPEvent iamRequest(String rawQuery) throws IOException {
        var signed = SignedRequest.sign(
                "GET",
                runner.url() + "/v1/admin/bindings" + (rawQuery == null ? "" : "?" + rawQuery),
                Map.of(),
                null,
                AwsBasicCredentials.create(AKID, SECRET),
                "us-east-1",
                IamAuthorizer.SERVICE,
                Instant.now());
        var r = RawHttp.send(signed, runner.url());
        assertThat(r.status()).as(rawQuery + ": " + r.body()).isEqualTo(200);
        return echo.last();
    }

    // ------------------------------------------------------------------ field by field

    /** The event as Lambda's own serializer writes it, as JSON. */
    static JsonNode json(APIGatewayV2HTTPEvent event) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        LambdaEventSerializers.serializerFor(
                        APIGatewayV2HTTPEvent.class, ApiGatewayConformanceTest.class.getClassLoader())
                .toJson(event, out);
        return Json.readTree(out.toString(StandardCharsets.UTF_8));
    }

    /** Every leaf of a JSON tree with its path ({@code a.b[0]}). */
    static void leaves(JsonNode node, String path, BiConsumer<String, JsonNode> visit) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                var e = it.next();
                leaves(e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey(), visit);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                leaves(node.get(i), path + "[" + i + "]", visit);
            }
        } else {
            visit.accept(path, node);
        }
    }

    /** Our node at a sample's path; header names lower-case, as API Gateway sends them. */
    static JsonNode at(JsonNode ours, String path) {
        JsonNode n = ours;
        String[] parts = path.split("\\.", -1);
        for (int i = 0; i < parts.length; i++) {
            String part = parts[i];
            int index = -1;
            if (part.endsWith("]")) {
                index = Integer.parseInt(part.substring(part.indexOf('[') + 1, part.length() - 1));
                part = part.substring(0, part.indexOf('['));
            }
            if (i == 1 && parts[0].equals("headers")) {
                part = part.toLowerCase(Locale.ROOT);
            }
            n = n == null ? null : n.get(part);
            if (index >= 0) {
                n = n == null ? null : n.get(index);
            }
        }
        return n == null || n.isNull() ? null : n;
    }

    /** What is checked, path by path, where the same request cannot give the sample's own value. */
    static final Map<String, Function<JsonNode, Boolean>> PER_REQUEST = Map.of(
            "requestContext.accountId", v -> v.asText().matches("\\d{12}"),
            "requestContext.apiId", v -> v.asText().matches("[a-z0-9]{10}"),
            "requestContext.requestId", v -> v.asText().matches("[A-Za-z0-9+/]{15}="),
            "requestContext.http.sourceIp", v -> v.asText().equals("127.0.0.1"),
            "requestContext.time", v -> v.asText().matches("\\d{2}/[A-Z][a-z]{2}/\\d{4}:\\d{2}:\\d{2}:\\d{2} \\+0000"),
            "requestContext.timeEpoch",
                    v -> v.isNumber() && Math.abs(v.asLong() - Instant.now().toEpochMilli()) < 60_000);

    /** Sample fields the template's API cannot have; the runner must leave them out. */
    static final Map<String, String> NOT_APPLICABLE = Map.of(
            "stageVariables", "the stage of template.yaml has no stage variables",
            "requestContext.authentication", "no mutual TLS (and no such field in the Java event)");

    /**
     * Compares every field the sample has: equal, or (ids, times, the caller's address, the
     * sample's placeholders) of the right shape; and ours has no field the sample does not know.
     */
    static void conforms(JsonNode sample, JsonNode ours, Map<String, JsonNode> sent) {
        List<String> problems = new ArrayList<>();
        leaves(sample, "", (path, expected) -> {
            String area = NOT_APPLICABLE.keySet().stream()
                    .filter(p -> path.equals(p) || path.startsWith(p + "."))
                    .findFirst()
                    .orElse(null);
            JsonNode actual = at(ours, path);
            if (area != null) {
                if (actual != null) {
                    problems.add(path + ": not applicable (" + NOT_APPLICABLE.get(area) + ") but is " + actual);
                }
                return;
            }
            if (actual == null) {
                problems.add(path + ": missing (the sample has " + expected + ")");
                return;
            }
            if (sent.containsKey(path)) {
                if (!sent.get(path).equals(actual)) {
                    problems.add(path + ": " + actual + ", the request sent " + sent.get(path));
                }
            } else if (PER_REQUEST.containsKey(path)) {
                if (!PER_REQUEST.get(path).apply(actual)) {
                    problems.add(path + ": " + actual + " is not of the right shape");
                }
            } else if (expected.isTextual() && expected.asText().contains("{{{")) {
                if (actual.getNodeType() != expected.getNodeType()) {
                    problems.add(path + ": " + actual + " is not a " + expected.getNodeType());
                }
            } else if (!expected.equals(actual)) {
                problems.add(path + ": " + actual + ", the sample has " + expected);
            }
        });
        for (String field : List.of("", "requestContext", "requestContext.http")) {
            JsonNode ourObject = field.isEmpty() ? ours : at(ours, field);
            JsonNode sampleObject = field.isEmpty() ? sample : at(sample, field);
            ourObject.fieldNames().forEachRemaining(name -> {
                if (!ourObject.get(name).isNull() && !sampleObject.has(name)) {
                    problems.add((field.isEmpty() ? "" : field + ".") + name + ": not in the sample");
                }
            });
        }
        assertThat(problems).as("differences from AWS's sample").isEmpty();
    }

    /** What the runner must give for this request where the sample's request differs (its path, route and host). */
    static Map<String, JsonNode> sentByThisRequest() {
        var text = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance;
        Map<String, JsonNode> sent = new LinkedHashMap<>();
        sent.put("rawPath", text.textNode(PATH));
        sent.put("requestContext.http.path", text.textNode(PATH));
        sent.put("routeKey", text.textNode(ROUTE));
        sent.put("requestContext.routeKey", text.textNode(ROUTE));
        sent.put("requestContext.domainName", text.textNode("localhost"));
        sent.put("requestContext.domainPrefix", text.textNode("localhost"));
        return sent;
    }

    @Test
    void theLambdaJavaLibrariesSampleFieldByField() throws Exception {
        APIGatewayV2HTTPEvent event =
                sampleRequest("text/plain; charset=utf-8", "Hello from Lambda!!".getBytes(StandardCharsets.UTF_8));

        conforms(
                Json.readTree(SampleEvents.text("aws/http-api-v2-lambda-java-tests.json")),
                json(event),
                sentByThisRequest());
    }

    @Test
    void theSamCliSampleFieldByFieldWithABinaryBody() throws Exception {
        byte[] binary = {(byte) 0x89, 'P', 'N', 'G', 0, (byte) 0xff, 1, 2};
        APIGatewayV2HTTPEvent event = sampleRequest("application/octet-stream", binary);

        Map<String, JsonNode> sent = sentByThisRequest();
        sent.put("requestContext.http.method", Json.readTree("\"POST\""));
        sent.put("requestContext.stage", Json.readTree("\"$default\""));
        sent.put("body", Json.readTree("\"" + Base64.getEncoder().encodeToString(binary) + "\""));
        conforms(Json.readTree(SampleEvents.text("aws/http-api-v2-sam-template.json")), json(event), sent);
        assertThat(event.getIsBase64Encoded()).isTrue();
    }

    @Test
    void bodiesAreTextOnlyForTheTypesApiGatewayPassesAsText() throws Exception {
        for (String type : List.of("application/json", "application/xml", "application/javascript", "text/csv")) {
            var e = sampleRequest(type, "{\"a\":1}".getBytes(StandardCharsets.UTF_8));
            assertThat(e.getIsBase64Encoded()).as(type).isFalse();
            assertThat(e.getBody()).as(type).isEqualTo("{\"a\":1}");
        }
        for (String type : List.of("application/yaml", "application/x-www-form-urlencoded", "image/png")) {
            var e = sampleRequest(type, "a: 1".getBytes(StandardCharsets.UTF_8));
            assertThat(e.getIsBase64Encoded()).as(type).isTrue();
            assertThat(new String(Base64.getDecoder().decode(e.getBody()), StandardCharsets.UTF_8))
                    .as(type)
                    .isEqualTo("a: 1");
        }
    }

    // ------------------------------------------------------------------ what the functions read

    @Test
    void everyQueryParameterTheAdminFunctionReadsReachesItDecoded() throws Exception {
        String value = "a b+c/d,é";
        for (String name : AdminRequest.QUERY_PARAMETERS) {
            String encoded = "a%20b%2Bc%2Fd%2C%C3%A9";
            APIGatewayV2HTTPEvent event = iamRequest(name + "=" + encoded + "&other=1");
            assertThat(event.getRawQueryString()).isEqualTo(name + "=" + encoded + "&other=1");
            assertThat(event.getQueryStringParameters()).containsEntry(name, value);
            assertThat(AdminEvents.request(event, Clock.systemUTC()).param(name))
                    .as("%s as the admin function reads it", name)
                    .isEqualTo(value);

            APIGatewayV2HTTPEvent repeated = iamRequest(name + "=x&" + name + "=y%20z");
            assertThat(repeated.getQueryStringParameters()).containsEntry(name, "x,y z");
        }
        assertThat(iamRequest(null).getQueryStringParameters())
                .as("no query: absent, as API Gateway leaves it")
                .isNull();
    }

    @Test
    void queryValuesAreDecodedAsAFormWithPlusForSpace() throws Exception {
        // Unsigned (the JWT route): how a raw '+' enters a SigV4 signature is not this test's business.
        var e = sampleRequest("a=y+z&b=c%2Bd&a=w&flag&&c=", "text/plain", new byte[0]);

        assertThat(e.getRawQueryString()).isEqualTo("a=y+z&b=c%2Bd&a=w&flag&&c=");
        assertThat(e.getQueryStringParameters())
                .containsExactlyInAnyOrderEntriesOf(Map.of("a", "y z,w", "b", "c+d", "flag", "", "c", ""));
        assertThat(e.getBody()).as("no body").isNull();
        assertThat(e.getIsBase64Encoded()).isFalse();
    }

    /** Every getter of the payload 2.0 event classes that kitevend's functions and core call. */
    static Set<String> gettersTheFunctionsCall() throws IOException {
        Set<String> getters = new TreeSet<>();
        for (Class<?> c : List.of(
                AdminService.class,
                VendHandler.class,
                AdminHandler.class,
                SecretsHandler.class,
                AuditReportHandler.class)) {
            Path location;
            try {
                location = Path.of(
                        c.getProtectionDomain().getCodeSource().getLocation().toURI());
            } catch (java.net.URISyntaxException e) {
                throw new IllegalStateException(e);
            }
            for (byte[] bytes : classFiles(location)) {
                ClassFile.of()
                        .parse(bytes)
                        .methods()
                        .forEach(m -> m.code()
                                .ifPresent(code -> code.forEach(element -> {
                                    if (element instanceof InvokeInstruction invoke) {
                                        String owner = invoke.owner().asInternalName();
                                        String name = invoke.name().stringValue();
                                        if (owner.startsWith(
                                                        "com/amazonaws/services/lambda/runtime/events/APIGatewayV2HTTPEvent")
                                                && name.startsWith("get")) {
                                            getters.add(owner.substring(owner.lastIndexOf('/') + 1) + "." + name);
                                        }
                                    }
                                })));
            }
        }
        return getters;
    }

    /** The class files under io/kitevend of a classes directory or a jar. */
    static List<byte[]> classFiles(Path location) throws IOException {
        List<byte[]> out = new ArrayList<>();
        if (Files.isDirectory(location)) {
            try (Stream<Path> files = Files.walk(location.resolve("io/kitevend"))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                    out.add(Files.readAllBytes(f));
                }
            }
        } else {
            try (JarFile jar = new JarFile(location.toFile())) {
                for (var e : jar.stream()
                        .filter(e -> e.getName().startsWith("io/kitevend/")
                                && e.getName().endsWith(".class"))
                        .toList()) {
                    out.add(jar.getInputStream(e).readAllBytes());
                }
            }
        }
        return out;
    }

    /** How a runner's event reaches the object of each event class. */
    static Object part(APIGatewayV2HTTPEvent event, String eventClass) {
        var context = event.getRequestContext();
        var authorizer = context == null ? null : context.getAuthorizer();
        return switch (eventClass) {
            case "APIGatewayV2HTTPEvent" -> event;
            case "APIGatewayV2HTTPEvent$RequestContext" -> context;
            case "APIGatewayV2HTTPEvent$RequestContext$Http" -> context == null ? null : context.getHttp();
            case "APIGatewayV2HTTPEvent$RequestContext$Authorizer" -> authorizer;
            case "APIGatewayV2HTTPEvent$RequestContext$Authorizer$JWT" ->
                authorizer == null ? null : authorizer.getJwt();
            case "APIGatewayV2HTTPEvent$RequestContext$IAM" -> authorizer == null ? null : authorizer.getIam();
            default -> throw new AssertionError("the functions read " + eventClass + ": teach this test to reach it");
        };
    }

    @Test
    void everyEventFieldTheFunctionsReadIsFilledByTheRunner() throws Exception {
        Set<String> read = gettersTheFunctionsCall();
        assertThat(read)
                .as("the scan sees the readers (http.ApiGateway, admin.AdminEvents)")
                .contains(
                        "APIGatewayV2HTTPEvent.getQueryStringParameters",
                        "APIGatewayV2HTTPEvent.getIsBase64Encoded",
                        "APIGatewayV2HTTPEvent$RequestContext$IAM.getUserArn",
                        "APIGatewayV2HTTPEvent$RequestContext$Authorizer$JWT.getClaims");

        List<APIGatewayV2HTTPEvent> events = List.of(
                sampleRequest("application/json", "{}".getBytes(StandardCharsets.UTF_8)),
                sampleRequest("application/yaml", "a: 1".getBytes(StandardCharsets.UTF_8)),
                iamRequest("organization=acme"));
        List<String> unfilled = new ArrayList<>();
        for (String getter : read) {
            String eventClass = getter.substring(0, getter.lastIndexOf('.'));
            String name = getter.substring(getter.lastIndexOf('.') + 1);
            List<Object> values = new ArrayList<>();
            for (APIGatewayV2HTTPEvent e : events) {
                Object owner = part(e, eventClass);
                values.add(
                        owner == null ? null : owner.getClass().getMethod(name).invoke(owner));
            }
            boolean filled =
                    values.stream().anyMatch(v -> v instanceof Boolean b ? b : v instanceof Long l ? l > 0 : v != null)
                            && (values.stream().noneMatch(v -> v instanceof Boolean) || values.contains(Boolean.FALSE));
            if (!filled) {
                unfilled.add(getter + " " + values);
            }
        }
        assertThat(unfilled)
                .as("read by the functions, never filled by the runner")
                .isEmpty();
    }

    @Test
    void anIamCallerArrivesAsApiGatewayDescribesIt() throws Exception {
        var iam = iamRequest(null).getRequestContext().getAuthorizer().getIam();
        assertThat(iam.getAccessKey()).isEqualTo(AKID);
        assertThat(iam.getAccountId()).isEqualTo("123456789012");
        assertThat(iam.getUserArn()).isEqualTo(ARN);
        assertThat(iam.getUserId()).isNotBlank();
        assertThat(iam.getCallerId()).isNotBlank();
        assertThat(iam.getCognitoIdentity()).as("only for Cognito identities").isNull();
        assertThat(iam.getPrincipalOrgId())
                .as("only for principals of an AWS organization")
                .isNull();
    }
}
