package io.kitevend.replay;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Replay protection for one process (local runner, tests); expired entries are dropped as it goes. */
public final class InMemoryReplayGuard implements ReplayGuard {
    private final Map<String, Instant> seen = new ConcurrentHashMap<>();
    private final Clock clock;

    public InMemoryReplayGuard(Clock clock) {
        this.clock = clock;
    }

    @Override
    public boolean firstUse(String tokenId, Instant tokenExpiresAt) {
        Instant now = clock.instant();
        if (seen.size() > 10_000) {
            seen.values().removeIf(expiry -> expiry.isBefore(now));
        }
        boolean[] first = {false};
        seen.compute(tokenId, (id, previous) -> {
            if (previous == null || previous.isBefore(now)) {
                first[0] = true;
                return tokenExpiresAt;
            }
            return previous;
        });
        return first[0];
    }
}
