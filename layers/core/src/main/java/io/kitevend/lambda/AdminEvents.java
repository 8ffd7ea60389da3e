package io.kitevend.lambda;

import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import io.kitevend.admin.AdminRequest;
import io.kitevend.admin.Caller;
import io.kitevend.http.HttpRequest;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/** Turns an API Gateway HTTP API (payload 2.0) event for an admin route into an {@link AdminRequest}. */
public final class AdminEvents {
    private AdminEvents() {}

    public static AdminRequest request(APIGatewayV2HTTPEvent event, Clock clock) {
        HttpRequest http = ApiGateway.request(event, clock);
        Map<String, String> query =
                event.getQueryStringParameters() == null ? Map.of() : new HashMap<>(event.getQueryStringParameters());
        query.values().removeIf(Objects::isNull);
        return new AdminRequest(http, query, caller(event));
    }

    /**
     * The caller as API Gateway's authorizer established it: the IAM principal it checked, or the
     * claims of the JWT it verified (read from that token, in the Authorization header, once it is
     * shown to be the verified one; see {@link ApiGatewayJwt}). A header alone never makes a caller.
     */
    static Caller caller(APIGatewayV2HTTPEvent event) {
        var context = event.getRequestContext();
        var authorizer = context == null ? null : context.getAuthorizer();
        if (authorizer == null) {
            return new Caller.None("no authorizer context");
        }
        var iam = authorizer.getIam();
        var jwt = authorizer.getJwt();
        boolean hasIam = iam != null && iam.getUserArn() != null;
        boolean hasJwt =
                jwt != null && jwt.getClaims() != null && !jwt.getClaims().isEmpty();
        if (hasIam && hasJwt) {
            return new Caller.None("both an IAM and a JWT authorizer context");
        }
        if (hasIam) {
            return new Caller.Iam(iam.getUserArn());
        }
        if (hasJwt) {
            Map<String, String> claims = new HashMap<>(jwt.getClaims());
            claims.values().removeIf(Objects::isNull);
            claims.keySet().removeIf(Objects::isNull);
            return ApiGatewayJwt.caller(claims, header(event, "authorization"));
        }
        return new Caller.None("no IAM or JWT authorizer context");
    }

    /** A header's value; API Gateway sends names in lower case, other senders may not. */
    private static String header(APIGatewayV2HTTPEvent event, String name) {
        if (event.getHeaders() == null) {
            return null;
        }
        for (Map.Entry<String, String> h : event.getHeaders().entrySet()) {
            if (name.equalsIgnoreCase(h.getKey())) {
                return h.getValue();
            }
        }
        return null;
    }
}
