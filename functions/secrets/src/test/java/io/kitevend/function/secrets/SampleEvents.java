package io.kitevend.function.secrets;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.serialization.events.LambdaEventSerializers;
import io.kitevend.testing.Emulators;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

/** The repository's sample events ({@code events/}), read with the Lambda runtime's own serializer. */
final class SampleEvents {
    static final String PLACEHOLDER = "PLACEHOLDER_TOKEN";

    private SampleEvents() {}

    /** The event with the token placeholder replaced by {@code token}. */
    static APIGatewayV2HTTPEvent withToken(String file, String token) {
        String json;
        try {
            json = Files.readString(Emulators.repoRoot().resolve("events").resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (InputStream in = new ByteArrayInputStream(json.replace(PLACEHOLDER, token).getBytes(StandardCharsets.UTF_8))) {
            return LambdaEventSerializers.serializerFor(APIGatewayV2HTTPEvent.class, SampleEvents.class.getClassLoader())
                    .fromJson(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
