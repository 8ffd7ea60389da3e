package io.kitevend.http;

import java.util.Map;

/** A status, headers and a JSON body; turned into the carrier's response by its adapter. */
public record HttpResponse(int status, Map<String, String> headers, String body) {
    public HttpResponse {
        headers = Map.copyOf(headers);
    }
}
