package io.kitevend.report;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Exact counts per key for at most {@code maxKeys} distinct keys; occurrences of keys beyond
 * that are added to {@link #other()} so that memory stays bounded whatever the input. Each key
 * may carry a few sample values (request ids), the first ones seen.
 */
public final class CappedCounter {
    /** One key's count and samples. */
    public static final class Tally {
        private long count;
        private final List<String> samples;
        private final int maxSamples;

        Tally(int maxSamples) {
            this.maxSamples = maxSamples;
            this.samples = new ArrayList<>(Math.min(maxSamples, 4));
        }

        public long count() {
            return count;
        }

        public List<String> samples() {
            return List.copyOf(samples);
        }
    }

    /** A key with its tally, for output. */
    public record Entry(String key, long count, List<String> samples) {}

    private final int maxKeys;
    private final int maxSamples;
    private final Map<String, Tally> tallies = new HashMap<>();
    private long other;
    private long total;

    public CappedCounter(int maxKeys, int maxSamples) {
        if (maxKeys < 1 || maxSamples < 0) {
            throw new IllegalArgumentException("maxKeys must be positive and maxSamples not negative");
        }
        this.maxKeys = maxKeys;
        this.maxSamples = maxSamples;
    }

    public void add(String key) {
        add(key, null);
    }

    /** Counts one occurrence of {@code key}; keeps {@code sample} while the key has fewer than the maximum. */
    public void add(String key, String sample) {
        total++;
        Tally t = tallies.get(key);
        if (t == null) {
            if (tallies.size() >= maxKeys) {
                other++;
                return;
            }
            t = new Tally(maxSamples);
            tallies.put(key, t);
        }
        t.count++;
        if (sample != null && t.samples.size() < t.maxSamples) {
            t.samples.add(sample);
        }
    }

    public long count(String key) {
        Tally t = tallies.get(key);
        return t == null ? 0 : t.count;
    }

    /** Occurrences of keys that came after the key limit was reached. */
    public long other() {
        return other;
    }

    public long total() {
        return total;
    }

    public int distinct() {
        return tallies.size();
    }

    public boolean truncated() {
        return other > 0;
    }

    /** Every kept key, highest count first, ties by key. */
    public List<Entry> entries() {
        return tallies.entrySet().stream()
                .map(e -> new Entry(e.getKey(), e.getValue().count, List.copyOf(e.getValue().samples)))
                .sorted(Comparator.comparingLong(Entry::count).reversed().thenComparing(Entry::key))
                .toList();
    }
}
