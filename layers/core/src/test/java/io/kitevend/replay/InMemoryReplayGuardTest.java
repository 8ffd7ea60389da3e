package io.kitevend.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kitevend.DependencyUnavailableException;
import io.kitevend.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The in-memory guard's correctness at its bounds: an id is remembered as long as its token can be
 * accepted (expiry plus the verifier's clock skew), expired ids are forgotten so memory stays
 * bounded, and a full guard refuses new ids (503) instead of forgetting a live one.
 */
class InMemoryReplayGuardTest {
    private static final Duration SKEW = Duration.ofSeconds(30);
    private static final Instant START = Instant.parse("2026-03-01T10:00:00Z");

    private final MutableClock clock = new MutableClock(START);

    private InMemoryReplayGuard guard(int capacity) {
        return new InMemoryReplayGuard(clock, SKEW, capacity);
    }

    @Test
    void eachIdPassesOnceAndOthersAreNotAffected() throws Exception {
        InMemoryReplayGuard guard = guard(100);
        Instant exp = START.plusSeconds(300);

        assertThat(guard.firstUse("a", exp, "r1")).isTrue();
        assertThat(guard.firstUse("a", exp, "r2")).isFalse();
        assertThat(guard.firstUse("b", exp, "r3")).isTrue();
        assertThat(guard.firstUse("a", exp.plusSeconds(60), "r4")).isFalse();
    }

    @Test
    void anIdIsRememberedWhileTheVerifierStillAcceptsItsTokenThatIsUntilExpiryPlusTheSkew() throws Exception {
        InMemoryReplayGuard guard = guard(100);
        Instant exp = START.plusSeconds(300);
        assertThat(guard.firstUse("a", exp, "r1")).isTrue();

        clock.set(exp.plusSeconds(1)); // expired, but within the skew: the verifier accepts the token
        assertThat(guard.firstUse("a", exp, "r2")).as("a replay just after exp").isFalse();
        clock.set(exp.plus(SKEW).minusMillis(1));
        assertThat(guard.firstUse("a", exp, "r3"))
                .as("a replay at the end of the skew")
                .isFalse();
        assertThat(guard.size()).isEqualTo(1);
    }

    @Test
    void expiredIdsAreForgottenSoMemoryStaysBoundedOverALongRun() throws Exception {
        InMemoryReplayGuard guard = guard(5_000);
        // A long run: 100,000 tokens of 5 seconds, one every 10 ms, in a guard of 5,000 ids.
        int maxHeld = 0;
        for (int i = 0; i < 100_000; i++) {
            Instant now = clock.instant();
            assertThat(guard.firstUse("jti-" + i, now.plusSeconds(5), "r" + i)).isTrue();
            maxHeld = Math.max(maxHeld, guard.size());
            clock.advance(Duration.ofMillis(10));
        }
        // Live at once: 5 s of tokens plus 30 s of skew plus the rounding second, at 100 per second.
        assertThat(maxHeld).isBetween(3_500, 3_700);
        clock.advance(Duration.ofMinutes(1));
        assertThat(guard.firstUse("late", clock.instant().plusSeconds(5), "r")).isTrue();
        assertThat(guard.size()).as("everything else has expired").isEqualTo(1);
    }

    @Test
    void aFullGuardRefusesNewIdsAsUnavailableAndStillRefusesReplays() throws Exception {
        InMemoryReplayGuard guard = guard(3);
        assertThat(guard.firstUse("a", START.plusSeconds(100), "r1")).isTrue();
        assertThat(guard.firstUse("b", START.plusSeconds(200), "r2")).isTrue();
        assertThat(guard.firstUse("c", START.plusSeconds(300), "r3")).isTrue();

        assertThatThrownBy(() -> guard.firstUse("d", START.plusSeconds(300), "r4"))
                .isInstanceOf(DependencyUnavailableException.class)
                .satisfies(e -> {
                    DependencyUnavailableException u = (DependencyUnavailableException) e;
                    assertThat(u.dependency()).isEqualTo("replay-store");
                    // The oldest id is forgotten 100 s + 30 s of skew + the rounding second from now.
                    assertThat(u.retryAfter()).isEqualTo(Duration.ofSeconds(131));
                    assertThat(u.getMessage()).contains("3 live token ids");
                });
        // Never forgotten early: every live id is still a replay.
        assertThat(guard.firstUse("a", START.plusSeconds(100), "r5")).isFalse();
        assertThat(guard.firstUse("c", START.plusSeconds(300), "r6")).isFalse();
        assertThat(guard.size()).isEqualTo(3);

        clock.set(START.plusSeconds(131));
        assertThat(guard.firstUse("d", START.plusSeconds(300), "r7"))
                .as("room again once the oldest has expired")
                .isTrue();
        assertThat(guard.firstUse("b", START.plusSeconds(200), "r8")).isFalse();
    }
}
