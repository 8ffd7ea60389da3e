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
        boolean[] first = {false};
        seen.compute(tokenId, (id, previous) -> {
            if (previous == null || previous.expiresAt().isBefore(now)) {
                first[0] = true;
                return new Use(requestId, tokenExpiresAt);
            }
            return previous;
        });
        return first[0];
    }
}
