package io.kitevend.text;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Text from outside (a token's claims, a header, a path, an environment variable) made safe to put
 * in a message, a log line or an audit record: cut to a length the call site chooses, and with no
 * character that could forge a line or hide itself, nor one that cannot be written as UTF-8.
 */
public final class Text {
    private Text() {}

    /**
     * At most {@code max} characters of {@code s} (then {@code ...}), each control character and
     * each unpaired surrogate as {@code ?}; {@code "null"} for null.
     */
    public static String printable(String s, int max) {
        return replaceUnpairedSurrogates(withoutControls(cut(String.valueOf(s), max)), '?');
    }

    /**
     * As {@link #printable}, and every other character outside printable ASCII as {@code ?} too:
     * for text a caller sent that is echoed in an answer or an audit detail, where only what
     * prints the same everywhere may go.
     */
    public static String printableAscii(String s, int max) {
        return cut(String.valueOf(s), max).replaceAll("[^\\x20-\\x7E]", "?");
    }

    /**
     * The hex SHA-256 of {@code s}'s UTF-8 bytes: what is kept of text that must not be kept
     * itself (a token), or that is too long to keep where it goes (a session tag value).
     */
    public static String sha256Hex(String s) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code s} whole, each control character as {@code ?}. */
    public static String withoutControls(String s) {
        return s.replaceAll("\\p{Cntrl}", "?");
    }

    /** True when {@code s} has a control character (C0, DEL or C1); false for null. */
    public static boolean hasControls(String s) {
        return s != null && s.chars().anyMatch(Character::isISOControl);
    }

    /**
     * True when {@code s} has no unpaired UTF-16 surrogate, so that it can be written as UTF-8 (to
     * DynamoDB, to a log line) without loss or failure; true for null.
     */
    public static boolean isWellFormed(String s) {
        return s == null || firstUnpairedSurrogate(s) < 0;
    }

    /** {@code s} with each unpaired UTF-16 surrogate as U+FFFD, the replacement character; null for null. */
    public static String wellFormed(String s) {
        return s == null ? null : replaceUnpairedSurrogates(s, '\uFFFD');
    }

    private static String replaceUnpairedSurrogates(String s, char replacement) {
        int first = firstUnpairedSurrogate(s);
        if (first < 0) {
            return s;
        }
        StringBuilder out = new StringBuilder(s);
        for (int i = first; i < out.length(); i++) {
            if (pairAt(out, i)) {
                i++;
            } else if (Character.isSurrogate(out.charAt(i))) {
                out.setCharAt(i, replacement);
            }
        }
        return out.toString();
    }

    /** The index of the first unpaired surrogate of {@code s}, or -1. */
    private static int firstUnpairedSurrogate(CharSequence s) {
        for (int i = 0; i < s.length(); i++) {
            if (pairAt(s, i)) {
                i++;
            } else if (Character.isSurrogate(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    /** True when a surrogate pair starts at {@code i}. */
    private static boolean pairAt(CharSequence s, int i) {
        return Character.isHighSurrogate(s.charAt(i))
                && i + 1 < s.length()
                && Character.isLowSurrogate(s.charAt(i + 1));
    }

    private static String cut(String s, int max) {
        return s.length() > max ? s.substring(0, max) + "..." : s;
    }
}
