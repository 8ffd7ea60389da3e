package io.kitevend.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.kitevend.aws.DynamoAuditStore;
import io.kitevend.aws.DynamoBindingStore;
import io.kitevend.aws.Tables;
import io.kitevend.json.Json;
import io.kitevend.lambda.AdminEvents;
import io.kitevend.lambda.ApiGateway;
import io.kitevend.testing.AdminFixture;
import io.kitevend.testing.EmulatorAws;
import io.kitevend.testing.Emulators;
import io.kitevend.text.Text;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A seeded fuzz of every admin route, in process through what the admin function does with an API
 * Gateway event ({@link AdminEvents} → {@link AdminService} → {@link ApiGateway}), on the DynamoDB
 * stores against dynalite, where input reaches DynamoDB. Random and mutated paths, methods, query
 * strings, headers, bodies (JSON and YAML), page tokens (real ones, mutated, forged), dates and
 * versions, from readers, writers, strangers and callers without an authorizer context. Every answer
 * must be below 500 (the stores are up, so a 5xx is caused by the input) and, when not 2xx, a
 * well-formed problem+json. The test command runs {@code kitevend.fuzz.requests} (default 400)
 * requests with seed {@code kitevend.fuzz.seed}; a failure names the seed and the request to replay.
 */
class AdminFuzzIT {
    private static final YAMLMapper YAML = new YAMLMapper();
    private static final Pattern CODE = Pattern.compile("[a-z][a-z0-9_]*");
    private static final List<String> QUERY_NAMES =
            List.of("organization", "pipeline", "decision", "from", "to", "limit", "page", "dry_run", "prune", "x");
    /** Writers most, as they reach the stores most. */
    private static final String[] CALLERS = {
        AdminFixture.WRITER, AdminFixture.WRITER, AdminFixture.WRITER, AdminFixture.READER, AdminFixture.STRANGER
    };

    private static final String[] ODD = {
        "",
        " ",
        "%",
        "%2F",
        "%00",
        "..",
        "/",
        "\u0000",
        "\u202e",
        "é",
        "😀",
        "*",
        "?",
        "#",
        "'",
        "\"",
        "\\",
        "{x}",
        "null",
        "true",
        "-1",
        "0",
        "9223372036854775808",
        "1e309",
        "NaN",
        "<a>",
        "${x}",
        "acme",
        "globex",
        "deploy-main"
    };

    private final long seed = Long.getLong("kitevend.fuzz.seed", 20261129L);
    private final int requests = Integer.getInteger("kitevend.fuzz.requests", 400);
    private final Random random = new Random(seed);
    private final List<String> pageTokens = new ArrayList<>();
    private AdminFixture f;

    @Test
    void noInputMakesAnAdminRouteAnswer5xxOrAnythingButProblemJson() throws Exception {
        var dynamo = EmulatorAws.clients(Emulators.dynalite()).dynamo();
        String bindings = EmulatorAws.table("bindings");
        String audit = EmulatorAws.table("audit");
        Tables.ensure(dynamo, bindings, audit, EmulatorAws.table("replay"));
        f = new AdminFixture(
                new DynamoBindingStore(dynamo, bindings), new DynamoAuditStore(dynamo, audit, Duration.ofDays(400), 4));
        for (String name : List.of("deploy-main", "deploy-next", "deploy-old")) {
            f.bindingStore.put(AdminFixture.binding(name).version(1).build());
        }

        Map<Integer, Integer> statuses = new TreeMap<>();
        for (int i = 0; i < requests; i++) {
            APIGatewayV2HTTPEvent event = event();
            String replay = "seed " + seed + ", request " + i + ": " + describe(event);
            APIGatewayV2HTTPResponse r =
                    ApiGateway.response(f.admin.handle(AdminEvents.request(event, Clock.systemUTC())));
            statuses.merge(r.getStatusCode(), 1, Integer::sum);
            check(r, replay);
        }
        // The longer run's figures (-Dkitevend.fuzz.requests=...) are read from here.
        System.out.println("admin fuzz: seed " + seed + ", " + requests + " requests, statuses " + statuses);
        assertThat(statuses.keySet())
                .as("some requests are answered, some refused")
                .anyMatch(s -> s < 300);
    }

    private void check(APIGatewayV2HTTPResponse r, String replay) throws Exception {
        String body = r.getBody() == null ? "" : r.getBody();
        assertThat(r.getStatusCode())
                .as(replay + " -> " + Text.printable(body, 400))
                .isLessThan(500);
        assertThat(body).as(replay).doesNotContain("Exception").doesNotContain("\tat ");
        if (r.getStatusCode() >= 300 && r.getStatusCode() != 304) {
            assertThat(header(r, "content-type")).as(replay).startsWith("application/problem+json");
            JsonNode problem = Json.readTree(body);
            assertThat(problem.path("status").asInt()).as(replay + " " + body).isEqualTo(r.getStatusCode());
            assertThat(problem.path("type").asText()).as(replay + " " + body).isNotBlank();
            assertThat(problem.path("title").asText()).as(replay + " " + body).isNotBlank();
            assertThat(problem.path("code").asText()).as(replay + " " + body).matches(CODE);
        } else if (!body.isEmpty()) {
            JsonNode answer = Json.readTree(body);
            JsonNode next = answer.path("next_page");
            if (next.isTextual()) {
                pageTokens.add(next.asText());
            }
        }
    }

    private static String header(APIGatewayV2HTTPResponse r, String name) {
        return r.getHeaders().entrySet().stream()
                .filter(h -> h.getKey().equalsIgnoreCase(name))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElse("");
    }

    private APIGatewayV2HTTPEvent event() {
        AdminRoute route = pick(AdminRoute.values());
        String method = chance(10)
                ? pick(new String[] {"GET", "PUT", "POST", "DELETE", "PATCH", "HEAD", "get", ""})
                : route.method();
        Map<String, String> headers = new LinkedHashMap<>();
        Map<String, String> query = new LinkedHashMap<>();
        String body = null;
        switch (route) {
            case LIST_BINDINGS -> {
                maybe(query, "organization", "acme", pick(new String[] {"globex", "initech", text()}));
                maybe(query, "pipeline", "deploy", text());
                maybe(query, "limit", "2", number());
                maybe(query, "page", chance(2) ? pageToken() : null, page());
            }
            case QUERY_AUDIT -> {
                maybe(query, "organization", "acme", text());
                maybe(query, "pipeline", "deploy", text());
                maybe(query, "decision", pick(new String[] {"allow", "deny", "error"}), text());
                if (chance(2)) {
                    window(query);
                } else {
                    maybe(query, "from", "2026-11-01T00:00:00Z", date());
                    maybe(query, "to", "2026-11-02T00:00:00Z", date());
                }
                maybe(query, "limit", "2", number());
                maybe(query, "page", chance(2) ? pageToken() : null, page());
            }
            case PUT_BINDING -> {
                if (chance(2)) {
                    headers.put(
                            "if-match",
                            pick(new String[] {"\"1\"", "\"2\"", "*", "1", "\"" + number() + "\"", text()}));
                }
                body = bindingBody(headers);
            }
            case DELETE_BINDING -> {
                if (chance(2)) {
                    headers.put("if-match", pick(new String[] {"\"1\"", "\"" + number() + "\"", text()}));
                }
            }
            case APPLY -> {
                maybe(query, "dry_run", pick(new String[] {"true", "false"}), text());
                maybe(query, "prune", "false", pick(new String[] {"true", text()}));
                body = documentBody(headers);
            }
            case EXPLAIN -> body = explainBody(headers);
            default -> {}
        }
        if (chance(8)) {
            query.put(pick(QUERY_NAMES.toArray(String[]::new)), text());
        }
        if (chance(8)) {
            headers.put(text(), text());
        }
        if (chance(6)) {
            headers.put("content-type", pick(new String[] {"text/plain", "application/json; charset=utf-16", text()}));
        }

        APIGatewayV2HTTPEvent event = new APIGatewayV2HTTPEvent();
        String path = path(route);
        event.setRawPath(path);
        event.setHeaders(headers);
        event.setQueryStringParameters(query);
        if (body != null && chance(10)) {
            event.setBody(
                    chance(2)
                            ? Base64.getEncoder().encodeToString(body.getBytes(StandardCharsets.UTF_8))
                            : "%%not base64%%");
            event.setIsBase64Encoded(true);
        } else {
            event.setBody(body);
        }
        var http = APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                .withMethod(method)
                .withPath(path)
                .withSourceIp("198.51.100.7")
                .withUserAgent("fuzz")
                .build();
        var context = new APIGatewayV2HTTPEvent.RequestContext();
        context.setHttp(http);
        context.setRequestId(UUID.randomUUID().toString());
        context.setTimeEpoch(System.currentTimeMillis());
        if (!chance(12)) {
            var authorizer = new APIGatewayV2HTTPEvent.RequestContext.Authorizer();
            var iam = new APIGatewayV2HTTPEvent.RequestContext.IAM();
            iam.setUserArn(chance(20) ? text() : pick(CALLERS));
            authorizer.setIam(iam);
            context.setAuthorizer(authorizer);
        }
        event.setRequestContext(context);
        return event;
    }

    /** The route's path with its parameters filled, often mutated. */
    private String path(AdminRoute route) {
        String path = route.path()
                .replace("{organization}", chance(3) ? text() : pick(new String[] {"acme", "globex"}))
                .replace("{name}", chance(3) ? text() : pick(new String[] {"deploy-main", "deploy-next", "new-one"}))
                .replace("{request_id}", chance(2) ? text() : UUID.randomUUID().toString());
        if (chance(10)) {
            path = "/prod" + path;
        }
        if (chance(10)) {
            path = path + "/" + text();
        }
        if (chance(15)) {
            path = path.replace("/v1/admin", pick(new String[] {"/v1/Admin", "/v1/admin/", "//v1/admin", "/v1"}));
        }
        return path;
    }

    private String bindingBody(Map<String, String> headers) {
        return encode(binding(), headers);
    }

    private Map<String, Object> binding() {
        Map<String, Object> binding = new LinkedHashMap<>();
        binding.put("organization", chance(3) ? text() : "acme");
        binding.put("name", chance(4) ? text() : "deploy-main");
        binding.put("pipeline", chance(4) ? text() : "deploy");
        binding.put(
                "conditions", chance(4) ? Map.of(text(), List.of(text())) : Map.of("build_branch", List.of("main")));
        binding.put("role_arn", chance(4) ? text() : AdminFixture.ROLE_ARN);
        if (chance(3)) {
            binding.put("max_duration_seconds", chance(2) ? number() : 3600);
        }
        if (chance(5)) {
            binding.put(text(), text());
        }
        if (chance(12)) {
            // Swollen past what a DynamoDB item holds (400 KB) or just past what a binding may be.
            Map<String, List<String>> conditions = new LinkedHashMap<>();
            int tags = 1 + random.nextInt(130);
            for (int t = 0; t < tags; t++) {
                conditions.put("agent_tag:t" + t, Collections.nCopies(20, "v" + "x".repeat(200) + t));
            }
            binding.put("conditions", conditions);
        }
        if (chance(5)) {
            binding.remove(pick(binding.keySet().toArray(String[]::new)));
        }
        return binding;
    }

    private String documentBody(Map<String, String> headers) {
        List<Object> bindings = new ArrayList<>();
        int n = random.nextInt(4);
        for (int i = 0; i < n; i++) {
            bindings.add(binding());
        }
        Map<String, Object> document = new LinkedHashMap<>();
        document.put(chance(10) ? text() : "bindings", chance(10) ? text() : bindings);
        return encode(document, headers);
    }

    private String explainBody(Map<String, String> headers) {
        Map<String, Object> explain = new LinkedHashMap<>();
        switch (random.nextInt(4)) {
            case 0 ->
                explain.put("token", f.minter.sign(f.minter.claims("acme", "deploy", chance(2) ? "main" : text())));
            case 1 -> explain.put("token", text());
            case 2 ->
                explain.put(
                        "claims", Map.of("organization_slug", "acme", "pipeline_slug", text(), "build_branch", text()));
            default -> explain.put(text(), text());
        }
        if (chance(3)) {
            explain.put("binding", Map.of("name", text()));
        }
        return encode(explain, headers);
    }

    /** JSON or YAML, or a mutation of it: cut short, a byte flipped, nested deeply, or swollen. */
    private String encode(Object value, Map<String, String> headers) {
        boolean yaml = chance(3);
        headers.put("content-type", yaml ? "application/yaml" : "application/json");
        String text;
        try {
            text = yaml ? YAML.writeValueAsString(value) : Json.write(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return switch (random.nextInt(8)) {
            case 0 -> text.substring(0, random.nextInt(text.length() + 1));
            case 1 -> {
                char[] chars = text.toCharArray();
                if (chars.length > 0) {
                    chars[random.nextInt(chars.length)] = (char) random.nextInt(0x80);
                }
                yield new String(chars);
            }
            case 2 -> "[".repeat(5000) + "]".repeat(5000);
            case 3 -> yaml ? "a: &a [*a]\n" : "\"" + "x".repeat(200_000) + "\"";
            default -> text;
        };
    }

    private String page() {
        if (!pageTokens.isEmpty() && chance(2)) {
            String real = pick(pageTokens.toArray(String[]::new));
            if (chance(2)) {
                return real;
            }
            char[] chars = real.toCharArray();
            chars[random.nextInt(chars.length)] =
                    pick(new String[] {"A", "_", "-", "="}).charAt(0);
            return new String(chars);
        }
        if (chance(2)) {
            Map<String, Object> token = new LinkedHashMap<>();
            token.put("k", pick(new String[] {"bindings", "audit", text()}));
            Map<String, String> window = new LinkedHashMap<>();
            window(window);
            token.put("q", chance(2) ? Map.of("organization", "acme") : chance(2) ? window : text());
            token.put("a", pick(new String[] {"", date() + "#" + text(), text(), "deploy-main", "x".repeat(3000)}));
            return Base64.getUrlEncoder()
                    .withoutPadding()
                    .encodeToString(Json.write(token).getBytes(StandardCharsets.UTF_8));
        }
        return text();
    }

    /** A one-day window, often in a year the audit table cannot hold. */
    private void window(Map<String, String> query) {
        String year = pick(new String[] {"2026", "9999", "+10000", "-0001", "0000", "+999999999"});
        query.put("from", year + "-01-01T00:00:00Z");
        query.put("to", year + "-01-02T00:00:00Z");
    }

    private String date() {
        return switch (random.nextInt(6)) {
            case 0 -> "2026-11-%02dT%02d:00:00Z".formatted(1 + random.nextInt(28), random.nextInt(24));
            case 1 ->
                pick(new String[] {
                    "+10000-01-01T00:00:00Z",
                    "-0001-01-01T00:00:00Z",
                    "0000-01-01T00:00:00Z",
                    "9999-12-31T23:59:59.999999999Z",
                    "+999999999-12-31T23:59:59Z",
                    "-999999999-01-01T00:00:00Z"
                });
            case 2 -> "2026-01-01T00:00:00" + pick(new String[] {"+18:00", "-18:00", "+01:30", "Z", "+25:00"});
            case 3 -> "2026-02-30T00:00:00Z";
            default -> text();
        };
    }

    private String number() {
        return pick(new String[] {"0", "1", "-1", "50", "1000", "1001", "2147483648", "1.5", "1e3", "", text()});
    }

    /** A short string of odd characters, or a long one. */
    private String text() {
        if (chance(20)) {
            return "x".repeat(1 + random.nextInt(5000));
        }
        StringBuilder s = new StringBuilder();
        int n = 1 + random.nextInt(3);
        for (int i = 0; i < n; i++) {
            s.append(chance(3) ? pick(ODD) : Integer.toString(random.nextInt(1000), 36));
        }
        return s.toString();
    }

    /**
     * Half the time no parameter; else mostly a good value (so that one odd parameter is what a
     * request is refused for, and the input reaches the stores), sometimes an odd one.
     */
    private void maybe(Map<String, String> query, String name, String good, String odd) {
        if (chance(2)) {
            query.put(name, good == null || chance(4) ? odd : good);
        }
    }

    /** A page token an answer gave, if any has. */
    private String pageToken() {
        return pageTokens.isEmpty() ? null : pick(pageTokens.toArray(String[]::new));
    }

    private boolean chance(int oneIn) {
        return random.nextInt(oneIn) == 0;
    }

    private <T> T pick(T[] options) {
        return options[random.nextInt(options.length)];
    }

    private static String describe(APIGatewayV2HTTPEvent e) {
        return Text.printable(
                e.getRequestContext().getHttp().getMethod() + " " + e.getRawPath() + " ?" + e.getQueryStringParameters()
                        + " headers " + e.getHeaders() + " body "
                        + (e.getBody() == null ? "" : e.getBody()),
                600);
    }
}
