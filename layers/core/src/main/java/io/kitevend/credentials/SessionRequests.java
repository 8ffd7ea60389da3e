package io.kitevend.credentials;

import io.kitevend.binding.Binding;
import io.kitevend.token.BuildkiteClaims;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds the {@link SessionRequest} for a job and a binding, with every value cut and cleaned to
 * what STS accepts, so that a claim with odd characters can never make the call fail.
 */
public final class SessionRequests {
    /** How every session name kitevend gives a job's role session starts (the admin API refuses such sessions). */
    public static final String SESSION_NAME_PREFIX = "bk-";

    static final int MAX_SESSION_NAME = 64;
    static final int MAX_SOURCE_IDENTITY = 64;
    static final int MAX_TAG_KEY = 128;
    static final int MAX_TAG_VALUE = 256;

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

    static Map<String, String> tags(Binding binding, BuildkiteClaims claims) {
        Map<String, String> tags = new LinkedHashMap<>();
        for (String claim : binding.sessionTags()) {
            String value = claims.value(claim);
            if (value != null) {
                tags.put(cut(cleanTag(claim), MAX_TAG_KEY), cut(cleanTag(value), MAX_TAG_VALUE));
            }
        }
        return tags;
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

    /** Tag keys and values allow letters, digits, spaces and {@code _.:/=+-@}. */
    static String cleanTag(String s) {
        StringBuilder out = new StringBuilder(s.length());
        s.codePoints().forEach(cp -> {
            boolean ok = Character.isLetterOrDigit(cp) || Character.isSpaceChar(cp) || "_.:/=+-@".indexOf(cp) >= 0;
            out.appendCodePoint(ok ? cp : '_');
        });
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
