package io.kitevend.admin;

import java.util.Map;

/**
 * Who called the admin API, as API Gateway's authorizer established it. kitevend verifies no
 * credential itself: IAM callers were checked by SigV4, JWT callers by the JWT authorizer.
 */
public sealed interface Caller {

    /** {@code requestContext.authorizer.iam}: the signing principal's ARN. */
    record Iam(String userArn) implements Caller {}

    /**
     * The claims of the JWT API Gateway's JWT authorizer verified, as JSON values (a list stays a
     * list): read from the token itself, not from {@code requestContext.authorizer.jwt.claims},
     * where every value is flattened to a string.
     */
    record Jwt(Map<String, Object> claims) implements Caller {
        public Jwt {
            claims = Map.copyOf(claims);
        }
    }

    /** No usable authorizer context; {@code why} goes to the audit record. */
    record None(String why) implements Caller {}
}
