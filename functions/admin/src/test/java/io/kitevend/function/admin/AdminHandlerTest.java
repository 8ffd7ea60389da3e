package io.kitevend.function.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.fasterxml.jackson.databind.JsonNode;
import io.kitevend.audit.InMemoryAuditStore;
import io.kitevend.binding.InMemoryBindingStore;
import io.kitevend.json.Json;
import io.kitevend.testing.AdminFixture;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The admin handler end to end from API Gateway events, the repository's sample events included
 * (read with the Lambda runtime's serializer), to the response API Gateway sends back.
 */
class AdminHandlerTest {
    private InMemoryBindingStore store;
    private InMemoryAuditStore audit;
    private AdminHandler handler;

    @BeforeEach
    void setUp() {
        store = new InMemoryBindingStore();
        audit = new InMemoryAuditStore();
        AdminFixture f = new AdminFixture(store, audit);
        handler = new AdminHandler(f.admin, Clock.systemUTC());
        for (String name : new String[] {"deploy-main", "deploy-tags", "deploy-zeta"}) {
            store.put(AdminFixture.binding(name).version(1).build());
        }
    }

    @Test
    void sampleListEventOfAnIamReader() throws Exception {
        APIGatewayV2HTTPEvent event = Events.stored("admin-list-bindings.json");
        assertThat(event.getRequestContext().getAuthorizer().getIam().getUserArn())
                .isEqualTo(AdminFixture.READER);

        APIGatewayV2HTTPResponse r = handler.handleRequest(event, null);

        assertThat(r.getStatusCode()).as(r.getBody()).isEqualTo(200);
        assertThat(r.getHeaders())
                .containsEntry("content-type", "application/json")
                .containsEntry("cache-control", "no-store");
        JsonNode body = Json.readTree(r.getBody());
        assertThat(body.get("bindings")).hasSize(2);
        assertThat(body.get("bindings").get(0).get("name").asText()).isEqualTo("deploy-main");
        assertThat(body.hasNonNull("next_page")).isTrue();
        assertThat(audit.records())
                .as("the read is audited")
                .singleElement()
                .satisfies(rec -> assertThat(rec)
                        .containsEntry("decision", "allow")
                        .containsEntry("reason", "admin_read")
                        .containsEntry("action", "list")
                        .containsEntry("principal", AdminFixture.READER)
                        .containsEntry("binding_organization", "acme")
                        .containsEntry("target", "limit=2 organization=acme"));
    }

    @Test
    void samplePutEventOfAnIamWriterCreates() throws Exception {
        APIGatewayV2HTTPEvent event = Events.stored("admin-put-binding.json");

        APIGatewayV2HTTPResponse r = handler.handleRequest(event, null);

        assertThat(r.getStatusCode()).as(r.getBody()).isEqualTo(201);
        assertThat(r.getHeaders()).containsEntry("etag", "\"1\"");
        assertThat(store.get("acme", "deploy-release").orElseThrow().createdBy())
                .isEqualTo(AdminFixture.WRITER);
        assertThat(audit.records())
                .singleElement()
                .satisfies(rec -> assertThat(rec)
                        .containsEntry("request_id", "KfT4LhWZIAMEVzQ=")
                        .containsEntry("action", "create")
                        .containsEntry("principal", AdminFixture.WRITER)
                        .containsEntry("source_ip", "203.0.113.24"));

        APIGatewayV2HTTPResponse again = handler.handleRequest(Events.stored("admin-put-binding.json"), null);
        assertThat(again.getStatusCode()).isEqualTo(409);
    }

    @Test
    void sampleExplainEventThroughTheJwtAuthorizer() throws Exception {
        APIGatewayV2HTTPEvent event = Events.storedWithCorporateToken("admin-explain-jwt.json");
        assertThat(event.getRequestContext().getAuthorizer().getJwt().getClaims())
                .containsEntry("groups", "[everyone kitevend-readers]");

        APIGatewayV2HTTPResponse r = handler.handleRequest(event, null);

        assertThat(r.getStatusCode()).as(r.getBody()).isEqualTo(200);
        JsonNode body = Json.readTree(r.getBody());
        assertThat(body.get("decision").asText()).isEqualTo("ambiguous");
        assertThat(body.get("matched"))
                .extracting(JsonNode::asText)
                .containsExactly("deploy-main", "deploy-tags", "deploy-zeta");
    }

    @Test
    void aWriteByAJwtReaderIsRefused() throws Exception {
        APIGatewayV2HTTPEvent put = Events.stored("admin-put-binding.json");
        APIGatewayV2HTTPEvent explain = Events.storedWithCorporateToken("admin-explain-jwt.json");
        put.getRequestContext().setAuthorizer(explain.getRequestContext().getAuthorizer());
        put.getHeaders().put("authorization", explain.getHeaders().get("authorization"));

        APIGatewayV2HTTPResponse r = handler.handleRequest(put, null);

        assertThat(r.getStatusCode()).isEqualTo(403);
        assertThat(store.get("acme", "deploy-release")).isEmpty();
        assertThat(audit.records())
                .singleElement()
                .satisfies(rec -> assertThat(rec)
                        .containsEntry("decision", "deny")
                        .containsEntry("action", "create")
                        .containsEntry("principal", "jwt:https://idp.example.com/oauth2/default#00u1a2b3c4d5e6f7g8h9")
                        .containsEntry("detail", "a reader may not make changes"));
    }

    @Test
    void aBase64BodyIsDecodedFirst() {
        APIGatewayV2HTTPEvent event = Events.stored("admin-put-binding.json");
        event.setBody(Base64.getEncoder().encodeToString(event.getBody().getBytes(StandardCharsets.UTF_8)));
        event.setIsBase64Encoded(true);

        assertThat(handler.handleRequest(event, null).getStatusCode()).isEqualTo(201);
    }

    @Test
    void anUndecodableBodyIs400() throws Exception {
        APIGatewayV2HTTPEvent event = Events.stored("admin-put-binding.json");
        event.setBody("%%% not base64 %%%");
        event.setIsBase64Encoded(true);

        APIGatewayV2HTTPResponse r = handler.handleRequest(event, null);

        assertThat(r.getStatusCode()).isEqualTo(400);
        assertThat(Json.readTree(r.getBody()).get("code").asText()).isEqualTo("malformed_request");
        assertThat(store.get("acme", "deploy-release")).isEmpty();
    }

    @Test
    void bothAnIamAndAJwtContextIsRefused() {
        APIGatewayV2HTTPEvent event = Events.stored("admin-list-bindings.json");
        event.getRequestContext()
                .getAuthorizer()
                .setJwt(Events.stored("admin-explain-jwt.json")
                        .getRequestContext()
                        .getAuthorizer()
                        .getJwt());

        assertThat(handler.handleRequest(event, null).getStatusCode()).isEqualTo(403);
    }

    @Test
    void aNullEventIsRefusedWithAProblemNotAnException() throws Exception {
        APIGatewayV2HTTPResponse r = handler.handleRequest(null, null);

        assertThat(r.getStatusCode()).isEqualTo(403);
        assertThat(Json.readTree(r.getBody()).get("code").asText()).isEqualTo("forbidden");
    }

    @Test
    void theAdminPathIsFoundBehindAStagePrefix() throws Exception {
        APIGatewayV2HTTPEvent event = Events.event(
                "GET",
                "/prod/v1/admin/bindings/acme/deploy-main",
                Map.of(),
                Map.of(),
                null,
                Events.iam(AdminFixture.READER));

        APIGatewayV2HTTPResponse r = handler.handleRequest(event, null);

        assertThat(r.getStatusCode()).as(r.getBody()).isEqualTo(200);
        assertThat(Json.readTree(r.getBody()).get("name").asText()).isEqualTo("deploy-main");
    }
}
