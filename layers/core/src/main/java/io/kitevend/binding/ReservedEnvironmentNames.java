package io.kitevend.binding;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The environment variable names a binding may not grant a secret as: names that run code, redirect
 * traffic or packages, change whom a job trusts, or overwrite the job's own settings. The list is
 * the resource {@code reserved-environment-names} beside this class, kept identical to the agent
 * plugin's copy (which the hooks check again before they export anything); its comments say why
 * each group is there.
 */
public final class ReservedEnvironmentNames {
    static final String RESOURCE = "reserved-environment-names";

    /** An entry: a name, or a prefix followed by {@code *}. */
    private static final Pattern ENTRY = Pattern.compile("[A-Z_][A-Z0-9_]*\\*?");

    private static final List<String> ENTRIES = read();

    private ReservedEnvironmentNames() {}

    /** The list's entries in its order: names, and prefixes ending in {@code *}. */
    public static List<String> entries() {
        return ENTRIES;
    }

    /** True when {@code name} is on the list, or starts with a prefix on it. */
    public static boolean reserved(String name) {
        for (String entry : ENTRIES) {
            boolean prefix = entry.endsWith("*");
            if (prefix ? name.startsWith(entry.substring(0, entry.length() - 1)) : name.equals(entry)) {
                return true;
            }
        }
        return false;
    }

    private static List<String> read() {
        try (InputStream in = ReservedEnvironmentNames.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("the resource " + RESOURCE + " is missing");
            }
            List<String> entries = new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .lines()
                    .map(String::strip)
                    .filter(line -> !line.isEmpty() && !line.startsWith("#"))
                    .toList();
            for (String entry : entries) {
                if (!ENTRY.matcher(entry).matches()) {
                    throw new IllegalStateException(RESOURCE + ": '" + entry + "' is not a name or NAME*");
                }
            }
            return entries;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
