package io.kitevend.report;

/**
 * A fixed-size log-linear histogram of non-negative whole numbers (milliseconds), in the manner of
 * HdrHistogram: values below 128 have a bucket each; above, every power of two
 * {@code [2^e, 2^(e+1))} is split into 64 equal buckets of width {@code 2^(e-6)}. It takes
 * 2,240 counters (under 18 KB) whatever the number of values, and covers values up to
 * {@value #MAX_TRACKED} (about 35 years in milliseconds); larger values fall into the last bucket.
 *
 * <p><b>Error bound.</b> A quantile is computed by nearest rank over exact bucket counts, so the
 * bucket holding the true nearest-rank value is found exactly; the answer is that bucket's
 * midpoint, clamped to the observed minimum and maximum (the first and last ranks are the exact
 * minimum and maximum). Below 128 the answer is exact; above,
 * a bucket's width is at most 1/64 of its lower bound, so the answer is within half a width:
 * at most 1/128 (0.79 %) of the true value away.
 */
public final class LatencyHistogram {
    /** Relative error bound of {@link #quantile(double)} for values of 128 and above. */
    public static final double RELATIVE_ERROR = 1.0 / 128;

    public static final long MAX_TRACKED = (1L << 40) - 1;

    private static final int EXACT = 128;
    private static final int SUB_BITS = 6;
    private static final int SUB = 1 << SUB_BITS;
    private static final int FIRST_EXPONENT = 7;
    private static final int LAST_EXPONENT = 39;
    private static final int BUCKETS = EXACT + (LAST_EXPONENT - FIRST_EXPONENT + 1) * SUB;

    private final long[] counts = new long[BUCKETS];
    private long count;
    private long sum;
    private long min = Long.MAX_VALUE;
    private long max = Long.MIN_VALUE;

    public void record(long value) {
        long v = Math.max(0, value);
        counts[index(Math.min(v, MAX_TRACKED))]++;
        count++;
        sum += v;
        min = Math.min(min, v);
        max = Math.max(max, v);
    }

    static int index(long v) {
        if (v < EXACT) {
            return (int) v;
        }
        int e = 63 - Long.numberOfLeadingZeros(v);
        int sub = (int) (v >>> (e - SUB_BITS)) - SUB;
        return EXACT + (e - FIRST_EXPONENT) * SUB + sub;
    }

    static long lowerBound(int index) {
        if (index < EXACT) {
            return index;
        }
        int k = index - EXACT;
        int e = FIRST_EXPONENT + k / SUB;
        return (long) (SUB + k % SUB) << (e - SUB_BITS);
    }

    static long width(int index) {
        return index < EXACT ? 1 : 1L << (FIRST_EXPONENT + (index - EXACT) / SUB - SUB_BITS);
    }

    public long count() {
        return count;
    }

    /** The exact largest value recorded; 0 when empty. */
    public long max() {
        return count == 0 ? 0 : max;
    }

    public long min() {
        return count == 0 ? 0 : min;
    }

    /** The exact mean; 0 when empty. */
    public double mean() {
        return count == 0 ? 0 : (double) sum / count;
    }

    /**
     * The nearest-rank quantile {@code q} (0 &lt; q &lt;= 1): the smallest recorded value with at
     * least {@code ceil(q * count)} values at or below it, within {@link #RELATIVE_ERROR}. 0 when empty.
     */
    public long quantile(double q) {
        if (q <= 0 || q > 1) {
            throw new IllegalArgumentException("quantile must be in (0, 1]");
        }
        if (count == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(q * count));
        if (rank == count) {
            return max;
        }
        if (rank == 1) {
            return min;
        }
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += counts[i];
            if (seen >= rank) {
                long mid = lowerBound(i) + (width(i) - 1) / 2;
                return Math.min(max, Math.max(min, mid));
            }
        }
        return max;
    }
}
