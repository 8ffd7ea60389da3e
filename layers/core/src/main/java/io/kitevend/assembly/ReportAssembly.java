package io.kitevend.assembly;

import io.kitevend.aws.DynamoAuditReader;
import io.kitevend.aws.DynamoBindingReader;
import io.kitevend.aws.ReportClients;
import io.kitevend.aws.S3ReportStore;
import io.kitevend.aws.SnsReportNotifier;
import io.kitevend.config.ReportConfig;
import io.kitevend.json.LogLine;
import io.kitevend.report.AuditRecordSource;
import io.kitevend.report.AuditReportService;
import io.kitevend.report.BindingSource;
import io.kitevend.report.ReportNotifier;
import io.kitevend.report.ReportStore;
import java.io.PrintStream;
import java.time.Clock;

/** The audit report use case put together from its configuration with the AWS adapters. */
public record ReportAssembly(AuditReportService service, ReportConfig config) {

    public static ReportAssembly create(ReportConfig config, ReportClients aws, Clock clock, PrintStream log) {
        var dynamo = aws.dynamo();
        AuditRecordSource records = new DynamoAuditReader(dynamo, config.auditTable(), config.auditShards());
        BindingSource bindings = new DynamoBindingReader(
                dynamo,
                config.bindingsTable(),
                config.organizations(),
                problem -> LogLine.print(log, "WARN", "stored binding skipped by the report: " + problem));
        ReportStore store = new S3ReportStore(aws.s3(), config.bucket());
        ReportNotifier notifier = config.topicArn()
                .<ReportNotifier>map(arn -> new SnsReportNotifier(aws.sns(), arn))
                .orElse(ReportNotifier.NONE);
        return new ReportAssembly(
                new AuditReportService(records, bindings, store, notifier, config.options(), clock, log), config);
    }
}
