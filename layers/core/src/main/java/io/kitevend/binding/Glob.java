package io.kitevend.binding;

/**
 * An anchored wildcard pattern: {@code *} matches any run of characters (also none), {@code ?}
 * exactly one; every other character matches itself. No regular expressions, so matching is
 * linear in practice and cannot be made to backtrack catastrophically.
 */
public final class Glob {
    public static final int MAX_LENGTH = 256;

    private final String pattern;
    private final boolean literal;

    private Glob(String pattern) {
        this.pattern = pattern;
        this.literal = pattern.indexOf('*') < 0 && pattern.indexOf('?') < 0;
    }

    /** Returns the problem with a pattern, or null when it can be compiled. */
    public static String problem(String pattern) {
        if (pattern == null || pattern.isEmpty()) {
            return "must not be empty";
        }
        if (pattern.length() > MAX_LENGTH) {
            return "must be at most " + MAX_LENGTH + " characters";
        }
        for (int i = 0; i < pattern.length(); i++) {
            if (Character.isISOControl(pattern.charAt(i))) {
                return "must not contain control characters";
            }
        }
        return null;
    }

    public static Glob compile(String pattern) {
        String problem = problem(pattern);
        if (problem != null) {
            throw new IllegalArgumentException("glob " + problem);
        }
        return new Glob(pattern);
    }

    public static boolean isGlob(String text) {
        return text.indexOf('*') >= 0 || text.indexOf('?') >= 0;
    }

    public boolean isLiteral() {
        return literal;
    }

    public String pattern() {
        return pattern;
    }

    public boolean matches(String value) {
        if (value == null) {
            return false;
        }
        if (literal) {
            return pattern.equals(value);
        }
        // Iterative wildcard matching with single-star backtracking: O(n*m) worst case, no recursion.
        int p = 0;
        int v = 0;
        int starP = -1;
        int starV = 0;
        while (v < value.length()) {
            if (p < pattern.length() && (pattern.charAt(p) == '?' || pattern.charAt(p) == value.charAt(v))) {
                p++;
                v++;
            } else if (p < pattern.length() && pattern.charAt(p) == '*') {
                starP = p++;
                starV = v;
            } else if (starP >= 0) {
                p = starP + 1;
                v = ++starV;
            } else {
                return false;
            }
        }
        while (p < pattern.length() && pattern.charAt(p) == '*') {
            p++;
        }
        return p == pattern.length();
    }

    @Override
    public String toString() {
        return pattern;
    }
}
