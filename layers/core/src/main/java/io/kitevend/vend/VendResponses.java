package io.kitevend.vend;

import io.kitevend.http.HttpResponse;
import io.kitevend.json.Json;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * HTTP form of a {@link VendResult}. Success is the JSON that AWS CLIs and SDKs accept as
 * {@code credential_process} output, plus fields they ignore.
 */
public final class VendResponses {
    private VendResponses() {}

    public static HttpResponse toHttp(VendResult result) {
        return switch (result) {
            case VendResult.Refused r -> r.problem().toResponse(r.requestId());
            case VendResult.Issued i -> {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("Version", 1);
                body.put("AccessKeyId", i.credentials().accessKeyId());
                body.put("SecretAccessKey", i.credentials().secretAccessKey());
                body.put("SessionToken", i.credentials().sessionToken());
                body.put(
                        "Expiration",
                        i.credentials()
                                .expiration()
                                .truncatedTo(ChronoUnit.SECONDS)
                                .toString());
                body.put("Binding", i.binding());
                body.put("RoleArn", i.roleArn());
                body.put("RequestId", i.requestId());
                if (i.credentials().simulated()) {
                    body.put("Simulated", true);
                }
                yield new HttpResponse(
                        200, Map.of("content-type", "application/json", "cache-control", "no-store"), Json.write(body));
            }
        };
    }
}
