package io.kitevend.admin;

import io.kitevend.binding.Glob;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A pattern over the principal ARNs that may use the admin API, compiled once. An ARN is a run of
 * segments separated by {@code :} and {@code /}; the pattern is matched segment by segment, so a
 * wildcard ({@code *} any run of characters, {@code ?} one) never crosses a separator, and a
 * literal segment matches only itself.
 *
 * <p>The accepted forms name the partition, service and account literally, and a principal the
 * account controls:
 *
 * <ul>
 *   <li>{@code arn:PARTITION:sts::ACCOUNT:assumed-role/ROLE/*}: sessions of a role. The session
 *       segment must be {@code *}: whoever assumes a role chooses its session name, so a pattern
 *       must never grant on it;
 *   <li>{@code arn:PARTITION:iam::ACCOUNT:user/[PATH/]NAME} and {@code
 *       arn:PARTITION:iam::ACCOUNT:role/[PATH/]NAME};
 *   <li>{@code arn:PARTITION:iam::ACCOUNT:root}.
 * </ul>
 *
 * A role or user name must not be wildcards alone (that would admit every role or user of the
 * account). Federated users are refused: their names too are chosen by the caller of {@code
 * GetFederationToken}.
 */
public final class PrincipalPattern {
    /** The longest ARN matched; a pattern is at most {@link Glob#MAX_LENGTH} characters. */
    public static final int MAX_LENGTH = 2048;

    /** Partition, service and account literal; the resource (after the fifth colon) printable ASCII. */
    private static final Pattern SHAPE =
            Pattern.compile("arn:(aws|aws-cn|aws-us-gov):(iam|sts)::\\d{12}:[\\x21-\\x7E]+");

    private static final Pattern WILDCARDS_ONLY = Pattern.compile("[*?]+");

    private static final String FORMS = "write arn:aws:sts::ACCOUNT:assumed-role/ROLE/*,"
            + " arn:aws:iam::ACCOUNT:role/NAME, arn:aws:iam::ACCOUNT:user/NAME or arn:aws:iam::ACCOUNT:root"
            + " (globs * and ? within one segment of the role or user name; segments are separated by : and /)";

    private final String pattern;
    private final String separators;
    private final List<Glob> segments;

    private PrincipalPattern(String pattern, Split split) {
        this.pattern = pattern;
        this.separators = split.separators();
        this.segments = split.segments().stream().map(PrincipalPattern::segment).toList();
    }

    /** Why {@code pattern} is not an accepted principal pattern, or null when it is. */
    public static String problem(String pattern) {
        if (pattern == null || !SHAPE.matcher(pattern).matches()) {
            return "is not a principal ARN pattern; " + FORMS;
        }
        if (pattern.length() > Glob.MAX_LENGTH) {
            return "must be at most " + Glob.MAX_LENGTH + " characters";
        }
        Split split = Split.of(pattern);
        List<String> resource = split.segments().subList(5, split.segments().size());
        String service = split.segments().get(2);
        String type = resource.get(0);
        if (service.equals("sts") && type.equals("assumed-role")) {
            if (resource.size() != 3) {
                return "names a role's sessions as assumed-role/ROLE/* (three segments after the account)";
            }
            if (!resource.get(2).equals("*")) {
                return "must end in /* : a session name is chosen by whoever assumes the role, so a pattern"
                        + " may not depend on it";
            }
            return nameProblem("role", resource.get(1));
        }
        if (service.equals("sts") && type.equals("federated-user")) {
            return "names a federated user, whose name is chosen by the caller of GetFederationToken; " + FORMS;
        }
        if (service.equals("iam") && (type.equals("role") || type.equals("user"))) {
            if (resource.size() < 2) {
                return "names no " + type + "; " + FORMS;
            }
            for (String segment : resource.subList(1, resource.size())) {
                String problem = segment.isEmpty() ? "has an empty segment" : Glob.problem(segment);
                if (problem != null) {
                    return problem;
                }
            }
            return nameProblem(type, resource.getLast());
        }
        if (service.equals("iam") && type.equals("root") && resource.size() == 1) {
            return null;
        }
        return "is not a principal ARN pattern; " + FORMS;
    }

    private static String nameProblem(String what, String name) {
        if (name.isEmpty() || WILDCARDS_ONLY.matcher(name).matches()) {
            return "must name the " + what + " (wildcards alone would admit every " + what + " of the account)";
        }
        return Glob.problem(name);
    }

    /**
     * Compiles an accepted pattern.
     *
     * @throws IllegalArgumentException with {@link #problem} when it is not one
     */
    public static PrincipalPattern compile(String pattern) {
        String problem = problem(pattern);
        if (problem != null) {
            throw new IllegalArgumentException("'" + pattern + "' " + problem);
        }
        return new PrincipalPattern(pattern, Split.of(pattern));
    }

    /**
     * The pattern that admits one principal: the ARN itself, except that a role session's ARN
     * admits every session of the role (the session name is not for a pattern to name).
     */
    public static String admitting(String arn) {
        Split split = Split.of(arn);
        List<String> segments = split.segments();
        if (segments.size() == 8
                && segments.get(2).equals("sts")
                && segments.get(5).equals("assumed-role")) {
            return arn.substring(0, arn.lastIndexOf('/') + 1) + "*";
        }
        return arn;
    }

    /** True when {@code arn} has the pattern's separators in the same places and each segment matches its glob. */
    public boolean matches(String arn) {
        if (arn == null || arn.length() > MAX_LENGTH) {
            return false;
        }
        Split split = Split.of(arn);
        if (!split.separators().equals(separators)) {
            return false;
        }
        for (int i = 0; i < segments.size(); i++) {
            Glob glob = segments.get(i);
            String value = split.segments().get(i);
            if (glob == null ? !value.isEmpty() : !glob.matches(value)) {
                return false;
            }
        }
        return true;
    }

    public String pattern() {
        return pattern;
    }

    @Override
    public String toString() {
        return pattern;
    }

    /** An empty segment (the region of an IAM or STS ARN) matches only an empty one: null. */
    private static Glob segment(String text) {
        return text.isEmpty() ? null : Glob.compile(text);
    }

    /** An ARN's segments and, between them, its separators in order. */
    record Split(List<String> segments, String separators) {
        static Split of(String arn) {
            List<String> segments = new ArrayList<>();
            StringBuilder separators = new StringBuilder();
            int start = 0;
            for (int i = 0; i < arn.length(); i++) {
                char c = arn.charAt(i);
                if (c == ':' || c == '/') {
                    segments.add(arn.substring(start, i));
                    separators.append(c);
                    start = i + 1;
                }
            }
            segments.add(arn.substring(start));
            return new Split(List.copyOf(segments), separators.toString());
        }
    }
}
