package io.kitevend.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.kitevend.DependencyUnavailableException;
import io.kitevend.audit.InMemoryAuditStore;
import io.kitevend.binding.Binding;
import io.kitevend.binding.BindingPage;
import io.kitevend.binding.BindingRules;
import io.kitevend.binding.BindingStore;
import io.kitevend.binding.InMemoryBindingStore;
import io.kitevend.credentials.SimulatedCredentialIssuer;
import io.kitevend.http.HttpResponse;
import io.kitevend.replay.ReplayGuard;
import io.kitevend.testing.JwksServer;
import io.kitevend.testing.TestKeys;
import io.kitevend.testing.TokenMinter;
import io.kitevend.testing.VendFixture;
import io.kitevend.vend.VendResponses;
import io.kitevend.vend.VendResult;
import io.kitevend.vend.VendService;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The replay write and the two binding reads of a cold cache need only the token's claims, so they
 * run side by side; the refusals keep their order (a replay is a replay whatever the bindings say),
 * and no read runs on after the request is answered.
 */
class ReplayAndBindingsSideBySideTest {
    private static final Duration PATIENCE = Duration.ofSeconds(5);

    private final JwksServer jwks;
    private final TokenMinter minter;
    private final InMemoryAuditStore audit = new InMemoryAuditStore();

    ReplayAndBindingsSideBySideTest() {
        var key = TestKeys.rsa();
        jwks = new JwksServer(key);
        minter = new TokenMinter(key, jwks.issuer(), VendFixture.AUDIENCE);
    }

    @AfterEach
    void stop() {
        jwks.close();
    }

    private VendService service(ReplayGuard replay, BindingStore bindings) {
        JobPorts ports = JobPorts.of(
                new JobSettings(
                        VendFixture.policy(jwks),
                        new BindingRules("/kitevend/", Set.of()),
                        Duration.ofSeconds(30),
                        true),
                replay,
                bindings,
                audit,
                Clock.systemUTC(),
                new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8));
        return new VendService(ports, new SimulatedCredentialIssuer(Clock.systemUTC()), Clock.systemUTC());
    }

    private static InMemoryBindingStore deployMain() {
        InMemoryBindingStore store = new InMemoryBindingStore();
        store.put(VendFixture.deployMain().build());
        return store;
    }

    @Test
    void aColdCacheReadsBothQueriesWhileTheReplayWriteIsInFlight() {
        // Each of the three calls waits until all three have started: one after the other, they
        // would each wait in vain.
        CountDownLatch allStarted = new CountDownLatch(3);
        AtomicInteger metTheOthers = new AtomicInteger();
        Runnable meet = () -> {
            allStarted.countDown();
            try {
                if (allStarted.await(PATIENCE.toMillis(), TimeUnit.MILLISECONDS)) {
                    metTheOthers.incrementAndGet();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        ReplayGuard replay = (tokenId, expiresAt, requestId) -> {
            meet.run();
            return true;
        };

        VendResult result =
                service(replay, new ObservedStore(deployMain(), meet)).vend(VendFixture.bearer(minter.sign()));

        assertThat(result).isInstanceOf(VendResult.Issued.class);
        assertThat(metTheOthers.get())
                .as("the replay write and both binding reads were in flight together")
                .isEqualTo(3);
    }

    @Test
    void noReadRunsOnAfterAReplayedTokenIsRefused() {
        ObservedStore store = new ObservedStore(deployMain(), () -> sleep(Duration.ofMillis(300)));

        VendResult result =
                service((tokenId, expiresAt, requestId) -> false, store).vend(VendFixture.bearer(minter.sign()));

        assertThat(store.inFlight.get())
                .as("reads still running when the request was answered")
                .isZero();
        assertThat(store.started.get()).as("the reads the lookup started").isEqualTo(2);
        assertThat(VendResponses.toHttp(result).status()).isEqualTo(401);
        assertThat(audit.records().getLast()).containsEntry("reason", "token_replayed");
    }

    @Test
    void aReplayIsRefusedAsAReplayEvenWhenTheBindingsCannotBeRead() {
        ObservedStore store = new ObservedStore(deployMain(), () -> {
            throw new IllegalStateException("never reached");
        });
        store.unavailable = true;

        VendResult result =
                service((tokenId, expiresAt, requestId) -> false, store).vend(VendFixture.bearer(minter.sign()));

        assertThat(VendResponses.toHttp(result).status()).isEqualTo(401);
        assertThat(audit.records().getLast()).containsEntry("reason", "token_replayed");
    }

    @Test
    void unreadableBindingsAfterAFirstUseAre503() {
        ObservedStore store = new ObservedStore(deployMain(), () -> {});
        store.unavailable = true;

        VendResult result =
                service((tokenId, expiresAt, requestId) -> true, store).vend(VendFixture.bearer(minter.sign()));

        HttpResponse http = VendResponses.toHttp(result);
        assertThat(http.status()).isEqualTo(503);
        assertThat(audit.records().getLast()).containsEntry("reason", "binding_store_unavailable");
    }

    @Test
    void anUnavailableReplayStoreIs503WhateverTheBindings() {
        ReplayGuard down = (tokenId, expiresAt, requestId) -> {
            throw new DependencyUnavailableException(
                    "replay-store", "down", DependencyUnavailableException.DEFAULT_RETRY_AFTER, null);
        };

        VendResult result = service(down, deployMain()).vend(VendFixture.bearer(minter.sign()));

        assertThat(VendResponses.toHttp(result).status()).isEqualTo(503);
        assertThat(audit.records().getLast()).containsEntry("reason", "replay_store_unavailable");
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The vend path's two reads of a store, each running {@code during} first; the rest unused. */
    private static final class ObservedStore implements BindingStore {
        private final BindingStore store;
        private final Runnable during;
        final AtomicInteger started = new AtomicInteger();
        final AtomicInteger inFlight = new AtomicInteger();
        volatile boolean unavailable;

        ObservedStore(BindingStore store, Runnable during) {
            this.store = store;
            this.during = during;
        }

        private List<Binding> read(Read read) throws DependencyUnavailableException {
            started.incrementAndGet();
            inFlight.incrementAndGet();
            try {
                if (unavailable) {
                    throw new DependencyUnavailableException(
                            "binding-store", "down", DependencyUnavailableException.DEFAULT_RETRY_AFTER, null);
                }
                during.run();
                return read.read();
            } finally {
                inFlight.decrementAndGet();
            }
        }

        private interface Read {
            List<Binding> read() throws DependencyUnavailableException;
        }

        @Override
        public List<Binding> exactPipeline(String organization, String pipeline) throws DependencyUnavailableException {
            return read(() -> store.exactPipeline(organization, pipeline));
        }

        @Override
        public List<Binding> globPipelines(String organization) throws DependencyUnavailableException {
            return read(() -> store.globPipelines(organization));
        }

        @Override
        public void put(Binding binding) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<Binding> get(String organization, String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public BindingPage list(String organization, String afterName, int limit) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void create(Binding binding) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<Binding> replace(Binding binding, long expectedVersion) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<Binding> delete(String organization, String name, long expectedVersion) {
            throw new UnsupportedOperationException();
        }
    }
}
