package io.kitevend.aws;

import java.util.function.Supplier;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.utils.SdkAutoCloseable;

/**
 * The credentials kitevend itself uses, through a provider that can be forgotten. The SDK's
 * default chain caches what it resolves (the container provider Lambda uses under SnapStart keeps
 * the credentials until shortly before they expire), and a snapshot would carry that cache into
 * every environment restored from it. {@link #refresh()} drops the provider, and with it every
 * cached credential; the next call builds a new one, which resolves afresh.
 *
 * <p>Lambda runs one request at a time per environment; the lock only keeps a refresh and a
 * call from crossing.
 */
public final class RefreshableCredentialsProvider implements AwsCredentialsProvider, SdkAutoCloseable {
    private final Supplier<? extends AwsCredentialsProvider> factory;
    private AwsCredentialsProvider current;

    public RefreshableCredentialsProvider(Supplier<? extends AwsCredentialsProvider> factory) {
        this.factory = factory;
    }

    /** The SDK's default chain, built anew after each refresh. */
    public static RefreshableCredentialsProvider defaultChain() {
        return new RefreshableCredentialsProvider(
                () -> DefaultCredentialsProvider.builder().build());
    }

    @Override
    public AwsCredentials resolveCredentials() {
        return provider().resolveCredentials();
    }

    private synchronized AwsCredentialsProvider provider() {
        if (current == null) {
            current = factory.get();
        }
        return current;
    }

    /** Forgets the provider and whatever it cached; the next call resolves credentials again. */
    public void refresh() {
        AwsCredentialsProvider dropped;
        synchronized (this) {
            dropped = current;
            current = null;
        }
        closeQuietly(dropped);
    }

    /** Whether a provider (and so, perhaps, cached credentials) is held right now. */
    public synchronized boolean holdsProvider() {
        return current != null;
    }

    @Override
    public void close() {
        refresh();
    }

    private static void closeQuietly(AwsCredentialsProvider provider) {
        if (provider instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                // A provider that cannot close is dropped all the same.
            }
        }
    }

    @Override
    public String toString() {
        return "RefreshableCredentialsProvider";
    }
}
