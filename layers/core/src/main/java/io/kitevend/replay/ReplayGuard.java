package io.kitevend.replay;

import io.kitevend.DependencyUnavailableException;
import java.time.Instant;

/** Lets each token id through once. The record of a use expires with the token. */
public interface ReplayGuard {

    /**
     * Returns true the first time {@code tokenId} is seen, false on every later use (whichever
     * request makes it). The use is recorded with {@code requestId}, the request that made it.
     */
    boolean firstUse(String tokenId, Instant tokenExpiresAt, String requestId) throws DependencyUnavailableException;

    /** For clients that cannot get a fresh token per attempt; chosen by configuration. */
    ReplayGuard DISABLED = (tokenId, expiresAt, requestId) -> true;
}
