package io.kitevend.testing;

import com.fasterxml.jackson.databind.util.RawValue;

/**
 * JSON values written exactly as a test wants them in a signed payload ({@link
 * TokenMinter#signJson}): numbers in any notation, and strings with every character outside
 * printable ASCII escaped, so that even an unpaired surrogate reaches the verifier as written.
 */
public final class RawJson {
    private RawJson() {}

    /** Any JSON text, such as {@code 1e19}, {@code 42.0} or {@code [1]}. */
    public static RawValue of(String json) {
        return new RawValue(json);
    }

    /** {@code s} as a JSON string whose characters outside printable ASCII are all {@code \}{@code uXXXX}. */
    public static RawValue string(String s) {
        StringBuilder out = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c >= 0x20 && c < 0x7F) {
                out.append(c);
            } else {
                out.append(String.format("\\u%04x", (int) c));
            }
        }
        return new RawValue(out.append('"').toString());
    }
}
