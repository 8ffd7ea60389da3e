package io.kitevend.audit;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Which audit records to read: a time window {@code [from, to)}, optionally one organization, one
 * pipeline of it, and one decision. A pipeline always comes with its organization.
 */
public record AuditFilter(Instant from, Instant to, String organization, String pipeline, Decision decision) {
    public AuditFilter {
        Objects.requireNonNull(from, "from");
        Objects.requireNonNull(to, "to");
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("from must be before to");
        }
        if (pipeline != null && organization == null) {
            throw new IllegalArgumentException("a pipeline needs its organization");
        }
    }

    /** True when the stored fields of a record pass this filter (the window included). */
    public boolean accepts(Map<String, Object> fields) {
        Object time = fields.get("time");
        if (!(time instanceof String t)) {
            return false;
        }
        Instant at = Instant.parse(t);
        if (at.isBefore(from) || !at.isBefore(to)) {
            return false;
        }
        if (decision != null && !decision.code().equals(fields.get("decision"))) {
            return false;
        }
        if (pipeline != null) {
            return organization.equals(fields.get("organization_slug")) && pipeline.equals(fields.get("pipeline_slug"));
        }
        return organization == null
                || organization.equals(fields.get("organization_slug"))
                || organization.equals(fields.get("binding_organization"));
    }
}
