package io.kitevend.replay;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Replay protection for one process (local runner, tests); expired entries are dropped as it goes. */
public final class InMemoryReplayGuard implements ReplayGuard {
    private record Use(String requestId, Instant expiresAt) {}

    private final Map<String, Use> seen = new ConcurrentHashMap<>();
    private final Clock clock;

    public InMemoryReplayGuard(Clock clock) {
        this.clock = clock;
    }

    @Override
    public boolean firstUse(String tokenId, Instant tokenExpiresAt, String requestId) {
        Instant now = clock.instant();
        if (seen.size() > 10_000) {
            seen.values().removeIf(use -> use.expiresAt().isBefore(now));
        }
        Use use = seen.compute(
                tokenId,
                (id, previous) -> previous == null || previous.expiresAt().isBefore(now)
                        ? new Use(requestId, tokenExpiresAt)
                        : previous);
        return use.requestId().equals(requestId);
    }
}
