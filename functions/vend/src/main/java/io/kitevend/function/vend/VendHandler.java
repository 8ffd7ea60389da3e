package io.kitevend.function.vend;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPEvent;
import com.amazonaws.services.lambda.runtime.events.APIGatewayV2HTTPResponse;
import io.kitevend.assembly.VendAssembly;
import io.kitevend.aws.AwsClients;
import io.kitevend.aws.AwsSettings;
import io.kitevend.aws.RefreshableCredentialsProvider;
import io.kitevend.config.Settings;
import io.kitevend.config.VendConfig;
import io.kitevend.lambda.ApiGateway;
import io.kitevend.snapstart.VendPriming;
import io.kitevend.vend.VendResponses;
import io.kitevend.vend.VendService;
import java.io.PrintStream;
import java.time.Clock;
import org.crac.Core;

/** {@code POST /v1/credentials}: parse the event, vend, map the result to HTTP. Nothing else. */
public final class VendHandler implements RequestHandler<APIGatewayV2HTTPEvent, APIGatewayV2HTTPResponse> {
    private final VendService service;
    private final Clock clock;
    /**
     * The SnapStart hooks, or null when the handler was given a service. Held here because the
     * CRaC context keeps its resources only through weak references.
     */
    private final VendPriming priming;

    /**
     * Used by Lambda: configuration from the environment, AWS through the default credentials
     * chain (behind a provider the SnapStart hooks can forget), hooks registered for SnapStart.
     */
    public VendHandler() {
        this(Settings.fromEnvironment(), Clock.systemUTC(), System.out);
        Core.getGlobalContext().register(priming);
    }

    /** As Lambda builds it, from the given settings, without registering the hooks. */
    VendHandler(Settings settings, Clock clock, PrintStream log) {
        VendConfig config = VendConfig.from(settings);
        RefreshableCredentialsProvider credentials = RefreshableCredentialsProvider.defaultChain();
        AwsClients aws = new AwsClients(new AwsSettings(config.region(), config.awsEndpoint(), credentials));
        VendAssembly assembly = VendAssembly.create(config, aws, clock, log);
        this.service = assembly.service();
        this.clock = clock;
        this.priming = new VendPriming(assembly, credentials::refresh, clock, log);
    }

    public VendHandler(VendService service, Clock clock) {
        this.service = service;
        this.clock = clock;
        this.priming = null;
    }

    /**
     * The SnapStart hooks registered by the environment constructor (null for a handler given a
     * service). The cold-start probe and the tests call them directly.
     */
    public VendPriming priming() {
        return priming;
    }

    @Override
    public APIGatewayV2HTTPResponse handleRequest(APIGatewayV2HTTPEvent event, Context context) {
        return ApiGateway.handle(event, clock, request -> VendResponses.toHttp(service.vend(request)));
    }
}
