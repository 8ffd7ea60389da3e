package io.kitevend.vend;

import io.kitevend.credentials.IssuedCredentials;
import io.kitevend.http.Problem;

/** What a vend request ended with: credentials, or a problem for the caller. */
public sealed interface VendResult {
    String requestId();

    record Issued(String requestId, IssuedCredentials credentials, String binding, String roleArn)
            implements VendResult {}

    record Refused(String requestId, Problem problem) implements VendResult {}
}
