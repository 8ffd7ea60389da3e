package io.kitevend.credentials;

import io.kitevend.binding.Binding;
import io.kitevend.text.Identifiers;
import io.kitevend.text.Text;
import io.kitevend.token.BuildkiteClaims;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds the {@link SessionRequest} for a job and a binding, with every value made into what STS
 * accepts, so that a claim with odd characters can never make the call fail. Session names and
 * source identities are cleaned (they are for people reading CloudTrail); session tag values, which
 * role policies test, are exact or visibly encoded, never merged ({@link #tagValue}).
 */
public final class SessionRequests {
    /** How every session name kitevend gives a job's role session starts (the admin API refuses such sessions). */
    public static final String SESSION_NAME_PREFIX = "bk-";

    static final int MAX_SESSION_NAME = 64;
    static final int MAX_SOURCE_IDENTITY = 64;
    static final int MAX_TAG_VALUE = 256;
    /** Marks a tag value that is the base64url of the claim's UTF-8 bytes. */
    public static final String BASE64_PREFIX = "b64:";
    /** Marks a tag value that is the hex SHA-256 of the claim's UTF-8 bytes (too long for base64). */
    public static final String SHA256_PREFIX = "sha256:";

    private SessionRequests() {}

    /**
     * @param requestedSeconds what the job asked for, or null for the binding's maximum; capped by it
     */
    public static SessionRequest forJob(Binding binding, BuildkiteClaims claims, Integer requestedSeconds) {
        int duration = requestedSeconds == null
                ? binding.maxDurationSeconds()
                : Math.min(requestedSeconds, binding.maxDurationSeconds());
        return new SessionRequest(
                binding.roleArn(),
                sessionName(claims),
                sourceIdentity(claims),
                tags(binding, claims),
                duration,
                binding.sessionPolicy(),
                binding.externalId());
    }

    /** {@code bk-<pipeline>-<build>-<job id prefix>}: readable in CloudTrail and unique per job. */
    static String sessionName(BuildkiteClaims claims) {
        String jobPrefix = cleanIdentifier(claims.jobId().replace("-", ""));
        jobPrefix = jobPrefix.substring(0, Math.min(8, jobPrefix.length()));
        String tail = "-" + claims.buildNumber() + "-" + jobPrefix;
        String head = SESSION_NAME_PREFIX;
        String pipeline = cleanIdentifier(claims.pipelineSlug());
        int room = MAX_SESSION_NAME - head.length() - tail.length();
        return head + cut(pipeline, room) + tail;
    }

    /** {@code bk.<org>.<pipeline>.<build>}: follows the session through role chaining. */
    static String sourceIdentity(BuildkiteClaims claims) {
        String tail = "." + claims.buildNumber();
        String org = cleanIdentifier(claims.organizationSlug());
        String pipeline = cleanIdentifier(claims.pipelineSlug());
        int room = MAX_SOURCE_IDENTITY - "bk.".length() - tail.length() - 1;
        int orgRoom = Math.min(org.length(), Math.max(room / 2, room - pipeline.length()));
        String orgPart = cut(org, orgRoom);
        return "bk." + orgPart + "." + cut(pipeline, room - orgPart.length()) + tail;
    }

    /**
     * One tag per claim the binding names (keys are the claim names, which the binding's validation
     * keeps to what STS takes); a claim the job does not carry gets no tag.
     */
    static Map<String, String> tags(Binding binding, BuildkiteClaims claims) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (String claim : binding.sessionTags()) {
            String value = claims.value(claim);
            if (value != null) {
                tags.put(claim, tagValue(value));
            }
        }
        return tags;
    }

    /**
     * A claim's value as a session tag value that a role policy can rely on: two different claims
     * never give the same tag. A value STS takes as it is (letters, digits, spaces and {@code
     * _.:/=+-@}, at most 256 characters) and that does not start with a reserved prefix (in any
     * case) stays exact. Any other value is marked and encoded: {@code b64:} and the unpadded
     * base64url of its UTF-8 bytes, or, when that is longer than 256 characters, {@code sha256:}
     * and the hex SHA-256 of its UTF-8 bytes.
     */
    static String tagValue(String value) {
        if (!Text.isWellFormed(value)) {
            // A verified claim never has one; UTF-8 would turn it into '?' and merge two values.
            throw new IllegalArgumentException("a tag value must be well-formed UTF-16");
        }
        if (value.length() <= MAX_TAG_VALUE && Identifiers.SESSION_TAG_VALUE.matches(value) && !isReserved(value)) {
            return value;
        }
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        String encoded = BASE64_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(utf8);
        if (encoded.length() <= MAX_TAG_VALUE) {
            return encoded;
        }
        return SHA256_PREFIX + Text.sha256Hex(value);
    }

    private static boolean isReserved(String value) {
        return value.regionMatches(true, 0, BASE64_PREFIX, 0, BASE64_PREFIX.length())
                || value.regionMatches(true, 0, SHA256_PREFIX, 0, SHA256_PREFIX.length());
    }

    /** Session names and source identities allow {@code [\w+=,.@-]}. */
    static String cleanIdentifier(String s) {
        StringBuilder out = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || "_+=,.@-".indexOf(c) >= 0;
            out.append(ok ? c : '_');
        }
        return out.toString();
    }

    private static String cut(String s, int max) {
        if (max <= 0) {
            return "";
        }
        if (s.length() <= max) {
            return s;
        }
        // Do not split a surrogate pair.
        int end = Character.isHighSurrogate(s.charAt(max - 1)) ? max - 1 : max;
        return s.substring(0, end);
    }
}
