package io.kitevend.snapstart;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import com.amazonaws.services.lambda.runtime.serialization.PojoSerializer;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Optional;

/**
 * The Lambda runtime's own serializer of API Gateway events ({@code aws-lambda-java-serialization},
 * which the Runtime Interface Client uses to read an invocation's event and write the function's
 * answer). Priming sends its events and answers through it, so that its classes are loaded and its
 * per-type readers and writers built before the snapshot, not on the first invocation after a
 * restore. The runtime provides it; where it does not (the local runner, the cold-start probe),
 * there is nothing to warm and priming goes without.
 */
final class RuntimeEventJson {
    private static final String SERIALIZERS =
            "com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers";

    private final PojoSerializer<APIGatewayV2HTTPEvent> events;
    private final PojoSerializer<APIGatewayV2HTTPResponse> responses;

    private RuntimeEventJson(ClassLoader loader) {
        this.events = LambdaEventSerializers.serializerFor(APIGatewayV2HTTPEvent.class, loader);
        this.responses = LambdaEventSerializers.serializerFor(APIGatewayV2HTTPResponse.class, loader);
    }

    /** The runtime's serializer as the function's classes see it, if the runtime provides one. */
    static Optional<RuntimeEventJson> find() {
        ClassLoader loader = RuntimeEventJson.class.getClassLoader();
        try {
            Class.forName(SERIALIZERS, false, loader);
            return Optional.of(new RuntimeEventJson(loader));
        } catch (ClassNotFoundException | RuntimeException | LinkageError e) {
            // Not in a Lambda runtime, or one whose serializer cannot be had: nothing to warm.
            return Optional.empty();
        }
    }

    /** The event as the runtime would hand it to the handler: written, then read back. */
    APIGatewayV2HTTPEvent asDelivered(APIGatewayV2HTTPEvent event) {
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        events.toJson(event, json);
        return events.fromJson(new ByteArrayInputStream(json.toByteArray()));
    }

    /** The answer as the runtime writes it back to Lambda. */
    byte[] asSent(APIGatewayV2HTTPResponse response) {
        ByteArrayOutputStream json = new ByteArrayOutputStream();
        responses.toJson(response, json);
        return json.toByteArray();
    }
}
