package io.kitevend.admin;

import java.util.Map;

/**
 * Who called the admin API, as API Gateway's authorizer established it. kitevend never reads a
 * credential itself: IAM callers were checked by SigV4, JWT callers by the JWT authorizer.
 */
public sealed interface Caller {

    /** {@code requestContext.authorizer.iam}: the signing principal's ARN. */
    record Iam(String userArn) implements Caller {}

    /** {@code requestContext.authorizer.jwt.claims}: the claims of a verified JWT, as API Gateway passes them. */
    record Jwt(Map<String, String> claims) implements Caller {
        public Jwt {
            claims = Map.copyOf(claims);
        }
    }

    /** No usable authorizer context; {@code why} goes to the audit record. */
    record None(String why) implements Caller {}
}
