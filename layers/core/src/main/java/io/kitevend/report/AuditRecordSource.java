package io.kitevend.report;

import java.util.Map;
import java.util.stream.Stream;

/**
 * Audit records as the flat fields of {@code AuditRecord.fields()}, streamed: a source must not
 * hold the whole window in memory. It should deliver the records of the window only; the report
 * checks each record's time anyway and counts (and skips) those outside it. The caller closes
 * the stream.
 */
@FunctionalInterface
public interface AuditRecordSource {
    Stream<Map<String, Object>> records(ReportWindow window);
}
