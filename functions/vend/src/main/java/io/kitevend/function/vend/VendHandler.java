package io.kitevend.function.vend;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.kitevend.aws.AwsClients;
import io.kitevend.aws.AwsSettings;
import io.kitevend.config.Settings;
import io.kitevend.config.VendConfig;
import io.kitevend.http.ApiGateway;
import io.kitevend.vend.VendAssembly;
import io.kitevend.vend.VendResponses;
import io.kitevend.vend.VendService;
import java.time.Clock;

/** {@code POST /v1/credentials}: parse the event, vend, map the result to HTTP. Nothing else. */
public final class VendHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private final VendService service;
    private final Clock clock;

    /** Used by Lambda: configuration from the environment, AWS through the default credentials chain. */
    public VendHandler() {
        this(fromEnvironment(), Clock.systemUTC());
    }

    public VendHandler(VendService service, Clock clock) {
        this.service = service;
        this.clock = clock;
    }

    private static VendService fromEnvironment() {
        VendConfig config = VendConfig.from(Settings.fromEnvironment());
        AwsClients aws = new AwsClients(AwsSettings.defaultChain(config.region(), config.awsEndpoint()));
        return VendAssembly.create(config, aws, Clock.systemUTC(), System.out).service();
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        APIGatewayV2HTTPEvent request = event == null ? new APIGatewayV2HTTPEvent() : event;
        return ApiGateway.response(VendResponses.toHttp(service.vend(ApiGateway.request(request, clock))));
    }
}
