package io.kitevend.config;

import io.kitevend.text.Text;
import java.net.URI;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Typed reads over a map of environment variables. Every read is recorded so that tests (and the
 * template check) can compare the variables a configuration reads with those a deployment sets.
 */
public final class Settings {
    /** How much of a bad value a message shows. */
    private static final int SHOWN = 80;

    private final Map<String, String> env;
    private final Set<String> read = new TreeSet<>();

    public Settings(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    public static Settings fromEnvironment() {
        return new Settings(System.getenv());
    }

    /** The names of every variable read so far. */
    public Set<String> variablesRead() {
        return Set.copyOf(read);
    }

    public Optional<String> optional(String name) {
        read.add(name);
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        return Optional.of(value.strip());
    }

    public String required(String name) {
        return optional(name).orElseThrow(() -> new ConfigException(name, "is required but not set"));
    }

    public String string(String name, String fallback) {
        return optional(name).orElse(fallback);
    }

    public long longValue(String name, long fallback, long min, long max) {
        Optional<String> raw = optional(name);
        if (raw.isEmpty()) {
            return fallback;
        }
        long value;
        try {
            value = Long.parseLong(raw.get());
        } catch (NumberFormatException e) {
            throw new ConfigException(name, "must be a whole number, got '" + Text.printable(raw.get(), SHOWN) + "'");
        }
        if (value < min || value > max) {
            throw new ConfigException(name, "must be between " + min + " and " + max + ", got " + value);
        }
        return value;
    }

    public Duration seconds(String name, Duration fallback, long min, long max) {
        return Duration.ofSeconds(longValue(name, fallback.toSeconds(), min, max));
    }

    public boolean bool(String name, boolean fallback) {
        Optional<String> raw = optional(name);
        if (raw.isEmpty()) {
            return fallback;
        }
        return switch (raw.get().toLowerCase(Locale.ROOT)) {
            case "true", "on", "yes", "1" -> true;
            case "false", "off", "no", "0" -> false;
            default ->
                throw new ConfigException(
                        name, "must be true or false, got '" + Text.printable(raw.get(), SHOWN) + "'");
        };
    }

    /** A comma-separated list; empty entries are dropped. */
    public Set<String> list(String name) {
        return optional(name)
                .map(v -> Arrays.stream(v.split(","))
                        .map(String::strip)
                        .filter(s -> !s.isEmpty())
                        .collect(Collectors.toCollection(LinkedHashSet::new)))
                .map(Set::copyOf)
                .orElse(Set.of());
    }

    public URI httpsUri(String name, String fallback, boolean allowPlainHttp) {
        String raw = string(name, fallback);
        URI uri;
        try {
            uri = URI.create(raw);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(name, "is not a valid URL: '" + Text.printable(raw, SHOWN) + "'");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme();
        if (uri.getHost() == null || !(scheme.equals("https") || (allowPlainHttp && scheme.equals("http")))) {
            throw new ConfigException(
                    name,
                    "must be an absolute " + (allowPlainHttp ? "http(s)" : "https") + " URL, got '"
                            + Text.printable(raw, SHOWN) + "'");
        }
        return uri;
    }
}
