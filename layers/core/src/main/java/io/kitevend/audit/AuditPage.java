package io.kitevend.audit;

import java.util.List;
import java.util.Map;

/**
 * One page of audit records, newest first, as their stored fields. {@code nextAfter} is the
 * position ({@link AuditQuery#position}) of the last record, to continue after it; null when this
 * is the last page.
 */
public record AuditPage(List<Map<String, Object>> records, String nextAfter) {
    public AuditPage {
        records = List.copyOf(records);
    }
}
