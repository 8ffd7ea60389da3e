package io.kitevend.token;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The claims every Buildkite job token carries that a binding's conditions can test, with the
 * value assumed when a job is described without one: a build of {@code main} started in the UI,
 * on a self-hosted agent, in a step without a key, without a tag. The dev issuer mints these
 * values and {@code explain} assumes them, so a job described by the same options to both gets
 * the same decision. ({@code build_tag} and {@code step_key} are null in a real token when the
 * build has no tag or the step no key.)
 */
public final class AssumedClaims {
    public static final String BUILD_BRANCH = "main";
    public static final String BUILD_SOURCE = "ui";
    public static final String RUNNER_ENVIRONMENT = "self-hosted";

    /** Claim name to its assumed value, null for the claims a token may carry as null. */
    public static final Map<String, String> VALUES;

    static {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("build_branch", BUILD_BRANCH);
        values.put("build_tag", null);
        values.put("step_key", null);
        values.put("build_source", BUILD_SOURCE);
        values.put("runner_environment", RUNNER_ENVIRONMENT);
        VALUES = Collections.unmodifiableMap(values);
    }

    private AssumedClaims() {}
}
