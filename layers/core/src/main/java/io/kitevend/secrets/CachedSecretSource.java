package io.kitevend.secrets;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps secret values of a warm instance for a short time, so that a burst of jobs does not read
 * the same secret again and again. Off when the time is zero. {@link #clear()} empties it (before
 * a SnapStart checkpoint nothing may be cached).
 */
public final class CachedSecretSource implements SecretSource {
    private final SecretSource delegate;
    private final Duration ttl;
    private final Clock clock;
    private final Map<String, Entry> cache = new ConcurrentHashMap<>();

    private record Entry(SecretValue value, Instant expires) {}

    public CachedSecretSource(SecretSource delegate, Duration ttl, Clock clock) {
        this.delegate = delegate;
        this.ttl = ttl;
        this.clock = clock;
    }

    @Override
    public SecretValue fetch(String secretId) throws SecretUnavailableException {
        if (ttl.isZero()) {
            return delegate.fetch(secretId);
        }
        Instant now = clock.instant();
        Entry entry = cache.get(secretId);
        if (entry != null && now.isBefore(entry.expires())) {
            return entry.value();
        }
        SecretValue value = delegate.fetch(secretId);
        cache.put(secretId, new Entry(value, now.plus(ttl)));
        return value;
    }

    @Override
    public String name() {
        return delegate.name();
    }

    public void clear() {
        cache.clear();
    }
}
