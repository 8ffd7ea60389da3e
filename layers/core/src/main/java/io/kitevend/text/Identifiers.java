package io.kitevend.text;

import java.util.regex.Pattern;

/**
 * The shapes of the names kitevend accepts, in one place: what a binding may be called, what a
 * Buildkite organization or pipeline slug looks like, and the AWS names a deployment is configured
 * with. Each {@code is...} helper is false for null.
 */
public final class Identifiers {
    /** A binding's name, unique per organization. */
    public static final Pattern BINDING_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,62}");

    /** A Buildkite organization slug. */
    public static final Pattern ORGANIZATION_SLUG = Pattern.compile("[a-z0-9][a-z0-9-]{0,99}");

    /** A Buildkite pipeline slug. */
    public static final Pattern PIPELINE_SLUG = Pattern.compile("[a-z0-9][a-z0-9_.-]{0,99}");

    /** A pipeline slug or a glob of them ({@code *} and {@code ?}), as a binding names its pipeline. */
    public static final Pattern PIPELINE_GLOB = Pattern.compile("[a-z0-9*?][a-z0-9_.*?-]{0,99}");

    /** A DynamoDB table name. */
    public static final Pattern TABLE = Pattern.compile("[A-Za-z0-9_.-]{3,255}");

    /** An AWS region name, such as {@code eu-west-1} or {@code us-gov-west-1}. */
    public static final Pattern REGION = Pattern.compile("[a-z]{2}(-[a-z]+)+-\\d");

    /** An AWS account id. */
    public static final Pattern ACCOUNT = Pattern.compile("\\d{12}");

    private Identifiers() {}

    public static boolean isBindingName(String s) {
        return matches(BINDING_NAME, s);
    }

    public static boolean isOrganizationSlug(String s) {
        return matches(ORGANIZATION_SLUG, s);
    }

    public static boolean isPipelineSlug(String s) {
        return matches(PIPELINE_SLUG, s);
    }

    public static boolean isPipelineGlob(String s) {
        return matches(PIPELINE_GLOB, s);
    }

    public static boolean isTableName(String s) {
        return matches(TABLE, s);
    }

    public static boolean isRegion(String s) {
        return matches(REGION, s);
    }

    public static boolean isAccount(String s) {
        return matches(ACCOUNT, s);
    }

    private static boolean matches(Pattern pattern, String s) {
        return s != null && pattern.matcher(s).matches();
    }
}
