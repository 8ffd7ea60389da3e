package io.kitevend.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class LatencyHistogramTest {

    /** The exact nearest-rank quantile of sorted values. */
    private static long exact(long[] sorted, double q) {
        int rank = (int) Math.max(1, Math.ceil(q * sorted.length));
        return sorted[rank - 1];
    }

    static Stream<Arguments> distributions() {
        SplittableRandom r = new SplittableRandom(7);
        return Stream.of(
                Arguments.of(Named.of("uniform 0-100 ms (exact range)", (LongSupplier) () -> r.nextLong(0, 100))),
                Arguments.of(Named.of("uniform 0-5 s", (LongSupplier) () -> r.nextLong(0, 5_000))),
                Arguments.of(Named.of("log-normal around 40 ms with a long tail", (LongSupplier)
                        () -> Math.round(Math.exp(Math.log(40) + 0.9 * r.nextDouble(-3, 3))))),
                Arguments.of(Named.of("bimodal: cached 15 ms, cold 2.5 s", (LongSupplier)
                        () -> r.nextInt(10) == 0 ? r.nextLong(2_000, 3_000) : r.nextLong(10, 20))),
                Arguments.of(Named.of("timeouts near 15 minutes", (LongSupplier) () -> r.nextLong(800_000, 900_000))));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("distributions")
    void medianAndP99AreWithinTheStatedBound(LongSupplier values) {
        LatencyHistogram h = new LatencyHistogram();
        long[] all = new long[20_001];
        for (int i = 0; i < all.length; i++) {
            all[i] = values.getAsLong();
            h.record(all[i]);
        }
        Arrays.sort(all);
        for (double q : new double[] {0.5, 0.9, 0.99, 0.999, 1.0}) {
            long truth = exact(all, q);
            long estimate = h.quantile(q);
            if (truth < 128) {
                assertThat(estimate).as("q=%s below 128 is exact", q).isEqualTo(truth);
            } else {
                assertThat((double) Math.abs(estimate - truth))
                        .as("q=%s: %d vs exact %d", q, estimate, truth)
                        .isLessThanOrEqualTo(truth * LatencyHistogram.RELATIVE_ERROR);
            }
        }
        assertThat(h.count()).isEqualTo(all.length);
        assertThat(h.max()).isEqualTo(all[all.length - 1]);
        assertThat(h.min()).isEqualTo(all[0]);
        assertThat(h.mean())
                .isCloseTo(Arrays.stream(all).average().orElseThrow(), org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void bucketsTileTheRangeWithoutGapsOrOverlaps() {
        long expectedLower = 0;
        for (int i = 0; LatencyHistogram.lowerBound(i) < LatencyHistogram.MAX_TRACKED && i < 2240; i++) {
            assertThat(LatencyHistogram.lowerBound(i)).as("bucket %d", i).isEqualTo(expectedLower);
            assertThat(LatencyHistogram.index(expectedLower)).isEqualTo(i);
            assertThat(LatencyHistogram.index(expectedLower + LatencyHistogram.width(i) - 1))
                    .isEqualTo(i);
            assertThat((double) LatencyHistogram.width(i)).isLessThanOrEqualTo(Math.max(1, expectedLower / 64.0));
            expectedLower += LatencyHistogram.width(i);
        }
        assertThat(LatencyHistogram.index(LatencyHistogram.MAX_TRACKED)).isEqualTo(2239);
    }

    @Test
    void emptyHistogramAnswersZero() {
        LatencyHistogram h = new LatencyHistogram();
        assertThat(h.quantile(0.5)).isZero();
        assertThat(h.quantile(0.99)).isZero();
        assertThat(h.max()).isZero();
        assertThat(h.count()).isZero();
    }

    @Test
    void hugeAndNegativeValuesAreClampedNotLost() {
        LatencyHistogram h = new LatencyHistogram();
        h.record(-5);
        h.record(Long.MAX_VALUE);
        assertThat(h.count()).isEqualTo(2);
        assertThat(h.quantile(0.5)).isZero();
        assertThat(h.quantile(1.0)).isEqualTo(Long.MAX_VALUE);
        assertThat(h.max()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void quantileOutsideZeroToOneIsRefused() {
        assertThatThrownBy(() -> new LatencyHistogram().quantile(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new LatencyHistogram().quantile(1.5)).isInstanceOf(IllegalArgumentException.class);
    }
}
