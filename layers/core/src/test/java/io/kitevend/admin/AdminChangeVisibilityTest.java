package io.kitevend.admin;

import static io.kitevend.testing.AdminFixture.request;
import static org.assertj.core.api.Assertions.assertThat;

import io.kitevend.audit.InMemoryAuditStore;
import io.kitevend.binding.InMemoryBindingStore;
import io.kitevend.config.Settings;
import io.kitevend.config.VendConfig;
import io.kitevend.http.HttpResponse;
import io.kitevend.testing.AdminFixture;
import io.kitevend.testing.VendFixture;
import io.kitevend.vend.VendResult;
import io.kitevend.vend.VendService;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A change made through the admin API reaches the vend path within the bindings cache time
 * ({@code KITEVEND_BINDINGS_CACHE_SECONDS}): before that the vend path may still answer from its
 * cache, at that time it answers from the store. Time is the test's clock, never a sleep.
 */
class AdminChangeVisibilityTest {
    private static final String PATH = "/v1/admin/bindings/acme/deploy-main";
    private static final String BODY = """
            {"pipeline":"deploy","conditions":{"build_branch":["main"]},
             "role_arn":"arn:aws:iam::123456789012:role/kitevend/deployer"}""";

    static Stream<Arguments> cacheTimes() {
        Map<String, String> env = new HashMap<>(AdminFixture.environment());
        env.put("KITEVEND_REPLAY_TABLE", "kitevend-replay");
        Duration documentedDefault = VendConfig.from(new Settings(env)).bindingsCacheTtl();
        return Stream.of(
                Arguments.of("a short cache time of 1 s", Duration.ofSeconds(1)),
                Arguments.of("the default cache time (" + documentedDefault.toSeconds() + " s)", documentedDefault));
    }

    private static boolean allowed(VendService vend, AdminFixture f) {
        VendResult r = vend.vend(VendFixture.bearer(f.minter.sign(f.minter.claims("acme", "deploy", "main"))));
        return r instanceof VendResult.Issued;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cacheTimes")
    void aChangeIsSeenByTheVendPathWithinTheCacheTime(String name, Duration ttl) {
        AdminFixture f = new AdminFixture(new InMemoryBindingStore(), new InMemoryAuditStore());
        VendService vend = f.vend(ttl, true);
        Duration almost = ttl.minusMillis(1);

        assertThat(allowed(vend, f)).as("no binding yet").isFalse();

        HttpResponse created = f.send(request("PUT", PATH).json(BODY));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(allowed(vend, f))
                .as("the cached answer may last until the cache time")
                .isFalse();
        f.clock.advance(almost);
        assertThat(allowed(vend, f))
                .as("still cached just before the cache time")
                .isFalse();
        f.clock.advance(ttl.minus(almost));
        assertThat(allowed(vend, f))
                .as("the new binding is used once the cache time has passed")
                .isTrue();

        HttpResponse disabled = f.send(
                request("PUT", PATH).ifMatch(1).json(BODY.replace("\"role_arn\"", "\"enabled\":false,\"role_arn\"")));
        assertThat(disabled.status()).as(disabled.body()).isEqualTo(200);
        f.clock.advance(ttl);
        assertThat(allowed(vend, f))
                .as("the disabled binding is no longer used after the cache time")
                .isFalse();

        HttpResponse enabled = f.send(request("PUT", PATH).ifMatch(2).json(BODY));
        assertThat(enabled.status()).isEqualTo(200);
        f.clock.advance(ttl);
        assertThat(allowed(vend, f)).isTrue();
        HttpResponse deleted = f.send(request("DELETE", PATH).ifMatch(3));
        assertThat(deleted.status()).isEqualTo(204);
        f.clock.advance(ttl);
        assertThat(allowed(vend, f))
                .as("the deleted binding is gone after the cache time")
                .isFalse();
    }
}
