package io.kitevend.aws;

import io.kitevend.report.ReportException;
import io.kitevend.report.ReportStore;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Optional;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;

/**
 * Reports in an S3 bucket (encryption, public access block and lifecycle are the bucket's, set
 * by the template). Each put replaces the object under its key.
 */
public final class S3ReportStore implements ReportStore {
    public static final String JSON_TYPE = "application/json; charset=utf-8";
    public static final String HTML_TYPE = "text/html; charset=utf-8";

    private final S3Client s3;
    private final String bucket;

    public S3ReportStore(S3Client s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    @Override
    public Optional<String> readState() {
        try {
            ResponseBytes<GetObjectResponse> bytes =
                    s3.getObjectAsBytes(b -> b.bucket(bucket).key(STATE_KEY));
            return Optional.of(bytes.asUtf8String());
        } catch (NoSuchKeyException absent) {
            return Optional.empty();
        } catch (SdkException e) {
            throw new ReportException("reading s3://" + bucket + "/" + STATE_KEY + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void writeState(String json) {
        put(STATE_KEY, json, JSON_TYPE);
    }

    @Override
    public Written writeReport(LocalDate day, String json, String html) {
        String jsonKey = ReportStore.jsonKey(day);
        String htmlKey = ReportStore.htmlKey(day);
        put(jsonKey, json, JSON_TYPE);
        put(htmlKey, html, HTML_TYPE);
        return new Written("s3://" + bucket + "/" + jsonKey, "s3://" + bucket + "/" + htmlKey);
    }

    private void put(String key, String body, String contentType) {
        try {
            s3.putObject(
                    PutObjectRequest.builder()
                            .bucket(bucket)
                            .key(key)
                            .contentType(contentType)
                            .build(),
                    RequestBody.fromString(body, StandardCharsets.UTF_8));
        } catch (SdkException e) {
            throw new ReportException("writing s3://" + bucket + "/" + key + " failed: " + e.getMessage(), e);
        }
    }
}
