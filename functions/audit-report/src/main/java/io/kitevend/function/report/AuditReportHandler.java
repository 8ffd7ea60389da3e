package io.kitevend.function.report;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import io.kitevend.assembly.ReportAssembly;
import io.kitevend.aws.AwsSettings;
import io.kitevend.aws.ReportClients;
import io.kitevend.config.ReportConfig;
import io.kitevend.config.Settings;
import io.kitevend.report.AuditReportService;
import io.kitevend.report.ReportInvocation;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * The scheduled audit report. Input: an EventBridge scheduled event (reports on the last full UTC
 * day before the event's time) or {@code {"from": ISO-8601, "to": ISO-8601}} for any window.
 * Output: a small summary with the report's locations. Parse the input, run the one use case.
 */
public final class AuditReportHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {
    private final AuditReportService service;
    private final Duration maxWindow;
    private final Clock clock;

    /** Used by Lambda: configuration from the environment, AWS through the default credentials chain. */
    public AuditReportHandler() {
        this(fromEnvironment(), Clock.systemUTC());
    }

    public AuditReportHandler(ReportAssembly assembly, Clock clock) {
        this.service = assembly.service();
        this.maxWindow = assembly.config().maxWindow();
        this.clock = clock;
    }

    private static ReportAssembly fromEnvironment() {
        ReportConfig config = ReportConfig.from(Settings.fromEnvironment());
        ReportClients aws = new ReportClients(AwsSettings.defaultChain(config.region(), config.awsEndpoint()));
        return ReportAssembly.create(config, aws, Clock.systemUTC(), System.out);
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> input, Context context) {
        return service.run(ReportInvocation.window(input, clock.instant(), maxWindow))
                .summary();
    }
}
