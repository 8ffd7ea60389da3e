package io.kitevend.admin;

import static io.kitevend.testing.AdminFixture.iam;
import static io.kitevend.testing.AdminFixture.request;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.kitevend.http.HttpResponse;
import io.kitevend.json.Json;
import io.kitevend.testing.AdminFixture;
import io.kitevend.text.Text;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Input that used to reach the stores and come back as 500 or 503 ("retry later"): crafted page
 * tokens, dates outside four-digit years, a binding larger than a DynamoDB item. Each is the
 * caller's mistake, so each is a 400 with a stable code, on any store.
 */
abstract class AdminInputChecks {
    protected AdminFixture f;

    protected abstract AdminFixture newFixture();

    @BeforeEach
    void setUp() throws Exception {
        f = newFixture();
        f.bindingStore.put(AdminFixture.binding("deploy-main").version(1).build());
        f.bindingStore.put(AdminFixture.binding("deploy-next").version(1).build());
    }

    private static String token(String kind, Map<String, String> query, String after) {
        return Base64.getUrlEncoder()
                .withoutPadding()
                .encodeToString(
                        Json.write(Map.of("k", kind, "q", query, "a", after)).getBytes(StandardCharsets.UTF_8));
    }

    private HttpResponse get(String path, Map<String, String> query) {
        AdminFixture.Request r = request("GET", path).as(iam(AdminFixture.READER));
        query.forEach(r::query);
        return f.send(r);
    }

    private static void assertMalformed(HttpResponse r, String what) throws Exception {
        assertThat(r.status()).as(what + ": " + Text.printable(r.body(), 300)).isEqualTo(400);
        JsonNode problem = Json.readTree(r.body());
        assertThat(problem.get("code").asText()).as(what).isEqualTo("malformed_request");
        assertThat(problem.get("detail").asText()).as(what).isNotBlank();
    }

    @Test
    void aListTokenWhoseCursorIsNoBindingNameIs400() throws Exception {
        for (String after : new String[] {"", "x".repeat(2000), "Deploy Main", "a\u0000b"}) {
            assertMalformed(
                    get(
                            "/v1/admin/bindings",
                            Map.of(
                                    "organization",
                                    "acme",
                                    "page",
                                    token("bindings", Map.of("organization", "acme"), after))),
                    "cursor " + after.length());
        }
    }

    @Test
    void anAuditTokenWhoseCursorIsNoRecordPositionIs400() throws Exception {
        Map<String, String> window = Map.of("from", "2026-01-01T00:00:00Z", "to", "2026-01-02T00:00:00Z");
        for (String after : new String[] {
            "", "0", "2026-01-01", "2026-01-01T12:00:00.000Z#" + "x".repeat(3000), "2026-01-01T12:00:00.000Z#a b"
        }) {
            assertMalformed(get("/v1/admin/audit", Map.of("page", token("audit", window, after))), "cursor " + after);
        }
    }

    @Test
    void aTokenOfThisKindStillPages() throws Exception {
        HttpResponse first = get("/v1/admin/bindings", Map.of("organization", "acme", "limit", "1"));
        String next = Json.readTree(first.body()).get("next_page").asText();

        HttpResponse second = get("/v1/admin/bindings", Map.of("organization", "acme", "page", next));

        assertThat(second.status()).as(second.body()).isEqualTo(200);
        assertThat(Json.readTree(second.body())
                        .get("bindings")
                        .get(0)
                        .get("name")
                        .asText())
                .isEqualTo("deploy-next");
    }

    @Test
    void datesOutsideFourDigitYearsAre400() throws Exception {
        String[][] windows = {
            {"+10000-01-01T00:00:00Z", "+10000-01-02T00:00:00Z"},
            {"-0001-01-01T00:00:00Z", "-0001-01-02T00:00:00Z"},
            {"9999-12-31T00:00:00Z", "+10000-01-01T00:00:01Z"},
        };
        for (String[] w : windows) {
            assertMalformed(get("/v1/admin/audit", Map.of("from", w[0], "to", w[1])), w[0] + " .. " + w[1]);
            assertMalformed(
                    get("/v1/admin/audit", Map.of("page", token("audit", Map.of("from", w[0], "to", w[1]), "x"))),
                    "in a token: " + w[0]);
        }
        HttpResponse lastDay =
                get("/v1/admin/audit", Map.of("from", "9999-12-30T00:00:00Z", "to", "9999-12-31T23:59:59Z"));
        assertThat(lastDay.status()).as(lastDay.body()).isEqualTo(200);
    }

    @Test
    void aBindingLargerThanTheStoreKeepsIs400NamingIt() throws Exception {
        StringBuilder conditions = new StringBuilder();
        for (int i = 0; i < 120; i++) {
            conditions.append("      agent_tag:t").append(i).append(": [");
            for (int g = 0; g < 20; g++) {
                conditions
                        .append(g == 0 ? "" : ", ")
                        .append("v")
                        .append("x".repeat(200))
                        .append(g);
            }
            conditions.append("]\n");
        }
        String document = """
                bindings:
                  - name: huge
                    organization: acme
                    pipeline: deploy
                    role_arn: arn:aws:iam::123456789012:role/kitevend/deployer
                    conditions:
                """ + conditions;
        assertThat(document.length()).isBetween(400 * 1024, AdminService.MAX_DOCUMENT_BODY);

        HttpResponse r = f.send(request("POST", "/v1/admin/apply").yaml(document));

        assertThat(r.status()).as(Text.printable(r.body(), 300)).isEqualTo(400);
        JsonNode problem = Json.readTree(r.body());
        assertThat(problem.get("code").asText()).isEqualTo("invalid_binding");
        assertThat(problem.get("errors").get(0).get("field").asText()).isEqualTo("bindings[0]");
        assertThat(problem.get("errors").get(0).get("code").asText()).isEqualTo("binding_too_large");
        assertThat(f.bindingStore.get("acme", "huge")).isEmpty();
    }
}
