package io.kitevend.function.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.kitevend.audit.InMemoryAuditStore;
import io.kitevend.binding.InMemoryBindingStore;
import io.kitevend.json.Json;
import io.kitevend.testing.AdminFixture;
import io.kitevend.testing.SampleEvents;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A corporate identity provider's caller through the handler, in the event shape AWS documents
 * for a JWT authorizer ({@code events/aws/http-api-v2-lambda-java-tests.json}, from
 * aws-lambda-java-libs): its claims as strings in {@code authorizer.jwt.claims}, the token in the
 * Authorization header. One IdP group is one group, however API Gateway flattens the list; and
 * only the token the authorizer verified counts.
 */
class JwtCallerTest {
    private InMemoryBindingStore store;
    private InMemoryAuditStore audit;
    private AdminHandler handler;

    @BeforeEach
    void setUp() {
        store = new InMemoryBindingStore();
        audit = new InMemoryAuditStore();
        handler = new AdminHandler(new AdminFixture(store, audit).admin, Clock.systemUTC());
    }

    private static Map<String, Object> claims(Object groups) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("iss", AdminFixture.CORPORATE_ISSUER);
        c.put("sub", "00u1a2b3c4d5e6f7g8h9");
        c.put("aud", "kitevend-admin");
        c.put("iat", 1747319100L);
        c.put("exp", 1747322700L);
        c.put("groups", groups);
        return c;
    }

    /** AWS's sample, made a PUT of a new binding, with this authorizer context and Authorization header. */
    private static APIGatewayV2HTTPEvent createBinding(Map<String, String> passed, String authorization) {
        APIGatewayV2HTTPEvent e = Events.stored("aws/http-api-v2-lambda-java-tests.json");
        String path = "/v1/admin/bindings/acme/deploy-new";
        e.setRawPath(path);
        e.setRawQueryString("");
        e.setQueryStringParameters(null);
        e.setRouteKey("PUT /v1/admin/bindings/{organization}/{name}");
        e.getRequestContext().setRouteKey(e.getRouteKey());
        e.getRequestContext().getHttp().setMethod("PUT");
        e.getRequestContext().getHttp().setPath(path);
        e.getRequestContext().getAuthorizer().getJwt().setClaims(new LinkedHashMap<>(passed));
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-type", "application/json");
        if (authorization != null) {
            headers.put("authorization", authorization);
        }
        e.setHeaders(headers);
        e.setBody("{\"pipeline\":\"deploy\",\"role_arn\":\"" + AdminFixture.ROLE_ARN + "\"}");
        return e;
    }

    private APIGatewayV2HTTPResponse send(Map<String, Object> token, Consumer<Map<String, String>> passedChange) {
        Map<String, String> passed = Events.flattened(token);
        passedChange.accept(passed);
        return handler.handleRequest(createBinding(passed, "Bearer " + SampleEvents.corporateToken(token)), null);
    }

    @Test
    void aMemberOfTheWriterGroupWrites() {
        APIGatewayV2HTTPResponse r = send(claims(List.of("staff", "kitevend-admins")), passed -> {});

        assertThat(r.getStatusCode()).as(r.getBody()).isEqualTo(201);
        assertThat(store.get("acme", "deploy-new")).isPresent();
    }

    @Test
    void aGroupWhoseNameHoldsASpaceAndTheWriterGroupsNameIsNotTheWriterGroup() throws Exception {
        Map<String, Object> token = claims(List.of("Self-service kitevend-admins"));
        assertThat(Events.flattened(token))
                .as("as API Gateway passes the list: the same string as for two groups")
                .containsEntry("groups", "[Self-service kitevend-admins]");

        APIGatewayV2HTTPResponse r = send(token, passed -> {});

        assertThat(r.getStatusCode()).as(r.getBody()).isEqualTo(403);
        assertThat(Json.readTree(r.getBody()).get("code").asText()).isEqualTo("forbidden");
        assertThat(store.get("acme", "deploy-new")).isEmpty();
    }

    @Test
    void aGroupWhoseNameHoldsACommaAndTheWriterGroupsNameIsNotTheWriterGroup() {
        APIGatewayV2HTTPResponse r = send(claims(List.of("x,kitevend-admins")), passed -> {});

        assertThat(r.getStatusCode()).as(r.getBody()).isEqualTo(403);
        assertThat(store.get("acme", "deploy-new")).isEmpty();
    }

    @Test
    void groupsClaimedOnlyInTheAuthorizersStringsCountForNothing() {
        // A token without the group; an authorizer context that claims it: the context is not read for groups.
        APIGatewayV2HTTPResponse r =
                send(claims(List.of("staff")), passed -> passed.put("groups", "[staff kitevend-admins]"));

        assertThat(r.getStatusCode()).as(r.getBody()).isEqualTo(403);
    }

    @Test
    void aTokenThatIsNotTheOneTheAuthorizerVerifiedIsRefused() {
        for (String claim : List.of("iss", "sub", "aud", "exp", "iat")) {
            setUp();
            Map<String, Object> verified = claims(List.of("staff"));
            Map<String, Object> other = claims(List.of("kitevend-admins"));
            other.put(claim, claim.equals("exp") || claim.equals("iat") ? 1747320000L : "someone-else");

            APIGatewayV2HTTPResponse r = handler.handleRequest(
                    createBinding(Events.flattened(verified), "Bearer " + SampleEvents.corporateToken(other)), null);

            assertThat(r.getStatusCode()).as(claim + ": " + r.getBody()).isEqualTo(403);
            assertThat(store.get("acme", "deploy-new")).isEmpty();
            assertThat(audit.records())
                    .singleElement()
                    .satisfies(rec -> assertThat((String) rec.get("detail"))
                            .contains("not the one the authorizer verified (" + claim + " differs)"));
        }
    }

    @Test
    void withoutATokenInTheHeaderAJwtContextMakesNoCaller() {
        Map<String, String> passed = Events.flattened(claims(List.of("kitevend-admins")));
        for (String authorization : new String[] {null, "Bearer", "Bearer not-a-jwt", "Bearer a.%%%.c"}) {
            APIGatewayV2HTTPResponse r = handler.handleRequest(createBinding(passed, authorization), null);

            assertThat(r.getStatusCode()).as(authorization).isEqualTo(403);
        }
        assertThat(store.get("acme", "deploy-new")).isEmpty();
    }

    @Test
    void theTokenMayComeWithoutBearerAsApiGatewayAcceptsIt() {
        Map<String, Object> token = claims(List.of("kitevend-admins"));

        APIGatewayV2HTTPResponse r =
                handler.handleRequest(createBinding(Events.flattened(token), SampleEvents.corporateToken(token)), null);

        assertThat(r.getStatusCode()).as(r.getBody()).isEqualTo(201);
    }

    @Test
    void oneAudienceMayBeAListOfOneInTheToken() {
        Map<String, Object> token = claims(List.of("kitevend-admins"));
        token.put("aud", List.of("kitevend-admin"));
        Map<String, String> passed = Events.flattened(token);
        passed.put("aud", "kitevend-admin");

        APIGatewayV2HTTPResponse r =
                handler.handleRequest(createBinding(passed, "Bearer " + SampleEvents.corporateToken(token)), null);

        assertThat(r.getStatusCode()).as(r.getBody()).isEqualTo(201);
    }
}
