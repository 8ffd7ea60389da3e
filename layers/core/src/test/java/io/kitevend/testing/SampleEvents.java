package io.kitevend.function.vend;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import io.kitevend.testing.Emulators;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The sample events of the repository's {@code events/} folder, read with the Lambda runtime's own
 * serializer (the one that turns the invocation payload into the handler's argument).
 */
final class SampleEvents {
    static final Path DIRECTORY = Emulators.repoRoot().resolve("events");
    static final String PLACEHOLDER = "PLACEHOLDER_TOKEN";

    private SampleEvents() {}

    /** The event with the token placeholder replaced by {@code token}. */
    static APIGatewayV2HTTPEvent withToken(String file, String token) {
        return deserialize(text(file).replace(PLACEHOLDER, token));
    }

    /** The event exactly as it is in the repository. */
    static APIGatewayV2HTTPEvent asStored(String file) {
        return deserialize(text(file));
    }

    static String text(String file) {
        try {
            return Files.readString(DIRECTORY.resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static APIGatewayV2HTTPEvent deserialize(String json) {
        try (InputStream in = new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8))) {
            return LambdaEventSerializers.serializerFor(APIGatewayV2HTTPEvent.class, SampleEvents.class.getClassLoader())
                    .fromJson(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
