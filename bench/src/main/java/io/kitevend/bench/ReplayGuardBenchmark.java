package io.kitevend.bench;

import io.kitevend.DependencyUnavailableException;
import io.kitevend.replay.InMemoryReplayGuard;
import io.kitevend.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One check of the local runner's in-memory replay guard in a steady state of {@code liveIds}
 * token ids: each use records a new id whose token expires {@code liveIds} milliseconds later
 * and the clock moves on one millisecond, so as many ids expire as are added. The time per check
 * should not depend on {@code liveIds}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(
        value = 1,
        jvmArgsAppend = {"-Xmx1g"})
@State(Scope.Benchmark)
public class ReplayGuardBenchmark {
    @Param({"5000", "80000", "120000", "500000"})
    int liveIds;

    private MutableClock clock;
    private InMemoryReplayGuard guard;
    private long next;

    @Setup(Level.Iteration)
    public void fill() throws DependencyUnavailableException {
        clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));
        guard = new InMemoryReplayGuard(clock, Duration.ZERO, InMemoryReplayGuard.DEFAULT_CAPACITY);
        next = 0;
        for (int i = 0; i < liveIds; i++) {
            use();
        }
    }

    @Benchmark
    public boolean firstUse() throws DependencyUnavailableException {
        return use();
    }

    private boolean use() throws DependencyUnavailableException {
        clock.advance(Duration.ofMillis(1));
        Instant now = clock.instant();
        return guard.firstUse("jti-" + next++, now.plusMillis(liveIds), "request");
    }
}
