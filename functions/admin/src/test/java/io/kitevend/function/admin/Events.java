package io.kitevend.function.admin;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import io.kitevend.lambda.ApiGatewayJwt;
import io.kitevend.testing.Emulators;
import io.kitevend.testing.SampleEvents;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * API Gateway HTTP API (payload 2.0) events for the admin routes: read from the repository's
 * {@code events/} with the Lambda runtime's own serializer, or built by a test with a chosen
 * authorizer context.
 */
final class Events {
    private Events() {}

    /** The stored sample with its corporate token in place (see {@link SampleEvents#withCorporateToken}). */
    static APIGatewayV2HTTPEvent storedWithCorporateToken(String file) {
        return deserialize(SampleEvents.withCorporateToken(file));
    }

    static APIGatewayV2HTTPEvent stored(String file) {
        try {
            return deserialize(
                    Files.readString(Emulators.repoRoot().resolve("events").resolve(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static APIGatewayV2HTTPEvent deserialize(String json) {
        try (InputStream in = new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8))) {
            return LambdaEventSerializers.serializerFor(APIGatewayV2HTTPEvent.class, Events.class.getClassLoader())
                    .fromJson(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** How the caller reaches the function: the authorizer context API Gateway adds (or none) and extra headers. */
    interface Caller {
        void apply(APIGatewayV2HTTPEvent.RequestContext context, Map<String, String> headers);
    }

    static Caller iam(String userArn) {
        return (context, headers) -> {
            context.setAuthorizer(APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                    .withIam(APIGatewayV2HTTPEvent.RequestContext.IAM
                            .builder()
                            .withAccessKey("ASIAXAMPLE0000000001")
                            .withAccountId(userArn.split(":", -1)[4])
                            .withUserArn(userArn)
                            .withCallerId("AROAXAMPLE:" + userArn.substring(userArn.lastIndexOf('/') + 1))
                            .withUserId("AROAXAMPLE:" + userArn.substring(userArn.lastIndexOf('/') + 1))
                            .build())
                    .build());
            headers.put(
                    "authorization",
                    "AWS4-HMAC-SHA256 Credential=ASIAXAMPLE0000000001/20250515/us-east-1/execute-api/aws4_request, "
                            + "SignedHeaders=host;x-amz-date, Signature=" + "ab".repeat(32));
        };
    }

    /**
     * A JWT authorizer context as API Gateway fills it for a token with these claims (JSON values):
     * every value flattened to a string, and the token itself in the Authorization header.
     */
    static Caller jwt(Map<String, ?> claims) {
        Map<String, Object> json = new LinkedHashMap<>(claims);
        json.values().removeIf(Objects::isNull);
        return jwt(flattened(json), "Bearer " + SampleEvents.corporateToken(json));
    }

    /** A JWT authorizer context with these (string) claims and this Authorization header. */
    static Caller jwt(Map<String, String> passed, String authorization) {
        return (context, headers) -> {
            context.setAuthorizer(APIGatewayV2HTTPEvent.RequestContext.Authorizer.builder()
                    .withJwt(APIGatewayV2HTTPEvent.RequestContext.Authorizer.JWT
                            .builder()
                            .withClaims(new LinkedHashMap<>(passed))
                            .build())
                    .build());
            if (authorization != null) {
                headers.put("authorization", authorization);
            }
        };
    }

    /** The claims as API Gateway passes them to the function. */
    static Map<String, String> flattened(Map<String, ?> claims) {
        Map<String, String> strings = new LinkedHashMap<>();
        claims.forEach((k, v) -> strings.put(k, ApiGatewayJwt.flatten(v)));
        return strings;
    }

    /** No authorizer context, only an Authorization header (never read by the function). */
    static Caller bearerHeaderOnly(String token) {
        return (context, headers) -> headers.put("authorization", "Bearer " + token);
    }

    static Caller none() {
        return (context, headers) -> {};
    }

    static APIGatewayV2HTTPEvent event(
            String method,
            String path,
            Map<String, String> query,
            Map<String, String> headers,
            String body,
            Caller caller) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        APIGatewayV2HTTPEvent.RequestContext context = APIGatewayV2HTTPEvent.RequestContext.builder()
                .withRequestId("req-" + java.util.UUID.randomUUID())
                .withHttp(APIGatewayV2HTTPEvent.RequestContext.Http.builder()
                        .withMethod(method)
                        .withPath(path)
                        .withSourceIp("203.0.113.24")
                        .withUserAgent("kitevend-cli/0.1.0")
                        .build())
                .withRouteKey(method + " " + path)
                .withStage("$default")
                .build();
        caller.apply(context, h);
        return APIGatewayV2HTTPEvent.builder()
                .withVersion("2.0")
                .withRouteKey(method + " " + path)
                .withRawPath(path)
                .withHeaders(h)
                .withQueryStringParameters(query.isEmpty() ? null : new LinkedHashMap<>(query))
                .withBody(body)
                .withIsBase64Encoded(false)
                .withRequestContext(context)
                .build();
    }
}
