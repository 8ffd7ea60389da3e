package io.kitevend.testing;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import com.nimbusds.jose.jwk.RSAKey;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The sample events of the repository's {@code events/} folder, read with the Lambda runtime's own
 * serializer (the one that turns the invocation payload into the handler's argument).
 */
public final class SampleEvents {
    public static final Path DIRECTORY = Emulators.repoRoot().resolve("events");
    public static final String PLACEHOLDER = "PLACEHOLDER_TOKEN";
    /** Where a sample of the admin JWT API holds the corporate identity provider's token. */
    public static final String CORPORATE_PLACEHOLDER = "PLACEHOLDER_CORPORATE_TOKEN";

    private static RSAKey corporateKey;

    /** Made once: building the runtime's serializer costs far more than reading one event with it. */
    private static final PojoSerializer<APIGatewayV2HTTPEvent> SERIALIZER =
            LambdaEventSerializers.serializerFor(APIGatewayV2HTTPEvent.class, SampleEvents.class.getClassLoader());

    private SampleEvents() {}

    /** The event with the token placeholder replaced by {@code token}. */
    public static APIGatewayV2HTTPEvent withToken(String file, String token) {
        return deserialize(text(file).replace(PLACEHOLDER, token));
    }

    /**
     * The claims of the corporate token in {@code admin-explain-jwt.json}, as the token holds them;
     * the event's {@code authorizer.jwt.claims} holds the same claims as API Gateway flattens them.
     */
    public static Map<String, Object> corporateClaims() {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("aud", "kitevend-admin");
        claims.put("exp", 1747322700L);
        claims.put("groups", List.of("everyone", "kitevend-readers"));
        claims.put("iat", 1747319100L);
        claims.put("iss", "https://idp.example.com/oauth2/default");
        claims.put("sub", "00u1a2b3c4d5e6f7g8h9");
        return claims;
    }

    /** A token of the corporate identity provider with these claims, signed with a test key. */
    public static String corporateToken(Map<String, Object> claims) {
        return new TokenMinter(corporateKey(), String.valueOf(claims.get("iss")), String.valueOf(claims.get("aud")))
                .sign(claims);
    }

    /** The sample's text with its corporate token in place: the token whose claims its authorizer context holds. */
    public static String withCorporateToken(String file) {
        return text(file).replace(CORPORATE_PLACEHOLDER, corporateToken(corporateClaims()));
    }

    private static synchronized RSAKey corporateKey() {
        if (corporateKey == null) {
            corporateKey = TestKeys.rsa();
        }
        return corporateKey;
    }

    /** The event exactly as it is in the repository. */
    public static APIGatewayV2HTTPEvent asStored(String file) {
        return deserialize(text(file));
    }

    public static String text(String file) {
        try {
            return Files.readString(DIRECTORY.resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static APIGatewayV2HTTPEvent deserialize(String json) {
        try (InputStream in = new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8))) {
            return SERIALIZER.fromJson(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The request id API Gateway gave the event. */
    public static String requestId(APIGatewayV2HTTPEvent event) {
        return event.getRequestContext().getRequestId();
    }

    /** Sets a header, or removes it when {@code value} is null. */
    public static APIGatewayV2HTTPEvent withHeader(APIGatewayV2HTTPEvent event, String name, String value) {
        Map<String, String> headers = new LinkedHashMap<>(event.getHeaders());
        if (value == null) {
            headers.remove(name);
        } else {
            headers.put(name, value);
        }
        event.setHeaders(headers);
        return event;
    }

    /** Replaces the body (as text) and its content-length. */
    public static APIGatewayV2HTTPEvent withBody(APIGatewayV2HTTPEvent event, String body) {
        event.setBody(body);
        event.setIsBase64Encoded(false);
        return withHeader(event, "content-length", Integer.toString(body.getBytes(StandardCharsets.UTF_8).length));
    }

    /** The same request with another method, route key included. */
    public static APIGatewayV2HTTPEvent withMethod(APIGatewayV2HTTPEvent event, String method) {
        String path = event.getRawPath();
        event.getRequestContext().getHttp().setMethod(method);
        event.setRouteKey(method + " " + path);
        event.getRequestContext().setRouteKey(method + " " + path);
        return event;
    }
}
