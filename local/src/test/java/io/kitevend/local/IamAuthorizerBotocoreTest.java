package io.kitevend.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A second, independent SigV4 implementation signs the requests: botocore (the AWS CLI's library),
 * which, unlike the Java SDK, does not sign x-amz-content-sha256. API Gateway accepts both, so the
 * runner must too. Skipped when Python with botocore is not on the machine (except under CI=true).
 */
class IamAuthorizerBotocoreTest {
    private static final String SIGN = """
            import json, sys
            from botocore.auth import SigV4Auth
            from botocore.awsrequest import AWSRequest
            from botocore.credentials import Credentials
            a = json.loads(sys.argv[1])
            req = AWSRequest(method=a["method"], url=a["url"], data=a["body"].encode(), headers={"content-type": "application/json"})
            SigV4Auth(Credentials(a["akid"], a["secret"]), "execute-api", a["region"]).add_auth(req)
            print(json.dumps(dict(req.headers.items())))
            """;

    private static final IamAuthorizer.AccessKey KEY = new IamAuthorizer.AccessKey(
            "AKIAADMINEXAMPLE0001",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYADMINKEY01",
            "arn:aws:sts::123456789012:assumed-role/KitevendAdmins/alice");

    @Test
    void requestsSignedByBotocoreAreAcceptedAndTamperingIsNot() throws Exception {
        // botocore signs with the current time, so the authorizer uses it too.
        IamAuthorizer authorizer = new IamAuthorizer(List.of(KEY), "us-east-1", Clock.systemUTC());
        String path = "/v1/admin/bindings/acme/deploy%20main";
        String query = "pipeline=deploy&organization=acme&limit=10";
        String body = "{\"name\":\"deploy-main\"}";
        Map<String, List<String>> headers = signWithBotocore("PUT", "http://127.0.0.1:8787" + path + "?" + query, body);
        assertThat(headers).doesNotContainKey("x-amz-content-sha256");

        var ok = authorizer.authorize("PUT", path, query, headers, body.getBytes(StandardCharsets.UTF_8));
        assertThat(ok)
                .isInstanceOfSatisfying(
                        IamAuthorizer.Allowed.class,
                        a -> assertThat(a.caller().userArn()).isEqualTo(KEY.principalArn()));

        var otherBody =
                authorizer.authorize("PUT", path, query, headers, "{\"name\":\"x\"}".getBytes(StandardCharsets.UTF_8));
        assertThat(otherBody).isInstanceOf(IamAuthorizer.Denied.class);
        var otherQuery = authorizer.authorize(
                "PUT",
                path,
                "organization=evil&pipeline=deploy&limit=10",
                headers,
                body.getBytes(StandardCharsets.UTF_8));
        assertThat(otherQuery).isInstanceOf(IamAuthorizer.Denied.class);
        var otherPath = authorizer.authorize(
                "PUT", "/v1/admin/bindings/acme/other", query, headers, body.getBytes(StandardCharsets.UTF_8));
        assertThat(otherPath).isInstanceOf(IamAuthorizer.Denied.class);
    }

    private static Map<String, List<String>> signWithBotocore(String method, String url, String body) throws Exception {
        String args = io.kitevend.json.Json.write(Map.of(
                "method",
                method,
                "url",
                url,
                "body",
                body,
                "akid",
                KEY.accessKeyId(),
                "secret",
                KEY.secretAccessKey(),
                "region",
                "us-east-1"));
        Process p;
        try {
            p = new ProcessBuilder("python3", "-c", SIGN, args)
                    .redirectErrorStream(false)
                    .start();
        } catch (java.io.IOException e) {
            skip("python3 is not available");
            return Map.of();
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(30, TimeUnit.SECONDS);
        if (p.exitValue() != 0) {
            skip("botocore is not available: " + err.lines().reduce((a, b) -> b).orElse(""));
        }
        Map<String, Object> signed = io.kitevend.json.Json.mapper().readValue(out, Map.class);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        signed.forEach(
                (k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), new ArrayList<>(List.of(v.toString()))));
        headers.put("host", List.of("127.0.0.1:8787"));
        return headers;
    }

    private static void skip(String why) {
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new IllegalStateException(why);
        }
        assumeTrue(false, why);
    }
}
