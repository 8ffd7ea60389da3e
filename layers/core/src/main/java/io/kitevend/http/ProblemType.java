package io.kitevend.http;

/** The stable error codes of kitevend's HTTP API, each with its status and title (RFC 9457). */
public enum ProblemType {
    MALFORMED_REQUEST(400, "malformed_request", "The request is malformed"),
    /** Admin API: a binding or bindings document breaks the rules; the field errors are listed. */
    INVALID_BINDING(400, "invalid_binding", "The binding is invalid"),
    /** Admin API (explain): the token given to explain was not accepted; admins may see why. */
    EXPLAIN_TOKEN_NOT_ACCEPTED(400, "token_not_accepted", "The token was not accepted"),
    TOKEN_NOT_ACCEPTED(401, "token_not_accepted", "The token was not accepted"),
    NO_MATCHING_BINDING(403, "no_matching_binding", "No binding allows this job"),
    ROLE_TRUST_DENIED(403, "role_trust_denied", "The role does not trust kitevend"),
    ROLE_REFUSED(403, "role_refused", "The role could not be assumed"),
    /** Admin API: the caller is not a reader or writer, or not a writer for a change. */
    FORBIDDEN(403, "forbidden", "Forbidden"),
    NOT_FOUND(404, "not_found", "No such resource"),
    SECRET_NOT_FOUND(404, "secret_not_found", "A secret the binding grants is missing"),
    METHOD_NOT_ALLOWED(405, "method_not_allowed", "Method not allowed"),
    AMBIGUOUS_BINDING(409, "ambiguous_binding", "Several bindings match; name one"),
    BINDING_EXISTS(409, "binding_exists", "A binding of that name exists already"),
    VERSION_MISMATCH(412, "version_mismatch", "The binding has changed since that version"),
    IF_MATCH_REQUIRED(412, "if_match_required", "If-Match with the binding's version is required"),
    PAYLOAD_TOO_LARGE(413, "payload_too_large", "The request is too large"),
    UNSUPPORTED_MEDIA_TYPE(415, "unsupported_media_type", "The body must be application/json"),
    THROTTLED(429, "throttled", "Too many requests"),
    INTERNAL_ERROR(500, "internal_error", "Internal error"),
    DEPENDENCY_UNAVAILABLE(503, "dependency_unavailable", "A service kitevend depends on is unavailable; retry later");

    public static final String TYPE_PREFIX = "urn:kitevend:problem:";

    private final int status;
    private final String code;
    private final String title;

    ProblemType(int status, String code, String title) {
        this.status = status;
        this.code = code;
        this.title = title;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public String title() {
        return title;
    }

    public String uri() {
        return TYPE_PREFIX + code;
    }
}
