package io.kitevend.function.admin;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.kitevend.admin.AdminService;
import io.kitevend.assembly.AdminAssembly;
import io.kitevend.aws.AwsClients;
import io.kitevend.aws.AwsSettings;
import io.kitevend.config.AdminConfig;
import io.kitevend.config.Settings;
import io.kitevend.lambda.AdminEvents;
import io.kitevend.lambda.ApiGateway;
import java.time.Clock;

/** {@code /v1/admin/*}: parse the event (with its authorizer context), run the admin use case, answer. Nothing else. */
public final class AdminHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private final AdminService service;
    private final Clock clock;

    /** Used by Lambda: configuration from the environment, AWS through the default credentials chain. */
    public AdminHandler() {
        this(fromEnvironment(), Clock.systemUTC());
    }

    public AdminHandler(AdminService service, Clock clock) {
        this.service = service;
        this.clock = clock;
    }

    private static AdminService fromEnvironment() {
        AdminConfig config = AdminConfig.from(Settings.fromEnvironment());
        AwsClients aws = new AwsClients(AwsSettings.defaultChain(config.region(), config.awsEndpoint()));
        return AdminAssembly.create(config, aws, Clock.systemUTC(), System.out).service();
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        APIGatewayV2HTTPEvent request = event == null ? new APIGatewayV2HTTPEvent() : event;
        return ApiGateway.response(service.handle(AdminEvents.request(request, clock)));
    }
}
