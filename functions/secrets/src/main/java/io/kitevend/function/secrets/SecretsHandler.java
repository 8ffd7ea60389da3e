package io.kitevend.function.secrets;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.kitevend.assembly.SecretsAssembly;
import io.kitevend.aws.AwsClients;
import io.kitevend.aws.AwsSettings;
import io.kitevend.config.SecretsConfig;
import io.kitevend.config.Settings;
import io.kitevend.lambda.ApiGateway;
import io.kitevend.secrets.SecretsResult;
import io.kitevend.secrets.SecretsService;
import java.time.Clock;

/** {@code POST /v1/secrets}: parse the event, hand out the binding's secrets, map the result to HTTP. */
public final class SecretsHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private final SecretsService service;
    private final Clock clock;

    /** Used by Lambda: configuration from the environment, AWS through the default credentials chain. */
    public SecretsHandler() {
        this(fromEnvironment(), Clock.systemUTC());
    }

    public SecretsHandler(SecretsService service, Clock clock) {
        this.service = service;
        this.clock = clock;
    }

    private static SecretsService fromEnvironment() {
        SecretsConfig config = SecretsConfig.from(Settings.fromEnvironment());
        AwsClients aws = new AwsClients(
                AwsSettings.defaultChain(config.vend().region(), config.vend().awsEndpoint()));
        return SecretsAssembly.create(config, aws, Clock.systemUTC(), System.out)
                .service();
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        APIGatewayV2HTTPEvent request = event == null ? new APIGatewayV2HTTPEvent() : event;
        return ApiGateway.response(SecretsResult.toHttp(service.secrets(ApiGateway.request(request, clock))));
    }
}
