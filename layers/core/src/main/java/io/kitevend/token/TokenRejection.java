package io.kitevend.token;

/**
 * Why a token was not accepted. The code goes to the audit record only; callers always get the
 * same generic 401, because Buildkite's issuer is shared by every Buildkite customer and precise
 * answers would help an outsider probe.
 */
public enum TokenRejection {
    TOKEN_MISSING("token_missing"),
    TOKEN_TOO_LARGE("token_too_large"),
    TOKEN_MALFORMED("token_malformed"),
    ALGORITHM_NONE("token_algorithm_none"),
    ALGORITHM_NOT_ALLOWED("token_algorithm_not_allowed"),
    HEADER_JWK("token_header_jwk"),
    HEADER_JKU("token_header_jku"),
    HEADER_X5U("token_header_x5u"),
    HEADER_X5C("token_header_x5c"),
    CRITICAL_HEADER("token_crit_header"),
    KEY_UNKNOWN("token_key_unknown"),
    SIGNATURE_INVALID("token_signature_invalid"),
    ISSUER_MISMATCH("token_issuer_mismatch"),
    AUDIENCE_MISMATCH("token_audience_mismatch"),
    EXPIRED("token_expired"),
    NOT_YET_VALID("token_not_yet_valid"),
    TOO_OLD("token_too_old"),
    CLAIM_MISSING("token_claim_missing"),
    CLAIM_INVALID("token_claim_invalid"),
    ORGANIZATION_NOT_ALLOWED("token_organization_not_allowed"),
    REPLAYED("token_replayed");

    private final String code;

    TokenRejection(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }
}
