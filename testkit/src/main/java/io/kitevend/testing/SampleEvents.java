package io.kitevend.testing;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The sample events of the repository's {@code events/} folder, read with the Lambda runtime's own
 * serializer (the one that turns the invocation payload into the handler's argument).
 */
public final class SampleEvents {
    public static final Path DIRECTORY = Emulators.repoRoot().resolve("events");
    public static final String PLACEHOLDER = "PLACEHOLDER_TOKEN";

    /** Made once: building the runtime's serializer costs far more than reading one event with it. */
    private static final PojoSerializer<APIGatewayV2HTTPEvent> SERIALIZER =
            LambdaEventSerializers.serializerFor(APIGatewayV2HTTPEvent.class, SampleEvents.class.getClassLoader());

    private SampleEvents() {}

    /** The event with the token placeholder replaced by {@code token}. */
    public static APIGatewayV2HTTPEvent withToken(String file, String token) {
        return deserialize(text(file).replace(PLACEHOLDER, token));
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
