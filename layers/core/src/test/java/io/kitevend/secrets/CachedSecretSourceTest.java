package io.kitevend.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kitevend.testing.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link CachedSecretSource} over a source whose current versions the test changes. */
class CachedSecretSourceTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2025-05-15T12:00:00Z"));
    private final Versions source = new Versions();

    /** Secrets with a current version each; counts the reads. */
    private static final class Versions implements SecretSource {
        final Map<String, String> current = new HashMap<>();
        final List<String> reads = new ArrayList<>();
        int version;

        void put(String id, String text) {
            current.put(id, text);
            version++;
        }

        @Override
        public SecretValue fetch(String secretId) throws SecretUnavailableException {
            reads.add(secretId);
            String text = current.get(secretId);
            if (text == null) {
                throw new SecretUnavailableException(
                        true, "secret_not_found", "secret " + secretId + " does not exist");
            }
            return new SecretValue(secretId, "v" + version, text, null);
        }
    }

    @Test
    void aValueIsKeptForTheCacheTimeAndReadAgainAfterIt() throws Exception {
        var cache = new CachedSecretSource(source, Duration.ofSeconds(30), clock);
        source.put("kitevend/a", "one");

        assertThat(cache.fetch("kitevend/a").text()).isEqualTo("one");
        source.put("kitevend/a", "two");
        clock.advance(Duration.ofSeconds(29));
        assertThat(cache.fetch("kitevend/a").text()).isEqualTo("one");
        assertThat(source.reads).hasSize(1);

        clock.advance(Duration.ofSeconds(1));
        SecretValue fresh = cache.fetch("kitevend/a");

        assertThat(fresh.text()).isEqualTo("two");
        assertThat(fresh.versionId()).isEqualTo("v2");
        assertThat(source.reads).hasSize(2);
    }

    @Test
    void theCacheTimeRunsFromTheReadNotFromTheFirstRead() throws Exception {
        var cache = new CachedSecretSource(source, Duration.ofSeconds(30), clock);
        source.put("kitevend/a", "one");
        cache.fetch("kitevend/a");
        clock.advance(Duration.ofSeconds(30));
        source.put("kitevend/a", "two");
        assertThat(cache.fetch("kitevend/a").text()).isEqualTo("two");
        source.put("kitevend/a", "three");

        clock.advance(Duration.ofSeconds(29));

        assertThat(cache.fetch("kitevend/a").text()).isEqualTo("two");
    }

    @Test
    void eachSecretIsCachedOnItsOwn() throws Exception {
        var cache = new CachedSecretSource(source, Duration.ofSeconds(30), clock);
        source.put("kitevend/a", "a-value");
        source.put("kitevend/b", "b-value");

        assertThat(cache.fetch("kitevend/a").text()).isEqualTo("a-value");
        assertThat(cache.fetch("kitevend/b").text()).isEqualTo("b-value");
        assertThat(cache.fetch("kitevend/a").text()).isEqualTo("a-value");

        assertThat(source.reads).containsExactly("kitevend/a", "kitevend/b");
    }

    @Test
    void aZeroCacheTimeReadsEveryTime() throws Exception {
        var cache = new CachedSecretSource(source, Duration.ZERO, clock);
        source.put("kitevend/a", "one");
        cache.fetch("kitevend/a");
        source.put("kitevend/a", "two");

        assertThat(cache.fetch("kitevend/a").text()).isEqualTo("two");
        assertThat(source.reads).hasSize(2);
    }

    @Test
    void aFailureIsNotCached() throws Exception {
        var cache = new CachedSecretSource(source, Duration.ofSeconds(30), clock);
        assertThatThrownBy(() -> cache.fetch("kitevend/late"))
                .isInstanceOfSatisfying(
                        SecretUnavailableException.class,
                        e -> assertThat(e.missing()).isTrue());

        source.put("kitevend/late", "here now");

        assertThat(cache.fetch("kitevend/late").text()).isEqualTo("here now");
    }

    @Test
    void clearDropsEverythingCached() throws Exception {
        var cache = new CachedSecretSource(source, Duration.ofSeconds(300), clock);
        source.put("kitevend/a", "one");
        cache.fetch("kitevend/a");
        source.put("kitevend/a", "two");

        cache.clear();

        assertThat(cache.fetch("kitevend/a").text()).isEqualTo("two");
    }
}
