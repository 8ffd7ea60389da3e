package io.kitevend.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.http.ContentStreamProvider;
import software.amazon.awssdk.http.SdkHttpFullRequest;
import software.amazon.awssdk.http.SdkHttpRequest;

/**
 * Records every AWS SDK call of the clients it is given to ({@code new AwsClients(settings,
 * List.of(recorder))}): the service and operation of each call, and what went on the wire for
 * each attempt, so that tests can count calls and check marshalled parameters.
 */
public final class AwsCallRecorder implements ExecutionInterceptor {
    /** Service names as the SDK reports them. */
    public static final String DYNAMODB = "DynamoDb";

    public static final String STS = "Sts";

    /** One API call, as the SDK names it (service "DynamoDb", operation "Query"). */
    public record Call(String service, String operation) {}

    /** One HTTP attempt of a call, with its body as text. */
    public record Transmission(String operation, SdkHttpRequest request, String body) {

        /** The body as decoded form parameters (the query protocol of STS and IAM). */
        public Map<String, String> form() {
            return formParameters(body);
        }
    }

    /** A form-encoded body (the query protocol of STS and IAM) as decoded parameters, in order. */
    public static Map<String, String> formParameters(String body) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : body.split("&", -1)) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            params.put(
                    URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        return params;
    }

    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private final List<Transmission> transmissions = new CopyOnWriteArrayList<>();

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        calls.add(new Call(
                attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME),
                attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME)));
    }

    @Override
    public void beforeTransmission(Context.BeforeTransmission context, ExecutionAttributes attributes) {
        // The query protocol (STS, IAM) leaves the form in the request itself, not in requestBody().
        Optional<ContentStreamProvider> content = context.requestBody()
                .map(RequestBody::contentStreamProvider)
                .or(() -> context.httpRequest() instanceof SdkHttpFullRequest full
                        ? full.contentStreamProvider()
                        : Optional.empty());
        String body = content.map(provider -> {
                    try (InputStream in = provider.newStream()) {
                        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                })
                .orElse("");
        transmissions.add(new Transmission(
                attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME), context.httpRequest(), body));
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    public List<Call> calls(String service) {
        return calls.stream().filter(c -> c.service().equals(service)).toList();
    }

    public long count(String service, String operation) {
        return calls.stream()
                .filter(c -> c.service().equals(service) && c.operation().equals(operation))
                .count();
    }

    public List<Transmission> transmissions(String operation) {
        return transmissions.stream()
                .filter(t -> t.operation().equals(operation))
                .toList();
    }

    /** Forgets what was recorded so far (say, the set-up calls). */
    public void clear() {
        calls.clear();
        transmissions.clear();
    }
}
