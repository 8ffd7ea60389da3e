package io.kitevend.credentials;

import io.kitevend.DependencyUnavailableException;

/** Turns a decided {@link SessionRequest} into credentials. */
public interface CredentialIssuer {
    IssuedCredentials issue(SessionRequest request) throws RoleRefusedException, DependencyUnavailableException;
}
