package io.kitevend.replay;

import io.kitevend.DependencyUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Replay protection for one process (the local runner's embedded default, tests), bounded in
 * memory and constant in time per request, however long it runs.
 *
 * <p>A token id is remembered until its token expires plus the clock skew the verifier allows
 * (a token is accepted that long), as the DynamoDB guard's TTL does. Ids are filed by the second
 * they may be forgotten, so each request forgets the ids whose second has passed, oldest first,
 * without scanning the others; the number of seconds filed is at most a token's lifetime.
 *
 * <p>It holds at most {@code capacity} live ids. When it is full, a new id is refused as the
 * store being unavailable (503, retry when the oldest id expires) rather than an id being
 * forgotten early: forgetting a live id would let its token be used twice. An id already held is
 * still refused as a replay when the guard is full.
 */
public final class InMemoryReplayGuard implements ReplayGuard {
    /**
     * The local runner's bound: about 125 bytes per id, so ~120 MB when full. It is the number of
     * tokens used within their lifetime: at 1,400 vends/s (the runner's rate on two cores) with
     * Buildkite's default 5-minute tokens, about 460,000 ids are live.
     */
    public static final int DEFAULT_CAPACITY = 1_000_000;

    /** The ids that may be forgotten at the start of one second. */
    private record Expiry(long second, List<String> ids) {}

    private final Map<String, Expiry> live = new HashMap<>();
    private final TreeMap<Long, Expiry> bySecond = new TreeMap<>();
    private final Clock clock;
    private final Duration clockSkew;
    private final int capacity;

    public InMemoryReplayGuard(Clock clock, Duration clockSkew, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1");
        }
        this.clock = clock;
        this.clockSkew = clockSkew;
        this.capacity = capacity;
    }

    @Override
    public synchronized boolean firstUse(String tokenId, Instant tokenExpiresAt, String requestId)
            throws DependencyUnavailableException {
        Objects.requireNonNull(tokenExpiresAt, "tokenExpiresAt");
        long now = clock.instant().getEpochSecond();
        forgetExpired(now);
        if (live.containsKey(tokenId)) {
            return false;
        }
        if (live.size() >= capacity) {
            long wait = Math.max(1, bySecond.firstKey() - now);
            throw new DependencyUnavailableException(
                    "replay-store",
                    "the in-memory replay guard holds " + capacity + " live token ids, its limit; the oldest"
                            + " expires in " + wait + " s",
                    Duration.ofSeconds(wait),
                    null);
        }
        // Forgotten at the start of the first second after the token stops being accepted.
        long forgetAt = tokenExpiresAt.plus(clockSkew).getEpochSecond() + 1;
        Expiry expiry = bySecond.computeIfAbsent(forgetAt, second -> new Expiry(second, new ArrayList<>()));
        expiry.ids().add(tokenId);
        live.put(tokenId, expiry);
        return true;
    }

    /** How many token ids are held now (expired ones are forgotten on the next use). */
    public synchronized int size() {
        return live.size();
    }

    private void forgetExpired(long now) {
        while (!bySecond.isEmpty() && bySecond.firstKey() <= now) {
            Expiry expired = bySecond.pollFirstEntry().getValue();
            for (String id : expired.ids()) {
                live.remove(id, expired);
            }
        }
    }
}
