package io.kitevend.text;

/**
 * Text from outside (a token's claims, a header, a path, an environment variable) made safe to put
 * in a message, a log line or an audit record: cut to a length the call site chooses, and with no
 * character that could forge a line or hide itself.
 */
public final class Text {
    private Text() {}

    /**
     * At most {@code max} characters of {@code s} (then {@code ...}), each control character as
     * {@code ?}; {@code "null"} for null.
     */
    public static String printable(String s, int max) {
        return withoutControls(cut(String.valueOf(s), max));
    }

    /**
     * As {@link #printable}, and every other character outside printable ASCII as {@code ?} too:
     * for text a caller sent that is echoed in an answer or an audit detail, where only what
     * prints the same everywhere may go.
     */
    public static String printableAscii(String s, int max) {
        return cut(String.valueOf(s), max).replaceAll("[^\\x20-\\x7E]", "?");
    }

    /** {@code s} whole, each control character as {@code ?}. */
    public static String withoutControls(String s) {
        return s.replaceAll("\\p{Cntrl}", "?");
    }

    private static String cut(String s, int max) {
        return s.length() > max ? s.substring(0, max) + "..." : s;
    }
}
