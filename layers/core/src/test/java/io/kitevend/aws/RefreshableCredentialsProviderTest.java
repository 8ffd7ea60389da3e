package io.kitevend.aws;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/** The credentials provider the SnapStart hooks forget: lazy, dropped on refresh, rebuilt on use. */
class RefreshableCredentialsProviderTest {

    /** A provider that hands out numbered credentials and remembers whether it was closed. */
    static final class Numbered implements AwsCredentialsProvider, AutoCloseable {
        final int number;
        boolean closed;
        boolean failOnClose;

        Numbered(int number) {
            this.number = number;
        }

        @Override
        public AwsCredentials resolveCredentials() {
            return AwsBasicCredentials.create("AKIDNUMBER" + number, "secret-" + number);
        }

        @Override
        public void close() {
            closed = true;
            if (failOnClose) {
                throw new IllegalStateException("cannot close");
            }
        }
    }

    private final List<Numbered> built = new ArrayList<>();
    private final RefreshableCredentialsProvider provider = new RefreshableCredentialsProvider(() -> {
        Numbered next = new Numbered(built.size() + 1);
        built.add(next);
        return next;
    });

    @Test
    void buildsNothingUntilCredentialsAreAskedFor() {
        assertThat(provider.holdsProvider()).isFalse();
        assertThat(built).isEmpty();

        assertThat(provider.resolveCredentials().accessKeyId()).isEqualTo("AKIDNUMBER1");

        assertThat(provider.holdsProvider()).isTrue();
        assertThat(built).hasSize(1);
    }

    @Test
    void keepsOneProviderBetweenRefreshes() {
        provider.resolveCredentials();
        provider.resolveCredentials();
        provider.resolveCredentials();

        assertThat(built).hasSize(1);
    }

    @Test
    void refreshClosesTheProviderAndTheNextCallResolvesThroughANewOne() {
        assertThat(provider.resolveCredentials().accessKeyId()).isEqualTo("AKIDNUMBER1");

        provider.refresh();

        assertThat(provider.holdsProvider()).isFalse();
        assertThat(built.get(0).closed).isTrue();
        assertThat(provider.resolveCredentials().accessKeyId()).isEqualTo("AKIDNUMBER2");
        assertThat(built).hasSize(2);
        assertThat(built.get(1).closed).isFalse();
    }

    @Test
    void refreshWithNothingHeldBuildsNothing() {
        provider.refresh();
        provider.refresh();

        assertThat(built).isEmpty();
        assertThat(provider.holdsProvider()).isFalse();
    }

    @Test
    void aProviderThatFailsToCloseIsDroppedAllTheSame() {
        provider.resolveCredentials();
        built.get(0).failOnClose = true;

        provider.refresh();

        assertThat(provider.holdsProvider()).isFalse();
        assertThat(provider.resolveCredentials().accessKeyId()).isEqualTo("AKIDNUMBER2");
    }

    @Test
    void closeDropsTheProvider() {
        provider.resolveCredentials();

        provider.close();

        assertThat(built.get(0).closed).isTrue();
        assertThat(provider.holdsProvider()).isFalse();
    }

    @Test
    void theDefaultChainIsNotBuiltUntilUsed() {
        RefreshableCredentialsProvider chain = RefreshableCredentialsProvider.defaultChain();

        assertThat(chain.holdsProvider()).isFalse();
        chain.close();
    }
}
