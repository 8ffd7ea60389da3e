package io.kitevend.text;

import java.util.regex.Pattern;

/**
 * The shapes of the names kitevend accepts, in one place: what a binding may be called, what a
 * Buildkite organization or pipeline slug looks like, and the AWS names a deployment is configured
 * with. {@link #matches} is false for null.
 */
public enum Identifiers {
    /** A binding's name, unique per organization. */
    BINDING_NAME("[a-z0-9][a-z0-9-]{0,62}"),
    /** A Buildkite organization slug. */
    ORGANIZATION_SLUG("[a-z0-9][a-z0-9-]{0,99}"),
    /** A Buildkite pipeline slug. */
    PIPELINE_SLUG("[a-z0-9][a-z0-9_.-]{0,99}"),
    /** A pipeline slug or a glob of them ({@code *} and {@code ?}), as a binding names its pipeline. */
    PIPELINE_GLOB("[a-z0-9*?][a-z0-9_.*?-]{0,99}"),
    /**
     * A Buildkite id ({@code organization_id}, {@code pipeline_id}): a UUID in lower case, as
     * Buildkite writes it.
     */
    BUILDKITE_ID("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"),
    /** An STS session tag key: letters, digits, spaces and {@code _.:/=+-@}, 1 to 128 of them. */
    SESSION_TAG_KEY("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]{1,128}"),
    /** An STS session tag value: the same characters as a key, up to 256 of them. */
    SESSION_TAG_VALUE("[\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]{0,256}"),
    /** A DynamoDB table name. */
    TABLE("[A-Za-z0-9_.-]{3,255}"),
    /** An AWS region name, such as {@code eu-west-1} or {@code us-gov-west-1}. */
    REGION("[a-z]{2}(-[a-z]+)+-\\d"),
    /** An AWS account id. */
    ACCOUNT("\\d{12}");

    private final Pattern pattern;

    Identifiers(String regex) {
        this.pattern = Pattern.compile(regex);
    }

    /** True when all of {@code s} has this shape; false for null. */
    public boolean matches(String s) {
        return s != null && pattern.matcher(s).matches();
    }

    /** The shape as a regular expression, for messages that show it. */
    public String pattern() {
        return pattern.pattern();
    }
}
