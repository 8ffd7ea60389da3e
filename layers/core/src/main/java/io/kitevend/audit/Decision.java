package io.kitevend.audit;

import java.util.Locale;

/** The outcome of a request as the audit trail records it. */
public enum Decision {
    ALLOW,
    DENY,
    ERROR;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
